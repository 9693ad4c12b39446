import { list, once, s } from "./define.ts";

// The catalogue of codes that are not errors: warnings and notes a command reports next to its result,
// and details that explain an error. Each is declared like an error code (errors.ts): its data type, its
// message and hint made from the data, and which of the data's keys the diagnostic carries. Commands build
// them with `notice(code, data)` (src/errors.ts), which the compiler checks against the declared data:
// the words live here, nowhere else. Doctor's findings (`data.findings[].code`) are listed at the end.
//
// test/contract/catalogue.test.ts reads src/ and plugins/ for every code raised and fails on one declared
// in neither place, or on a notice built by hand; docs/json-output.md's table is generated from this list
// (scripts/gen-json-docs.ts). A leaf: imports only ./define.ts.

export type Severity = "error" | "warning" | "info";

export interface NoticeSpec<D> {
  severity: Severity;
  /** Which commands report it, and when (markdown, for docs/json-output.md). */
  where: string;
  /** The data keys the diagnostic carries beside severity, code, message and hint, in this order. */
  keys: readonly (keyof D & string)[];
  /** What docs/json-output.md adds after the keys (markdown). */
  keysNote?: string;
  message: (d: D) => string;
  hint?: (d: D) => string;
}

/** A declared notice. `data` exists only in the type: it carries D to `NoticeDataOf` (never set at run time). */
export interface NoticeDef<D extends object> extends NoticeSpec<D> {
  readonly data?: D;
}

/** Declares a notice whose data is D (the same shape as `code` in define.ts, for errors). */
function note<D extends object = Record<never, never>>(spec: NoticeSpec<D>): NoticeDef<D> {
  return spec;
}

/** Where an artifact a sync reports on is: its file, session and stage. */
type SyncAt = { file: string; session: string; stage: string };
/** A document of `idse store export|import`: its file and its store key. */
type ExportedFile = { file: string; key: string };
const SYNC_AT = ["file", "session", "stage"] as const;
const EXPORTED = ["file", "key"] as const;

