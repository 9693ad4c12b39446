import { describe, expect, test } from "bun:test";
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { idse, type RunResult, tempDir } from "../helpers.ts";
import { linkOut, outsideDir, PROFILE_SPEC, PROJECT, SECRET, sessionDir, snapshot } from "./corpus.ts";

// The symlink corpus in-process (docs/security.md, "Paths"): every command that reads or writes the
// workspace, run in a repository where one path on its way is a symlink to a folder outside it. Each is
// refused with PATH_OUTSIDE_WORKSPACE (exit 1, naming the file and the link), nothing outside changes,
// and nothing from outside is printed. The compiled binary runs a subset (test/e2e/paths.test.ts).

interface Case {
  name: string;
  argv: string[];
  stdin?: string;
  /** Workspace preparation before the link is made (sessions, remotes, a store). */
  prepare?: (repo: string, env: Env) => Promise<void>;
  /** Makes the link; returns nothing. */
  link: (repo: string, outside: string, env: Env) => void;
  /** The diagnostic code and exit code when it is not PATH_OUTSIDE_WORKSPACE (a remote that is the workspace). */
  code?: string;
  exit?: number;
  init?: string[];
}

interface Env {
  remote: string;
}

const ok = async (argv: string[], cwd: string, stdin?: string) => {
  const r = await idse(argv, { cwd, stdin });
  if (r.code !== 0) throw new Error(`idse ${argv.join(" ")}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  return r;
};
const withRemote = async (repo: string, env: Env) => {
  await ok(["remote", "add", "backup", env.remote], repo);
};
const pushed = async (repo: string, env: Env) => {
  await withRemote(repo, env);
  await ok(["sync", "push"], repo);
};
const withProfile = async (repo: string) => {
  await ok(["artifact", "write", "--stage", "spec", "--session", "__blueprint__"], repo, PROFILE_SPEC);
};
const bp = sessionDir("__blueprint__");

const CASES: Case[] = [
  {
    name: "artifact read: specs/ is a link out",
    argv: ["artifact", "read", "--stage", "spec"],
    link: (r, o) => linkOut(r, `${bp}/specs`, o),
  },
  {
    name: "artifact read: spec.md is a link to a file outside",
    argv: ["artifact", "read", "--stage", "spec"],
    link: (r, o) => linkOut(r, `${bp}/specs/spec.md`, o),
  },
  {
    name: "artifact write: specs/ is a link out",
    argv: ["artifact", "write", "--stage", "spec"],
    stdin: "# Spec\n\nnew text\n",
    link: (r, o) => linkOut(r, `${bp}/specs`, o),
  },
  {
    name: "artifact write: plan.md is a dangling link out",
    argv: ["artifact", "write", "--stage", "plan"],
    stdin: "# Plan\n\nnew text\n",
    link: (r, o) => {
      const target = join(o, "not-yet.md");
      const file = join(r, bp, "plans", "plan.md");
      renameSync(file, join(o, "plan-was.md"));
      symlinkSync(target, file);
    },
  },
  {
    name: "artifact write --file: a file inside the repository that is a link to a file outside",
    argv: ["artifact", "write", "--stage", "plan", "--file", "notes/plan.md"],
    link: (r, o) => linkOut(r, "notes/plan.md", o, { file: true }),
  },
  {
    name: "session set-owner: metadata/ is a link out",
    argv: ["session", "set-owner", "__blueprint__", "--owner", "mallory"],
    link: (r, o) => linkOut(r, `${bp}/metadata`, o),
  },
  {
    name: "session set-stage: metadata/ is a link out",
    argv: ["session", "set-stage", "__blueprint__", "--stage", "intent", "--status", "completed"],
    link: (r, o) => linkOut(r, `${bp}/metadata`, o),
  },
  {
    name: "session add-collaborator: metadata/ is a link out",
    argv: ["session", "add-collaborator", "__blueprint__", "--name", "cy"],
    link: (r, o) => linkOut(r, `${bp}/metadata`, o),
  },
  {
    name: "session create: sessions/ is a link out",
    argv: ["session", "create", "billing"],
    link: (r, o) => linkOut(r, `.idse/projects/${PROJECT}/sessions`, o),
  },
  {
    name: "session create: the project folder is a link out",
    argv: ["session", "create", "billing"],
    link: (r, o) => linkOut(r, `.idse/projects/${PROJECT}`, o),
  },
  {
    name: "session create: the new session's folder is a dangling link out",
    argv: ["session", "create", "billing"],
    link: (r, o) => symlinkSync(join(o, "billing"), join(r, sessionDir("billing"))),
  },
  {
    name: "status: .idse itself is a link out",
    argv: ["status"],
    link: (r, o) => linkOut(r, ".idse", o),
  },
  {
    name: "status: session_state.json is a link to a file outside",
    argv: ["status"],
    link: (r, o) => linkOut(r, `.idse/projects/${PROJECT}/session_state.json`, o),
  },
  {
    name: "validate --all: specs/ is a link out",
    argv: ["validate", "--all"],
    link: (r, o) => linkOut(r, `${bp}/specs`, o),
  },
  {
    name: "doctor --fix: metadata/ is a link out",
    argv: ["doctor", "--fix"],
    link: (r, o) => linkOut(r, `${bp}/metadata`, o),
  },
  {
    name: "sync push: its base folder (sync/) is a link out",
    argv: ["sync", "push"],
    prepare: withRemote,
    link: (r, o) => linkOut(r, `.idse/projects/${PROJECT}/sync`, o),
  },
  {
    name: "sync push: spec.md is a link to a file outside (never sent)",
    argv: ["sync", "push"],
    prepare: withRemote,
    link: (r, o) => linkOut(r, `${bp}/specs/spec.md`, o),
  },
  {
    name: "sync status: spec.md is a link to a file outside",
    argv: ["sync", "status"],
    prepare: withRemote,
    link: (r, o) => linkOut(r, `${bp}/specs/spec.md`, o),
  },
  {
    name: "sync pull: a folder in the filesystem remote is a link out",
    argv: ["sync", "pull", "--yes"],
    prepare: pushed,
    link: (_r, o, env) => linkOut(env.remote, `projects/${PROJECT}/sessions/__blueprint__/specs`, o),
  },
  {
    name: "sync push: a folder in the filesystem remote is a link out",
    argv: ["sync", "push", "--force", "--yes"],
    prepare: pushed,
    link: (_r, o, env) => linkOut(env.remote, `projects/${PROJECT}/sessions/__blueprint__/plans`, o),
  },
  {
    name: "compile agent-spec --all: build/ is a link out",
    argv: ["compile", "agent-spec", "--all"],
    prepare: withProfile,
    link: (r, o) => linkOut(r, `.idse/projects/${PROJECT}/build`, o),
  },
  {
    name: "compile agent-spec --out: a folder of the repository that is a link out",
    argv: ["compile", "agent-spec", "--out", "profiles/agents"],
    prepare: withProfile,
    link: (r, o) => linkOut(r, "profiles", o),
  },
  {
    name: "validate --output: a report file inside the repository that is a link out",
    argv: ["validate", "--format", "junit", "--output", "reports/junit.xml"],
    link: (r, o) => linkOut(r, "reports", o),
  },
  {
    name: "config set: config.json is a link to a file outside",
    argv: ["config", "set", "owner", "mallory"],
    link: (r, o) => linkOut(r, ".idse/config.json", o),
  },
  {
    name: "agents sync-files: CLAUDE.md is a link to a file outside",
    argv: ["agents", "sync-files", "--force"],
    link: (r, o) => linkOut(r, "CLAUDE.md", o),
  },
  {
    name: "agents install-hooks: .claude/ is a link out",
    argv: ["agents", "install-hooks", "--command", "idse"],
    link: (r, o) => linkOut(r, ".claude", o),
  },
  {
    name: "store export --dir: the export folder inside the repository is a link out",
    argv: ["store", "export", "--dir", "agent-view"],
    init: ["--store", "sqlite-store"],
    link: (r, o) => linkOut(r, "agent-view", o),
  },
  {
    name: "store export: a folder of the default export (.idse/projects) is a link out",
    argv: ["store", "export"],
    init: ["--store", "sqlite-store"],
    link: (r, o) => linkOut(r, ".idse/projects", o),
  },
  {
    name: "remote add: a link to .idse is the workspace itself",
    argv: ["remote", "add", "self", "mirror"],
    code: "REMOTE_INVALID",
    exit: 2,
    link: (r) => symlinkSync(join(r, ".idse"), join(r, "mirror")),
  },
  {
    name: "sync push: the remote's folder became a link to .idse after `remote add`",
    argv: ["sync", "push"],
    code: "REMOTE_INVALID",
    exit: 2,
    prepare: withRemote,
    link: (r, _o, env) => symlinkSync(join(r, ".idse"), env.remote),
  },
];

async function runCase(c: Case): Promise<{ r: RunResult; outside: string; before: Record<string, string> }> {
  const repo = tempDir();
  const env = { remote: join(tempDir("idse-remote-"), "backup") };
  await ok(["init", PROJECT, "-q", ...(c.init ?? [])], repo);
  await c.prepare?.(repo, env);
  const outside = outsideDir();
  c.link(repo, outside, env);
  const before = snapshot(outside);
  const r = await idse([...c.argv, "--json"], { cwd: repo, stdin: c.stdin });
  return { r, outside, before };
}

describe("symlink corpus: every command refuses a path that leads outside the repository", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const { r, outside, before } = await runCase(c);
      expect(r.json, r.stdout + r.stderr).toBeDefined();
      const codes = r.json!.diagnostics.map((d: { code: string }) => d.code);
      const want = c.code ?? "PATH_OUTSIDE_WORKSPACE";
      expect({ code: r.code, codes }).toMatchObject({
        code: c.exit ?? 1,
        codes: expect.arrayContaining([want]),
      });
      const d = r.json!.diagnostics.find((x: { code: string }) => x.code === want);
      if (!c.code) {
        // The message names the file and the link; the hint says how to fix it.
        expect(d.link, d.message).toBeString();
        expect(d.message).toContain(d.link);
        expect(d.hint).toContain(`rm ${d.link}`);
      }
      expect(snapshot(outside)).toEqual(before);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    });
  }
});

describe("a symlink that stays inside the repository is followed", () => {
  test("artifact write goes through a linked specs/ folder to its target; the link stays a link", async () => {
    const repo = tempDir();
    await ok(["init", PROJECT, "-q"], repo);
    const specs = join(repo, bp, "specs");
    mkdirSync(join(repo, "docs"));
    renameSync(specs, join(repo, "docs", "specs"));
    symlinkSync("../../../../../docs/specs", specs);
    await ok(["artifact", "write", "--stage", "spec"], repo, "# Spec\n\nthrough the link\n");
    expect(lstatSync(specs).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(repo, "docs", "specs", "spec.md"), "utf8")).toContain("through the link");
    const read = await ok(["artifact", "read", "--stage", "spec"], repo);
    expect(read.stdout).toContain("through the link");
  });

  test("install-hooks writes through a linked .claude/settings.json and keeps its mode", async () => {
    const repo = tempDir();
    await ok(["init", PROJECT, "-q"], repo);
    mkdirSync(join(repo, "config"));
    mkdirSync(join(repo, ".claude"));
    writeFileSync(join(repo, "config", "claude.json"), '{ "permissions": {} }\n', { mode: 0o600 });
    symlinkSync("../config/claude.json", join(repo, ".claude", "settings.json"));
    await ok(["agents", "install-hooks", "--command", "idse"], repo);
    const link = join(repo, ".claude", "settings.json");
    expect(readlinkSync(link)).toBe("../config/claude.json");
    const target = join(repo, "config", "claude.json");
    expect(JSON.parse(readFileSync(target, "utf8")).hooks.PreToolUse[0].hooks[0].command).toBe(
      "idse hook claude-pre-tool-use",
    );
    expect(lstatSync(target).mode & 0o777).toBe(0o600);
  });
});
