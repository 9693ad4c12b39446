import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BINARY, tempDir } from "../helpers.ts";
import { expectFail, json, ok, proj, read, readJson, requireBinary, run, shop } from "./util.ts";

// Issue 6 on the compiled binary: the registry commands, routing, generated instruction files (with
// --check) and the Claude Code hook, fed the hook input JSON as Claude Code documents it.

beforeAll(requireBinary);

const hookInput = (cwd: string, tool_name: string, tool_input: Record<string, unknown>) =>
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

/** Runs the hook as Claude Code would (no --json): the decision, or null when nothing was printed. */
function hook(cwd: string, tool: string, input: Record<string, unknown>, env: Record<string, string> = {}) {
  const r = run(["hook", "claude-pre-tool-use"], { cwd: tempDir(), stdin: hookInput(cwd, tool, input), env });
  expect(r.code).toBe(0);
  if (r.stdout === "") return null;
  const out = JSON.parse(r.stdout);
  expect(out.hookSpecificOutput.hookEventName).toBe("PreToolUse");
  return out.hookSpecificOutput as { permissionDecision: string; permissionDecisionReason: string };
}

describe("agents", () => {
  test("list, add, set-mode, set-role, set-stages, remove", () => {
    const cwd = shop();
    const list = ok(["agents", "list", "--json"], { cwd });
    expect(list.env.data.agents.map((a: { id: string }) => a.id)).toEqual([
      "claude-code",
      "gpt-codex",
      "github-copilot",
    ]);
    ok(["agents", "add", "gem", "--ide", "gemini", "--mode", "planning", "--stages", "intent,context"], {
      cwd,
    });
    ok(["agents", "set-mode", "gem", "implementation"], { cwd });
    ok(["agents", "set-role", "gem", "reviewer"], { cwd });
    const set = ok(["agents", "set-stages", "gem", "feedback", "--json"], { cwd });
    expect(set.env.data.agent).toMatchObject({
      id: "gem",
      role: "reviewer",
      mode: "implementation",
      stages: ["feedback"],
    });
    expect(readJson(proj(cwd, "shop", "agent_registry.json")).agents[3]).toEqual({
      id: "gem",
      role: "reviewer",
      mode: "implementation",
      stages: ["feedback"],
      ide: "gemini",
    });
    expect(ok(["agents", "list"], { cwd }).stdout).toContain("gem");
    ok(["agents", "remove", "gem"], { cwd });
    expectFail(json(["agents", "remove", "gem"], { cwd }), 1, "AGENT_NOT_FOUND");
    expectFail(json(["agents", "add", "claude-code", "--mode", "planning"], { cwd }), 1, "AGENT_EXISTS");
    expectFail(run(["agents", "set-mode", "claude-code", "yolo"], { cwd }), 2, "INVALID_ENUM");
  });

  test("route a stage and --next, with the handoff; status shows the routing", () => {
    const cwd = shop();
    ok(["session", "create", "auth"], { cwd });
    const spec = ok(["route", "spec", "--json"], { cwd });
    expect(spec.env.data.agents[0]).toMatchObject({ id: "claude-code", mode: "planning" });
    expect(spec.env.data.handoff.write.path).toBe(".idse/projects/shop/sessions/auth/specs/spec.md");
    const text = ok(["route", "--next"], { cwd }).stdout;
    expect(text).toContain("# Handoff: intent of auth (shop)");
    expect(text).toContain("Article I: Intent Supremacy");
    expect(text).toContain("idse session set-stage auth --stage intent --status completed");
    const status = ok(["status", "--json"], { cwd });
    expect(status.env.data.stages.find((s: { stage: string }) => s.stage === "implementation")).toMatchObject(
      {
        agent: "gpt-codex",
        mode: "implementation",
      },
    );
    expectFail(json(["route", "nope"], { cwd }), 2, "INVALID_ENUM");
  });

  test("read-only commands leave agent_registry.json byte for byte", () => {
    const cwd = shop();
    const file = proj(cwd, "shop", "agent_registry.json");
    writeFileSync(file, JSON.stringify(readJson(file)));
    const before = read(file);
    for (const argv of [
      ["status"],
      ["agents", "list"],
      ["route", "--next"],
      ["agents", "sync-files", "--check"],
    ]) {
      run(argv, { cwd });
    }
    run(["hook", "claude-pre-tool-use"], { cwd, stdin: hookInput(cwd, "Bash", { command: "ls" }) });
    expect(read(file)).toBe(before);
  });
});

