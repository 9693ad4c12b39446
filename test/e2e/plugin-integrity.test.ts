import { beforeAll, describe, expect, test } from "bun:test";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { PluginLockEntry } from "../../src/models/plugins.ts";
import { sri, treeIntegrity } from "../../src/plugins/integrity.ts";
import { tempDir } from "../helpers.ts";
import { tgz } from "../plugins/fixtures.ts";
import { errorOf, expectFail, json, ok, readJson, requireBinary, run, snapshot } from "./util.ts";

// Integrity at every load, on the compiled binary: every file of an installed plugin is checked before
// any of its code runs (not only the entry: a sibling it imports too), plugins.json must agree with
// itself (per-file hashes against the package integrity), a bundled source must be the binary's own
// bytes, and symbolic links are refused at install and at load. The plugin marks every run in a file.

beforeAll(requireBinary);

const ENTRY = `import { mark } from "./lib.js";
mark("module");
export default () => ({ kind: "store", async createStore() { mark("store"); return {
  kind: "m", location: "m", read: async () => undefined, write: async () => {}, has: async () => false,
  remove: async () => {}, list: async () => [] }; } });
`;
const LIB = `import { appendFileSync } from "node:fs";
export const mark = (what) => { if (process.env.IDSE_TEST_MARKER) appendFileSync(process.env.IDSE_TEST_MARKER, what + "\\n"); };
`;

const PKG = JSON.stringify({
  name: "two-file-store",
  version: "1.0.0",
  type: "module",
  idse: { name: "two-file-store", kind: "store", apiVersion: 1, entry: "index.js", capabilities: [] },
});
/** The same plugin in one file, for a folder install (which copies the manifest, entry and README). */
const SINGLE = `${LIB}${ENTRY.replace(/^import .*\n/, "")}`;

/** A folder plugin's source. */
function pluginSource(): string {
  const dir = join(tempDir("idse-plugin-src-"), "two-file-store");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), PKG);
  writeFileSync(join(dir, "index.js"), SINGLE);
  writeFileSync(join(dir, "README.md"), "# two files\n");
  return dir;
}

/** A workspace whose store is the plugin, installed from a tarball (index.js + lib.js) or a folder. */
async function installed(from: "tarball" | "folder" = "tarball") {
  const cwd = tempDir();
  const marker = join(tempDir("idse-marker-"), "ran");
  const env = { HOME: tempDir("idse-home-"), IDSE_TEST_MARKER: marker };
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env });
  let spec = pluginSource();
  if (from === "tarball") {
    spec = join(tempDir(), "two-file-store-1.0.0.tgz");
    writeFileSync(
      spec,
      await tgz({ "package.json": PKG, "index.js": ENTRY, "lib.js": LIB, "README.md": "# two\n" }),
    );
  }
  // `plugin add` runs the factory once: that run is the user's own, so the marker starts afterwards.
  ok(["plugin", "add", spec, "--yes"], { cwd, env: { HOME: env.HOME } });
  writeFileSync(join(cwd, ".idse", "config.json"), JSON.stringify({ store: { plugin: "two-file-store" } }));
  ok(["plugin", "verify"], { cwd, env });
  expect(existsSync(marker)).toBe(false);
  const dir = join(cwd, ".idse", "plugins", "two-file-store");
  return { cwd, env, marker, dir, lockFile: join(cwd, ".idse", "plugins.json") };
}

const rewriteLock = (file: string, fn: (p: PluginLockEntry) => void) => {
  const lock = readJson(file);
  fn(lock.plugins[0]);
  writeFileSync(file, JSON.stringify(lock));
};

function refusedToLoad(x: Awaited<ReturnType<typeof installed>>, problem: string) {
  const verify = json(["plugin", "verify"], { cwd: x.cwd, env: x.env });
  expect(verify.code).toBe(1);
  expect(verify.env.data.plugins[0].problems.map((p: { problem: string }) => p.problem)).toContain(problem);
  expect(verify.env.diagnostics[0].code).toBe("PLUGIN_TAMPERED");
  const r = expectFail(json(["status"], { cwd: x.cwd, env: x.env }), 1, "PLUGIN_INTEGRITY");
  // Nor can it be approved: `idse trust` refuses what does not match plugins.json.
  expectFail(json(["trust"], { cwd: x.cwd, env: x.env }), 1, "PLUGIN_INTEGRITY");
  expect(existsSync(x.marker)).toBe(false);
  return r;
}

