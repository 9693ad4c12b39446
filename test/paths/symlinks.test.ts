import { describe, expect, test } from "bun:test";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { idse, type RunResult, tempDir } from "../helpers.ts";
import { call, connect, shopWithSession } from "../mcp/util.ts";
import { SQLITE_FIXTURE } from "../original-fixture.ts";
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
  // A link that is on no document's way, only in the session's tree: the listing refuses it rather than
  // going through it (Bun's recursive readdir listed whatever it led to, and never ended on a loop).
  ...[["validate"], ["validate", "--all"], ["validate", "--all", "--no-cache"]].map(
    (argv): Case => ({
      name: `${argv.join(" ")}: a link in the session's tree leads out`,
      argv,
      link: (r, o) => symlinkSync(o, join(r, bp, "notes")),
    }),
  ),
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
    // The corpus adds --json: the report written is then the JSON envelope (--format junit with --json is
    // a usage error).
    argv: ["validate", "--output", "reports/report.json"],
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

const pj = `.idse/projects/${PROJECT}`;
const withFeature = async (repo: string) => {
  await ok(["spawn", "--plan", "feature", "billing", "-q"], repo);
};
const withCollaborator = async (repo: string) => {
  await ok(["session", "add-collaborator", "__blueprint__", "--name", "cy"], repo);
};
const withSecondProject = async (repo: string) => {
  await ok(["init", "other", "-q", "--no-create-agent-files"], repo);
};
/** The Python original's SQLite database, kept outside, and `.idse/idse.db` a link to it. */
const originalDbOutside = (r: string, o: string) => {
  const target = join(o, "idse.db");
  cpSync(join(SQLITE_FIXTURE, ".idse", "idse.db"), target);
  symlinkSync(target, join(r, ".idse", "idse.db"));
};

