import * as v from "valibot";
import { d, Id, Stage, Timestamp } from "./common.ts";
import { RemoteConfig, RemoteName } from "./remote-config.ts";

// Shapes of sync: the remotes in the repository config (remote-config.ts), the per-remote sync base, the
// user's credentials file, and what `idse sync …` and `idse remote …` print. Everything printed here has
// passed through the redactor (src/sync/redact.ts) first.

export { RemoteConfig, RemoteName, SecretAllowEntry, SyncConfig } from "./remote-config.ts";

const Sha256 = d(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)), "Lowercase hex sha256 of the UTF-8 text.");
const count = (what: string) => d(v.pipe(v.number(), v.integer(), v.minValue(0)), what);

/** `.idse/projects/<project>/sync/<remote>.json`: the base of the three-way comparison. */
export const SyncStateFile = d(
  v.object({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    remote: RemoteName,
    location: d(v.string(), "Where the remote was (URL or path) when this base was recorded."),
    last_sync: d(
      v.nullable(Timestamp),
      "When the last sync that changed this base finished with no failure; a later sync that changed nothing is in <remote>.last-sync.json.",
    ),
    artifacts: d(
      v.record(
        v.string(),
        d(
          v.object({
            hash: v.optional(
              d(Sha256, "The agreed text's hash; absent when the artifact was never in sync."),
            ),
            etag: v.optional(d(v.string(), "The remote's version tag at that moment, if it gives one.")),
            pending_remote: v.optional(
              d(Sha256, "Hash of the remote text a conflicting pull wrote beside the local document."),
            ),
          }),
          "The text both sides held after the last successful sync of this artifact.",
        ),
      ),
      "Artifact key (relative to .idse/) → its base.",
    ),
  }),
  "Sync base with one remote: the hash of every artifact at its last successful sync.",
);
export type SyncStateFile = v.InferOutput<typeof SyncStateFile>;

/**
 * `.idse/projects/<project>/sync/<remote>.last-sync.json`: when a sync that changed no base entry last
 * finished with no failure. Such a sync writes this small file instead of the whole base (issue 16); the
 * last sync reported is the later of this and the base's `last_sync`.
 */
export const LastSyncFile = d(
  v.object({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    last_sync: d(
      Timestamp,
      "When a sync with this remote that changed no base entry last finished with no failure.",
    ),
  }),
  "When a sync with one remote last finished with no failure and nothing to record in its base.",
);
export type LastSyncFile = v.InferOutput<typeof LastSyncFile>;

/** `$XDG_CONFIG_HOME/idse/credentials.json`: secrets for remotes, outside every repository. */
export const CredentialsFile = d(
  v.object({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    remotes: d(
      v.record(
        v.string(),
        d(
          v.record(v.pipe(v.string(), v.regex(/^[A-Z_][A-Z0-9_]*$/)), v.string()),
          "Environment variable name → value, given to the remote's plugin as if it were set.",
        ),
      ),
      "Remote name, or URL origin (https://host[:port]) → its credentials.",
    ),
  }),
  "The user's credentials for sync remotes; never inside a repository.",
);
export type CredentialsFile = v.InferOutput<typeof CredentialsFile>;

/** `$XDG_CONFIG_HOME/idse/remotes.json`: remotes whose folder is on this machine only, per repository. */
export const PersonalRemotesFile = d(
  v.object({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    repositories: d(
      v.record(
        v.string(),
        d(
          v.object({ remotes: d(v.record(RemoteName, RemoteConfig), "Remote name → its config.") }),
          "One repository's personal remotes.",
        ),
      ),
      "Repository real path → its personal remotes.",
    ),
  }),
  "The user's personal remotes (a folder further away than beside the repository); never inside a repository.",
);
export type PersonalRemotesFile = v.InferOutput<typeof PersonalRemotesFile>;

// ---- outputs ------------------------------------------------------------------------------------------

export const SYNC_ACTIONS = ["unchanged", "push", "pull", "conflict", "deleted"] as const;
export const SYNC_OUTCOMES = [
  "planned",
  "pushed",
  "pulled",
  "removed",
  "unchanged",
  "conflict",
  "blocked",
  "held",
  "failed",
  "skipped",
] as const;

export const RemoteInfo = d(
  v.object({
    name: RemoteName,
    plugin: d(v.string(), "Plugin that carries it."),
    location: d(v.string(), "URL or path (credentials never appear)."),
    default: d(v.boolean(), "Whether it is the remote used when none is named."),
    source: d(
      v.picklist(["repo", "user", "env", "original"]),
      "Repository config, the user's personal remotes ($XDG_CONFIG_HOME/idse/remotes.json), IDSE_ARTIFACT_URL / IDSE_AGENCY_URL, or the Python original's ~/.idseconfig.json (lowest priority).",
    ),
  }),
  "A configured remote.",
);

