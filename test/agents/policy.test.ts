import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_AGENTS } from "../../src/agent-registry.ts";
import { GLOBAL_OPTIONS } from "../../src/cli/cli.ts";
import { COMMANDS } from "../../src/cli/commands/index.ts";
import { bashProblem, type Policy } from "../../src/hooks/claude.ts";
import {
  ALLOWED_ENV,
  COMMAND_GROUPS,
  GIT_COMMANDS,
  GLOBAL_FLAGS,
  gitVerdict,
  HELPERS,
  IDSE_COMMANDS,
  INSTRUCTION_FILES,
  idseVerdict,
  managedBlock,
  managedBlockKept,
  PATH_RULES,
  pathVerdict,
  TOOLS,
  writeVerdict,
} from "../../src/hooks/policy.ts";
import { CLAUDE_CODE_ALIASES, DEFAULT_HOOK_AGENTS, findRoot } from "../../src/hooks/state.ts";
import { routingAdapters } from "../../src/routing/agent-routing.ts";
import { BEGIN, END, splitManaged } from "../../src/routing/managed.ts";
import { findRoot as workspaceRoot } from "../../src/workspace.ts";
import { tempDir } from "../helpers.ts";

// The planning-mode policy table (src/hooks/policy.ts), one test per row: each row of PATH_RULES,
// IDSE_COMMANDS, GIT_COMMANDS, HELPERS, ALLOWED_ENV and TOOLS has cases that it allows and that it denies,
// and a last test checks that no row is left without cases. Then the places the table copies from the
// rest of idse (global options, command groups, each command's options, instruction files, aliases,
// markers) are compared with the real thing, so the table cannot drift from the CLI it guards.

const scope = { project: "shop" };
const S = ".idse/projects/shop/sessions/auth";

// ---- paths --------------------------------------------------------------------------------------------

const PATH_CASES: Record<string, [allowed: string[], denied: string[]]> = {
  "session-metadata": [
    [],
    [
      `${S}/metadata/stage_state.json`,
      `${S}/metadata/session.json`,
      `${S}/metadata/.owner`,
      `${S}/Metadata/notes.md`,
      ".idse/projects/shop/sessions/__blueprint__/metadata/meta.md",
    ],
  ],
  "design-document": [
    [
      `${S}/specs/spec.md`,
      `${S}/plans/plan.md`,
      `${S}/implementation/README.md`,
      `${S}/notes/decisions.md`,
      `${S}/diagrams/flow.mmd`,
      ".idse/projects/shop/sessions/__blueprint__/intents/intent.md",
      ".idse/projects/shop/sessions/new-one/specs/spec.md",
    ],
    [],
  ],
  "other-project": [
    [],
    [
      ".idse/projects/other/sessions/auth/specs/spec.md",
      ".idse/projects/CURRENT_PROJECT",
      ".idse/projects/evil/agent_registry.json",
    ],
  ],
  "session-non-document": [
    [],
    [
      `${S}/helper/index.js`,
      `${S}/specs/spec.json`,
      `${S}/.hidden.md`,
      `${S}/notes/.x/a.md`,
      ".idse/projects/shop/sessions/.idse.lock",
    ],
  ],
  "project-state": [
    [],
    [
      ".idse/projects/shop/agent_registry.json",
      ".idse/projects/shop/session_state.json",
      ".idse/projects/shop/CURRENT_SESSION",
      ".idse/projects/shop/.idse.lock",
      ".idse/projects/shop/sync/remote.json",
    ],
  ],
  "idse-config": [
    [],
    [
      ".idse/config.json",
      ".idse/plugins.json",
      ".idse/plugins/helper/index.js",
      ".idse/plugins.json.tmp",
      ".idse/agent_files.json",
      ".idse/notes/helper/index.js",
      ".idse/governance/IDSE_CONSTITUTION.md",
    ],
  ],
  "claude-settings": [[], [".claude/settings.json", ".claude/settings.local.json", ".claude/hooks/x.sh"]],
  "instruction-file": [[...INSTRUCTION_FILES], []],
  "not-design": [[], ["src/app.ts", "package.json", "README.md", "docs/CLAUDE.md", ".git/config", "x.md"]],
};

