import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bashProblem, decide, type Policy } from "../../src/hooks/claude.ts";
import { activeAgent } from "../../src/routing.ts";
import { idse, tempDir } from "../helpers.ts";

// The Claude Code PreToolUse hook: a table of tool calls per mode, the shell reader behind the Bash
// rule, which agent's mode applies, and the command end to end in-process with the hook input JSON as
// Claude Code documents it ({session_id, transcript_path, cwd, permission_mode, hook_event_name,
// tool_name, tool_input, tool_use_id}).

const ROOT = "/repo";
const FILES = ["CLAUDE.md", "AGENTS.md", ".github/copilot-instructions.md", ".cursorrules", "GEMINI.md"];
const planning: Policy = { mode: "planning", root: ROOT, instructionFiles: FILES };
const implementation: Policy = { ...planning, mode: "implementation" };

type Call = [tool: string, input: Record<string, unknown>, planning: "allow" | "deny"];
const CALLS: Call[] = [
  ["Write", { file_path: "/repo/src/app.ts", content: "x" }, "deny"],
  ["Edit", { file_path: "/repo/package.json", old_string: "a", new_string: "b" }, "deny"],
  ["MultiEdit", { file_path: "/repo/src/a.ts", edits: [] }, "deny"],
  ["NotebookEdit", { notebook_path: "/repo/nb.ipynb", new_source: "" }, "deny"],
  ["Write", { file_path: "/etc/hosts", content: "" }, "deny"],
  ["Write", { file_path: "/repo/.idse/../src/x.ts", content: "" }, "deny"],
  ["Write", { file_path: "src/relative.ts", content: "" }, "deny"],
  ["Edit", { file_path: "/repo/.claude/settings.json" }, "deny"],
  ["Edit", { file_path: "/repo/.idse/projects/shop/agent_registry.json" }, "deny"],
  ["Write", { file_path: "/repo/.idse/plugins.json" }, "deny"],
  ["Write", { file_path: "/repo/.idse/config.json" }, "deny"],
  ["Write", {}, "deny"],
  ["Write", { file_path: "/repo/.idse/projects/shop/sessions/auth/specs/spec.md", content: "" }, "allow"],
  ["Edit", { file_path: "/repo/.idse/projects/shop/sessions/auth/plans/plan.md" }, "allow"],
  ["MultiEdit", { file_path: "/repo/.idse/projects/shop/sessions/auth/tasks/tasks.md" }, "allow"],
  ["Write", { file_path: ".idse/projects/shop/sessions/auth/intents/intent.md" }, "allow"],
  ["Edit", { file_path: "/repo/CLAUDE.md" }, "allow"],
  ["Edit", { file_path: "/repo/.github/copilot-instructions.md" }, "allow"],
  ["Bash", { command: "npm test" }, "deny"],
  ["Bash", { command: "rm -rf src" }, "deny"],
  ["Bash", { command: "git commit -am wip" }, "deny"],
  ["Bash", { command: "git status && git diff HEAD~1 -- src" }, "allow"],
  ["Bash", { command: "idse route --next --json | jq .data.stage" }, "allow"],
  ["Bash", { command: "idse agents set-mode claude-code implementation" }, "deny"],
  ["Read", { file_path: "/repo/src/app.ts" }, "allow"],
  ["Grep", { pattern: "x" }, "allow"],
];

describe("decide", () => {
  for (const [tool, input, expected] of CALLS) {
    const what = `${tool} ${JSON.stringify(input)}`;
    test(`planning: ${expected} ${what}`, () => {
      const d = decide({ tool_name: tool, tool_input: input, cwd: ROOT }, planning);
      expect({ decision: d.decision, reason: d.reason }).toMatchObject({ decision: expected });
      expect(d.tool).toBe(tool);
    });
    test(`implementation: allow ${what}`, () => {
      expect(decide({ tool_name: tool, tool_input: input, cwd: ROOT }, implementation).decision).toBe(
        "allow",
      );
    });
  }

  test("a symlink cannot carry an edit out of .idse/", () => {
    const root = tempDir();
    mkdirSync(join(root, ".idse"));
    mkdirSync(join(root, "src"));
    symlinkSync(join(root, "src"), join(root, ".idse", "escape"));
    const policy = { ...planning, root };
    const d = decide(
      { tool_name: "Write", tool_input: { file_path: join(root, ".idse/escape/app.ts") } },
      policy,
    );
    expect(d.decision).toBe("deny");
  });
});

