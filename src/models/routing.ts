import * as v from "valibot";
import { AGENT_MODES } from "./agent-registry.ts";
import { d, Id, Stage, StageStatus } from "./common.ts";

// Shapes of IDEAgentRouting: what `idse agents …`, `idse route`, `idse hook …` print, and the manifest
// of the agent instruction files idse generates (.idse/agent_files.json).

const Mode = d(v.picklist(AGENT_MODES), "planning (design documents only) or implementation (full access).");

export const AgentView = d(
  v.object({
    id: d(v.string(), "Agent id."),
    role: d(v.string(), "Role in the pipeline."),
    mode: Mode,
    stages: d(v.array(Stage), "Stages routed to the agent."),
    ide: d(v.nullable(v.string()), "IDE the agent runs in (declared or inferred from the id), or null."),
    name: v.optional(d(v.string(), "Display name.")),
    description: v.optional(d(v.string(), "What the agent is for.")),
  }),
  "One registered agent.",
);

export const AgentsListOutput = d(
  v.object({
    project: Id,
    source: d(
      v.picklist(["file", "default"]),
      "file: agent_registry.json; default: the file is missing and these are the defaults (nothing was written).",
    ),
    agents: d(v.array(AgentView), "Agents in routing order."),
  }),
  "Result of `idse agents list`.",
);

export const AgentChangeOutput = d(
  v.object({
    project: Id,
    action: d(v.picklist(["added", "removed", "updated"]), "What happened to the agent."),
    agent: AgentView,
    agents: d(v.array(AgentView), "The registry after the change."),
    message: d(v.string(), "What changed, in words."),
  }),
  "Result of `idse agents add|remove|set-mode|set-role|set-stages`.",
);

const ArtifactRef = d(
  v.object({
    stage: Stage,
    session: d(Id, "Session holding the document."),
    path: d(v.string(), "Path relative to the repository root."),
    exists: d(v.boolean(), "Whether the document exists."),
    status: d(v.nullable(StageStatus), "Stage status in that session (null for another session's)."),
  }),
  "A stage document.",
);

export const Handoff = d(
  v.object({
    project: Id,
    session: Id,
    stage: Stage,
    agent: d(v.nullable(v.string()), "The agent the stage is routed to, or null."),
    mode: d(v.nullable(v.picklist(AGENT_MODES)), "The mode that agent works in, or null."),
    spine_primitives: d(
      v.nullable(v.array(v.string())),
      "Product Spine primitives the session's documents name; null when the project declares no Spine.",
    ),
    write: ArtifactRef,
    read: d(v.array(ArtifactRef), "Upstream documents to read first."),
    constitution: d(
      v.array(
        d(
          v.object({
            article: d(v.string(), "Article number in Roman numerals, e.g. III."),
            title: d(v.string(), "Article title."),
          }),
          "An article.",
        ),
      ),
      "Constitution articles that apply to the stage.",
    ),
    commands: d(v.array(v.string()), "Commands to run once the document is written."),
    markdown: d(v.string(), "The handoff as a document for the agent."),
  }),
  "What the agent of a stage should read, write and run.",
);

export const RouteOutput = d(
  v.object({
    project: Id,
    session: Id,
    stage: d(v.nullable(Stage), "The stage routed; null with --next when every stage is completed."),
    status: d(v.nullable(StageStatus), "The stage's status in the session."),
    agents: d(v.array(AgentView), "Agents routed to the stage, first one first."),
    handoff: d(v.nullable(Handoff), "The handoff document; null when there is no stage left."),
  }),
  "Result of `idse route`.",
);

export const SYNC_ACTIONS = ["created", "updated", "unchanged", "kept", "missing", "stale"] as const;

