import { beforeAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  cpSync,
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
import { tempDir } from "../helpers.ts";
import { SQLITE_FIXTURE } from "../original-fixture.ts";
import { linkOut, outsideDir, PROFILE_SPEC, SECRET, sessionDir, snapshot } from "../paths/corpus.ts";
import { errorOf, expectFail, json, ok, read, requireBinary, run } from "./util.ts";

// The symlink corpus on the compiled binary (a representative subset of test/paths/symlinks.test.ts),
// plus what the binary writes beside the links: `compile --out` sweeps only its own temp files, and an
// atomic write keeps a file's mode.

beforeAll(requireBinary);

function repo(): string {
  const cwd = tempDir();
  ok(["init", "shop", "-q"], { cwd });
  return cwd;
}

const bp = sessionDir("__blueprint__");

describe("the compiled binary refuses paths that lead outside the repository", () => {
  const cases: { name: string; argv: string[]; stdin?: string; setup: (cwd: string, out: string) => void }[] =
    [
      {
        name: "artifact write through a linked specs/ folder",
        argv: ["artifact", "write", "--stage", "spec"],
        stdin: "# Spec\n\nmine\n",
        setup: (cwd, out) => linkOut(cwd, `${bp}/specs`, out),
      },
      {
        name: "session create under a linked sessions/ folder",
        argv: ["session", "create", "billing"],
        setup: (cwd, out) => linkOut(cwd, ".idse/projects/shop/sessions", out),
      },
      {
        name: "sync push of a spec.md that is a link to a file outside",
        argv: ["sync", "push"],
        setup: (cwd, out) => {
          ok(["remote", "add", "backup", join(tempDir("idse-remote-"), "r")], { cwd });
          linkOut(cwd, `${bp}/specs/spec.md`, out);
        },
      },
      {
        name: "compile agent-spec --all into a linked build/ folder",
        argv: ["compile", "agent-spec", "--all"],
        setup: (cwd, out) => {
          ok(["artifact", "write", "--stage", "spec"], { cwd, stdin: PROFILE_SPEC });
          linkOut(cwd, ".idse/projects/shop/build", out);
        },
      },
      {
        name: "status when .idse itself is a link out",
        argv: ["status"],
        setup: (cwd, out) => linkOut(cwd, ".idse", out),
      },
      // The four leaks the grown corpus found (test/paths/symlinks.test.ts), on the binary.
      {
        name: "report --out into a linked docs/ folder",
        argv: ["report", "--out", "docs/status.html"],
        setup: (cwd, out) => linkOut(cwd, "docs", out),
      },
      {
        name: "agents install-mcp through a .mcp.json that is a link to a file outside",
        argv: ["agents", "install-mcp", "--ide", "claude-code"],
        setup: (cwd, out) => linkOut(cwd, ".mcp.json", out, { file: true }),
      },
      {
        name: "import-original of an .idse/idse.db that is a link to a database outside",
        argv: ["import-original", "--dry-run"],
        setup: (cwd, out) => {
          const target = join(out, "idse.db");
          cpSync(join(SQLITE_FIXTURE, ".idse", "idse.db"), target);
          symlinkSync(target, join(cwd, ".idse", "idse.db"));
        },
      },
      {
        name: "validate of a session whose tree holds a link to a folder outside",
        argv: ["validate"],
        setup: (cwd, out) => symlinkSync(out, join(cwd, bp, "notes")),
      },
      {
        name: "docs install into a linked .idse/governance folder",
        argv: ["docs", "install"],
        setup: (cwd, out) => linkOut(cwd, ".idse/governance", out),
      },
    ];
  for (const c of cases) {
    test(c.name, () => {
      const cwd = repo();
      const out = outsideDir();
      c.setup(cwd, out);
      const before = snapshot(out);
      const r = expectFail(json(c.argv, { cwd, stdin: c.stdin }), 1, "PATH_OUTSIDE_WORKSPACE");
      const d = errorOf(r);
      expect(d.message).toContain(d.link as string);
      expect(d.hint).toContain(`rm ${d.link}`);
      expect(snapshot(out)).toEqual(before);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      // Text mode: the same code on stderr, exit 1.
      expectFail(run(c.argv, { cwd, stdin: c.stdin }), 1, "PATH_OUTSIDE_WORKSPACE");
      expect(snapshot(out)).toEqual(before);
    });
  }

  test("validate --all ends on a session whose tree holds links back up (Bun's recursive readdir looped)", () => {
    const cwd = repo();
    symlinkSync("..", join(cwd, bp, "specs", "up"));
    symlinkSync("../../../../..", join(cwd, bp, "repo-root"));
    for (const argv of [["validate"], ["validate", "--all"], ["validate", "--all", "--no-cache"]]) {
      const r = json(argv, { cwd });
      expect(r.env.data.reports[0].session).toBe("__blueprint__");
    }
  });

  test("remote add: a link to .idse is this workspace (real paths compared)", () => {
    const cwd = repo();
    const links = tempDir("idse-links-");
    symlinkSync(join(cwd, ".idse"), join(links, "idse"));
    expectFail(json(["remote", "add", "x", join(links, "idse")], { cwd }), 2, "REMOTE_INVALID");
  });
});

describe("what the binary writes beside other people's files", () => {
  test("compile --out removes only temp files of the files it writes, never unrelated ones", () => {
    const cwd = repo();
    ok(["artifact", "write", "--stage", "spec"], { cwd, stdin: PROFILE_SPEC });
    const out = tempDir("idse-profiles-");
    const unrelated = ["notes.1.2.tmp", "build.4194999.7.tmp", "other.profile.yaml.4194999.1.tmp"];
    for (const name of unrelated) writeFileSync(join(out, name), "not idse's");
    // A temp file a killed idse left for the very file this run writes (its pid is not running).
    writeFileSync(join(out, "__blueprint__.profile.yaml.4194999.3.tmp"), "half");
    ok(["compile", "agent-spec", "--session", "__blueprint__", "--out", out], { cwd });
    expect(readdirSync(out).sort()).toEqual([...unrelated, "__blueprint__.profile.yaml"].sort());
    for (const name of unrelated) expect(read(join(out, name))).toBe("not idse's");
  });

  test("config set keeps config.json's mode 600; install-hooks writes through a symlinked settings file", () => {
    const cwd = repo();
    ok(["config", "set", "owner", "alice"], { cwd });
    const config = join(cwd, ".idse", "config.json");
    chmodSync(config, 0o600);
    ok(["config", "set", "owner", "bob"], { cwd });
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(read(config)).owner).toBe("bob");

    mkdirSync(join(cwd, "team"));
    mkdirSync(join(cwd, ".claude"));
    writeFileSync(join(cwd, "team", "claude.json"), "{}\n");
    symlinkSync("../team/claude.json", join(cwd, ".claude", "settings.json"));
    ok(["agents", "install-hooks", "--command", "idse"], { cwd });
    expect(lstatSync(join(cwd, ".claude", "settings.json")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(cwd, ".claude", "settings.json"))).toBe("../team/claude.json");
    expect(readFileSync(join(cwd, "team", "claude.json"), "utf8")).toContain("idse hook claude-pre-tool-use");
  });
});
