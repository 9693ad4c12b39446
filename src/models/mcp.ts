import * as v from "valibot";
import { PROFILE_FORMATS } from "./agent-profile.ts";
import { d, Id, Stage, StageStatus } from "./common.ts";

// The inputs of the `idse mcp` tools. Their outputs are the `data` models of the CLI's --json (outputs.ts,
// routing/agent-routing.ts, agent-profile.ts), so an MCP outputSchema and the published schemas/output-*.schema.json are
// emitted from one model each and cannot drift. Tools take a session and a stage, never a path: what an
// agent may write is decided by stage (src/cli/mcp/policy.ts), so there is no path to escape with.

const project = v.optional(
  d(
    Id,
    "Project to act on (default: the server's --project, IDSE_PROJECT, the only project, CURRENT_PROJECT).",
  ),
);
const session = v.optional(d(Id, "Session id (default: the project's current session)."));

export const ProjectInput = d(v.strictObject({ project }), "No arguments but the project.");

export const SessionsInput = d(
  v.strictObject({
    project,
    type: v.optional(d(v.picklist(["blueprint", "feature", "exploratory"]), "Only sessions of this type.")),
    status: v.optional(
      d(
        v.picklist(["draft", "in_progress", "review", "complete", "archived"]),
        "Only sessions with this status.",
      ),
    ),
    tag: v.optional(d(v.string(), "Only sessions with this tag.")),
  }),
  "Filters for the session list.",
);

export const SessionInfoInput = d(
  v.strictObject({
    project,
    session,
    lineage: v.optional(d(v.boolean(), "Also the parent chain, children and related sessions.")),
  }),
  "Which session to describe.",
);

export const RouteInput = d(
  v.strictObject({ project, session, stage: Stage }),
  "The stage to route, with its handoff.",
);

export const NextInput = d(v.strictObject({ project, session }), "The session whose next stage is wanted.");

export const ArtifactReadInput = d(v.strictObject({ project, session, stage: Stage }), "Which document.");

export const ArtifactWriteInput = d(
  v.strictObject({
    project,
    session,
    stage: Stage,
    content: d(v.pipe(v.string(), v.minLength(1)), "The whole new document (Markdown)."),
  }),
  "Which document, and its new text.",
);

export const ValidateInput = d(
  v.strictObject({
    project,
    session,
    stage: v.optional(d(Stage, "Only findings about this stage.")),
    strict: v.optional(d(v.boolean(), "Warnings fail too.")),
    rules: v.optional(d(v.array(v.string()), "Run only these rules (ids such as idse/artifact-present).")),
  }),
  "Which session to check.",
);

export const SetStageInput = d(
  v.strictObject({ project, session, stage: Stage, status: StageStatus }),
  "Which stage, and its new status.",
);

export const SessionCreateInput = d(
  v.strictObject({
    project,
    id: v.optional(d(Id, "New session id, a lowercase slug (default: session-<unix seconds>).")),
    description: v.optional(d(v.string(), "What the session is for.")),
    owner: v.optional(d(v.string(), "Owner (default: the config's owner).")),
  }),
  "The session to create (it becomes current).",
);

export const SessionSwitchInput = d(
  v.strictObject({ project, session: d(Id, "The session to make current.") }),
  "The session to switch to.",
);

export const CompileInput = d(
  v.strictObject({
    project,
    session,
    all: v.optional(d(v.boolean(), "Every session whose spec has an Agent Profile block.")),
    blueprint: v.optional(d(Id, "Session whose profile is the base (default: __blueprint__).")),
    format: v.optional(d(v.picklist(PROFILE_FORMATS), "Files compared or printed (default: yaml).")),
    mode: v.optional(
      d(
        v.picklist(["check", "dry_run"]),
        "check: compare with the compiled files on disk (default); dry_run: return the files' text. Nothing is written either way.",
      ),
    ),
  }),
  "What to compile; this tool never writes files.",
);

export const MCP_IDES = ["claude-code", "cursor", "codex", "copilot", "gemini"] as const;

export const InstallMcpOutput = d(
  v.object({
    command: d(v.string(), "The command each IDE runs (`idse`, looked up on PATH)."),
    files: d(
      v.array(
        d(
          v.object({
            ide: d(v.picklist(MCP_IDES), "The IDE."),
            path: d(v.string(), "Its MCP configuration file, relative to the repository root."),
            action: d(v.picklist(["created", "updated", "unchanged"]), "What was done to the file."),
          }),
          "One IDE's MCP file.",
        ),
      ),
      "The files written, one per IDE.",
    ),
  }),
  "Result of `idse agents install-mcp`.",
);
export type InstallMcpOutput = v.InferOutput<typeof InstallMcpOutput>;

export const McpServeOutput = d(
  v.object({ transport: d(v.picklist(["stdio", "http"]), "The transport that was served.") }),
  "Result of `idse mcp` once the server has stopped (with --http only: over stdio, stdout is the protocol's).",
);
export type McpServeOutput = v.InferOutput<typeof McpServeOutput>;
