// The catalogue of codes that are not errors: warnings and notes a command reports next to its result,
// details that explain an error, and doctor's findings. Errors (with exit codes, messages and hints) are
// in errors.ts; together the two are every code idse prints.
//
// test/contract/catalogue.test.ts reads src/ and plugins/ for every code raised and fails on one declared
// in neither place; docs/json-output.md's table is generated from this list (scripts/gen-json-docs.ts).

export interface Notice {
  code: string;
  /** What a reader sees: error (a detail of an error), warning, info, or (finding) for doctor's. */
  severity: string;
  /** Which commands report it, and when (markdown, for docs/json-output.md). */
  where: string;
  /** The diagnostic's own keys beyond severity, code and message (markdown). */
  keys: string;
}

export const NOTICES = [
  {
    code: "RULE_VIOLATION",
    severity: "error",
    where:
      "details of `COMPLETION_GATE_FAILED` (`idse session set-status <id> --status complete`): one error finding of the validation engine",
    keys: "`file`, `line`, `rule_id`, `stage`",
  },
  {
    code: "ARTIFACT_MISSING",
    severity: "(finding)",
    where: "`idse doctor`, in `data.findings[].code`: a stage document is missing",
    keys: "see the `output-doctor` schema",
  },
  {
    code: "REMOTE_PERSONAL",
    severity: "warning",
    where:
      "`idse remote add`: the folder is neither inside the repository nor beside it, so the remote was recorded as the user's personal remote (`$XDG_CONFIG_HOME/idse/remotes.json`), not in the committed `.idse/config.json`",
    keys: "`file`",
  },
  {
    code: "STACK_DIFFERS",
    severity: "warning",
    where:
      "`idse init <project> --stack <s>`: the repository's stack (config key `stack` in `.idse/config.json`, or `IDSE_STACK`) is another one, so sessions created later get that one, not `<s>`",
    keys: "",
  },
  {
    code: "HOOK_LOCAL",
    severity: "warning",
    where:
      "`idse agents install-hooks`: the hook's command names a path of this machine (idse is not on PATH), so the entry went to the IDE's per-user settings file (`.claude/settings.local.json`), not the committed one",
    keys: "`file`",
  },
  {
    code: "FILE_KEPT",
    severity: "warning",
    where:
      "`idse agents sync-files`, `idse generate-agent-files`, `idse init`: an agent file exists without idse's markers (or with broken ones) and was kept (no `--force`)",
    keys: "`file`",
  },
  {
    code: "FILE_EDITED",
    severity: "warning",
    where:
      "`idse agents sync-files`, `idse generate-agent-files`, `idse init`: the text between idse's markers was edited by hand and was kept (no `--force`)",
    keys: "`file`",
  },
  {
    code: "AGENT_FILE_STALE",
    severity: "error",
    where:
      "`idse agents sync-files --check`: a generated file is missing, out of date or edited between the markers (exit 1)",
    keys: "`file`",
  },
  {
    code: "AGENT_FILE_LARGE",
    severity: "warning",
    where: "`idse agents sync-files`: a generated instruction file is over its 8 KB context budget",
    keys: "`file`",
  },
  {
    code: "NO_AGENT_FOR_STAGE",
    severity: "warning",
    where: "`idse route`, and `idse agents` changes that leave a stage without an agent",
    keys: "none",
  },
  {
    code: "ORIGINAL_VIEW_DIFFERS",
    severity: "warning",
    where:
      "`idse import-original`: a markdown view differs from the original's database; the database's text is imported, the file's kept as `*.view.md`",
    keys: "`file`",
  },
  {
    code: "ORIGINAL_VIEW_ONLY",
    severity: "warning",
    where:
      "`idse import-original`: a session folder has no row in the original's database; it is left as it is",
    keys: "none",
  },
  {
    code: "ORIGINAL_ROW_WITHOUT_VIEW",
    severity: "info",
    where:
      "`idse import-original`: sessions in the database without markdown views, created from the database",
    keys: "`project`, `sessions`",
  },
  {
    code: "ORIGINAL_SYNC_NOT_MAPPED",
    severity: "info",
    where:
      "`idse import-original`: the original's sync records are kept in `original.json`, not mapped to a remote",
    keys: "none",
  },
  {
    code: "ORIGINAL_CONFIG_IGNORED",
    severity: "info",
    where:
      "`idse config list`, `idse doctor`: keys of the original's ~/.idseconfig.json that idse does not use",
    keys: "`keys`",
  },
  {
    code: "ORIGINAL_REMOTE",
    severity: "info",
    where: "`idse sync …`: the remote comes from the original's ~/.idseconfig.json (lowest priority)",
    keys: "none",
  },
  {
    code: "STAGES_INFERRED",
    severity: "info",
    where:
      "`idse status --all`, `idse route`: sessions without stage state whose status `complete` reads as every stage completed",
    keys: "`sessions`",
  },
  {
    code: "PROJECT_SHADOWED",
    severity: "warning",
    where: "`idse project use`: IDSE_PROJECT is set to another project, and it wins over the current one",
    keys: "none",
  },
  {
    code: "REGISTRY_DEFAULTS",
    severity: "info",
    where:
      "`idse agents list`, `idse route`: agent_registry.json is missing and the default agents are used (nothing is written)",
    keys: "none",
  },
  {
    code: "UNKNOWN_IDE",
    severity: "warning",
    where: "`idse agents add --ide`: no routing adapter renders files for that IDE",
    keys: "none",
  },
  {
    code: "HOOK_ERROR",
    severity: "warning",
    where:
      "`idse hook claude-pre-tool-use`: idse's state or the hook input is unreadable: a planning agent is denied, an implementation agent allowed; on stderr, exit 0",
    keys: "none",
  },
  {
    code: "IDSE_NOT_ON_PATH",
    severity: "warning",
    where:
      "`idse agents install-mcp`: no `idse` on PATH, where the IDEs look for the command the files name (the files were written)",
    keys: "none",
  },
  {
    code: "CODEX_TRUST",
    severity: "info",
    where: "`idse agents install-mcp` for Codex: Codex reads .codex/config.toml only in a project it trusts",
    keys: "none",
  },
  {
    code: "META_NOT_REFRESHED",
    severity: "warning",
    where:
      "commands that change sessions: the blueprint `meta.md` could not be regenerated (the change itself was made)",
    keys: "none",
  },
  {
    code: "RECOVERED",
    severity: "info",
    where:
      "any command in a workspace: a change a killed run left half done (a session create, a stage change, a store migration) was finished or rolled back first (docs/reliability.md)",
    keys: "none",
  },
  {
    code: "RECOVERY_FAILED",
    severity: "warning",
    where:
      "any command in a workspace: what a killed run left half done could not be finished or rolled back (the message says why); the next run tries again",
    keys: "none",
  },
  {
    code: "PLUGIN_OPTIONS_NEEDED",
    severity: "warning",
    where:
      "`idse plugin add` without `--option`: the plugin was installed, but its options model rejects no options (e.g. which database); they must be given before it is used",
    keys: "`plugin`",
  },
  {
    code: "PLUGIN_TAMPERED",
    severity: "error",
    where:
      "`idse plugin verify`: an installed plugin file differs from `.idse/plugins.json` (modified, missing, unexpected, a symbolic link, or a package integrity that does not match the file list or the bundled copy); exit 1",
    keys: "`file`, `plugin`",
  },
  {
    code: "FILE_MISSING",
    severity: "(finding)",
    where: "`idse doctor`, in `data.findings[].code`: a workspace file is missing",
    keys: "see the `output-doctor` schema",
  },
  {
    code: "SYNC_CONFLICT",
    severity: "error",
    where:
      "`idse sync push|pull`: an artifact changed on both sides (or changed during the run); nothing was overwritten (exit 1). A pull writes the remote text beside the local one (`data.results[].kept`)",
    keys: "`file`, `session`, `stage`",
  },
  {
    code: "SECRET_FOUND",
    severity: "error",
    where:
      "`idse sync push`: the secret guard found something that looks like a credential; the artifact was not sent (exit 1). One per finding; the value is masked",
    keys: "`file`, `line`, `column`, `rule`, `fingerprint`, `session`, `stage`",
  },
  {
    code: "SPINE_CHANGE_HELD",
    severity: "error",
    where:
      "`idse sync pull`, `idse store import`: the remote text (or the edited file) would change the Product Spine table of the blueprint spec; held back until `--accept-spine` (exit 1)",
    keys: "`file`, `session`, `stage`",
  },
  {
    code: "DELETION_HELD",
    severity: "error",
    where:
      "`idse sync push|pull`: an artifact deleted on one side would be deleted on the other; held back until `--yes` (exit 1)",
    keys: "`file`, `session`, `stage`",
  },
  {
    code: "SYNC_FAILED",
    severity: "error",
    where:
      "`idse sync push|pull`: moving one artifact failed after retries (exit 1); `error_code` is the transport's code: `REMOTE_TIMEOUT`, `REMOTE_UNREACHABLE`, `REMOTE_UNAVAILABLE` (429/5xx), `REMOTE_AUTH`, `REMOTE_PROTOCOL`, `REMOTE_ERROR`",
    keys: "`file`, `session`, `stage`, `error_code`",
  },
  {
    code: "REMOTE_KEY_SKIPPED",
    severity: "warning",
    where: "`idse sync …`: the remote listed a key that is not a safe artifact key; it was ignored",
    keys: "none",
  },
  {
    code: "CREDENTIALS_FILE_OPEN",
    severity: "warning",
    where: "`idse sync …`: the credentials file can be read by other users",
    keys: "none",
  },
  {
    code: "STORE_PLUGIN_INSTALLED",
    severity: "info",
    where:
      "`idse init --store`, `idse store migrate --to`: the bundled store plugin was not installed, so it was (no confirmation: the command named it)",
    keys: "`plugin`",
  },
  {
    code: "STORE_EXTRA_KEYS",
    severity: "warning",
    where:
      "`idse store migrate`: the target already held documents the source lacks; they were left in place (`data.extra`)",
    keys: "`keys` (the first 20)",
  },
  {
    code: "STORE_CONFIG_OVERRIDDEN",
    severity: "warning",
    where:
      "`idse store migrate`: the config now names the target, but `IDSE_STORE_PLUGIN` still selects another store",
    keys: "none",
  },
  {
    code: "STORE_FILE_EDITED",
    severity: "error",
    where:
      "`idse store export`: a file was edited since the last export (and not imported); it was kept, not overwritten (exit 1; `--force` overwrites)",
    keys: "`file`, `key`",
  },
  {
    code: "STORE_CONFLICT",
    severity: "error",
    where:
      "`idse store import`: the file and the store's document both changed since the export; nothing was written for it (exit 1; `--force` takes the file)",
    keys: "`file`, `key`",
  },
  {
    code: "STORE_FILE_STALE",
    severity: "warning",
    where:
      "`idse store import`: the store's document changed since the export and the file did not; run `idse store export`",
    keys: "`file`, `key`",
  },
  {
    code: "STORE_FILE_MISSING",
    severity: "warning",
    where: "`idse store import`: an exported file is gone; the store keeps its document",
    keys: "`file`, `key`",
  },
] as const satisfies readonly Notice[];

/** The code of a warning, a detail or a note. */
export type NoticeCode = (typeof NOTICES)[number]["code"];

/** Codes `idse doctor` puts in `data.findings[].code`. */
export const DOCTOR_FINDING_CODES = [
  "FILE_MISSING",
  "CORRUPT_FILE",
  "ARTIFACT_MISSING",
  "NO_CURRENT_SESSION",
  "ORIGINAL_DATABASE_FOUND",
] as const;

export type DoctorFindingCode = (typeof DOCTOR_FINDING_CODES)[number];