// Built on first use, as errors.ts's table is: evaluating it was about 1.3 ms of every start.
const table = () => ({
  RULE_VIOLATION: note<{
    reason: string;
    file: string;
    line?: number;
    rule_id: string;
    stage: string | null;
  }>({
    severity: "error",
    where:
      "details of `COMPLETION_GATE_FAILED` (`idse session set-status <id> --status complete`): one error finding of the validation engine",
    keys: ["file", "line", "rule_id", "stage"],
    message: (d) => s(d.reason),
  }),
  REMOTE_PERSONAL: note<{ path: string; remote: string; file: string }>({
    severity: "warning",
    where:
      "`idse remote add`: the folder is neither inside the repository nor beside it, so the remote was recorded as the user's personal remote (`$XDG_CONFIG_HOME/idse/remotes.json`), not in the committed `.idse/config.json`",
    keys: ["file"],
    message: (d) =>
      `${s(d.path)} is neither inside the repository nor beside it: it names a folder on this machine only, so ${s(d.remote)} was recorded as your personal remote in ${s(d.file)}, not in the committed .idse/config.json`,
  }),
  STACK_DIFFERS: note<{ project: string; stack: string; configured: string }>({
    severity: "warning",
    where:
      "`idse init <project> --stack <s>`: the repository's stack (config key `stack` in `.idse/config.json`, or `IDSE_STACK`) is another one, so sessions created later get that one, not `<s>`",
    keys: [],
    message: (d) =>
      `the blueprint of ${s(d.project)} uses ${s(d.stack)}, but the repository's stack (config key \`stack\`) is ${s(d.configured)}: sessions created later get ${s(d.configured)}`,
    hint: (d) =>
      `\`IDSE_STACK=${s(d.stack)} idse spawn <name> --plan feature\` for a session of this stack, or \`idse config set stack ${s(d.stack)}\` for every project`,
  }),
  HOOK_LOCAL: note<{ command: string; file: string; committed: string }>({
    severity: "warning",
    where:
      "`idse agents install-hooks`: the hook's command names a path of this machine (idse is not on PATH), so the entry went to the IDE's per-user settings file (`.claude/settings.local.json`), not the committed one",
    keys: ["file"],
    message: (d) =>
      `the hook runs idse by a path of this machine (${s(d.command)}), so it went to ${s(d.file)}, which is yours only and not committed, instead of ${s(d.committed)}`,
    hint: () =>
      "put idse on PATH, then run `idse agents install-hooks` again to record `idse hook …` in the committed settings for everyone",
  }),
  FILE_KEPT: note<{ file: string; malformed?: boolean }>({
    severity: "warning",
    where:
      "`idse agents sync-files`, `idse generate-agent-files`, `idse init`: an agent file exists without idse's markers (or with broken ones) and was kept (no `--force`)",
    keys: ["file"],
    message: (d) =>
      `${s(d.file)} exists ${d.malformed ? "with broken idse markers" : "without idse markers"} and was kept`,
    hint: () => "run `idse agents sync-files --force` to add the generated block (your text is kept)",
  }),
  FILE_EDITED: note<{ file: string }>({
    severity: "warning",
    where:
      "`idse agents sync-files`, `idse generate-agent-files`, `idse init`: the text between idse's markers was edited by hand and was kept (no `--force`)",
    keys: ["file"],
    message: (d) => `${s(d.file)} was edited between the idse markers and was kept`,
    hint: () =>
      "move your text outside the markers, or run `idse agents sync-files --force` to regenerate the block",
  }),
  AGENT_FILE_STALE: note<{ file: string; state: "missing" | "stale" | "edited" }>({
    severity: "error",
    where:
      "`idse agents sync-files --check`: a generated file is missing, out of date or edited between the markers (exit 1)",
    keys: ["file"],
    message: (d) =>
      `${s(d.file)} ${d.state === "missing" ? "is missing" : d.state === "edited" ? "was edited between the idse markers" : "is out of date"}`,
    hint: (d) => `run \`idse agents sync-files${d.state === "edited" ? " --force" : ""}\``,
  }),
  AGENT_FILE_LARGE: note<{ file: string; bytes: number; budget: number }>({
    severity: "warning",
    where: "`idse agents sync-files`: a generated instruction file is over its 8 KB context budget",
    keys: ["file"],
    message: (d) =>
      `${s(d.file)} is ${s(d.bytes)} bytes, over the ${s(d.budget)}-byte budget for agent context`,
    hint: () => "register fewer agents, or shorten their descriptions",
  }),
  NO_AGENT_FOR_STAGE: note<{ stages: string[]; lost?: boolean }>({
    severity: "warning",
    where: "`idse route`, and `idse agents` changes that leave a stage without an agent",
    keys: [],
    // `lost`: an `idse agents` change just left these stages without an agent.
    message: (d) => `no agent is routed to ${list(d.stages)}${d.lost ? " any more" : ""}`,
    hint: (d) => `route ${d.lost ? "them" : "it"} with \`idse agents set-stages <id> <stages>\``,
  }),
  ORIGINAL_VIEW_DIFFERS: note<{ file: string; view?: string }>({
    severity: "warning",
    where:
      "`idse import-original`: a markdown view differs from the original's database; the database's text is imported, the file's kept as `*.view.md`",
    keys: ["file"],
    message: (d) =>
      `${s(d.file)} differs from the database; the database's text is imported${d.view ? ` and the file's text kept as ${s(d.view)}` : ""}`,
  }),
  ORIGINAL_VIEW_ONLY: note<{ project: string; session: string }>({
    severity: "warning",
    where:
      "`idse import-original`: a session folder has no row in the original's database; it is left as it is",
    keys: [],
    message: (d) =>
      `session ${s(d.project)}/${s(d.session)} has markdown but no row in the database; it is left as it is`,
  }),
  ORIGINAL_ROW_WITHOUT_VIEW: note<{ project: string; sessions: string[] }>({
    severity: "info",
    where:
      "`idse import-original`: sessions in the database without markdown views, created from the database",
    keys: ["project", "sessions"],
    // One diagnostic per project, not one per session: a first import into an empty folder lists them all.
    message: (d) => {
      const all = Array.isArray(d.sessions) ? d.sessions : [];
      const shown = `${list(all.slice(0, 5))}${all.length > 5 ? ", …" : ""}`;
      return `${all.length} session(s) of ${s(d.project)} are in the database but have no markdown view (${shown}); they are created from the database`;
    },
  }),
  ORIGINAL_SYNC_NOT_MAPPED: note<{ project: string; records: number; file: string }>({
    severity: "info",
    where:
      "`idse import-original`: the original's sync records are kept in `original.json`, not mapped to a remote",
    keys: [],
    message: (d) =>
      `${s(d.records)} sync record(s) of ${s(d.project)} name the original's sync backends; they are kept in ${s(d.file)}, and idse's first sync with a remote compares contents`,
  }),
  ORIGINAL_CONFIG_IGNORED: note<{ file: string; keys: string[] }>({
    severity: "info",
    where:
      "`idse config list`, `idse doctor`: keys of the original's ~/.idseconfig.json that idse does not use",
    keys: ["keys"],
    message: (d) =>
      `${s(d.file)} holds key(s) of the Python original that idse does not use: ${list(d.keys)}`,
    hint: () => "`idse config list` says why for each; remove them when you no longer run the original",
  }),
  ORIGINAL_REMOTE: note<{ remote: string; location: string }>({
    severity: "info",
    where: "`idse sync …`: the remote comes from the original's ~/.idseconfig.json (lowest priority)",
    keys: [],
    message: (d) =>
      `remote "${s(d.remote)}" (${s(d.location)}) comes from the Python original's ~/.idseconfig.json`,
    hint: (d) =>
      `make it the repository's own with \`idse remote add ${s(d.remote)} ${s(d.location)} --default\``,
  }),
  STAGES_INFERRED: note<{ sessions: string[] }>({
    severity: "info",
    where:
      "`idse status --all`, `idse route`: sessions without stage state whose status `complete` reads as every stage completed",
    keys: ["sessions"],
    message: (d) =>
      `${list(d.sessions)} ${Array.isArray(d.sessions) && d.sessions.length === 1 ? "has" : "have"} no stage state; status \`complete\` reads as every stage completed`,
    hint: () => "record the real state with `idse session set-stage <id> --stage <stage> --status <status>`",
  }),
  PROJECT_SHADOWED: note<{ env_project: string }>({
    severity: "warning",
    where: "`idse project use`: IDSE_PROJECT is set to another project, and it wins over the current one",
    keys: [],
    message: (d) => `IDSE_PROJECT=${s(d.env_project)} is set, and it wins over the current project`,
    hint: () => "run `unset IDSE_PROJECT`",
  }),
  REGISTRY_DEFAULTS: note<{ project: string; routing?: boolean }>({
    severity: "info",
    where:
      "`idse agents list`, `idse route`: agent_registry.json is missing and the default agents are used (nothing is written)",
    keys: [],
    // `routing`: said by `idse route`, which routes with the defaults; `idse agents list` shows them.
    message: (d) =>
      `projects/${s(d.project)}/agent_registry.json is missing; ${d.routing ? "routing with" : "showing"} the default agents`,
    hint: (d) =>
      d.routing
        ? "`idse doctor --fix` writes the defaults"
        : "any `idse agents` change writes the file; `idse doctor --fix` writes the defaults",
  }),
  UNKNOWN_IDE: note<{ ide: string; adapters: string[] }>({
    severity: "warning",
    where: "`idse agents add --ide`: no routing adapter renders files for that IDE",
    keys: [],
    message: (d) => `no routing adapter renders files for IDE "${s(d.ide)}"`,
    hint: (d) => `built-in adapters: ${list(d.adapters)}`,
  }),
  HOOK_ERROR: note<{ reason: string; when?: "failed" | "allowed" }>({
    severity: "warning",
    where:
      "`idse hook claude-pre-tool-use`: idse's state or the hook input is unreadable: a planning agent is denied, an implementation agent allowed; on stderr, exit 0",
    keys: [],
    // `failed`: the hook itself threw; `allowed`: a problem beside an implementation agent's allowed call.
    message: (d) =>
      `${d.when === "failed" ? "idse hook failed: " : d.when === "allowed" ? "idse hook: " : ""}${s(d.reason)}`,
  }),
  IDSE_NOT_ON_PATH: note({
    severity: "warning",
    where:
      "`idse agents install-mcp`: no `idse` on PATH, where the IDEs look for the command the files name (the files were written)",
    keys: [],
    message: () => "no `idse` on PATH: the IDEs start the server as `idse mcp` and will not find it",
    hint: () => "put the idse binary in a directory on PATH (e.g. ~/.local/bin), then restart the IDE",
  }),
  CODEX_TRUST: note({
    severity: "info",
    where: "`idse agents install-mcp` for Codex: Codex reads .codex/config.toml only in a project it trusts",
    keys: [],
    message: () => "Codex reads .codex/config.toml only in a project it trusts",
    hint: () => "open the repository in Codex and trust it when asked",
  }),
  META_NOT_REFRESHED: note<{ reason: string }>({
    severity: "warning",
    where:
      "commands that change sessions: the blueprint `meta.md` could not be regenerated (the change itself was made)",
    keys: [],
    message: (d) => `blueprint meta.md was not regenerated: ${s(d.reason)}`,
    hint: () => "run `idse doctor --fix`",
  }),
  RECOVERED: note<{ what: string }>({
    severity: "info",
    where:
      "any command in a workspace: a change a killed run left half done (a session create, a stage change, a store migration) was finished or rolled back first (docs/reliability.md)",
    keys: [],
    // What was finished or rolled back, in the recovery's words (src/recovery.ts).
    message: (d) => s(d.what),
  }),
  RECOVERY_FAILED: note<{ what: string; reason: string }>({
    severity: "warning",
    where:
      "any command in a workspace: what a killed run left half done could not be finished or rolled back (the message says why); the next run tries again",
    keys: [],
    message: (d) => `could not recover ${s(d.what)}: ${s(d.reason)}`,
  }),
  PLUGIN_OPTIONS_NEEDED: note<{ plugin: string; reason: string; spec: string; options?: string[] }>({
    severity: "warning",
    where:
      "`idse plugin add` without `--option`: the plugin was installed, but its options model rejects no options (e.g. which database); they must be given before it is used",
    keys: ["plugin"],
    message: (d) => `${s(d.plugin)} needs options before it can be used: ${s(d.reason)}`,
    hint: (d) => {
      const names = Array.isArray(d.options) && d.options.length ? d.options : ["key"];
      return `run \`idse plugin add ${s(d.spec)} ${names.map((o) => `--option ${s(o)}=<value>`).join(" ")}\``;
    },
  }),
  PLUGIN_TAMPERED: note<{ reason: string; file: string; plugin: string; reinstall: string }>({
    severity: "error",
    where:
      "`idse plugin verify`: an installed plugin file differs from `.idse/plugins.json` (modified, missing, unexpected, a symbolic link, or a package integrity that does not match the file list or the bundled copy); exit 1",
    keys: ["file", "plugin"],
    message: (d) => s(d.reason),
    hint: (d) =>
      `reinstall it with \`idse plugin add ${s(d.reinstall)} --yes\`, or remove it with \`idse plugin remove ${s(d.plugin)}\``,
  }),
  SYNC_CONFLICT: note<SyncAt & { reason: string }>({
    severity: "error",
    where:
      "`idse sync push|pull`: an artifact changed on both sides (or changed during the run); nothing was overwritten (exit 1). A pull writes the remote text beside the local one (`data.results[].kept`)",
    keys: SYNC_AT,
    message: (d) => s(d.reason),
  }),
  SECRET_FOUND: note<{
    description: string;
    masked: string;
    file: string;
    line: number;
    column: number;
    rule: string;
    fingerprint: string;
    session?: string;
    stage?: string;
  }>({
    severity: "error",
    where:
      "`idse sync push`: the secret guard found something that looks like a credential; the artifact was not sent (exit 1). One per finding; the value is masked",
    keys: ["file", "line", "column", "rule", "fingerprint", "session", "stage"],
    message: (d) => `${s(d.description)} (${s(d.rule)}): ${s(d.masked)}`,
    hint: (d) =>
      `not a secret? add {"fingerprint": "${s(d.fingerprint)}"} to sync.secret_allowlist in .idse/config.json`,
  }),
  SPINE_CHANGE_HELD: note<{ file: string; reason?: string; session?: string; stage?: string; key?: string }>({
    severity: "error",
    where:
      "`idse sync pull`, `idse store import`: the remote text (or the edited file) would change the Product Spine table of the blueprint spec; held back until `--accept-spine` (exit 1)",
    keys: ["file", "session", "stage", "key"],
    // A sync names the change in its result's words (`reason`); `idse store import` names the file's key.
    message: (d) => s(d.reason) || `${s(d.file)} changes the Product Spine table; nothing was written for it`,
    hint: (d) =>
      d.key === undefined
        ? ""
        : "review the change; a person takes it with `idse store import --accept-spine`, or proposes components with `idse spine propose`",
  }),
  DELETION_HELD: note<SyncAt & { reason: string }>({
    severity: "error",
    where:
      "`idse sync push|pull`: an artifact deleted on one side would be deleted on the other; held back until `--yes` (exit 1)",
    keys: SYNC_AT,
    message: (d) => s(d.reason),
  }),
  SYNC_FAILED: note<SyncAt & { reason: string; error_code: string }>({
    severity: "error",
    where:
      "`idse sync push|pull`: moving one artifact failed after retries (exit 1); `error_code` is the transport's code: `REMOTE_TIMEOUT`, `REMOTE_UNREACHABLE`, `REMOTE_UNAVAILABLE` (429/5xx), `REMOTE_AUTH`, `REMOTE_PROTOCOL`, `REMOTE_ERROR`",
    keys: [...SYNC_AT, "error_code"],
    message: (d) => s(d.reason),
  }),
  REMOTE_KEY_SKIPPED: note<{ key: string }>({
    severity: "warning",
    where: "`idse sync …`: the remote listed a key that is not a safe artifact key; it was ignored",
    keys: [],
    message: (d) => `the remote lists ${JSON.stringify(s(d.key))}, which is not a safe artifact key; skipped`,
  }),
  CREDENTIALS_FILE_OPEN: note<{ file: string; mode: string }>({
    severity: "warning",
    where: "`idse sync …`: the credentials file can be read by other users",
    keys: [],
    message: (d) => `${s(d.file)} can be read by other users (mode ${s(d.mode)})`,
    hint: (d) => `chmod 600 ${s(d.file)}`,
  }),
  STORE_PLUGIN_INSTALLED: note<{ plugin: string; version: string }>({
    severity: "info",
    where:
      "`idse init --store`, `idse store migrate --to`: the bundled store plugin was not installed, so it was (no confirmation: the command named it)",
    keys: ["plugin"],
    message: (d) =>
      `installed the bundled store plugin ${s(d.plugin)} ${s(d.version)} into .idse/plugins/${s(d.plugin)}/`,
  }),
  STORE_EXTRA_KEYS: note<{ store: string; count: number; keys: string[] }>({
    severity: "warning",
    where:
      "`idse store migrate`: the target already held documents the source lacks; they were left in place (`data.extra`)",
    keys: ["keys"],
    keysNote: "(the first 20)",
    message: (d) =>
      `${s(d.store)} already held ${s(d.count)} document(s) the source lacks (first: ${Array.isArray(d.keys) ? s(d.keys[0]) : ""}); they were left in place`,
  }),
  STORE_CONFIG_OVERRIDDEN: note<{ store: string; selected: string }>({
    severity: "warning",
    where:
      "`idse store migrate`: the config now names the target, but `IDSE_STORE_PLUGIN` still selects another store",
    keys: [],
    message: (d) =>
      `.idse/config.json now names ${s(d.store)}, but IDSE_STORE_PLUGIN still selects ${s(d.selected)}`,
    hint: () => "unset IDSE_STORE_PLUGIN",
  }),
  STORE_FILE_EDITED: note<ExportedFile>({
    severity: "error",
    where:
      "`idse store export`: a file was edited since the last export (and not imported); it was kept, not overwritten (exit 1; `--force` overwrites)",
    keys: EXPORTED,
    message: (d) => `${s(d.file)} was edited since it was exported and differs from the store; it was kept`,
    hint: () => "take the edit in with `idse store import`, or overwrite it with `idse store export --force`",
  }),
  STORE_CONFLICT: note<ExportedFile>({
    severity: "error",
    where:
      "`idse store import`: the file and the store's document both changed since the export; nothing was written for it (exit 1; `--force` takes the file)",
    keys: EXPORTED,
    message: (d) => `${s(d.file)} and the store both changed since the export; nothing was written for it`,
    hint: () =>
      "merge by hand (`idse artifact read` shows the store's text), or take the file with `idse store import --force`",
  }),
  STORE_FILE_STALE: note<ExportedFile>({
    severity: "warning",
    where:
      "`idse store import`: the store's document changed since the export and the file did not; run `idse store export`",
    keys: EXPORTED,
    message: (d) => `${s(d.file)} is older than the store's document (the store changed since the export)`,
    hint: () => "run `idse store export` to refresh it",
  }),
  STORE_FILE_MISSING: note<ExportedFile>({
    severity: "warning",
    where: "`idse store import`: an exported file is gone; the store keeps its document",
    keys: EXPORTED,
    message: (d) => `${s(d.file)} was exported but is gone; the store keeps its document`,
  }),
  // Error codes that are also reported as a notice, each declared in both catalogues on purpose
  // (test/contract/catalogue.test.ts, BOTH, says why for each).
  CORRUPT_FILE: note<{ file: string; problem: string; moved_to?: string; next?: string }>({
    severity: "error",
    where:
      "`idse doctor`: a settings file of idse (repository or user) cannot be read; with `--fix` it is moved aside, and the note is an `info` naming the copy (`moved_to`)",
    keys: ["file", "moved_to"],
    message: (d) =>
      `${s(d.file)}: ${s(d.problem)}${d.moved_to ? ` (fixed: moved aside to ${s(d.moved_to)})` : ""}`,
    hint: (d) => s(d.next),
  }),
  WORKSPACE_UNTRUSTED: note<{ plugin: string; reason: string }>({
    severity: "warning",
    where:
      "`idse plugin add`: the plugin was installed, but the user's approval of it could not be recorded, so the repository will ask for it again",
    keys: ["plugin"],
    message: (d) => `installed, but your approval could not be recorded: ${s(d.reason)}`,
    hint: () => "run `idse trust` to approve it",
  }),
  SPINE_UNKNOWN_LAYER: note<{ layer: string; defaults: string[] }>({
    severity: "warning",
    where:
      "`idse spine propose --layer`: the Spine declares no layers and the layer is not one of idse's defaults (a Spine that declares its own refuses it with the error)",
    keys: [],
    message: (d) => `"${s(d.layer)}" is not a layer of the Spine`,
    hint: (d) =>
      `idse's default layers: ${list(d.defaults)}; a Spine may declare its own with a "Layers: A, B" line`,
  }),
});