export const SyncFile = d(
  v.object({
    path: d(v.string(), "File path relative to the repository root."),
    adapter: d(v.string(), "Routing adapter that renders it."),
    action: d(
      v.picklist(SYNC_ACTIONS),
      "created/updated/unchanged; kept: left alone (see reason); with --check, missing/stale: would be created/updated.",
    ),
    reason: d(
      v.nullable(v.picklist(["unmanaged", "edited", "malformed"])),
      "Why a file was kept: no idse markers, hand-edited between them, or broken markers.",
    ),
    bytes: d(v.pipe(v.number(), v.integer(), v.minValue(0)), "Size of the generated text in bytes."),
  }),
  "One generated instruction file.",
);

export const SyncOutput = d(
  v.object({
    project: Id,
    check: d(v.boolean(), "True with --check: nothing was written."),
    stale: d(v.boolean(), "True when a generated file is missing, out of date or edited by hand."),
    adapters: d(v.array(v.string()), "Routing adapters rendered."),
    files: d(v.array(SyncFile), "Instruction files."),
  }),
  "Result of `idse agents sync-files` and `idse generate-agent-files`.",
);

export const HookEntryView = d(
  v.object({
    file: d(v.string(), "Settings file, relative to the repository root."),
    event: d(v.string(), "Hook event, e.g. PreToolUse."),
    matcher: d(v.string(), "Tool-name matcher."),
    command: d(v.string(), "The command the IDE runs."),
  }),
  "One hook entry.",
);

export const InstallHooksOutput = d(
  v.object({
    project: Id,
    hooks: d(v.array(HookEntryView), "Hook entries idse owns."),
    files: d(
      v.array(
        v.object({
          path: d(v.string(), "Settings file, relative to the repository root."),
          action: d(v.picklist(["created", "updated", "unchanged"]), "What happened to it."),
        }),
      ),
      "Settings files.",
    ),
  }),
  "Result of `idse agents install-hooks`.",
);

export const HookOutput = d(
  v.object({
    event: d(v.string(), "Hook event handled."),
    tool: d(v.nullable(v.string()), "Tool the IDE is about to run, or null when the input was unreadable."),
    decision: d(v.picklist(["allow", "deny"]), "allow: no objection (the IDE's own permissions apply)."),
    reason: d(v.string(), "Why."),
    agent: d(v.nullable(v.string()), "The agent whose mode applied, or null."),
    mode: d(v.nullable(v.picklist(AGENT_MODES)), "That agent's mode, or null."),
    output: d(
      v.nullable(v.record(v.string(), v.unknown())),
      "The JSON printed for the IDE without --json (null: nothing is printed, the call proceeds).",
    ),
  }),
  "Result of `idse hook claude-pre-tool-use`.",
);

/** `.idse/agent_files.json`: which instruction files idse generates, and the hash of what it wrote. */
export const AgentFilesManifest = d(
  v.looseObject({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    project: d(Id, "Project the files were generated for."),
    adapters: d(v.array(v.string()), "Routing adapters `idse agents sync-files` renders."),
    files: d(
      v.record(
        v.string(),
        d(
          v.object({
            adapter: d(v.string(), "Adapter that renders the file."),
            sha256: d(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)), "SHA-256 of the text between markers."),
          }),
          "One generated file.",
        ),
      ),
      "Generated files by path (relative to the repository root).",
    ),
  }),
  "Manifest of the agent instruction files idse generates (.idse/agent_files.json).",
);

export type AgentView = v.InferOutput<typeof AgentView>;
export type AgentsListOutput = v.InferOutput<typeof AgentsListOutput>;
export type AgentChangeOutput = v.InferOutput<typeof AgentChangeOutput>;
export type Handoff = v.InferOutput<typeof Handoff>;
export type RouteOutput = v.InferOutput<typeof RouteOutput>;
export type SyncFile = v.InferOutput<typeof SyncFile>;
export type SyncOutput = v.InferOutput<typeof SyncOutput>;
export type InstallHooksOutput = v.InferOutput<typeof InstallHooksOutput>;
export type HookOutput = v.InferOutput<typeof HookOutput>;
export type AgentFilesManifest = v.InferOutput<typeof AgentFilesManifest>;