describe("PATH_RULES", () => {
  for (const row of PATH_RULES) {
    const [allowed, denied] = PATH_CASES[row.rule] ?? [[], []];
    test(`${row.rule}: ${row.ok === true ? "allows" : row.ok === false ? "denies" : "depends on the text"}`, () => {
      expect(allowed.length + denied.length).toBeGreaterThan(0);
      if (row.ok === "managed-block") {
        // Whatever the path, the answer depends on the text: writeVerdict decides.
        const block = `${BEGIN}\nmode: planning\n${END}\n`;
        for (const rel of allowed) {
          expect(pathVerdict(rel, scope)).toMatchObject({ ok: false, rule: row.rule });
          expect(writeVerdict(rel, scope, block, `# Notes\n${block}`)).toMatchObject({
            ok: true,
            rule: row.rule,
          });
          expect(writeVerdict(rel, scope, block, "# Notes\n")).toMatchObject({ ok: false, rule: row.rule });
          expect(writeVerdict(rel, scope, block, undefined)).toMatchObject({ ok: false, rule: row.rule });
        }
        return;
      }
      for (const rel of allowed) {
        expect({ rel, ...pathVerdict(rel, scope) }).toMatchObject({ rel, ok: true, rule: row.rule });
      }
      for (const rel of denied) {
        expect({ rel, ...pathVerdict(rel, scope) }).toMatchObject({ rel, ok: false, rule: row.rule });
      }
    });
  }
  test("paths that leave the repository match no row", () => {
    for (const rel of ["../x.md", `${S}/../../../../../../etc/passwd`, ""]) {
      expect(pathVerdict(rel, scope).ok).toBe(false);
    }
    // `..` inside the path is resolved before the table is asked.
    expect(pathVerdict(`${S}/specs/../../../../../../src/app.ts`, scope).rule).toBe("not-design");
  });
});

describe("managed blocks of instruction files", () => {
  const file = (inner: string, outside = "") => `# Mine\n${outside}\n${BEGIN}\n${inner}\n${END}\n`;
  test("text outside the markers may change; the block may not", () => {
    expect(managedBlockKept(file("agents"), file("agents", "more notes"))).toBe(true);
    expect(managedBlockKept(file("agents"), file("agents: implementation"))).toBe(false);
    expect(managedBlockKept(file("agents"), "# Mine\n")).toBe(false);
    expect(managedBlockKept(undefined, "# A new file\n")).toBe(true);
    expect(managedBlockKept(undefined, file("invented"))).toBe(false);
    // writeVerdict applies the same check to instruction files only.
    expect(writeVerdict("src/app.ts", scope, file("x"), file("x", "y")).ok).toBe(false);
    expect(writeVerdict(`${S}/specs/spec.md`, scope, undefined, file("anything")).ok).toBe(true);
    expect(managedBlockKept(`${BEGIN}\nno end\n`, `${BEGIN}\nno end\nmore`)).toBe(false);
  });
  test("the markers are those src/routing/managed.ts writes and reads", () => {
    for (const text of [file("x"), "plain", `${BEGIN}\n`, `${END}\n${BEGIN}\n`, file("a") + file("b")]) {
      const split = splitManaged(text);
      const block = managedBlock(text);
      expect({ text, kind: split.kind }).toEqual({
        text,
        kind: block === undefined ? "malformed" : block === "" ? "none" : "managed",
      });
    }
  });
});

// ---- idse ---------------------------------------------------------------------------------------------

// The default registry's planning stages (claude-code: all but implementation); the hook's own answer,
// with the stage state, is tested in test/agents/hook.test.ts.
const markStage = (_session: string | undefined, stage: string) =>
  stage === "implementation" ? "stage implementation is not routed to a planning agent" : undefined;
