import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bashProblem, decide, type Policy } from "../../src/hooks/claude.ts";
import { shellCommands } from "../../src/hooks/shell.ts";
import { activeAgent, type HookAgent } from "../../src/hooks/state.ts";
import { idse, tempDir } from "../helpers.ts";
import { HANDOVER_SETUP } from "./handover.ts";

// The Claude Code PreToolUse hook: a table of tool calls per mode, the shell reader behind the Bash
// rule, which agent's mode applies, and the command end to end in-process with the hook input JSON as
// Claude Code documents it ({session_id, transcript_path, cwd, permission_mode, hook_event_name,
// tool_name, tool_input, tool_use_id}). The policy table itself is tested row by row in policy.test.ts.

const ROOT = "/repo";
const planning: Policy = { mode: "planning", root: ROOT, project: "shop" };
const implementation: Policy = { ...planning, mode: "implementation" };
const SPEC = "/repo/.idse/projects/shop/sessions/auth/specs/spec.md";

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
  [
    "Write",
    { file_path: "/repo/.idse/projects/shop/sessions/auth/metadata/stage_state.json", content: "{" },
    "deny",
  ],
  ["Write", { file_path: "/repo/.idse/projects/CURRENT_PROJECT", content: "junk" }, "deny"],
  ["Write", { file_path: "/repo/.idse/notes/helper/index.js", content: "" }, "deny"],
  ["Write", { file_path: "/repo/.idse/plugins.json" }, "deny"],
  ["Write", { file_path: "/repo/.idse/config.json" }, "deny"],
  ["Write", {}, "deny"],
  ["Write", { file_path: SPEC, content: "" }, "allow"],
  ["Edit", { file_path: "/repo/.idse/projects/shop/sessions/auth/plans/plan.md" }, "allow"],
  ["MultiEdit", { file_path: "/repo/.idse/projects/shop/sessions/auth/tasks/tasks.md" }, "allow"],
  ["Write", { file_path: ".idse/projects/shop/sessions/auth/intents/intent.md" }, "allow"],
  ["Write", { file_path: "/repo/CLAUDE.md", content: "# Notes of my own\n" }, "allow"],
  ["Bash", { command: "npm test" }, "deny"],
  ["Bash", { command: "rm -rf src" }, "deny"],
  ["Bash", { command: "git commit -am wip" }, "deny"],
  ["Bash", { command: "git status && git diff HEAD~1 -- src" }, "allow"],
  ["Bash", { command: "idse route --next --json | jq .data.stage" }, "allow"],
  ["Bash", { command: "idse agents set-mode claude-code implementation" }, "deny"],
  ["Read", { file_path: "/repo/src/app.ts" }, "allow"],
  ["Grep", { pattern: "x" }, "allow"],
  ["mcp__fs__write_file", { path: "/repo/src/app.ts" }, "deny"],
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

  test("a symlink cannot carry an edit out of a session folder", () => {
    const root = tempDir();
    mkdirSync(join(root, ".idse/projects/shop/sessions/auth"), { recursive: true });
    mkdirSync(join(root, "src"));
    symlinkSync(join(root, "src"), join(root, ".idse/projects/shop/sessions/auth/escape"));
    const d = decide(
      {
        tool_name: "Write",
        tool_input: { file_path: join(root, ".idse/projects/shop/sessions/auth/escape/app.md") },
      },
      { ...planning, root },
    );
    expect(d.decision).toBe("deny");
  });

  test("instruction files: edits outside idse's markers pass, edits of the block do not", () => {
    const root = tempDir();
    const text = "# Mine\n\n<!-- idse:begin: generated -->\nmode: planning\n<!-- idse:end -->\n";
    writeFileSync(join(root, "CLAUDE.md"), text);
    const p = { ...planning, root };
    const edit = (input: Record<string, unknown>, tool = "Edit") =>
      decide({ tool_name: tool, tool_input: { file_path: join(root, "CLAUDE.md"), ...input }, cwd: root }, p)
        .decision;
    expect(edit({ old_string: "# Mine", new_string: "# Mine, with notes" })).toBe("allow");
    expect(edit({ old_string: "mode: planning", new_string: "mode: implementation" })).toBe("deny");
    expect(edit({ old_string: "<!-- idse:end -->", new_string: "" })).toBe("deny");
    expect(edit({ old_string: "not there", new_string: "x" })).toBe("deny");
    expect(edit({ content: text.replace("# Mine", "# Ours") }, "Write")).toBe("allow");
    expect(edit({ content: "# Ours only\n" }, "Write")).toBe("deny");
    expect(
      edit(
        {
          edits: [
            { old_string: "# Mine", new_string: "# A" },
            { old_string: "# A", new_string: "# B" },
          ],
        },
        "MultiEdit",
      ),
    ).toBe("allow");
    expect(edit({ edits: [{ old_string: "planning", new_string: "x" }] }, "MultiEdit")).toBe("deny");
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
    "cat spec.md | idse artifact write --stage spec",
    "git stash show stash@{0}",
  ];
  const denied: [string, RegExp][] = [
    ["npm install", /npm/],
    ["git push", /git push/],
    ["git stash", /git stash/],
    ["git branch -D main", /git branch/],
    ["git -c core.pager=sh log", /git option -c/],
    ["git log --output=src/x.ts", /writes files/],
    ["git diff > patch.diff", /redirection/],
    ["idse status >> src/log.txt", /redirection/],
    ["idse status &> out.txt", /redirection/],
    ["idse status >&out.txt", /redirection/],
    ["cat x <> y", /read-write/],
    ["idse status && make", /make/],
    ["idse status; touch x", /touch/],
    ["git status | tee out.txt", /tee/],
    ["echo $(rm -rf /)", /substitution/],
    ["idse `whoami`", /substitution/],
    ['idse "$(whoami)"', /expansion|substitution/],
    ["cat < $(rm -rf src)", /substitution/],
    ['cat <<< "$(id)"', /expansion|substitution/],
    ["cat <<EOF\n$(rm -rf src)\nEOF", /here-document/],
    ["echo '<<EOF'\nrm -rf src\nEOF", /rm/],
    ["echo $'\\x72m'", /expansion/],
    ["echo $" + "{HOME}", /expansion/],
    ["idse conf{ig,} set x y", /brace/],
    ["diff <(git show a) <(git show b)", /process substitution/],
    ["FOO=1 idse status", /FOO/],
    ["(cd src && rm x)", /subshell/],
    ["{ idse status; }", /\{/],
    ["sh -c 'idse status'", /sh/],
    ["idse agents add x --mode implementation", /agents add/],
    ["idse agents install-hooks", /install-hooks/],
    ["idse validate --output report.txt", /writes files/],
    ["idse schema emit out", /schema emit/],
    ["echo 'unterminated", /quote/],
    ["git log --outp\u0000x=src/a", /control characters/],
    ["/repo/.idse/idse status", /not read-only/],
    ["idse plugin add ./.idse/notes/helper --yes", /plugin add/],
  ];
  for (const cmd of allowed)
    test(`allows ${JSON.stringify(cmd)}`, () => expect(bashProblem(cmd, planning, ROOT)).toBeUndefined());
  for (const [cmd, why] of denied) {
    test(`denies ${JSON.stringify(cmd)}`, () => expect(bashProblem(cmd, planning, ROOT)).toMatch(why));
  }
  test("here-document bodies are input, read after the line that opens them", () => {
    expect(shellCommands("cat <<'A' <<B\n$(x)\nA\nplain\nB\nidse status")).toEqual({
      commands: [
        { words: ["cat"], expands: [false] },
        { words: ["idse", "status"], expands: [false, false] },
      ],
    });
  });
});