// Every other command that reads or writes the workspace (the corpus grew from the 30 cases above; the
// first run of these found `report --out`, `agents install-mcp`, `import-original` and `docs install`
// going through a link out).
const MORE_CASES: Case[] = [
  {
    name: "report: the default page (.idse/report.html) is a link to a file outside",
    argv: ["report"],
    link: (r, o) => linkOut(r, ".idse/report.html", o, { file: true }),
  },
  {
    name: "report --out: a folder of the repository that is a link out",
    argv: ["report", "--out", "docs/status.html"],
    link: (r, o) => linkOut(r, "docs", o),
  },
  {
    name: "report --out: the page itself is a link to a file outside",
    argv: ["report", "--out", "status.html"],
    link: (r, o) => linkOut(r, "status.html", o, { file: true }),
  },
  {
    name: "report: sessions/ is a link out (read)",
    argv: ["report"],
    link: (r, o) => linkOut(r, `${pj}/sessions`, o),
  },
  {
    name: "agents install-mcp --ide claude-code: .mcp.json is a link to a file outside",
    argv: ["agents", "install-mcp", "--ide", "claude-code"],
    link: (r, o) => linkOut(r, ".mcp.json", o, { file: true }),
  },
  {
    name: "agents install-mcp --ide cursor: .cursor/ is a link out",
    argv: ["agents", "install-mcp", "--ide", "cursor"],
    link: (r, o) => linkOut(r, ".cursor", o),
  },
  {
    name: "agents install-mcp --ide codex: .codex/config.toml is a link to a file outside",
    argv: ["agents", "install-mcp", "--ide", "codex"],
    link: (r, o) => linkOut(r, ".codex/config.toml", o, { file: true }),
  },
  {
    name: "agents install-mcp --ide copilot: .vscode/ is a link out",
    argv: ["agents", "install-mcp", "--ide", "copilot"],
    link: (r, o) => linkOut(r, ".vscode", o),
  },
  {
    name: "agents install-mcp --ide gemini: .gemini/settings.json is a link to a file outside",
    argv: ["agents", "install-mcp", "--ide", "gemini"],
    link: (r, o) => linkOut(r, ".gemini/settings.json", o, { file: true }),
  },
  {
    name: "import-original: .idse/idse.db is a link to a database outside",
    argv: ["import-original", "--dry-run"],
    link: originalDbOutside,
  },
  {
    name: "import-original: the same link, without --dry-run",
    argv: ["import-original"],
    link: originalDbOutside,
  },
  {
    name: "docs install: .idse/governance is a link out",
    argv: ["docs", "install"],
    link: (r, o) => linkOut(r, ".idse/governance", o),
  },
  {
    name: "docs install: .idse/schemas is a link out",
    argv: ["docs", "install"],
    link: (r, o) => linkOut(r, ".idse/schemas", o),
  },
  {
    name: "docs install: IDSE_CONSTITUTION.md is a link to a file outside",
    argv: ["docs", "install"],
    link: (r, o) => linkOut(r, ".idse/governance/IDSE_CONSTITUTION.md", o, { file: true }),
  },
  {
    name: "init: a second project where projects/ is a link out",
    argv: ["init", "other", "--no-create-agent-files"],
    link: (r, o) => linkOut(r, ".idse/projects", o),
  },
  {
    name: "project use: CURRENT_PROJECT is a link to a file outside",
    argv: ["project", "use", PROJECT],
    prepare: withSecondProject,
    link: (r, o) => linkOut(r, ".idse/projects/CURRENT_PROJECT", o, { file: true }),
  },
  {
    name: "project list: projects/ is a link out (read)",
    argv: ["project", "list"],
    link: (r, o) => linkOut(r, ".idse/projects", o),
  },
  {
    name: "session switch: CURRENT_SESSION is a link to a file outside",
    argv: ["session", "switch", "billing"],
    prepare: withFeature,
    link: (r, o) => linkOut(r, `${pj}/CURRENT_SESSION`, o, { file: true }),
  },
  {
    name: "spawn: sessions/ is a link out",
    argv: ["spawn", "--plan", "feature", "billing"],
    link: (r, o) => linkOut(r, `${pj}/sessions`, o),
  },
  {
    name: "session set-status: metadata/ is a link out",
    argv: ["session", "set-status", "__blueprint__", "--status", "in_progress"],
    link: (r, o) => linkOut(r, `${bp}/metadata`, o),
  },
  {
    name: "session remove-collaborator: session.json is a link to a file outside",
    argv: ["session", "remove-collaborator", "__blueprint__", "--name", "cy"],
    prepare: withCollaborator,
    link: (r, o) => linkOut(r, `${bp}/metadata/session.json`, o),
  },
  {
    name: "session-info: session.json is a link to a file outside (read)",
    argv: ["session-info", "__blueprint__"],
    link: (r, o) => linkOut(r, `${bp}/metadata/session.json`, o),
  },
  {
    name: "sessions: a session's metadata/ is a link out (read)",
    argv: ["sessions"],
    link: (r, o) => linkOut(r, `${bp}/metadata`, o),
  },
  {
    name: "next: stage_state.json is a link to a file outside (read)",
    argv: ["next"],
    link: (r, o) => linkOut(r, `${bp}/metadata/stage_state.json`, o),
  },
  {
    name: "route --next: agent_registry.json is a link to a file outside (read)",
    argv: ["route", "--next"],
    link: (r, o) => linkOut(r, `${pj}/agent_registry.json`, o),
  },
  {
    name: "graph: sessions/ is a link out (read)",
    argv: ["graph"],
    link: (r, o) => linkOut(r, `${pj}/sessions`, o),
  },
  {
    name: "status --all: a session folder is a link out (read)",
    argv: ["status", "--all"],
    prepare: withFeature,
    link: (r, o) => linkOut(r, sessionDir("billing"), o),
  },
  {
    name: "artifact write --session: the session's folder is a link out",
    argv: ["artifact", "write", "--stage", "intent", "--session", "billing"],
    stdin: "# Intent\n\nnew text\n",
    prepare: withFeature,
    link: (r, o) => linkOut(r, sessionDir("billing"), o),
  },
  {
    name: "agents add: agent_registry.json is a link to a file outside",
    argv: ["agents", "add", "reviewer", "--mode", "planning", "--stages", "spec"],
    link: (r, o) => linkOut(r, `${pj}/agent_registry.json`, o),
  },
  {
    name: "agents set-mode: agent_registry.json is a link to a file outside",
    argv: ["agents", "set-mode", "claude-code", "implementation"],
    link: (r, o) => linkOut(r, `${pj}/agent_registry.json`, o),
  },
  {
    name: "agents list: agent_registry.json is a link to a file outside (read)",
    argv: ["agents", "list"],
    link: (r, o) => linkOut(r, `${pj}/agent_registry.json`, o),
  },
  {
    name: "generate-agent-files: AGENTS.md is a link to a file outside",
    argv: ["generate-agent-files", "--force"],
    link: (r, o) => linkOut(r, "AGENTS.md", o),
  },
  {
    name: "config unset: config.json is a link to a file outside",
    argv: ["config", "unset", "owner"],
    prepare: async (r) => {
      await ok(["config", "set", "owner", "ana"], r);
    },
    link: (r, o) => linkOut(r, ".idse/config.json", o),
  },
  {
    name: "config list: config.json is a link to a file outside (read)",
    argv: ["config", "list"],
    link: (r, o) => linkOut(r, ".idse/config.json", o, { file: true }),
  },
  {
    name: "remote add: config.json is a link to a file outside",
    argv: ["remote", "add", "backup", "../backup"],
    link: (r, o) => linkOut(r, ".idse/config.json", o, { file: true }),
  },
  {
    name: "remote remove: config.json is a link to a file outside",
    argv: ["remote", "remove", "backup"],
    prepare: withRemote,
    link: (r, o) => linkOut(r, ".idse/config.json", o),
  },
  {
    name: "store migrate --to sqlite-store: sessions/ is a link out (read)",
    argv: ["store", "migrate", "--to", "sqlite-store"],
    link: (r, o) => linkOut(r, `${pj}/sessions`, o),
  },
  {
    name: "store import: a folder of the export is a link out",
    argv: ["store", "import"],
    init: ["--store", "sqlite-store"],
    prepare: async (r) => {
      await ok(["store", "export"], r);
    },
    link: (r, o) => linkOut(r, `${bp}/specs`, o),
  },
  {
    name: "store info: sqlite-store's database is a link to a file outside",
    argv: ["store", "info"],
    init: ["--store", "sqlite-store"],
    link: (r, o) => linkOut(r, ".idse/idse-store.db", o),
  },
  {
    name: "blueprint declare: the claims ledger is a link to a file outside",
    argv: [
      "blueprint",
      "declare",
      "--claim",
      "Card data never touches our servers",
      "--classification",
      "invariant",
      "--source",
      "__blueprint__:spec",
    ],
    link: (r, o) => linkOut(r, `${bp}/metadata/claims.jsonl`, o, { file: true }),
  },
  {
    name: "spine: the blueprint's specs/ is a link out (read)",
    argv: ["spine"],
    link: (r, o) => linkOut(r, `${bp}/specs`, o),
  },
  {
    name: "validate --fix: specs/ is a link out",
    argv: ["validate", "--fix"],
    link: (r, o) => linkOut(r, `${bp}/specs`, o),
  },
  {
    name: "compile agent-spec: the default build/ folder is a link out",
    argv: ["compile", "agent-spec"],
    prepare: withProfile,
    link: (r, o) => linkOut(r, `${pj}/build`, o),
  },
  {
    name: "sync pull --all-sessions: the local sessions/ is a link out",
    argv: ["sync", "pull", "--all-sessions", "--yes"],
    prepare: pushed,
    link: (r, o) => linkOut(r, `${pj}/sessions`, o),
  },
  {
    name: "doctor: session_state.json is a link to a file outside (read)",
    argv: ["doctor"],
    link: (r, o) => linkOut(r, `${pj}/session_state.json`, o),
  },
];
CASES.push(...MORE_CASES);