/** The type of the table: each notice's declaration with its data type. */
export type NoticeCodes = ReturnType<typeof table>;

/** Every notice's severity, keys, message and hint (built on the first call). */
export const noticeCodes = once(table);

/** The code of a warning, a detail or a note. */
export type NoticeCode = keyof NoticeCodes;

/** The data a notice's message is made from: `notice(code, data)` must pass it. */
export type NoticeDataOf<C extends NoticeCode> = C extends NoticeCode
  ? NoticeCodes[C] extends NoticeDef<infer D>
    ? D
    : never
  : never;

/** Codes `idse doctor` puts in `data.findings[].code`: the finding's `problem` says what is wrong. */
export const DOCTOR_FINDING_CODES = [
  "FILE_MISSING",
  "CORRUPT_FILE",
  "ARTIFACT_MISSING",
  "NO_CURRENT_SESSION",
  "ORIGINAL_DATABASE_FOUND",
] as const;

export type DoctorFindingCode = (typeof DOCTOR_FINDING_CODES)[number];

/** The findings that are no other code's, for the docs' table. */
const FINDING_ONLY = {
  ARTIFACT_MISSING: "`idse doctor`, in `data.findings[].code`: a stage document is missing",
  FILE_MISSING: "`idse doctor`, in `data.findings[].code`: a workspace file is missing",
} satisfies Partial<Record<DoctorFindingCode, string>>;

/** A row of docs/json-output.md's table of codes that are not errors. */
export interface Notice {
  code: string;
  /** What a reader sees: error (a detail of an error), warning, info, or (finding) for doctor's. */
  severity: string;
  where: string;
  /** The diagnostic's own keys beyond severity, code, message and hint (markdown). */
  keys: string;
}

const keysDoc = (n: NoticeSpec<Record<string, unknown>>) =>
  [n.keys.map((k) => `\`${k}\``).join(", ") || "none", n.keysNote].filter(Boolean).join(" ");

/**
 * Every notice and finding code, for the docs and the catalogue's test. A function: building the rows
 * at load would cost every command's start-up for a table only the docs read.
 */
export const notices = (): readonly Notice[] => [
  ...Object.entries(noticeCodes()).map(([code, n]) => ({
    code,
    severity: n.severity,
    where: n.where,
    keys: keysDoc(n as unknown as NoticeSpec<Record<string, unknown>>),
  })),
  ...Object.entries(FINDING_ONLY).map(([code, where]) => ({
    code,
    severity: "(finding)",
    where,
    keys: "see the `output-doctor` schema",
  })),
];