describe("a tampered plugin is refused before any of its code runs", () => {
  test("untouched, it loads (the marker proves the check is not refusing everything)", async () => {
    for (const from of ["tarball", "folder"] as const) {
      const x = await installed(from);
      // The store is empty (no project in it), but it was loaded and ran.
      run(["status", "--json"], { cwd: x.cwd, env: x.env });
      expect(readFileSync(x.marker, "utf8")).toContain("store");
    }
  });

  test("a sibling file the entry imports (lib.js) is changed", async () => {
    const x = await installed();
    appendFileSync(join(x.dir, "lib.js"), "\nmark('evil');\n");
    const r = refusedToLoad(x, "modified");
    expect(errorOf(r).message).toContain(".idse/plugins/two-file-store/lib.js");
    expect(errorOf(r).hint).toContain("idse plugin verify two-file-store");
    expect(errorOf(r).hint).toContain("idse plugin add ");
  });

  test("a file's hash is rewritten in plugins.json to fit, the package integrity left stale", async () => {
    const x = await installed();
    appendFileSync(join(x.dir, "lib.js"), "\nmark('evil');\n");
    rewriteLock(x.lockFile, (p) => {
      p.files["lib.js"] = sri(`${LIB}\nmark('evil');\n`);
    });
    const r = refusedToLoad(x, "integrity");
    expect(errorOf(r).message).toContain(".idse/plugins.json");
  });

  test("the package integrity alone is rewritten (files_integrity of a tarball, integrity of a folder)", async () => {
    const x = await installed();
    rewriteLock(x.lockFile, (p) => {
      p.files_integrity = sri("something else");
    });
    refusedToLoad(x, "integrity");
    const y = await installed("folder");
    rewriteLock(y.lockFile, (p) => {
      p.integrity = sri("something else");
    });
    const r = refusedToLoad(y, "integrity");
    // The hint's command puts the folder plugin back as it was, and it loads again.
    const reinstall = /`idse plugin add (\S+) --yes`/.exec(errorOf(r).hint ?? "")?.[1];
    expect(reinstall).toStartWith("/");
    ok(["plugin", "add", reinstall!, "--yes"], { cwd: y.cwd, env: { HOME: y.env.HOME } });
    expect(ok(["plugin", "verify", "--json"], { cwd: y.cwd, env: y.env }).env.data.ok).toBe(true);
  });

  test("an extra file appears", async () => {
    const x = await installed();
    writeFileSync(join(x.dir, "extra.js"), "export {};\n");
    refusedToLoad(x, "unexpected");
  });

  test("a file goes missing", async () => {
    const x = await installed();
    rmSync(join(x.dir, "README.md"));
    refusedToLoad(x, "missing");
  });

  test("a file is replaced by a symbolic link (never followed)", async () => {
    const x = await installed();
    const outside = join(tempDir(), "lib.js");
    writeFileSync(outside, LIB);
    rmSync(join(x.dir, "lib.js"));
    symlinkSync(outside, join(x.dir, "lib.js"));
    refusedToLoad(x, "symlink");
  });
});

test("a folder plugin holding a symbolic link is refused at add, and nothing changes", () => {
  const cwd = tempDir();
  const env = { HOME: tempDir("idse-home-") };
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env });
  const src = pluginSource();
  const secret = join(tempDir(), "id_rsa");
  writeFileSync(secret, "PRIVATE\n");
  rmSync(join(src, "README.md"));
  symlinkSync(secret, join(src, "README.md"));
  const before = snapshot(join(cwd, ".idse"));
  const r = expectFail(json(["plugin", "add", src, "--yes"], { cwd, env }), 1, "PLUGIN_SYMLINK");
  expect(errorOf(r).message).toContain("README.md");
  expect(snapshot(join(cwd, ".idse"))).toEqual(before);
});

test("a bundled plugin must be byte for byte this binary's copy, even with a consistent plugins.json", () => {
  const cwd = tempDir();
  const env = { HOME: tempDir("idse-home-") };
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env });
  ok(["plugin", "add", "windsurf", "--yes", "--offline"], { cwd, env });
  const dir = join(cwd, ".idse", "plugins", "windsurf");
  const entry = readJson(join(cwd, ".idse", "plugins.json")).plugins[0];
  appendFileSync(join(dir, entry.entry), "\n// edited\n");
  rewriteLock(join(cwd, ".idse", "plugins.json"), (p) => {
    p.files[p.entry] = sri(readFileSync(join(dir, p.entry)));
    p.integrity = p.files_integrity = treeIntegrity(p.files);
  });
  const verify = json(["plugin", "verify"], { cwd, env });
  expect(verify.code).toBe(1);
  expect(verify.env.data.plugins[0].problems).toEqual([
    expect.objectContaining({ file: "(bundled copy)", problem: "integrity" }),
  ]);
  ok(["agents", "add", "cascade", "--ide", "windsurf", "--mode", "planning", "--stages", "intent"], {
    cwd,
    env,
  });
  expectFail(json(["agents", "sync-files"], { cwd, env }), 1, "PLUGIN_INTEGRITY");
  // The hint's command puts the binary's copy back.
  ok(["plugin", "add", "windsurf", "--yes", "--offline"], { cwd, env });
  expect(ok(["plugin", "verify", "--json"], { cwd, env }).env.data.ok).toBe(true);
});

test("a plugins folder linked outside the repository is neither loaded nor removed through", async () => {
  const x = await installed("folder");
  const outside = join(tempDir("idse-outside-"), "plugins");
  renameSync(join(x.cwd, ".idse", "plugins"), outside);
  symlinkSync(outside, join(x.cwd, ".idse", "plugins"));
  const before = snapshot(outside);
  refusedToLoad(x, "symlink");
  const r = expectFail(
    json(["plugin", "remove", "two-file-store"], { cwd: x.cwd, env: x.env }),
    1,
    "PLUGIN_SYMLINK",
  );
  expect(errorOf(r).message).toContain(join(".idse", "plugins"));
  expect(snapshot(outside)).toEqual(before);
});
