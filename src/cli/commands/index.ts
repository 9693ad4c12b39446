import type { CommandEntry } from "../command.ts";

// The command table: what the CLI needs to parse, dispatch and list commands. Each implementation is
// loaded only when its command runs, so start-up pays for one command's code, not for all of them
// (docs/benchmarks.md).

/** Every command, in the order `idse --help` lists them. */
export const COMMANDS: CommandEntry[] = [
  {
    name: "init",
    args: "<project>",
    summary: "Create a project workspace with its __blueprint__ session",
    load: async () => (await import("./init.ts")).init,
  },
  {
    name: "project list",
    summary: "List the projects of the workspace and which one is current",
    load: async () => (await import("./project.ts")).projectList,
  },
  {
    name: "project use",
    args: "<project>",
    summary: "Make a project the current one (commands without --project act on it)",
    load: async () => (await import("./project.ts")).projectUse,
  },
  {
    name: "status",
    summary: "Show the current session's stages, routed agents, last sync and validation status",
    load: async () => (await import("./status.ts")).status,
  },
  {
    name: "validate",
    summary: "Check sessions against the IDSE Constitution rules",
    load: async () => (await import("./validate.ts")).validate,
  },
  {
    name: "sessions",
    summary: "List the sessions of a project",
    load: async () => (await import("./sessions.ts")).sessions,
  },
  {
    name: "session-info",
    args: "<id>",
    summary: "Show a session's metadata, stages and artifacts",
    load: async () => (await import("./sessions.ts")).sessionInfo,
  },
  {
    name: "session create",
    args: "[id]",
    summary: "Create a feature session and make it current (default id: session-<unix seconds>)",
    load: async () => (await import("./session.ts")).sessionCreate,
  },
  {
    name: "session switch",
    args: "<id>",
    summary: "Make a session the current one",
    load: async () => (await import("./session.ts")).sessionSwitch,
  },
  {
    name: "spawn",
    args: "<name>",
    summary: "Spawn a feature session from the blueprint (does not switch to it)",
    load: async () => (await import("./session.ts")).spawn,
  },
  {
    name: "session set-owner",
    args: "<id>",
    summary: "Set a session's owner",
    load: async () => (await import("./session.ts")).sessionSetOwner,
  },
  {
    name: "session add-collaborator",
    args: "<id>",
    summary: "Add a collaborator to a session",
    load: async () => (await import("./session.ts")).sessionAddCollaborator,
  },
  {
    name: "session remove-collaborator",
    args: "<id>",
    summary: "Remove a collaborator from a session",
    load: async () => (await import("./session.ts")).sessionRemoveCollaborator,
  },
  {
    name: "session set-status",
    args: "<id>",
    summary: "Set a session's status; `complete` must pass the completion gate",
    load: async () => (await import("./session.ts")).sessionSetStatus,
  },
  {
    name: "session set-stage",
    args: "<id>",
    summary: "Set the status of one stage of a session",
    load: async () => (await import("./session.ts")).sessionSetStage,
  },
  {
    name: "artifact read",
    summary: "Print one stage document of a session",
    load: async () => (await import("./artifact.ts")).artifactRead,
  },
  {
    name: "artifact write",
    summary: "Replace one stage document from --file or standard input",
    load: async () => (await import("./artifact.ts")).artifactWrite,
  },
  {
    name: "compile agent-spec",
    summary: "Compile a spec's ## Agent Profile block into an AgentProfileSpec (YAML and/or JSON)",
    load: async () => (await import("./compile.ts")).compileAgentSpec,
  },
  {
    name: "spine",
    summary: "Show the Product Spine: the primitives the blueprint spec declares (no Spine: says so)",
    load: async () => (await import("./spine.ts")).spine,
  },
  {
    name: "spine check",
    summary: "Check the Spine table itself: malformed rows, duplicates, empty cells, unknown layers",
    load: async () => (await import("./spine.ts")).spineCheck,
  },
  {
    name: "spine propose",
    args: "<name>",
    summary: "Propose a component for the Spine (recorded in the blueprint; the table is not changed)",
    load: async () => (await import("./spine.ts")).spinePropose,
  },
  {
    name: "spine accept",
    args: "<name>",
    summary: "Accept a proposal: add it to the Spine table (the one command that edits the table)",
    load: async () => (await import("./spine.ts")).spineAccept,
  },
  {
    name: "spine reject",
    args: "<name>",
    summary: "Reject a proposal (kept in the record; the table is not changed)",
    load: async () => (await import("./spine.ts")).spineReject,
  },
  {
    name: "spine proposals",
    summary: "List open Spine proposals (--all: decided ones too)",
    load: async () => (await import("./spine.ts")).spineProposals,
  },
  {
    name: "blueprint declare",
    summary: "Declare a founding claim of the blueprint (sources: __blueprint__ stages)",
    load: async () => (await import("./blueprint.ts")).blueprintDeclare,
  },
  {
    name: "blueprint promote",
    summary: "Promote a claim from feature sessions through the evidence gate (ALLOW or DENY, recorded)",
    load: async () => (await import("./blueprint.ts")).blueprintPromote,
  },
  {
    name: "blueprint reinforce",
    summary: "Record that another document reinforces an active claim",
    load: async () => (await import("./blueprint.ts")).blueprintReinforce,
  },
  {
    name: "blueprint demote",
    summary: "Supersede or invalidate an active claim (it stays in the ledger)",
    load: async () => (await import("./blueprint.ts")).blueprintDemote,
  },
  {
    name: "blueprint claims",
    summary: "List the blueprint's claims (--status, --all)",
    load: async () => (await import("./blueprint.ts")).blueprintClaims,
  },
  {
    name: "blueprint verify",
    summary: "Check blueprint.md against the ledger and the accepted hash (--accept records it)",
    load: async () => (await import("./blueprint.ts")).blueprintVerify,
  },
  {
    name: "blueprint extract-candidates",
    summary: "Propose claims from statements repeated across sessions and stages",
    load: async () => (await import("./blueprint.ts")).blueprintExtractCandidates,
  },
  {
    name: "blueprint explain",
    args: "<id>",
    summary: "Explain a claim: its ledger lines, the gate decision and whether its evidence hash reproduces",
    load: async () => (await import("./blueprint.ts")).blueprintExplain,
  },
  {
    name: "docs install",
    summary: "Install the governance docs, template copies and file schemas into .idse/",
    load: async () => (await import("./docs.ts")).docsInstall,
  },
  {
    name: "generate-agent-files",
    summary:
      "Same as `idse agents sync-files`: write CLAUDE.md, AGENTS.md, .cursorrules and the other enabled IDE files",
    load: async () => (await import("./agents.ts")).generateAgentFiles,
  },
  {
    name: "agents list",
    summary: "List the registered IDE agents, their mode, IDE and stages",
    load: async () => (await import("./agents.ts")).agentsList,
  },
  {
    name: "agents add",
    args: "<id>",
    summary: "Register an IDE agent with its mode and stages (appended: earlier agents own shared stages)",
    load: async () => (await import("./agents.ts")).agentsAdd,
  },
  {
    name: "agents remove",
    args: "<id>",
    summary: "Remove an agent from the registry",
    load: async () => (await import("./agents.ts")).agentsRemove,
  },
  {
    name: "agents set-mode",
    args: "<id> <mode>",
    summary: "Set an agent's mode (planning|implementation)",
    load: async () => (await import("./agents.ts")).agentsSetMode,
  },
  {
    name: "agents set-role",
    args: "<id> <role>",
    summary: "Set an agent's role",
    load: async () => (await import("./agents.ts")).agentsSetRole,
  },
  {
    name: "agents set-stages",
    args: "<id> <stages>",
    summary: "Set the stages routed to an agent (comma-separated; `none` for no stage)",
    load: async () => (await import("./agents.ts")).agentsSetStages,
  },
  {
    name: "agents sync-files",
    summary:
      "Generate each IDE's instruction file from the registry and the current session (text outside the markers is kept)",
    load: async () => (await import("./agents.ts")).agentsSyncFiles,
  },
  {
    name: "agents install-hooks",
    summary: "Add idse's PreToolUse hook to .claude/settings.json (merged into the file, idempotent)",
    load: async () => (await import("./hook.ts")).agentsInstallHooks,
  },
  {
    name: "agents install-mcp",
    summary: "Register `idse mcp` in each IDE's project MCP file (merged into the file, idempotent)",
    load: async () => (await import("./install-mcp.ts")).agentsInstallMcp,
  },
  {
    name: "route",
    args: "[stage]",
    summary: "Route a stage (or --next: the first stage not completed) to its agents, with a handoff",
    load: async () => (await import("./route.ts")).route,
  },
  {
    name: "next",
    summary:
      "One queue across sessions (--all-projects: projects): each next stage, ready or blocked, its agent",
    load: async () => (await import("./next.ts")).next,
  },
  {
    name: "graph",
    summary:
      "Draw the session lineage with each session's progress, or a session's stage pipeline (mermaid|dot|json)",
    load: async () => (await import("./graph.ts")).graph,
  },
  {
    name: "report",
    summary: "Write one self-contained HTML page: projects, lineage, stage matrix, findings, sync, queue",
    load: async () => (await import("./report.ts")).report,
  },
  {
    name: "hook claude-pre-tool-use",
    summary:
      "Claude Code PreToolUse hook: reads the hook JSON on stdin, denies what the agent's mode forbids",
    load: async () => (await import("./hook.ts")).hookClaudePreToolUse,
  },
  {
    name: "mcp",
    summary:
      "Serve the MCP server IDE agents talk to (stdio, or --http on loopback): typed tools, mode-checked",
    load: async () => (await import("./mcp.ts")).mcp,
  },
  {
    name: "config get",
    args: "<key>",
    summary: "Print the effective value of a config key",
    load: async () => (await import("./config.ts")).configGet,
  },
  {
    name: "config set",
    args: "<key> <value>",
    summary: "Set a key in the repository config (.idse/config.json)",
    load: async () => (await import("./config.ts")).configSet,
  },
  {
    name: "config list",
    summary: "List every config key with its value and where it came from",
    load: async () => (await import("./config.ts")).configList,
  },
  {
    name: "config unset",
    args: "<key>",
    summary: "Remove a key from the repository config",
    load: async () => (await import("./config.ts")).configUnset,
  },
  {
    name: "doctor",
    summary: "Check the workspace; with --fix, rebuild derivable files without touching artifact text",
    load: async () => (await import("./doctor.ts")).doctor,
  },
  {
    name: "import-original",
    summary:
      "Import the Python original's SQLite database (.idse/idse.db) losslessly; --dry-run shows what would change",
    load: async () => (await import("./import-original.ts")).importOriginal,
  },
  {
    name: "schema list",
    summary: "List the JSON Schemas of every file and command output",
    load: async () => (await import("./schema.ts")).schemaList,
  },
  {
    name: "schema show",
    args: "<name>",
    summary: "Print one JSON Schema (redirect it into a file or an editor setting)",
    load: async () => (await import("./schema.ts")).schemaShow,
  },
  {
    name: "schema emit",
    args: "<dir>",
    summary: "Write every JSON Schema into a directory",
    load: async () => (await import("./schema.ts")).schemaEmit,
  },
  {
    name: "plugin add",
    args: "<spec>",
    summary: "Install a plugin: a bundled one by name, ./folder, file.tgz or an npm package[@range]",
    load: async () => (await import("./plugin.ts")).pluginAdd,
  },
  {
    name: "plugin remove",
    args: "<name>",
    summary: "Uninstall a plugin (its folder and its plugins.json entry)",
    load: async () => (await import("./plugin.ts")).pluginRemove,
  },
  {
    name: "plugin list",
    summary: "List the installed plugins (--available: also those bundled in this build)",
    load: async () => (await import("./plugin.ts")).pluginList,
  },
  {
    name: "plugin info",
    args: "<name>",
    summary: "Show a plugin's version, source, integrity and what it was granted",
    load: async () => (await import("./plugin.ts")).pluginInfo,
  },
  {
    name: "plugin verify",
    args: "[name]",
    summary: "Re-hash the installed plugin files against plugins.json; exit 1 on any difference",
    load: async () => (await import("./plugin.ts")).pluginVerify,
  },
  {
    name: "plugin enable",
    args: "<name>",
    summary: "Enable an installed plugin",
    load: async () => (await import("./plugin.ts")).pluginEnable,
  },
  {
    name: "plugin disable",
    args: "<name>",
    summary: "Disable an installed plugin (kept installed, never loaded)",
    load: async () => (await import("./plugin.ts")).pluginDisable,
  },
  {
    name: "trust",
    summary:
      "Show and approve what this repository would run or reach (plugins, MCP stdio commands, remote URLs)",
    load: async () => (await import("./trust.ts")).trust,
  },
  {
    name: "store info",
    summary:
      "Show the repository's store (filesystem or a store plugin), where it keeps things, its projects",
    load: async () => (await import("./store.ts")).storeInfo,
  },
  {
    name: "store migrate",
    summary:
      "Copy every document to another store, verify each by hash, then switch to it (the source is kept)",
    load: async () => (await import("./store.ts")).storeMigrate,
  },
  {
    name: "store export",
    summary: "Write a plugin store's documents as files in the canonical layout, for IDE agents to edit",
    load: async () => (await import("./store.ts")).storeExport,
  },
  {
    name: "store import",
    summary: "Take edited exported files back into the store; conflicts are reported, never overwritten",
    load: async () => (await import("./store.ts")).storeImport,
  },
  {
    name: "sync status",
    args: "[remote]",
    summary: "Compare local artifacts with a remote: what a push or pull would move, and conflicts",
    load: async () => (await import("./sync.ts")).syncStatus,
  },
  {
    name: "sync push",
    args: "[remote]",
    summary: "Send changed artifacts to a remote (secrets blocked, conflicts reported, never overwritten)",
    load: async () => (await import("./sync.ts")).syncPush,
  },
  {
    name: "sync pull",
    args: "[remote]",
    summary: "Bring remote edits back (a conflicting local edit is kept; the Product Spine is held back)",
    load: async () => (await import("./sync.ts")).syncPull,
  },
  {
    name: "remote add",
    args: "<name> [url-or-path]",
    summary:
      "Add a sync remote: an http(s) URL (Artifact Core), a path (filesystem store), or a store plugin (--plugin)",
    load: async () => (await import("./remote.ts")).remoteAdd,
  },
  {
    name: "remote remove",
    args: "<name>",
    summary: "Remove a sync remote and its sync base (nothing on the remote is touched)",
    load: async () => (await import("./remote.ts")).remoteRemove,
  },
  {
    name: "remote list",
    summary: "List the sync remotes and which one is the default",
    load: async () => (await import("./remote.ts")).remoteList,
  },
  {
    name: "completion",
    args: "[...words]",
    summary: "Print the shell completion script: bash, zsh, fish or powershell (values from the workspace)",
    load: async () => (await import("./completion.ts")).completion,
  },
  {
    name: "version",
    summary: "Print the version and the capabilities of this build",
    load: async () => (await import("./version.ts")).version,
  },
];
