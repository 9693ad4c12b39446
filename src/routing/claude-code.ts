import type { RoutingHost, RoutingPlugin } from "../plugins/api.ts";

// Claude Code: CLAUDE.md at the repository root, and a PreToolUse hook in .claude/settings.json that
// asks idse itself whether the tool call fits the agent's mode.

const claudeCode = (host: RoutingHost): RoutingPlugin => ({
  kind: "routing",
  name: "claude-code",
  label: "Claude Code",
  aliases: ["claude-code", "claude", "claude-cli"],
  paths: ["CLAUDE.md"],
  renderFiles: (ctx) => [
    {
      path: "CLAUDE.md",
      body: host.instructions(ctx, {
        title: "Claude Code instructions",
        intro:
          "A PreToolUse hook (`idse agents install-hooks`) enforces the mode below: in planning mode, edits other than the design documents of this project's sessions (and text outside idse's markers here), and shell commands other than read-only git and idse, are denied.",
      }),
    },
  ],
  hooks: (ctx) => [
    {
      file: ".claude/settings.json",
      localFile: ".claude/settings.local.json",
      event: "PreToolUse",
      matcher: "Edit|MultiEdit|Write|NotebookEdit|Bash",
      command: `${ctx.selfCommand} hook claude-pre-tool-use`,
      timeout: 10,
      marker: "hook claude-pre-tool-use",
    },
  ],
});

export default claudeCode;
