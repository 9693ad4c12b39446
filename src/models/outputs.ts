import * as v from "valibot";
import { AGENT_MODES } from "./agent-registry.ts";
import { d, Id, Stage, StageStatus, stagesRecord, Timestamp } from "./common.ts";
import { CONFIG_SOURCES } from "./config.ts";
import { SESSION_STATUSES, SESSION_TYPES, SessionMetadata } from "./session-metadata.ts";
import { VALIDATION_STATUSES } from "./session-state.ts";
import { ValidationReport } from "./validation.ts";

// The `data` of every command's JSON output. Commands build values of these types, and the contract
// tests validate real output against the schemas emitted from these models.

export const FileOutcome = d(
  v.object({
    path: d(v.string(), "File path relative to the repository root."),
    action: d(v.picklist(["created", "overwritten", "kept"]), "What happened to the file."),
  }),
  "A file idse wrote or kept.",
);

export const InitOutput = d(
  v.object({
    project: Id,
    session: d(Id, "The session that is now current (__blueprint__)."),
    workspace: d(v.string(), "Absolute path of the .idse directory."),
    stack: d(v.string(), "Technology stack written into the templates."),
    stack_source: d(
      v.picklist(["flag", "config", "detected", "default"]),
      "Where the stack came from: --stack, the config key `stack`, a file of the repository (stack_file), or the default (nothing said or found).",
    ),
    stack_file: d(v.nullable(v.string()), "The repository file the stack was detected from, or null."),
    stack_recorded: d(
      v.boolean(),
      "True when the stack (given or detected) was written into .idse/config.json, which had none, so that sessions created later get the same stack.",
    ),
    owner: d(v.string(), "Owner of the blueprint session."),
    files: d(v.array(FileOutcome), "Files written outside the project folder."),
  }),
  "Result of `idse init`.",
);

const StageRow = d(
  v.object({
    stage: Stage,
    status: StageStatus,
    agent: d(v.nullable(v.string()), "Agent the stage is routed to, or null."),
    mode: d(v.nullable(v.picklist(AGENT_MODES)), "Mode the agent must work in, or null."),
  }),
  "One stage of the current session.",
);

export const ProjectStatusOutput = d(
  v.object({
    project: Id,
    session: d(Id, "The current session."),
    is_blueprint: d(v.boolean(), "True when the current session is __blueprint__."),
    stages: d(v.array(StageRow), "The seven stages in pipeline order."),
    last_sync: d(v.nullable(Timestamp), "When the project was last synced, or null."),
    validation_status: d(v.picklist(VALIDATION_STATUSES), "Result of the last validation."),
    failing_stages: v.optional(
      d(
        v.array(Stage),
        "Stages with errors at the last `idse validate` (absent when none was recorded); `idse next` waits on the completed ones.",
      ),
    ),
  }),
  "Result of `idse status`.",
);

const SessionRow = d(
  v.object({
    project: Id,
    session_id: Id,
    session_type: d(v.picklist(SESSION_TYPES), "Kind of session."),
    status: d(v.picklist(SESSION_STATUSES), "Lifecycle status."),
    owner: d(v.string(), "Owner."),
    current: d(v.boolean(), "True for the project's current session."),
    progress: d(
      v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
      "Completed stages, in percent.",
    ),
    stages: stagesRecord(StageStatus, "Status of each stage."),
    stages_inferred: v.optional(
      d(
        v.boolean(),
        "True when the session has no stage state and its `complete` status is read as every stage completed (the Python original's file mode).",
      ),
    ),
  }),
  "One session in `status --all`.",
);

export const AllStatusOutput = d(
  v.object({ sessions: d(v.array(SessionRow), "Every session of every project.") }),
  "Result of `idse status --all`.",
);

export const StatusOutput = d(
  v.union([ProjectStatusOutput, AllStatusOutput]),
  "Result of `idse status [--all]`.",
);

const SessionSummary = d(
  v.object({
    session_id: Id,
    name: d(v.string(), "Display name."),
    session_type: d(v.picklist(SESSION_TYPES), "Kind of session."),
    status: d(v.picklist(SESSION_STATUSES), "Lifecycle status."),
    owner: d(v.string(), "Owner."),
    parent_session: d(v.nullable(v.string()), "Parent session, or null."),
    tags: d(v.array(v.string()), "Tags."),
    created_at: Timestamp,
    updated_at: Timestamp,
    current: d(v.boolean(), "True for the current session."),
    legacy: d(v.boolean(), "True when the session folder has no metadata/session.json."),
  }),
  "One session in `idse sessions`.",
);

const count = (what: string) => d(v.pipe(v.number(), v.integer(), v.minValue(0)), what);