export const SecretFinding = d(
  v.object({
    file: d(v.string(), "The document, relative to the repository root."),
    line: d(v.pipe(v.number(), v.integer(), v.minValue(1)), "1-based line."),
    column: d(v.pipe(v.number(), v.integer(), v.minValue(1)), "1-based column."),
    rule: d(v.string(), "Rule id from the ruleset."),
    description: d(v.string(), "What the rule detects."),
    masked: d(v.string(), "The value, masked: only a token format's public marker (e.g. ghp_) is shown."),
    fingerprint: d(v.string(), "Add it to sync.secret_allowlist to let this value through on purpose."),
  }),
  "Something that looks like a secret.",
);

const PlanEntry = d(
  v.object({
    key: d(v.string(), "Artifact key, relative to .idse/."),
    path: d(v.string(), "The local document, relative to the repository root."),
    session: Id,
    stage: Stage,
    action: d(v.picklist(SYNC_ACTIONS), "What a sync would do with it."),
    deleted_on: d(v.nullable(v.picklist(["local", "remote", "both"])), "For `deleted`: where it is gone."),
    local_hash: d(v.nullable(Sha256), "Hash of the local document, or null when there is none."),
    remote_hash: d(v.nullable(Sha256), "Hash of the remote document, or null when there is none."),
    base_hash: d(v.nullable(Sha256), "Hash at the last successful sync, or null when never synced."),
  }),
  "One artifact of the plan.",
);

const Counts = d(
  v.object({
    unchanged: count("Artifacts equal on both sides."),
    push: count("Changed locally only."),
    pull: count("Changed remotely only."),
    conflict: count("Changed on both sides."),
    deleted: count("Gone on one side (or both) since the last sync."),
  }),
  "Artifacts per action.",
);

export const SyncStatusOutput = d(
  v.object({
    project: Id,
    remote: RemoteInfo,
    scope: d(v.union([v.literal("all-sessions"), Id]), "The session compared, or all-sessions."),
    counts: Counts,
    entries: d(v.array(PlanEntry), "Every artifact that is not unchanged."),
    last_sync: d(v.nullable(Timestamp), "When a sync with this remote last finished with no failure."),
  }),
  "Result of `idse sync status`.",
);

const SyncResult = d(
  v.object({
    ...PlanEntry.pipe[0].entries,
    outcome: d(v.picklist(SYNC_OUTCOMES), "What happened (planned: --dry-run)."),
    message: d(v.string(), "What happened, in words."),
    error: v.optional(
      d(v.object({ code: d(v.string(), "Stable code."), message: d(v.string(), "Why.") }), "Why it failed."),
    ),
    findings: v.optional(d(v.array(SecretFinding), "Why it was blocked.")),
    kept: v.optional(d(v.string(), "Where the remote text was written beside a conflicting local one.")),
  }),
  "What a push or pull did with one artifact.",
);

export const SyncOutput = d(
  v.object({
    project: Id,
    remote: RemoteInfo,
    direction: d(v.picklist(["push", "pull"]), "Which way artifacts moved."),
    scope: d(v.union([v.literal("all-sessions"), Id]), "The session synced, or all-sessions."),
    dry_run: d(v.boolean(), "True with --dry-run: nothing was written anywhere."),
    counts: Counts,
    results: d(v.array(SyncResult), "Every artifact that is not unchanged, with its outcome."),
    moved: count("Artifacts written or removed (would be, with --dry-run)."),
    failed: count("Artifacts that failed, conflict, or were blocked or held back."),
    last_sync: d(v.nullable(Timestamp), "When a sync with this remote last finished with no failure."),
  }),
  "Result of `idse sync push|pull`.",
);

export const RemoteListOutput = d(
  v.object({ remotes: d(v.array(RemoteInfo), "Configured remotes, sorted by name.") }),
  "Result of `idse remote list`.",
);

export const RemoteChangeOutput = d(
  v.object({
    action: d(v.picklist(["added", "removed"]), "What happened."),
    remote: RemoteInfo,
    file: d(
      v.string(),
      "The config file written: .idse/config.json, or the user's remotes.json for a personal remote.",
    ),
    message: d(v.string(), "What happened, in words."),
  }),
  "Result of `idse remote add|remove`.",
);

export type RemoteInfo = v.InferOutput<typeof RemoteInfo>;
export type SecretFinding = v.InferOutput<typeof SecretFinding>;
export type SyncAction = (typeof SYNC_ACTIONS)[number];
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];
export type PlanEntry = v.InferOutput<typeof PlanEntry>;
export type SyncCounts = v.InferOutput<typeof Counts>;
export type SyncResult = v.InferOutput<typeof SyncResult>;
export type SyncStatusOutput = v.InferOutput<typeof SyncStatusOutput>;
export type SyncOutput = v.InferOutput<typeof SyncOutput>;
export type RemoteListOutput = v.InferOutput<typeof RemoteListOutput>;
export type RemoteChangeOutput = v.InferOutput<typeof RemoteChangeOutput>;