describe("bashProblem: read-only git and idse only", () => {
  const allowed = [
    "git status",
    "git log --oneline -5",
    "git --no-pager diff",
    "git -C sub show HEAD:README.md",
    "git branch --show-current",
    "git branch",
    "git stash list",
    "idse status",
    "/usr/local/bin/idse sessions",
    "IDSE_PROJECT=shop idse status",
    "cd .idse && idse status",
    "idse artifact read --stage spec 2>&1 | head -20",
    "idse status > /dev/null",
    "idse artifact write --stage spec --session auth <<'EOF'\n# Spec\nrm -rf / > x; $(evil)\nEOF",
    "idse artifact write --stage plan < plan.md",
    "git log --format='%h %s' # a comment; rm -rf /",
    "idse artifact write --stage spec --file 'a;b.md'",
  ];
  const denied: [string, RegExp][] = [
    ["npm install", /npm/],
    ["git push", /git push/],
    ["git branch -D main", /git branch/],
    ["git -c core.pager=sh log", /git option -c/],
    ["git log --output=src/x.ts", /writes files/],
    ["git diff > patch.diff", /redirection/],
    ["idse status >> src/log.txt", /redirection/],
    ["idse status && make", /make/],
    ["idse status; touch x", /touch/],
    ["git status | tee out.txt", /tee/],
    ["echo $(rm -rf /)", /substitution/],
    ["idse `whoami`", /substitution/],
    ['idse "$(whoami)"', /substitution/],
    ["diff <(git show a) <(git show b)", /process substitution/],
    ["FOO=1 idse status", /FOO/],
    ["(cd src && rm x)", /not read-only/],
    ["sh -c 'idse status'", /sh/],
    ["idse agents add x --mode implementation", /registry/],
    ["idse agents install-hooks", /registry or hooks/],
    ["idse validate --output report.txt", /outside/],
    ["idse schema emit out", /outside/],
    ["echo 'unterminated", /quote/],
    ["/repo/.idse/idse status", /not read-only/],
  ];
  for (const cmd of allowed)
    test(`allows ${JSON.stringify(cmd)}`, () => expect(bashProblem(cmd, "/repo")).toBeUndefined());
  for (const [cmd, why] of denied) {
    test(`denies ${JSON.stringify(cmd)}`, () => expect(bashProblem(cmd, "/repo")).toMatch(why));
  }
});

describe("activeAgent: whose mode applies", () => {
  const registry = {
    agents: [
      {
        id: "claude-code",
        role: "orchestrator",
        mode: "planning" as const,
        stages: ["intent" as const, "spec" as const],
      },
      {
        id: "gpt-codex",
        role: "implementer",
        mode: "implementation" as const,
        stages: ["implementation" as const],
      },
      {
        id: "claude-impl",
        role: "implementer",
        mode: "implementation" as const,
        stages: ["implementation" as const],
        ide: "claude-code",
      },
    ],
  };
  const stages = (done: number) =>
    Object.fromEntries(
      ["intent", "context", "spec", "plan", "tasks", "implementation", "feedback"].map((s, i) => [
        s,
        i < done ? "completed" : "pending",
      ]),
    ) as Parameters<typeof activeAgent>[2] & object;

  test("the Claude Code agent that owns the next stage", () => {
    expect(activeAgent(registry, "claude-code", stages(0)).agent?.id).toBe("claude-code");
    expect(activeAgent(registry, "claude-code", stages(5)).agent?.id).toBe("claude-impl");
  });
  test("when no Claude Code agent owns the next stage, the strictest one", () => {
    expect(activeAgent(registry, "claude-code", stages(1)).agent?.id).toBe("claude-code");
    expect(activeAgent(registry, "claude-code", null).agent?.id).toBe("claude-code");
    expect(activeAgent(registry, "claude-code", stages(7)).agent?.id).toBe("claude-code");
  });
  test("a named agent wins; an unknown name finds none", () => {
    expect(activeAgent(registry, "claude-code", stages(0), "gpt-codex").agent?.id).toBe("gpt-codex");
    expect(activeAgent(registry, "claude-code", stages(0), "nobody").agent).toBeNull();
  });
  test("no agent runs in the IDE", () => {
    expect(activeAgent({ agents: [registry.agents[1]!] }, "claude-code", null).agent).toBeNull();
  });
});

