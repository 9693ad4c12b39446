import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HANDOVER_SETUP } from "../agents/handover.ts";
import { BINARY, tempDir } from "../helpers.ts";
import { proj, requireBinary, run, shop } from "./util.ts";

// Issue 13's hook-policy corpus, run through the compiled binary exactly as Claude Code runs it
// (`idse hook claude-pre-tool-use`, the hook JSON on stdin, CLAUDE_PROJECT_DIR set, no --json): every
// forbidden call the issue lists, the shell tricks that would hide one, and the edits with which a
// planning agent tried to switch the hook off. Each must be denied; the calls a planning agent needs must
// still pass. The table behind it is tested row by row in test/agents/policy.test.ts.

beforeAll(requireBinary);

const input = (cwd: string, tool_name: string, tool_input: Record<string, unknown>) =>
  JSON.stringify({
    session_id: "abc123",
    transcript_path: join(cwd, ".claude-transcript.jsonl"),
    cwd,
    permission_mode: "default",
    hook_event_name: "PreToolUse",
    tool_name,
    tool_input,
    tool_use_id: "toolu_01ABC",
  });

/** The hook's answer: the denial reason, or null when it has no objection. */
function ask(root: string, tool: string, toolInput: Record<string, unknown>): string | null {
  const r = run(["hook", "claude-pre-tool-use"], {
    cwd: root,
    stdin: input(root, tool, toolInput),
    env: { CLAUDE_PROJECT_DIR: root },
  });
  expect(r.code).toBe(0);
  if (r.stdout === "") return null;
  const out = JSON.parse(r.stdout).hookSpecificOutput;
  expect(out.permissionDecision).toBe("deny");
  return out.permissionDecisionReason as string;
}

const bash = (root: string, command: string) => ask(root, "Bash", { command });

const FORBIDDEN_COMMANDS = [
  // The calls issue 13 found allowed.
  "idse plugin add ./.idse/notes/helper --yes",
  "idse plugin enable helper",
  "idse plugin remove windsurf",
  "idse config set store.plugin helper",
  "idse config unset owner",
  "idse remote add out ../outside",
  "idse store migrate --to sqlite-store",
  "idse store export --dir ../x",
  "idse sync push out",
  "idse sync pull out",
  "idse agents set-mode claude-code implementation",
  "idse agents add me --mode implementation --stages intent",
  "idse agents install-hooks",
  "idse session switch __blueprint__",
  "idse session set-stage __blueprint__ --stage implementation --status completed",
  "git stash",
  // The same, hidden.
  "IDSE_STORE_PLUGIN=helper idse status",
  "IDSE_TRUST=all idse status",
  "command idse config set owner x",
  "exec idse plugin add ./.idse/notes/helper",
  "env idse config set owner x",
  "(idse config set owner x)",
  "idse status; idse config set owner x",
  "idse status && idse agents set-mode claude-code implementation",
  "idse status | idse config set owner x",
  "echo $(idse config set owner x)",
  "echo `idse config set owner x`",
  "idse status > src/status.txt",
  "bash -c 'idse config set owner x'",
  "sh -c 'rm -rf src'",
  "echo helper | xargs idse plugin add",
  "./.idse/idse status",
  "npx idse config set owner x",
  "bun src/main.ts config set owner x",
  "deno run -A src/main.ts config set owner x",
  "idse --project other artifact write --stage spec",
  "idse compile agent-spec --out ../x",
  "idse validate --fix",
  "cat <<EOF\n$(rm -rf src)\nEOF",
  "echo '<<EOF'\nrm -rf src\nEOF",
  "rm -rf src",
];