describe("sync-files and generate-agent-files", () => {
  test("--check passes when current, fails (exit 1) when stale, sync fixes it", () => {
    const cwd = shop();
    expect(ok(["agents", "sync-files", "--check"], { cwd }).stdout).toContain("current");
    ok(["agents", "set-mode", "claude-code", "implementation"], { cwd });
    const stale = run(["agents", "sync-files", "--check", "--json"], { cwd });
    expect(stale.code).toBe(1);
    expect(stale.env.data.stale).toBe(true);
    expect(stale.env.diagnostics[0].code).toBe("AGENT_FILE_STALE");
    const synced = ok(["agents", "sync-files", "--json"], { cwd });
    expect(synced.env.data.files.find((f: { path: string }) => f.path === "CLAUDE.md").action).toBe(
      "updated",
    );
    ok(["agents", "sync-files", "--check"], { cwd });
    expect(read(join(cwd, "CLAUDE.md"))).toContain("**implementation** mode");
  });

  test("editing a generated file by hand and syncing again loses nothing", () => {
    const cwd = shop();
    const file = join(cwd, "CLAUDE.md");
    writeFileSync(file, `# House rules\n\nAlways use pnpm.\n\n${read(file)}`);
    ok(["session", "create", "auth"], { cwd });
    ok(["agents", "sync-files"], { cwd });
    expect(read(file).startsWith("# House rules\n\nAlways use pnpm.\n\n")).toBe(true);
    expect(read(file)).toContain("Current session: `auth`");

    const inside = read(file).replace("## Modes", "## Modes\n\nMy note inside the block.");
    writeFileSync(file, inside);
    ok(["agents", "set-role", "claude-code", "planner"], { cwd });
    const kept = ok(["agents", "sync-files"], { cwd });
    expect(kept.stderr).toContain("FILE_EDITED");
    expect(read(file)).toBe(inside);
    expect(run(["agents", "sync-files", "--check"], { cwd }).code).toBe(1);
    ok(["agents", "sync-files", "--force"], { cwd });
    expect(read(file)).toContain("`claude-code`, planner");
    expect(read(file).startsWith("# House rules")).toBe(true);
  });

  test("generate-agent-files is the same command under the original's name", () => {
    const cwd = tempDir();
    ok(["init", "shop", "--no-create-agent-files"], { cwd });
    const r = ok(["generate-agent-files", "--json"], { cwd });
    expect(r.env.data.files.map((f: { path: string }) => f.path)).toEqual([
      "CLAUDE.md",
      "AGENTS.md",
      ".cursorrules",
    ]);
    for (const f of ["CLAUDE.md", "AGENTS.md", ".cursorrules"]) {
      expect(Buffer.byteLength(read(join(cwd, f)))).toBeLessThan(8 * 1024);
    }
    ok(["generate-agent-files", "--check"], { cwd });
  });
});