describe("idse hook claude-pre-tool-use (in-process)", () => {
  async function project() {
    const cwd = tempDir();
    expect((await idse(["init", "shop"], { cwd })).code).toBe(0);
    return cwd;
  }
  const input = (cwd: string, tool_name: string, tool_input: Record<string, unknown>) =>
    JSON.stringify({
      session_id: "abc123",
      transcript_path: "/home/u/.claude/projects/x/abc123.jsonl",
      cwd,
      permission_mode: "default",
      hook_event_name: "PreToolUse",
      tool_name,
      tool_input,
      tool_use_id: "toolu_01",
    });
  const hook = (cwd: string, stdin: string, env: Record<string, string> = {}, args: string[] = []) =>
    idse(["hook", "claude-pre-tool-use", ...args], { cwd, stdin, env });

  test("planning: denies with Claude Code's decision JSON on stdout, exit 0", async () => {
    const cwd = await project();
    const r = await hook(cwd, input(cwd, "Write", { file_path: join(cwd, "src/app.ts"), content: "x" }));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.hookSpecificOutput).toMatchObject({ hookEventName: "PreToolUse", permissionDecision: "deny" });
    expect(out.hookSpecificOutput.permissionDecisionReason).toContain("planning mode");
    expect(out.hookSpecificOutput.permissionDecisionReason).toContain("src/app.ts");
  });

  test("planning: a design document is allowed: nothing on stdout, exit 0", async () => {
    const cwd = await project();
    const file = join(cwd, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md");
    const r = await hook(cwd, input(cwd, "Edit", { file_path: file, old_string: "a", new_string: "b" }));
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test("implementation mode allows code edits (IDSE_AGENT, --agent, or by routing)", async () => {
    const cwd = await project();
    const write = input(cwd, "Write", { file_path: join(cwd, "src/app.ts"), content: "x" });
    expect((await hook(cwd, write, { IDSE_AGENT: "gpt-codex" })).stdout).toBe("");
    expect((await hook(cwd, write, {}, ["--agent", "gpt-codex"])).stdout).toBe("");
    // A Claude Code agent in implementation mode that owns the next stage.
    await idse(["agents", "set-mode", "claude-code", "implementation"], { cwd });
    const j = await idse(["hook", "claude-pre-tool-use", "--json"], { cwd, stdin: write });
    expect(j.json?.data).toMatchObject({ decision: "allow", agent: "claude-code", mode: "implementation" });
  });

  test("the project comes from CLAUDE_PROJECT_DIR or the input's cwd, never a fixed path", async () => {
    const cwd = await project();
    const elsewhere = tempDir();
    const write = input(join(cwd, ".idse"), "Bash", { command: "npm test" });
    const byCwd = await hook(elsewhere, write);
    expect(JSON.parse(byCwd.stdout).hookSpecificOutput.permissionDecision).toBe("deny");
    const byEnv = await hook(elsewhere, input(elsewhere, "Bash", { command: "npm test" }), {
      CLAUDE_PROJECT_DIR: cwd,
    });
    expect(JSON.parse(byEnv.stdout).hookSpecificOutput.permissionDecision).toBe("deny");
    // A repository without .idse: nothing to enforce.
    const none = await hook(elsewhere, input(elsewhere, "Bash", { command: "npm test" }));
    expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 0, stdout: "" });
  });

  test("fails open: bad input, no input, a corrupt registry or an unknown agent allow with a reason on stderr", async () => {
    const cwd = await project();
    const write = input(cwd, "Write", { file_path: join(cwd, "src/app.ts") });
    const cases: [string, Record<string, string>][] = [
      ["{not json", {}],
      ["", {}],
      ["[1,2]", {}],
      [write, { IDSE_AGENT: "nobody" }],
    ];
    for (const [stdin, env] of cases) {
      const r = await hook(cwd, stdin, env);
      expect({ stdin, code: r.code, stdout: r.stdout }).toEqual({ stdin, code: 0, stdout: "" });
      expect(r.stderr).toContain("HOOK_ERROR");
    }
    writeFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "{");
    const corrupt = await hook(cwd, write);
    expect({ code: corrupt.code, stdout: corrupt.stdout }).toEqual({ code: 0, stdout: "" });
    expect(corrupt.stderr).toContain("agent_registry.json");
    // A terminal on stdin is never waited on.
    const tty = await idse(["hook", "claude-pre-tool-use"], { cwd });
    expect({ code: tty.code, stdout: tty.stdout }).toEqual({ code: 0, stdout: "" });
  });

  test("other events are not handled; the hook never writes anything", async () => {
    const cwd = await project();
    const registry = readFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "utf8");
    const r = await hook(cwd, JSON.stringify({ hook_event_name: "PostToolUse", tool_name: "Write", cwd }));
    expect(r.stdout).toBe("");
    expect(readFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "utf8")).toBe(registry);
  });
});
