// A workspace's commands that make completing `tasks` of the blueprint hand the session to a Claude Code
// agent in implementation mode (claude-impl owns implementation; the default planner, claude-code, owns
// intent to tasks; the other agents run elsewhere), with every earlier stage completed. Shared by the
// hook's in-process and binary tests and the MCP hint's: each runs them with its own runner.
export const HANDOVER_SETUP: string[][] = [
  ["agents", "set-stages", "gpt-codex", "none"],
  ["agents", "set-stages", "github-copilot", "feedback"],
  "agents add claude-impl --ide claude-code --mode implementation --stages implementation".split(" "),
  ...["intent", "context", "spec", "plan"].map((stage) => [
    "session",
    "set-stage",
    "__blueprint__",
    "--stage",
    stage,
    "--status",
    "completed",
  ]),
];