const inRepo = { ...scope, cwdInRepo: true, markStage };
const IDSE_CASES: Record<string, [allowed: string[][], denied: string[][]]> = {
  status: [
    [["status"], ["status", "--all", "--json"], ["--json", "status"], ["status", "-q"]],
    [["status", "--bogus"]],
  ],
  sessions: [[["sessions", "--type", "feature", "--json"]], [["sessions", "--fix"]]],
  "session-info": [[["session-info", "auth", "--lineage"]], [["session-info", "auth", "--force"]]],
  route: [
    [
      ["route", "--next"],
      ["route", "spec", "--session", "auth"],
    ],
    [["route", "--write"]],
  ],
  validate: [
    [["validate"], ["validate", "--all", "--format", "sarif"], ["validate", "--stage", "spec", "--strict"]],
    [
      ["validate", "--fix"],
      ["validate", "--output", "src/report.txt"],
      ["validate", "--output=report.txt"],
    ],
  ],
  "artifact read": [
    [["artifact", "read", "--stage", "spec"]],
    [["artifact", "read", "--stage", "spec", "--out", "x"]],
  ],
  "artifact write": [
    [
      ["artifact", "write", "--stage", "spec"],
      ["artifact", "write", "--stage", "plan", "--session", "auth", "--file", "plan.md"],
      ["--project", "shop", "artifact", "write", "--stage", "spec"],
    ],
    [
      ["--project", "other", "artifact", "write", "--stage", "spec"],
      ["artifact", "write", "--stage", "spec", "--project=other"],
      ["--cwd", "/elsewhere", "artifact", "write", "--stage", "spec"],
    ],
  ],
  "compile agent-spec": [
    [
      ["compile", "agent-spec", "--check"],
      ["compile", "agent-spec", "--all", "--dry-run"],
    ],
    [
      ["compile", "agent-spec"],
      ["compile", "agent-spec", "--dry-run", "--out", "../x"],
      ["compile", "agent-spec", "--all"],
    ],
  ],
  "project list": [
    [
      ["project", "list"],
      ["project", "list", "--json"],
    ],
    [["project", "use", "shop"]],
  ],
  graph: [[["graph"], ["graph", "--format", "dot", "--session", "auth"]], [["graph", "--out", "x"]]],
  completion: [
    [
      ["completion", "bash"],
      ["completion", "--complete", "--", "st"],
    ],
    [["completion", "bash", "--out", "x"]],
  ],
  next: [[["next"], ["next", "--all-projects", "--mine", "--limit", "3", "--json"]], [["next", "--fix"]]],
  "agents list": [[["agents", "list", "--json"]], [["agents", "list", "--mode", "implementation"]]],
  "session set-stage": [
    [
      ["session", "set-stage", "auth", "--stage", "tasks", "--status", "completed"],
      ["session", "set-stage", "auth", "--stage=spec", "--status", "in_progress", "--json"],
    ],
    [
      ["session", "set-stage", "auth", "--stage", "implementation", "--status", "completed"],
      [
        "session",
        "set-stage",
        "auth",
        "--stage",
        "spec",
        "--stage",
        "implementation",
        "--status",
        "completed",
      ],
      ["session", "set-stage", "auth", "--status", "completed"],
      ["--project", "other", "session", "set-stage", "auth", "--stage", "spec", "--status", "completed"],
      ["--cwd", "/elsewhere", "session", "set-stage", "auth", "--stage", "spec", "--status", "completed"],
    ],
  ],
  spine: [[["spine"], ["spine", "--json"]], [["spine", "--all"]]],
  "spine check": [[["spine", "check"]], [["spine", "check", "--fix"]]],
  "spine proposals": [[["spine", "proposals", "--all"]], [["spine", "proposals", "--out", "x"]]],
  "spine propose": [
    ["spine propose Cart --area Shop --layer Core --reason cart --session auth".split(" ")],
    [
      ["spine", "propose", "Cart", "--area", "Shop", "--layer", "Core", "--reason", "r", "--actor", "alice"],
      "--project other spine propose Cart --area Shop --layer Core --reason r".split(" "),
      ["spine", "accept", "Cart"],
    ],
  ],
  doctor: [[["doctor"], ["doctor", "--json"]], [["doctor", "--fix"]]],
  "schema list": [[["schema", "list"]], [["schema", "list", "--dir", "x"]]],
  "schema show": [[["schema", "show", "config"]], [["schema", "show", "config", "--out", "x"]]],
  version: [[["version"], ["--version"], ["-v"], ["--help"], []], [["version", "--write"]]],
};

