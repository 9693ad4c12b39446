// The Claude Code hook's cases of the benchmark (issue 16: `hook claude-pre-tool-use` ≤ 2.5× an empty
// `bun build --compile` binary). Claude Code runs the hook before every Edit, Write and Bash call of an
// agent, so its whole-process time is paid thousands of times a day. Measured on the 1,001-session
// workspace with the hook JSON on stdin as Claude Code sends it, for the two common answers: a denial
// (planning mode, a Write of a source file) and no objection (a read-only Bash line through the shell
// reader and the policy table). The floor is an empty program compiled with the release flags, timed in
// the same run; bench.ts turns `floorRatio` into each row's budget once the floor is measured.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expectOutput, type ProcessCase } from "./bench-case.ts";
import { COMPILE_FLAGS } from "./build.ts";

export const FLOOR_NAME = "empty `bun build --compile` binary (floor)";

/** An empty program compiled with the release flags, in `root`/empty-binary/ (made once): the floor. */
export function emptyBinary(root: string): string {
  const dir = join(root, "empty-binary");
  const empty = join(dir, "empty");
  if (existsSync(empty)) return empty;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "empty.ts"), "export {};\n");
  const r = Bun.spawnSync(
    [process.execPath, "build", ...COMPILE_FLAGS, join(dir, "empty.ts"), "--outfile", empty],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (r.exitCode !== 0) throw new Error(`building the empty binary failed: ${r.stderr.toString()}`);
  return empty;
}

/** The hook's stdin as Claude Code sends it before `tool_name` runs in the workspace `cwd`. */
export function hookPayload(
  root: string,
  cwd: string,
  tool_name: string,
  tool_input: Record<string, unknown>,
) {
  return JSON.stringify({
    session_id: "9f1c2d3e-bench",
    transcript_path: join(root, "transcript.jsonl"),
    cwd,
    permission_mode: "default",
    hook_event_name: "PreToolUse",
    tool_name,
    tool_input,
    tool_use_id: "toolu_01BENCH",
  });
}

export function hookCases(root: string, big: string, sessions: number): ProcessCase[] {
  const empty = emptyBinary(root);
  const dir = dirname(empty);
  const payload = (tool_name: string, tool_input: Record<string, unknown>) =>
    hookPayload(root, big, tool_name, tool_input);
  const n = sessions.toLocaleString("en");
  const argv = ["hook", "claude-pre-tool-use"];
  // Each hook row is timed round for round with the empty binary and budgeted against that (bench.ts).
  const interleave = { bin: empty, argv: [], cwd: dir };
  return [
    {
      name: FLOOR_NAME,
      cwd: dir,
      bin: empty,
      argv: [],
      check: (out) => expectOutput(out === "", "empty binary"),
    },
    {
      name: `\`hook claude-pre-tool-use\`, Write src/ denied (${n} sessions)`,
      cwd: big,
      argv,
      stdin: payload("Write", { file_path: join(big, "src", "server.ts"), content: "export {};\n" }),
      floorRatio: 2.5,
      interleave,
      check: (out) =>
        expectOutput(
          JSON.parse(out).hookSpecificOutput?.permissionDecision === "deny",
          "hook denies the Write",
        ),
    },
    {
      name: `\`hook claude-pre-tool-use\`, read-only Bash allowed (${n} sessions)`,
      cwd: big,
      argv,
      stdin: payload("Bash", { command: "git status --short && idse route --next --json | jq .data.stage" }),
      floorRatio: 2.5,
      interleave,
      check: (out) => expectOutput(out === "", "hook has no objection to read-only Bash"),
    },
  ];
}
