import * as v from "valibot";
import { d } from "./common.ts";

// `idse import-original`: what importing the Python original's database changed (or would change).

export const ImportOriginalOutput = d(
  v.object({
    database: d(v.string(), "The original's database, relative to the repository root."),
    sha256: d(v.string(), "sha256 of the database file's bytes (unchanged by the import)."),
    dry_run: d(v.boolean(), "True when nothing was written."),
    changed: d(v.number(), "How many documents were (or would be) written."),
    changes: d(
      v.array(
        v.object({
          key: d(v.string(), "The document, relative to .idse/."),
          action: d(
            v.picklist(["create", "update", "keep-view"]),
            "create or update a document; keep-view: a markdown view that differs from the database, kept beside it.",
          ),
          of: v.optional(d(v.string(), "For keep-view: the document whose view is kept.")),
        }),
      ),
      "Every document written, in order.",
    ),
    projects: d(
      v.array(
        v.object({
          project: d(v.string(), "Project name."),
          sessions: d(v.number(), "Sessions in the database."),
          artifacts: d(v.number(), "Stage documents in the database."),
          claims: d(v.number(), "Blueprint claims in the database."),
          agents: d(v.number(), "Registered agents in the database."),
        }),
      ),
      "What the database holds, per project.",
    ),
    recorded: d(v.boolean(), "Whether .idse/original-import.json was written (so doctor stops warning)."),
  }),
  "Result of `idse import-original`.",
);
export type ImportOriginalOutput = v.InferOutput<typeof ImportOriginalOutput>;

// --- files idse-import-original writes ----------------------------------------------------------------

/** `.idse/original-import.json`: the database an import read; small, because every command looks at it. */
export const ImportRecordFile = d(
  v.looseObject({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    tool: d(v.literal("idse-orchestrator"), "The program that wrote the database."),
    database: d(v.string(), "The database, relative to the repository root."),
    sha256: d(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)), "sha256 of the database's bytes when imported."),
    size: d(v.number(), "Its size in bytes (with mtime_ms: the cheap check that it has not changed)."),
    mtime_ms: d(v.number(), "Its modification time, in whole milliseconds."),
    imported_at: d(v.string(), "When the import ran."),
  }),
  "What `idse import-original` imported (.idse/original-import.json); doctor stops warning while it matches the database.",
);
export type ImportRecordFile = v.InferOutput<typeof ImportRecordFile>;

/** `.idse/original-import.hashes.json`: read by import-original only. */
export const ImportHashesFile = d(
  v.looseObject({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    written: d(
      v.record(v.string(), v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))),
      "sha256 of the text the database gave each document (by key under .idse/): a later import leaves a document alone while the database still says the same, so an edit made with idse is kept.",
    ),
  }),
  "The texts established by `idse import-original` (.idse/original-import.hashes.json).",
);
export type ImportHashesFile = v.InferOutput<typeof ImportHashesFile>;

export const LEDGER_EVENT_TYPES = [
  "promotion.legacy",
  "promotion.evaluated",
  "promotion.decided",
  "claim.created",
  "claim.transition",
  "integrity.event",
  "ledger.checkpoint",
] as const;

/** One line of `sessions/__blueprint__/metadata/claims.jsonl` (docs/migrating.md lists each type's fields). */
export const LedgerLine = d(
  v.looseObject({
    v: d(v.literal(1), "Format version."),
    seq: d(v.pipe(v.number(), v.integer(), v.minValue(1)), "Line number, from 1."),
    type: d(v.picklist(LEDGER_EVENT_TYPES), "What happened."),
    at: d(v.string(), "When, as the original recorded it."),
    prev: d(
      v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))),
      "sha256 of the previous line's exact text; null on the first line.",
    ),
  }),
  "One event of the blueprint claims ledger (append-only JSONL, hash-chained).",
);
export type LedgerLine = v.InferOutput<typeof LedgerLine>;

/** `projects/<project>/original.json`: rows of the original's database that have no idse document. */
export const OriginalRowsFile = d(
  v.looseObject({
    source: d(
      v.looseObject({
        tool: d(v.string(), "The program that wrote the database."),
        database: d(v.string(), "The database, relative to the repository root."),
      }),
      "Where the rows came from.",
    ),
    project: d(v.record(v.string(), v.unknown()), "The project's row (stack, owner, times)."),
    project_state: d(v.nullable(v.record(v.string(), v.unknown())), "The project_state row, or null."),
    artifacts: d(
      v.record(v.string(), v.record(v.string(), v.unknown())),
      "Per `session:stage`: idse_id, content_hash, semantic_fingerprint, created_at, updated_at.",
    ),
    agents: d(
      v.record(v.string(), v.record(v.string(), v.unknown())),
      "Per agent id: created_at, updated_at.",
    ),
    sync_metadata: d(v.array(v.record(v.string(), v.unknown())), "The original's sync records, as rows."),
    feedback_signals: d(v.array(v.record(v.string(), v.unknown())), "Feedback signals, as rows."),
    artifact_dependencies: d(v.array(v.record(v.string(), v.unknown())), "Artifact dependencies, as rows."),
    artifact_edges: d(v.array(v.record(v.string(), v.unknown())), "Artifact edges, as rows."),
  }),
  "Rows of the Python original's database kept as data by `idse import-original` (projects/<project>/original.json).",
);