const withPlugin = async (repo: string) => {
  await ok(["plugin", "add", "sqlite-store", "--yes"], repo);
};
// Plugin commands: plugins.json a link out is refused like any file under .idse/; the plugins folder
// (or a plugin's folder) a link out is refused by the plugin code itself, PLUGIN_SYMLINK, before anything
// is read, installed or removed through it (docs/security.md, "Every file checked at every load").
const PLUGIN_CASES: Case[] = [
  ...[
    ["plugin", "list"],
    ["plugin", "info", "sqlite-store"],
    ["plugin", "verify"],
    ["plugin", "disable", "sqlite-store"],
    ["plugin", "add", "windsurf", "--yes"],
    ["plugin", "remove", "sqlite-store", "--yes"],
    ["trust", "--show"],
  ].map(
    (argv): Case => ({
      name: `${argv.slice(0, 2).join(" ")}: plugins.json is a link to a file outside`,
      argv,
      prepare: withPlugin,
      link: (r, o) => linkOut(r, ".idse/plugins.json", o),
    }),
  ),
  ...[
    ["plugin", "add", "windsurf", "--yes"],
    ["plugin", "remove", "sqlite-store", "--yes"],
  ].map(
    (argv): Case => ({
      name: `${argv.slice(0, 2).join(" ")}: the plugins folder is a link out`,
      argv,
      code: "PLUGIN_SYMLINK",
      exit: 1,
      prepare: withPlugin,
      link: (r, o) => linkOut(r, ".idse/plugins", o),
    }),
  ),
];
CASES.push(...PLUGIN_CASES);

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
  test("validate lists what a linked folder in the session holds, once, and stops at links back up", async () => {
    const repo = tempDir();
    await ok(["init", PROJECT, "-q"], repo);
    mkdirSync(join(repo, "docs", "old"), { recursive: true });
    writeFileSync(join(repo, "docs", "old", "spec.md"), "# Spec\n\nan old draft\n");
    const session = join(repo, bp);
    symlinkSync("../../../../../docs/old", join(session, "archive"));
    symlinkSync("../../../../../docs/old", join(session, "archive-again"));
    // Loops: Bun's recursive readdir never came back from these.
    symlinkSync("..", join(session, "specs", "up"));
    symlinkSync(".", join(session, "self"));
    symlinkSync("../../../../..", join(session, "repo-root"));
    const r = await idse(["validate", "--json"], { cwd: repo });
    expect(r.json, r.stdout + r.stderr).toBeDefined();
    const layout = r
      .json!.data.reports[0].findings.filter(
        (f: { rule_id: string }) => f.rule_id === "idse/canonical-layout",
      )
      .map((f: { message: string }) => f.message);
    // One link to docs/old is entered (which one depends on the order readdir gives); the other leads
    // where the walk has been.
    expect(layout).toHaveLength(1);
    expect(layout[0]).toMatch(
      /^archive(-again)?\/spec\.md looks like a stage document outside its canonical place$/,
    );
  });

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