describe("IDSE_COMMANDS", () => {
  for (const row of IDSE_COMMANDS) {
    test(`idse ${row.command}`, () => {
      const [allowed, denied] = IDSE_CASES[row.command] ?? [[], []];
      expect(allowed.length).toBeGreaterThan(0);
      expect(denied.length).toBeGreaterThan(0);
      for (const argv of allowed)
        expect({ argv, ...idseVerdict(argv, inRepo) }).toMatchObject({ argv, ok: true });
      for (const argv of denied)
        expect({ argv, ...idseVerdict(argv, inRepo) }).toMatchObject({ argv, ok: false });
    });
  }

  test("every other command is denied, whatever its arguments", () => {
    const allowed = new Set(IDSE_COMMANDS.map((r) => r.command));
    const others = COMMANDS.filter((c) => !allowed.has(c.name));
    expect(others.map((c) => c.name)).toContain("plugin add");
    for (const c of others) {
      const argv = [...c.name.split(" "), "x", "y"];
      expect({ argv, ok: idseVerdict(argv, inRepo).ok }).toEqual({ argv, ok: false });
    }
    for (const argv of [
      ["plugin", "add", "./.idse/notes/helper", "--yes"],
      ["plugin", "enable", "x"],
      ["plugin", "remove", "x"],
      ["config", "set", "store.plugin", "x"],
      ["config", "unset", "owner"],
      ["remote", "add", "x", "../x"],
      ["store", "migrate", "--to", "sqlite-store"],
      ["store", "export", "--dir", "../x"],
      ["sync", "push", "x"],
      ["sync", "pull"],
      ["agents", "set-mode", "claude-code", "implementation"],
      ["agents", "install-hooks"],
      ["session", "switch", "done"],
      ["spine", "accept", "Cart"],
      ["spine", "reject", "Cart"],
      ["trust"],
      ["mcp"],
      ["init", "evil"],
      ["--project", "x"],
      ["artifact"],
    ]) {
      expect({ argv, ok: idseVerdict(argv, inRepo).ok }).toEqual({ argv, ok: false });
    }
  });

  test("without the hook's answer on stages, every stage change is denied (fail closed)", () => {
    const argv = ["session", "set-stage", "auth", "--stage", "spec", "--status", "completed"];
    expect(idseVerdict(argv, { ...scope, cwdInRepo: true })).toMatchObject({ ok: false, rule: "idse-stage" });
    // The session, stage and status the hook is asked about are the command line's.
    const asked: unknown[] = [];
    idseVerdict(argv, { ...inRepo, markStage: (...a) => void asked.push(a) });
    expect(asked).toEqual([["auth", "spec", "completed"]]);
  });

  test("a write from outside the repository is denied, a read is not", () => {
    const outside = { ...scope, cwdInRepo: false };
    expect(idseVerdict(["artifact", "write", "--stage", "spec"], outside).rule).toBe("idse-cwd");
    expect(idseVerdict(["status"], outside).ok).toBe(true);
    expect(
      idseVerdict(["artifact", "write", "--stage", "spec"], { ...inRepo, envProject: "other" }).rule,
    ).toBe("idse-project");
  });

  test("the table copies the CLI: global options, command groups, each command's options", async () => {
    expect(GLOBAL_FLAGS).toEqual(GLOBAL_OPTIONS.map((o) => o.flags));
    const groups = [
      ...new Set(COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]!)),
    ];
    expect([...COMMAND_GROUPS].sort()).toEqual(groups.sort());
    for (const row of IDSE_COMMANDS) {
      const entry = COMMANDS.find((c) => c.name === row.command);
      expect({ command: row.command, exists: entry !== undefined }).toEqual({
        command: row.command,
        exists: true,
      });
      const impl = await entry!.load();
      expect({ command: row.command, options: row.options }).toEqual({
        command: row.command,
        options: (impl.options ?? []).map((o) => o.flags),
      });
    }
  });
});

// ---- git, helpers, environment, tools -----------------------------------------------------------------

const GIT_CASES: [allowed: string[][], denied: string[][]][] = [
  [
    [
      ["status"],
      ["log", "--oneline", "-5"],
      ["diff", "HEAD~1", "--", "src"],
      ["show", "HEAD:README.md"],
      ["grep", "-n", "x"],
    ],
    [
      ["log", "--output=src/x"],
      ["log", "--outp=src/x"],
      ["diff", "--ext-diff"],
      ["grep", "-nOsh", "x"],
      ["grep", "--open=sh"],
    ],
  ],
  [
    [["branch"], ["branch", "-a"], ["branch", "--show-current"]],
    [
      ["branch", "-D", "main"],
      ["branch", "new"],
    ],
  ],
  [
    [["tag"], ["tag", "-l"]],
    [
      ["tag", "v1"],
      ["tag", "-d", "v1"],
    ],
  ],
  [
    [["remote"], ["remote", "-v"]],
    [
      ["remote", "add", "x", "y"],
      ["remote", "set-url", "origin", "x"],
    ],
  ],
  [
    [
      ["stash", "list"],
      ["stash", "show", "stash@{0}"],
    ],
    [["stash"], ["stash", "pop"], ["stash", "push"]],
  ],
  [
    [
      ["config", "--get", "user.name"],
      ["config", "--list"],
    ],
    [
      ["config", "user.name", "x"],
      ["config", "--get", "a", "--add", "b"],
    ],
  ],
];