describe("activeAgent: whose mode applies", () => {
  const agents: HookAgent[] = [
    { id: "claude-code", mode: "planning", stages: ["intent", "spec"] },
    { id: "gpt-codex", mode: "implementation", stages: ["implementation"] },
    { id: "claude-impl", mode: "implementation", stages: ["implementation"], ide: "claude-code" },
  ];
  const stages = (done: number) =>
    Object.fromEntries(
      ["intent", "context", "spec", "plan", "tasks", "implementation", "feedback"].map((s, i) => [
        s,
        i < done ? "completed" : "pending",
      ]),
    ) as Parameters<typeof activeAgent>[1] & object;

  test("the Claude Code agent that owns the next stage", () => {
    expect(activeAgent(agents, stages(0)).agent?.id).toBe("claude-code");
    expect(activeAgent(agents, stages(5)).agent?.id).toBe("claude-impl");
  });
  test("when no Claude Code agent owns the next stage, or the stages are unknown, the strictest one", () => {
    expect(activeAgent(agents, stages(1)).agent?.id).toBe("claude-code");
    expect(activeAgent(agents, undefined).agent?.id).toBe("claude-code");
    expect(activeAgent(agents, stages(7)).agent?.id).toBe("claude-code");
  });
  test("a named agent wins; an unknown name finds none", () => {
    expect(activeAgent(agents, stages(0), "gpt-codex").agent?.id).toBe("gpt-codex");
    expect(activeAgent(agents, stages(0), "nobody").agent).toBeNull();
  });
  test("no agent runs in the IDE", () => {
    expect(activeAgent([agents[1]!], undefined).agent).toBeNull();
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

  test("planning: marking a planning stage done is allowed, the implementation stage is not", async () => {
    const cwd = await project();
    const bash = (command: string) => hook(cwd, input(cwd, "Bash", { command }));
    const done = await bash("idse session set-stage __blueprint__ --stage intent --status completed");
    expect({ code: done.code, stdout: done.stdout }).toEqual({ code: 0, stdout: "" });
    const impl = JSON.parse(
      (await bash("idse session set-stage __blueprint__ --stage implementation --status completed")).stdout,
    );
    expect(impl.hookSpecificOutput.permissionDecision).toBe("deny");
    expect(impl.hookSpecificOutput.permissionDecisionReason).toContain(
      "stage implementation is not routed to a planning agent",
    );
    // Routed away from the planning agent, a stage is no longer its to mark.
    await idse(["agents", "set-stages", "gpt-codex", "implementation,feedback"], { cwd });
    await idse(["agents", "set-stages", "claude-code", "intent,context,spec,plan,tasks"], { cwd });
    const feedback = JSON.parse(
      (await bash("idse session set-stage __blueprint__ --stage feedback --status completed")).stdout,
    );
    expect(feedback.hookSpecificOutput.permissionDecision).toBe("deny");
  });

  test("planning: marking the last planning stage done is denied when it hands the session to a Claude Code implementer", async () => {
    const cwd = await project();
    const bash = (command: string, env: Record<string, string> = {}) =>
      hook(cwd, input(cwd, "Bash", { command }), env);
    for (const argv of HANDOVER_SETUP) expect((await idse(argv, { cwd })).code).toBe(0);
    const tasks = "idse session set-stage __blueprint__ --stage tasks --status completed";
    const out = JSON.parse((await bash(tasks)).stdout).hookSpecificOutput;
    expect(out.permissionDecision).toBe("deny");
    expect(out.permissionDecisionReason).toContain("would put claude-impl (implementation mode) in charge");
    // Other changes keep the planner in charge; a named agent's mode does not follow the stages.
    expect(
      (await bash("idse session set-stage __blueprint__ --stage tasks --status in_progress")).stdout,
    ).toBe("");
    expect((await bash(tasks, { IDSE_AGENT: "claude-code" })).stdout).toBe("");
    // Once the user has made the hand-over, the implementer is in charge and the hook lets it work.
    await idse(["session", "set-stage", "__blueprint__", "--stage", "tasks", "--status", "completed"], {
      cwd,
    });
    expect((await bash("npm test")).stdout).toBe("");
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

  const denied = (r: { code: number; stdout: string }) => {
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout).hookSpecificOutput;
    expect(out.permissionDecision).toBe("deny");
    return out.permissionDecisionReason as string;
  };

  test("planning: unreadable hook input is denied, with the reason on stderr", async () => {
    const cwd = await project();
    for (const stdin of ["{not json", "", "[1,2]"]) {
      const r = await hook(cwd, stdin);
      expect(denied(r)).toContain("hook input");
      expect(r.stderr).toContain("HOOK_ERROR");
    }
    // A terminal on stdin is never waited on: no input, so a planning agent gets a denial.
    const tty = await idse(["hook", "claude-pre-tool-use"], { cwd });
    expect(denied(tty)).toContain("no hook input");
  });

  test("fails closed: damaged state denies a planning agent, naming the file and the repair", async () => {
    const design = (cwd: string) =>
      input(cwd, "Write", {
        file_path: join(cwd, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md"),
      });
    const damage: [string, (cwd: string) => void, RegExp][] = [
      [
        "registry",
        (cwd) => writeFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "{"),
        /agent_registry\.json.*idse doctor --fix/,
      ],
      [
        "stage state",
        (cwd) =>
          writeFileSync(
            join(cwd, ".idse/projects/shop/sessions/__blueprint__/metadata/stage_state.json"),
            "{",
          ),
        /stage_state\.json.*idse doctor --fix/,
      ],
      [
        "session state",
        (cwd) => writeFileSync(join(cwd, ".idse/projects/shop/session_state.json"), "[]"),
        /session_state\.json/,
      ],
      [
        "current session",
        (cwd) => writeFileSync(join(cwd, ".idse/projects/shop/CURRENT_SESSION"), "junk\n"),
        /CURRENT_SESSION: names "junk"/,
      ],
    ];
    for (const [what, hurt, why] of damage) {
      const cwd = await project();
      hurt(cwd);
      const registry = readFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "utf8");
      const r = await hook(cwd, design(cwd));
      expect({ what, reason: denied(r) }).toMatchObject({ what, reason: expect.stringMatching(why) });
      expect(r.stderr).toContain("HOOK_ERROR");
      // The hook repairs nothing itself; the command it names does.
      expect(readFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "utf8")).toBe(registry);
      expect((await idse(["doctor", "--fix"], { cwd })).code).toBe(0);
      const again = await hook(cwd, design(cwd));
      expect({ what, stdout: again.stdout }).toEqual({ what, stdout: "" });
    }
  });

  test("fails closed: several projects and none selected; an unknown IDSE_AGENT", async () => {
    const cwd = await project();
    mkdirSync(join(cwd, ".idse/projects/evil/sessions"), { recursive: true });
    writeFileSync(join(cwd, ".idse/projects/CURRENT_PROJECT"), "junk\n");
    const write = input(cwd, "Bash", { command: "rm -rf src" });
    expect(denied(await hook(cwd, write))).toMatch(/CURRENT_PROJECT.*evil, shop/);
    // IDSE_PROJECT where Claude Code runs selects the project again.
    expect(denied(await hook(cwd, write, { IDSE_PROJECT: "shop" }))).toContain("planning mode");
    const other = await project();
    expect(
      denied(await hook(other, input(other, "Bash", { command: "ls" }), { IDSE_AGENT: "nobody" })),
    ).toContain("IDSE_AGENT");
  });

  test("implementation agents are not objected to when state is damaged (a warning says why)", async () => {
    const cwd = await project();
    writeFileSync(join(cwd, ".idse/projects/shop/sessions/__blueprint__/metadata/stage_state.json"), "{");
    const r = await hook(cwd, input(cwd, "Write", { file_path: join(cwd, "src/app.ts") }), {
      IDSE_AGENT: "gpt-codex",
    });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: "" });
    expect(r.stderr).toContain("stage_state.json");
    // A registry that cannot be read leaves no implementation agent to name: planning is assumed.
    writeFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "{");
    const j = await idse(["hook", "claude-pre-tool-use", "--json"], {
      cwd,
      stdin: input(cwd, "Write", { file_path: join(cwd, "src/app.ts") }),
      env: { IDSE_AGENT: "gpt-codex" },
    });
    expect(j.json?.data).toMatchObject({ decision: "deny", agent: null, mode: "planning" });
  });

  test("a store plugin: the hook reads the registry through it; a store that cannot be opened denies", async () => {
    const cwd = tempDir();
    expect((await idse(["init", "shop", "--store", "sqlite-store"], { cwd })).code).toBe(0);
    const src = input(cwd, "Write", { file_path: join(cwd, "src/app.ts") });
    expect(denied(await hook(cwd, src))).toContain("planning mode");
    const design = input(cwd, "Write", {
      file_path: join(cwd, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md"),
    });
    expect((await hook(cwd, design)).stdout).toBe("");
    expect((await hook(cwd, src, { IDSE_AGENT: "gpt-codex" })).stdout).toBe("");
    const config = JSON.parse(readFileSync(join(cwd, ".idse/config.json"), "utf8"));
    writeFileSync(
      join(cwd, ".idse/config.json"),
      JSON.stringify({ ...config, store: { plugin: "no-such-store" } }),
    );
    expect(denied(await hook(cwd, design))).toContain("no-such-store");
    writeFileSync(join(cwd, ".idse/config.json"), "{");
    expect(denied(await hook(cwd, design))).toContain("config.json");
  });

  test("other events are not handled; the hook never writes anything", async () => {
    const cwd = await project();
    const registry = readFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "utf8");
    const r = await hook(cwd, JSON.stringify({ hook_event_name: "PostToolUse", tool_name: "Write", cwd }));
    expect(r.stdout).toBe("");
    expect(readFileSync(join(cwd, ".idse/projects/shop/agent_registry.json"), "utf8")).toBe(registry);
  });
});