// The MCP server's writing tools go through the same stores and writers as the CLI: an agent talking to
// `idse mcp` cannot write through a link out either. The real server, over the SDK's in-memory transport.
describe("idse mcp: tools that read or write refuse a path that leads outside the repository", () => {
  const mcpCases: {
    name: string;
    tool: string;
    args: Record<string, unknown>;
    link: string;
    file?: boolean;
  }[] = [
    {
      name: "artifact_write: specs/ is a link out",
      tool: "artifact_write",
      args: { stage: "spec", content: "# Spec\n\nfrom an agent\n" },
      link: `${sessionDir("auth")}/specs`,
    },
    {
      name: "artifact_write: spec.md is a link to a file outside",
      tool: "artifact_write",
      args: { stage: "spec", content: "# Spec\n\nfrom an agent\n" },
      link: `${sessionDir("auth")}/specs/spec.md`,
      file: true,
    },
    {
      name: "artifact_read: spec.md is a link to a file outside",
      tool: "artifact_read",
      args: { stage: "spec" },
      link: `${sessionDir("auth")}/specs/spec.md`,
      file: true,
    },
    {
      name: "set_stage: metadata/ is a link out",
      tool: "set_stage",
      args: { stage: "spec", status: "in_progress" },
      link: `${sessionDir("auth")}/metadata`,
    },
    {
      name: "session_create: sessions/ is a link out",
      tool: "session_create",
      args: { id: "billing" },
      link: `.idse/projects/${PROJECT}/sessions`,
    },
  ];
  for (const c of mcpCases) {
    test(c.name, async () => {
      const cwd = await shopWithSession();
      const outside = outsideDir();
      linkOut(cwd, c.link, outside, { file: c.file });
      const before = snapshot(outside);
      const { client, close } = await connect(cwd, { agent: "claude-code" });
      try {
        const r = await call(client, c.tool, c.args);
        expect(r.isError, JSON.stringify(r)).toBe(true);
        expect(r.content[0]!.text).toContain("PATH_OUTSIDE_WORKSPACE");
        expect(JSON.stringify(r)).not.toContain(SECRET);
      } finally {
        await close();
      }
      expect(snapshot(outside)).toEqual(before);
    });
  }
});

describe("init refuses a link out before it creates anything", () => {
  test("CLAUDE.md a link out: PATH_OUTSIDE_WORKSPACE, no project made; after `rm CLAUDE.md` init works", async () => {
    const repo = tempDir();
    const outside = outsideDir();
    linkOut(repo, "CLAUDE.md", outside, { file: true });
    const before = snapshot(outside);
    const r = await idse(["init", PROJECT, "--json"], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.json!.diagnostics[0]).toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE", link: "CLAUDE.md" });
    expect(snapshot(outside)).toEqual(before);
    expect(existsSync(join(repo, ".idse", "projects", PROJECT))).toBe(false);
    rmSync(join(repo, "CLAUDE.md"));
    await ok(["init", PROJECT, "-q"], repo);
    expect(readFileSync(join(repo, "CLAUDE.md"), "utf8")).toContain(PROJECT);
  });
});

describe("the original's database notice does not read through a link out", () => {
  test("status: no ORIGINAL_DATABASE_FOUND for an .idse/idse.db that is a link out; the same file inside gets it", async () => {
    const codes = async (repo: string) =>
      (await idse(["status", "--json"], { cwd: repo })).json!.diagnostics.map(
        (d: { code: string }) => d.code,
      );
    const linked = tempDir();
    await ok(["init", PROJECT, "-q"], linked);
    const outside = outsideDir();
    originalDbOutside(linked, outside);
    expect(await codes(linked)).not.toContain("ORIGINAL_DATABASE_FOUND");
    const inside = tempDir();
    await ok(["init", PROJECT, "-q"], inside);
    cpSync(join(SQLITE_FIXTURE, ".idse", "idse.db"), join(inside, ".idse", "idse.db"));
    expect(await codes(inside)).toContain("ORIGINAL_DATABASE_FOUND");
  });
});
