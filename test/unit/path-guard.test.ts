import { describe, expect, test } from "bun:test";
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { IdseError } from "../../src/errors.ts";
import { readTextIfExists, writeFileAtomic } from "../../src/store/atomic-file.ts";
import {
  boundaryOf,
  guardRead,
  guardWrite,
  lexicallyInside,
  resolveReal,
} from "../../src/store/path-guard.ts";
import { tempDir } from "../helpers.ts";

// src/store/path-guard.ts and the atomic writer built on it: where a path really leads, the refusal of one that
// leads out (naming the link), and writes that keep the replaced file's mode and owner and go through a
// symlink inside the repository to its target.

function repo() {
  const root = tempDir();
  mkdirSync(join(root, ".idse", "projects"), { recursive: true });
  return root;
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof IdseError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
};

describe("path guard", () => {
  test("boundaryOf: a path under .idse/ is bounded by the repository that holds it", () => {
    expect(boundaryOf("/r/.idse/config.json")).toBe("/r");
    expect(boundaryOf("/r/.idse/projects/p/sessions/s/specs/spec.md")).toBe("/r");
    expect(boundaryOf("/home/me/.cache/idse/x.tgz")).toBeUndefined();
    expect(boundaryOf("/r/CLAUDE.md")).toBeUndefined();
    expect(lexicallyInside("/r", "/r/a/b")).toBe(true);
    expect(lexicallyInside("/r", "/r")).toBe(true);
    expect(lexicallyInside("/r", "/rr/a")).toBe(false);
    expect(lexicallyInside("/r", "/r/../x")).toBe(false);
  });

  test("resolveReal follows links, including dangling ones, for paths that do not exist yet", () => {
    const root = repo();
    const outside = tempDir("idse-outside-");
    symlinkSync(join(outside, "later"), join(root, "dangling"));
    expect(resolveReal(join(root, "dangling", "a", "b.md"))).toBe(join(outside, "later", "a", "b.md"));
    symlinkSync("docs", join(root, "rel"));
    expect(resolveReal(join(root, "rel", "x.md"))).toBe(join(root, "docs", "x.md"));
  });

  test("a read or write through a link that leads out is refused, naming the file and the link", () => {
    const root = repo();
    const outside = tempDir("idse-outside-");
    writeFileSync(join(outside, "secret.md"), "outside");
    symlinkSync(outside, join(root, ".idse", "projects", "p"));
    const file = join(root, ".idse", "projects", "p", "secret.md");
    for (const e of [refusal(() => guardRead(root, file)), refusal(() => guardWrite(root, file))]) {
      expect(e.code).toBe("PATH_OUTSIDE_WORKSPACE");
      expect(e.exitCode).toBe(1);
      expect(e.data).toMatchObject({
        file: ".idse/projects/p/secret.md",
        link: ".idse/projects/p",
        target: outside,
      });
      expect(e.message).toContain(".idse/projects/p is a symbolic link to");
      expect(e.hint).toContain("`rm .idse/projects/p`");
    }
    // The default reader bounds a path under .idse/ by its repository.
    expect(refusal(() => readTextIfExists(file)).code).toBe("PATH_OUTSIDE_WORKSPACE");
  });

  test("a link inside the repository is followed; a missing file reads as missing", () => {
    const root = repo();
    mkdirSync(join(root, "docs"));
    writeFileSync(join(root, "docs", "a.md"), "inside");
    symlinkSync("../../docs", join(root, ".idse", "projects", "docs"));
    expect(readTextIfExists(join(root, ".idse", "projects", "docs", "a.md"))).toBe("inside");
    expect(readTextIfExists(join(root, ".idse", "projects", "docs", "none.md"))).toBeUndefined();
    expect(guardRead(root, join(root, ".idse", "nothing", "here"))).toBeUndefined();
  });
});

describe("writeFileAtomic", () => {
  test("keeps the replaced file's mode (a config.json of mode 600 stays 600)", () => {
    const root = repo();
    const file = join(root, ".idse", "config.json");
    writeFileSync(file, "{}\n");
    chmodSync(file, 0o600);
    writeFileAtomic(file, '{ "owner": "me" }\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o664); // group-writable survives the umask too
    writeFileAtomic(file, "{}\n");
    expect(statSync(file).mode & 0o777).toBe(0o664);
  });

  test("keeps the replaced file's owner when it can (running as root); a new file is 644 at most", () => {
    const root = repo();
    const file = join(root, ".idse", "config.json");
    writeFileSync(file, "{}\n");
    const root_ = process.getuid?.() === 0;
    if (root_) chownSync(file, 1234, 2345);
    writeFileAtomic(file, "{}\n");
    const st = statSync(file);
    expect([st.uid, st.gid]).toEqual(root_ ? [1234, 2345] : [process.getuid!(), process.getgid!()]);
    writeFileAtomic(join(root, ".idse", "new.json"), "{}\n");
    expect(statSync(join(root, ".idse", "new.json")).mode & 0o022).toBe(0);
  });

  test("writes through a symlink inside the repository to its target; the link stays a link", () => {
    const root = repo();
    mkdirSync(join(root, "config"));
    mkdirSync(join(root, ".claude"));
    writeFileSync(join(root, "config", "claude.json"), "{}\n", { mode: 0o600 });
    const link = join(root, ".claude", "settings.json");
    symlinkSync("../config/claude.json", link);
    writeFileAtomic(link, '{ "hooks": {} }\n', root);
    expect(readlinkSync(link)).toBe("../config/claude.json");
    expect(readFileSync(join(root, "config", "claude.json"), "utf8")).toBe('{ "hooks": {} }\n');
    expect(statSync(join(root, "config", "claude.json")).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, "config"))).toEqual(["claude.json"]); // no temp file left
  });

  test("a symlink that leads out is refused and nothing is written on either side", () => {
    const root = repo();
    const outside = tempDir("idse-outside-");
    writeFileSync(join(outside, "victim.json"), "theirs");
    const link = join(root, ".idse", "config.json");
    symlinkSync(join(outside, "victim.json"), link);
    expect(refusal(() => writeFileAtomic(link, "mine")).code).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(readFileSync(join(outside, "victim.json"), "utf8")).toBe("theirs");
    expect(readdirSync(outside)).toEqual(["victim.json"]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(root, ".idse")).sort()).toEqual(["config.json", "projects"]);
  });

  test("a path the caller names outside any repository (null) is written as named, through links", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "real.xml"), "old");
    symlinkSync("real.xml", join(dir, "report.xml"));
    writeFileAtomic(join(dir, "report.xml"), "new", null);
    expect(lstatSync(join(dir, "report.xml")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real.xml"), "utf8")).toBe("new");
  });
});