export const SessionsOutput = d(
  v.object({
    project: Id,
    sessions: d(v.array(SessionSummary), "Sessions that match the filters."),
    counts: d(
      v.object({
        total: count("Sessions listed."),
        blueprint: count("Blueprint sessions listed."),
        feature: count("Feature sessions listed."),
        exploratory: count("Exploratory sessions listed."),
        legacy: count("Session folders without session.json in the project."),
      }),
      "Counts.",
    ),
  }),
  "Result of `idse sessions`.",
);

type Node = { session_id: string; children: Node[] };
const LineageNode: v.GenericSchema<Node> = d(
  v.object({
    session_id: Id,
    children: d(v.array(v.lazy(() => LineageNode)), "Sessions spawned from this one."),
  }),
  "A session and its descendants.",
);

export const SessionInfoOutput = d(
  v.object({
    project: Id,
    session: SessionMetadata,
    current: d(v.boolean(), "True for the current session."),
    legacy: d(v.boolean(), "True when session.json is missing and the metadata was derived."),
    stages: stagesRecord(StageStatus, "Status of each stage."),
    artifacts: stagesRecord(d(v.boolean(), "Whether the document exists."), "Which stage documents exist."),
    lineage: v.optional(
      d(
        v.object({
          ancestors: d(v.array(Id), "Parent chain, root first."),
          children: d(v.array(LineageNode), "Descendants as a tree."),
          related: d(v.array(v.string()), "Related sessions."),
        }),
        "Present with --lineage.",
      ),
    ),
  }),
  "Result of `idse session-info`.",
);

export const SessionChangeOutput = d(
  v.object({
    project: Id,
    session: SessionMetadata,
    current: d(v.boolean(), "True when the session is the current one."),
    message: d(v.string(), "What changed, in words."),
    stage: v.optional(Stage),
    status: v.optional(StageStatus),
  }),
  "Result of the commands that create or change a session.",
);

export const ArtifactOutput = d(
  v.object({
    project: Id,
    session: Id,
    stage: Stage,
    path: d(v.string(), "Where the document lives, relative to the repository root."),
    content: v.optional(d(v.string(), "The document (artifact read only).")),
    bytes: count("Size in bytes (UTF-8)."),
  }),
  "Result of `idse artifact read|write`.",
);

export const FilesOutput = d(
  v.object({
    project: v.optional(Id),
    files: d(v.array(FileOutcome), "Files written or kept."),
  }),
  "Result of `idse docs install`.",
);

const ConfigEntry = d(
  v.object({
    key: d(v.string(), "Dotted config key."),
    value: d(v.union([v.string(), v.number(), v.boolean()]), "Effective value."),
    source: d(v.picklist(CONFIG_SOURCES), "Which layer the value came from."),
  }),
  "One configuration value.",
);

export const ConfigGetOutput = ConfigEntry;
export const ConfigSetOutput = d(
  v.object({ ...ConfigEntry.pipe[0].entries, file: d(v.string(), "The file written.") }),
  "Result of `idse config set`.",
);
export const ConfigListOutput = d(
  v.object({
    entries: d(v.array(ConfigEntry), "Every known key."),
    original: v.optional(
      d(
        v.array(
          v.object({
            key: d(v.string(), "The Python original's key in ~/.idseconfig.json (dotted when nested)."),
            value: d(v.unknown(), "Its value (a key that looks like a secret shows `(hidden)`)."),
            meaning: d(v.nullable(v.string()), "What it means in idse, or null when nothing."),
            applied: d(v.boolean(), "Whether idse uses it, as the lowest-priority configuration."),
            note: d(v.string(), "How it is used, or why not."),
          }),
        ),
        "Keys of the Python original's ~/.idseconfig.json, each with its origin and idse meaning; absent when there are none.",
      ),
    ),
    files: d(
      v.object({
        home: d(v.string(), "Path of the home config file."),
        repo: d(v.nullable(v.string()), "Path of the repository config file, or null outside a workspace."),
      }),
      "Config files consulted.",
    ),
  }),
  "Result of `idse config list`.",
);
export const ConfigUnsetOutput = d(
  v.object({ key: d(v.string(), "Dotted config key."), removed: d(v.boolean(), "Whether it was set.") }),
  "Result of `idse config unset`.",
);

export const DoctorOutput = d(
  v.object({
    projects: d(v.array(Id), "Projects checked."),
    sessions_checked: count("Sessions checked."),
    findings: d(
      v.array(
        d(
          v.object({
            project: d(
              v.nullable(Id),
              "Project concerned, or null for a settings file outside the projects.",
            ),
            session: d(v.nullable(v.string()), "Session concerned, or null for project files."),
            file: d(
              v.string(),
              "File concerned, relative to the repository root (absolute for the user's own files).",
            ),
            code: d(v.string(), "Stable code of the problem."),
            problem: d(v.string(), "What is wrong."),
            fixed: d(v.boolean(), "Whether --fix repaired it."),
          }),
          "One problem found.",
        ),
      ),
      "Problems found.",
    ),
    fixed: count("Problems repaired."),
    remaining: count("Problems left."),
  }),
  "Result of `idse doctor`.",
);