describe("GIT_COMMANDS", () => {
  GIT_COMMANDS.forEach((row, i) => {
    test(`git ${row.sub ?? row.any?.slice(0, 3).join("|")}`, () => {
      const [allowed, denied] = GIT_CASES[i]!;
      for (const args of allowed) expect({ args, ...gitVerdict(args) }).toMatchObject({ args, ok: true });
      for (const args of denied) expect({ args, ...gitVerdict(args) }).toMatchObject({ args, ok: false });
    });
  });
  test("anything else, and options before the subcommand other than -C and --no-pager", () => {
    expect(GIT_CASES).toHaveLength(GIT_COMMANDS.length);
    for (const args of [
      ["commit", "-am", "x"],
      ["push"],
      ["checkout", "."],
      ["reset", "--hard"],
      ["-c", "core.pager=sh", "log"],
      ["--git-dir=x", "status"],
    ]) {
      expect({ args, ok: gitVerdict(args).ok }).toEqual({ args, ok: false });
    }
    expect(gitVerdict(["-C", "sub", "--no-pager", "log"]).ok).toBe(true);
  });
});

const policy: Policy = { mode: "planning", root: "/repo", project: "shop" };

describe("HELPERS and ALLOWED_ENV", () => {
  test("each helper runs alone, in a pipeline, with globs", () => {
    for (const h of HELPERS) {
      const cmd = h === "cd" ? "cd .idse" : `${h} x`;
      expect({ cmd, problem: bashProblem(cmd, policy, "/repo") }).toEqual({ cmd, problem: undefined });
    }
    expect(bashProblem("ls .idse/*/sessions | wc -l", policy, "/repo")).toBeUndefined();
  });
  test("nothing else runs: not by prefix, wrapper, absolute path or interpreter", () => {
    for (const cmd of [
      "rm -rf src",
      "command idse config set x y",
      "exec idse status",
      "env idse status",
      "xargs idse plugin add",
      "bash -c 'idse status'",
      "npx idse status",
      "bun src/main.ts status",
      "./node_modules/.bin/idse status",
      "/repo/.idse/idse status",
      "time idse status",
      "sed -i s/a/b/ x.md",
      "find . -delete",
      "tee x",
    ]) {
      expect({ cmd, denied: bashProblem(cmd, policy, "/repo") !== undefined }).toEqual({ cmd, denied: true });
    }
  });
  test("environment assignments: only the project selector, and it is checked", () => {
    expect(ALLOWED_ENV).toEqual(["IDSE_PROJECT"]);
    expect(
      bashProblem("IDSE_PROJECT=shop idse artifact write --stage spec", policy, "/repo"),
    ).toBeUndefined();
    expect(bashProblem("IDSE_PROJECT=other idse artifact write --stage spec", policy, "/repo")).toMatch(
      /other/,
    );
    for (const cmd of [
      "IDSE_STORE_PLUGIN=evil idse status",
      "IDSE_TRUST=all idse status",
      "PATH=. idse status",
      "GIT_PAGER=sh git log",
    ]) {
      expect(bashProblem(cmd, policy, "/repo")).toMatch(/^setting /);
    }
  });
  test("cd: inside the repository only, and it moves where idse writes from", () => {
    expect(bashProblem("cd /tmp && ls", policy, "/repo")).toMatch(/leaves the repository/);
    expect(bashProblem("cd", policy, "/repo")).toMatch(/cd/);
    expect(bashProblem("cd ~", policy, "/repo")).toMatch(/glob or ~/);
    expect(bashProblem("idse artifact write --stage spec", policy, "/tmp")).toMatch(/inside this repository/);
  });
});

describe("TOOLS", () => {
  test("every tool has a kind, and unknown tools are not in the table", () => {
    for (const [name, t] of Object.entries(TOOLS)) {
      expect({ name, kind: ["edit", "bash", "read"].includes(t.kind) }).toEqual({ name, kind: true });
      if (t.kind === "edit") expect(t.field).toMatch(/_path$/);
    }
    expect(TOOLS.mcp__fs__write_file).toBeUndefined();
  });
});

// ---- copies of the rest of idse ----------------------------------------------------------------------

describe("what the hook copies to stay fast", () => {
  test("instruction files cover every built-in adapter", () => {
    for (const a of routingAdapters()) for (const p of a.paths) expect(INSTRUCTION_FILES).toContain(p);
  });
  test("Claude Code aliases and the default agents", () => {
    expect(CLAUDE_CODE_ALIASES).toEqual(routingAdapters().find((a) => a.name === "claude-code")!.aliases);
    expect(DEFAULT_HOOK_AGENTS).toEqual(DEFAULT_AGENTS.map(({ id, mode, stages }) => ({ id, mode, stages })));
  });
  test("findRoot agrees with the workspace's", () => {
    const root = tempDir();
    mkdirSync(join(root, ".idse"));
    mkdirSync(join(root, "a", "b"), { recursive: true });
    for (const dir of [root, join(root, "a", "b"), tempDir()]) expect(findRoot(dir)).toBe(workspaceRoot(dir));
  });
});