describe("install-hooks and the Claude Code hook", () => {
  test("install-hooks merges into settings.json, keeps other keys, and is idempotent", () => {
    const cwd = shop();
    const settings = join(cwd, ".claude/settings.json");
    run(["agents", "install-hooks", "--command", "idse"], { cwd });
    const first = readJson(settings);
    expect(first.hooks.PreToolUse[0].hooks[0].command).toBe("idse hook claude-pre-tool-use");
    first.permissions = { deny: ["Bash(curl:*)"] };
    first.hooks.PreToolUse.unshift({ matcher: "Bash", hooks: [{ type: "command", command: "./audit.sh" }] });
    writeFileSync(settings, JSON.stringify(first, null, 2));
    const before = read(settings);
    const again = ok(["agents", "install-hooks", "--command", "idse", "--json"], { cwd });
    expect(again.env.data.files).toEqual([{ path: ".claude/settings.json", action: "unchanged" }]);
    expect(read(settings)).toBe(before);
    // By default the command is `idse` when PATH finds this binary: the committed file is unchanged.
    const onPath = ok(["agents", "install-hooks", "--json"], {
      cwd,
      env: { PATH: `${dirname(BINARY)}:${process.env.PATH}` },
    });
    expect(onPath.env.data.files).toEqual([{ path: ".claude/settings.json", action: "unchanged" }]);
    expect(onPath.env.diagnostics).toEqual([]);
    // Else this binary's absolute path, which goes to the per-user settings.local.json, never the
    // committed file (whose team-wide `idse hook …` entry stays).
    const off = ok(["agents", "install-hooks", "--json"], { cwd });
    expect(off.env.diagnostics).toMatchObject([{ severity: "warning", code: "HOOK_LOCAL" }]);
    expect(off.env.data.files).toEqual([
      { path: ".claude/settings.local.json", action: "created" },
      { path: ".claude/settings.json", action: "unchanged" },
    ]);
    expect(read(settings)).toBe(before);
    const local = readJson(join(cwd, ".claude/settings.local.json"));
    expect(local.hooks.PreToolUse[0].hooks[0].command).toBe(`${BINARY} hook claude-pre-tool-use`);
    const after = readJson(settings);
    expect(after.permissions).toEqual({ deny: ["Bash(curl:*)"] });
    expect(after.hooks.PreToolUse.map((g: { hooks: { command: string }[] }) => g.hooks[0]!.command)).toEqual([
      "./audit.sh",
      "idse hook claude-pre-tool-use",
    ]);
  });

  test("the installed command runs the hook: planning denies code edits and commands", () => {
    const cwd = shop();
    ok(["agents", "install-hooks"], { cwd });
    // Not on PATH here: the entry runs this binary by its path, from the per-user settings file.
    const command = readJson(join(cwd, ".claude/settings.local.json")).hooks.PreToolUse[0].hooks[0]
      .command as string;
    const r = Bun.spawnSync(["sh", "-c", command], {
      cwd,
      stdin: Buffer.from(hookInput(cwd, "Write", { file_path: join(cwd, "src/index.ts"), content: "" })),
      env: { PATH: process.env.PATH ?? "", HOME: cwd, CLAUDE_PROJECT_DIR: cwd },
    });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout.toString()).hookSpecificOutput.permissionDecision).toBe("deny");
  });

  test("planning mode: denies edits that are not design documents and non-read-only Bash; allows the rest", () => {
    const cwd = shop();
    const design = join(cwd, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md");
    const denied: [string, Record<string, unknown>][] = [
      ["Edit", { file_path: join(cwd, "src/app.ts"), old_string: "a", new_string: "b" }],
      ["Write", { file_path: join(cwd, "package.json"), content: "{}" }],
      ["MultiEdit", { file_path: join(cwd, "README.md"), edits: [] }],
      ["Write", { file_path: proj(cwd, "shop", "agent_registry.json"), content: "{}" }],
      ["Bash", { command: "npm install left-pad" }],
      ["Bash", { command: "git commit -am wip" }],
      ["Bash", { command: "idse status > src/status.txt" }],
    ];
    for (const [tool, input] of denied) {
      const d = hook(cwd, tool, input);
      expect({ tool, input, decision: d?.permissionDecision }).toEqual({ tool, input, decision: "deny" });
      expect(d!.permissionDecisionReason).toContain("planning mode");
    }
    const allowed: [string, Record<string, unknown>][] = [
      ["Write", { file_path: design, content: "# Spec" }],
      // Outside idse's markers only (the managed block is denied: test/e2e/hook-policy.test.ts).
      [
        "Write",
        { file_path: join(cwd, "CLAUDE.md"), content: `${read(join(cwd, "CLAUDE.md"))}\nMy notes.\n` },
      ],
      ["Bash", { command: "git log --oneline -3 && git diff --stat" }],
      ["Bash", { command: "idse route --next" }],
      ["Read", { file_path: join(cwd, "src/app.ts") }],
    ];
    for (const [tool, input] of allowed)
      expect({ tool, input, out: hook(cwd, tool, input) }).toEqual({ tool, input, out: null });
  });

  test("implementation mode allows everything; the mode follows the registry", () => {
    const cwd = shop();
    const write = { file_path: join(cwd, "src/app.ts"), content: "x" };
    expect(hook(cwd, "Write", write)?.permissionDecision).toBe("deny");
    expect(hook(cwd, "Write", write, { IDSE_AGENT: "gpt-codex" })).toBeNull();
    ok(["agents", "set-mode", "claude-code", "implementation"], { cwd });
    expect(hook(cwd, "Write", write)).toBeNull();
    expect(hook(cwd, "Bash", { command: "npm test" })).toBeNull();
    ok(["agents", "set-mode", "claude-code", "planning"], { cwd });
    expect(hook(cwd, "Bash", { command: "npm test" })?.permissionDecision).toBe("deny");
  });

  test("fails closed for a planning agent: bad input or a corrupt registry deny, with the reason on stderr", () => {
    const cwd = shop();
    for (const stdin of ["", "{oops", "null"]) {
      const r = run(["hook", "claude-pre-tool-use"], { cwd, stdin });
      expect({ stdin, code: r.code }).toEqual({ stdin, code: 0 });
      expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe("deny");
      expect(r.stderr).toContain("HOOK_ERROR");
    }
    writeFileSync(proj(cwd, "shop", "agent_registry.json"), "not json");
    const corrupt = run(["hook", "claude-pre-tool-use", "--json"], {
      cwd,
      stdin: hookInput(cwd, "Bash", { command: "ls" }),
    });
    expect(corrupt.code).toBe(0);
    expect(corrupt.env.data).toMatchObject({ decision: "deny", agent: null, mode: "planning" });
    expect(corrupt.env.data.reason).toContain("agent_registry.json");
    expect(corrupt.env.data.reason).toContain("idse doctor --fix");
    expect(corrupt.env.diagnostics[0].code).toBe("HOOK_ERROR");
    expect(existsSync(join(cwd, ".claude"))).toBe(false);
    expect(readFileSync(proj(cwd, "shop", "agent_registry.json"), "utf8")).toBe("not json");
    // Without .idse/ idse is not in charge: no objection.
    const none = tempDir();
    const r = run(["hook", "claude-pre-tool-use"], {
      cwd: none,
      stdin: hookInput(none, "Bash", { command: "rm -rf src" }),
    });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: "" });
  });
});