const HelpOption = d(
  v.object({
    flags: d(v.string(), 'The option as help shows it, e.g. "--stack <stack>", "-q, --quiet".'),
    description: d(v.string(), "What it does."),
    choices: d(v.nullable(v.array(v.string())), "The values it accepts, or null for any."),
  }),
  "One option.",
);

export const HelpOutput = d(
  v.object({
    topic: d(
      v.nullable(v.string()),
      "The command or group the help is about (`session create`, `plugin`), or null for idse itself.",
    ),
    usage: d(v.string(), "The usage line, e.g. `idse session create [id] [options]`."),
    summary: d(v.nullable(v.string()), "What the command does, or null for a group and idse itself."),
    commands: d(
      v.array(
        v.object({
          name: d(v.string(), "The command's words, e.g. `session create`."),
          args: d(v.nullable(v.string()), "Its arguments as help shows them, or null."),
          summary: d(v.string(), "What it does."),
        }),
      ),
      "The commands it lists: every command for idse itself, the subcommands of a group.",
    ),
    options: d(v.array(HelpOption), "The command's own options (empty for a group and idse itself)."),
    global_options: d(v.array(HelpOption), "The options every command takes."),
    examples: d(v.array(v.string()), "Example command lines."),
  }),
  "The help of idse, a group or a command, as data: `idse --help --json`, `idse <command> --help --json`.",
);
export type HelpOutput = v.InferOutput<typeof HelpOutput>;

export const VersionOutput = d(
  v.object({
    version: d(v.string(), "idse version."),
    runtime: d(v.string(), "Runtime and its version, e.g. bun 1.4.4."),
    platform: d(v.string(), "Operating system and architecture."),
    capabilities: d(
      v.record(v.string(), v.union([v.boolean(), v.array(v.string())])),
      "What this build supports: true/false flags, or the list of available choices.",
    ),
  }),
  "Result of `idse version`.",
);

export const SchemaOutput = d(
  v.union([
    v.object({
      schemas: d(
        v.array(
          v.object({
            name: d(v.string(), "Schema name."),
            kind: d(v.picklist(["file", "output"]), "Whether it describes a file or command output."),
            about: d(v.string(), "The file or commands it describes."),
          }),
        ),
        "Every published schema.",
      ),
    }),
    v.object({
      name: d(v.string(), "Schema name."),
      schema: d(v.record(v.string(), v.unknown()), "The JSON Schema document."),
    }),
    v.object({
      dir: d(v.string(), "Directory written."),
      files: d(v.array(v.string()), "Files written."),
    }),
  ]),
  "Result of `idse schema list|show|emit`.",
);

export const ValidateOutput = d(
  v.object({
    project: Id,
    reports: d(v.array(ValidationReport), "One report per session checked."),
    errors: count("Errors over all sessions."),
    warnings: count("Warnings over all sessions."),
    passed: d(v.boolean(), "False when there is an error (or, with --strict, a warning)."),
    fixed: d(
      v.array(
        d(
          v.object({ session: Id, stage: Stage, file: d(v.string(), "The document written.") }),
          "A fix applied by --fix.",
        ),
      ),
      "Fixes applied.",
    ),
  }),
  "Result of `idse validate`.",
);

// Types inferred from the models above; nothing else declares these shapes.
export type FileOutcome = v.InferOutput<typeof FileOutcome>;
export type InitOutput = v.InferOutput<typeof InitOutput>;
export type ProjectStatusOutput = v.InferOutput<typeof ProjectStatusOutput>;
export type AllStatusOutput = v.InferOutput<typeof AllStatusOutput>;
export type StatusOutput = v.InferOutput<typeof StatusOutput>;
export type SessionsOutput = v.InferOutput<typeof SessionsOutput>;
export type SessionInfoOutput = v.InferOutput<typeof SessionInfoOutput>;
export type SessionChangeOutput = v.InferOutput<typeof SessionChangeOutput>;
export type ArtifactOutput = v.InferOutput<typeof ArtifactOutput>;
export type FilesOutput = v.InferOutput<typeof FilesOutput>;
export type ConfigGetOutput = v.InferOutput<typeof ConfigGetOutput>;
export type ConfigSetOutput = v.InferOutput<typeof ConfigSetOutput>;
export type ConfigListOutput = v.InferOutput<typeof ConfigListOutput>;
export type ConfigUnsetOutput = v.InferOutput<typeof ConfigUnsetOutput>;
export type DoctorOutput = v.InferOutput<typeof DoctorOutput>;
export type VersionOutput = v.InferOutput<typeof VersionOutput>;
export type SchemaOutput = v.InferOutput<typeof SchemaOutput>;
export type ValidateOutput = v.InferOutput<typeof ValidateOutput>;