describe("the hook-policy corpus (planning mode, compiled binary)", () => {
  test("every forbidden command is denied", () => {
    const root = shop();
    for (const command of FORBIDDEN_COMMANDS) {
      const reason = bash(root, command);
      expect({ command, denied: reason !== null }).toEqual({ command, denied: true });
      expect(reason).toContain("planning mode");
    }
  });

  test("the files that run code, configure idse or decide the mode cannot be written", () => {
    const root = shop();
    const files = [
      ".idse/notes/helper/index.js",
      ".idse/notes/helper/package.json",
      ".idse/plugins.json",
      ".idse/plugins/windsurf/index.js",
      ".idse/config.json",
      ".claude/settings.json",
      ".idse/projects/shop/agent_registry.json",
      ".idse/projects/shop/session_state.json",
      ".idse/projects/shop/CURRENT_SESSION",
      ".idse/projects/shop/sessions/__blueprint__/metadata/stage_state.json",
      ".idse/projects/CURRENT_PROJECT",
      ".idse/projects/evil/session_state.json",
      "src/app.ts",
      "package.json",
    ];
    for (const f of files) {
      for (const tool of ["Write", "Edit"]) {
        const reason = ask(root, tool, {
          file_path: join(root, f),
          content: "{",
          old_string: "a",
          new_string: "b",
        });
        expect({ f, tool, denied: reason !== null }).toEqual({ f, tool, denied: true });
      }
    }
  });

  test("the managed block of CLAUDE.md stays idse's; the rest of the file is the user's", () => {
    const root = shop();
    const text = readFileSync(join(root, "CLAUDE.md"), "utf8");
    expect(text).toContain("idse:begin");
    expect(
      ask(root, "Write", { file_path: join(root, "CLAUDE.md"), content: `${text}\nMy notes.\n` }),
    ).toBeNull();
    const reason = ask(root, "Edit", {
      file_path: join(root, "CLAUDE.md"),
      old_string: "planning",
      new_string: "implementation",
      replace_all: true,
    });
    expect(reason).toContain("markers");
  });

  test("self-disabling: damaged stage state or a second project with junk in CURRENT_PROJECT keeps rm -rf src denied", () => {
    const root = shop();
    // Done by hand here (the agent cannot write these files): the hook must not fail open afterwards.
    writeFileSync(proj(root, "shop", "sessions/__blueprint__/metadata/stage_state.json"), "{");
    const stage = bash(root, "rm -rf src");
    expect(stage).toContain("stage_state.json");
    expect(stage).toContain("idse doctor --fix");
    expect(run(["doctor", "--fix"], { cwd: root }).code).toBe(0);
    expect(bash(root, "rm -rf src")).toContain("planning mode");

    mkdirSync(join(root, ".idse/projects/evil/sessions"), { recursive: true });
    writeFileSync(join(root, ".idse/projects/CURRENT_PROJECT"), "../../src\n");
    const project = bash(root, "rm -rf src");
    expect(project).toContain("CURRENT_PROJECT");
    const design = join(root, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md");
    expect(ask(root, "Write", { file_path: design, content: "# Spec" })).toContain("CURRENT_PROJECT");
  });

  test("what a planning agent needs still passes", () => {
    const root = shop();
    const design = join(root, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md");
    expect(ask(root, "Write", { file_path: design, content: "# Spec" })).toBeNull();
    expect(ask(root, "Edit", { file_path: design, old_string: "a", new_string: "b" })).toBeNull();
    for (const command of [
      "idse status",
      "idse route --next --json | jq .data.stage",
      "idse artifact read --stage spec | head -20",
      "cat draft.md | idse artifact write --stage spec",
      "idse artifact write --stage plan <<'EOF'\n# Plan\n$(not run)\nEOF",
      "idse validate --stage spec",
      "idse compile agent-spec --check",
      `${BINARY} sessions --json`,
      "git status && git log --oneline -5 && git diff HEAD -- src",
      "git stash list",
      "ls .idse/projects/shop/sessions/*/specs",
      // What its instructions and the route's handoff tell it to run (test/agents/told-allowed.test.ts).
      "idse session set-stage __blueprint__ --stage tasks --status completed",
      "idse spine",
      "idse spine propose Cart --area Shop --layer Core --reason carts",
    ]) {
      expect({ command, reason: bash(root, command) }).toEqual({ command, reason: null });
    }
  });

  test("completing the last planning stage is denied when it would hand the session to a Claude Code implementer", () => {
    const root = shop();
    for (const argv of HANDOVER_SETUP) expect(run(argv, { cwd: root }).code).toBe(0);
    expect(bash(root, "idse session set-stage __blueprint__ --stage tasks --status completed")).toContain(
      "would put claude-impl (implementation mode) in charge",
    );
    expect(bash(root, "rm -rf src")).toContain("planning mode");
  });

  test("without .idse/ idse is not in charge: no objection", () => {
    const root = tempDir();
    expect(bash(root, "rm -rf src")).toBeNull();
  });
});
