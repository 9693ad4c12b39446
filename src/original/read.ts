import type { DatabaseSync } from "node:sqlite";
import { IdseError } from "../errors.ts";

// Reading the Python original's database (its default SQLite storage; fixtures/…/SCHEMA.md) into plain
// rows, read-only and in one read transaction, so the snapshot is consistent even if the original runs
// meanwhile. Not `immutable=1`: that skips SQLite's locking and could read a half-written file; a
// read-only connection takes only a shared lock and never writes, so the file's bytes stay as they were.

export type Row = Record<string, unknown>;

/** Every table of the original's schema with its exact columns. */
export const TABLES: Record<string, readonly string[]> = {
  projects: ["id", "name", "stack", "owner", "created_at", "updated_at", "current_session_id"],
  sessions: [
    "id",
    "project_id",
    "session_id",
    "name",
    "session_type",
    "description",
    "is_blueprint",
    "parent_session",
    "owner",
    "status",
    "created_at",
    "updated_at",
  ],
  artifacts: [
    "id",
    "project_id",
    "session_id",
    "stage",
    "idse_id",
    "content",
    "content_hash",
    "semantic_fingerprint",
    "created_at",
    "updated_at",
  ],
  project_state: ["project_id", "state_json", "current_session_id", "updated_at"],
  session_state: ["session_id", "state_json", "updated_at"],
  agents: ["id", "project_id", "agent_id", "role", "mode", "created_at", "updated_at"],
  agent_stages: ["id", "agent_id", "stage"],
  collaborators: ["id", "session_id", "name", "role", "joined_at"],
  session_tags: ["id", "session_id", "tag"],
  artifact_dependencies: ["id", "artifact_id", "depends_on_artifact_id", "dependency_type", "created_at"],
  artifact_edges: ["id", "from_artifact_id", "to_artifact_id", "edge_type", "created_at"],
  sync_metadata: [
    "id",
    "artifact_id",
    "backend",
    "last_push_hash",
    "last_push_at",
    "last_pull_hash",
    "last_pull_at",
    "remote_id",
  ],
  feedback_signals: ["artifact_id", "contradiction_flag", "reinforcement_flag", "notes", "created_at"],
  promotion_candidates: [
    "id",
    "project_id",
    "claim_text",
    "classification",
    "evidence_hash",
    "failed_tests_json",
    "evidence_json",
    "created_at",
  ],
  promotion_candidate_sources: ["id", "candidate_id", "artifact_id"],
  promotion_records: [
    "id",
    "project_id",
    "candidate_id",
    "status",
    "promoted_claim",
    "evidence_hash",
    "created_at",
    "promoted_at",
  ],
  blueprint_integrity: ["id", "project_id", "file_hash", "updated_at"],
  integrity_events: ["id", "project_id", "expected_hash", "actual_hash", "action", "created_at"],
  blueprint_claims: [
    "claim_id",
    "project_id",
    "claim_text",
    "classification",
    "status",
    "supersedes_claim_id",
    "promotion_record_id",
    "origin",
    "created_at",
    "updated_at",
  ],
  claim_lifecycle_events: [
    "id",
    "claim_id",
    "project_id",
    "old_status",
    "new_status",
    "reason",
    "actor",
    "superseding_claim_id",
    "created_at",
  ],
  blueprint_promotions: [
    "id",
    "project_id",
    "claim_text",
    "classification",
    "status",
    "evidence_hash",
    "failed_tests_json",
    "evidence_json",
    "created_at",
    "promoted_at",
  ],
  blueprint_promotion_sources: ["id", "promotion_id", "artifact_id"],
};

/** Tables every version of the original's SQLite mode had; the others came later and may be absent. */
const CORE = [
  "projects",
  "sessions",
  "artifacts",
  "project_state",
  "session_state",
  "agents",
  "agent_stages",
];

export type Snapshot = Record<string, Row[]>;

/** SQLite's result codes for a file that is busy, and for one that is not a sound database. */
const BUSY = new Set([5, 6]);
const CORRUPT = new Set([11, 26]);

function sqliteError(err: unknown, file: string): IdseError {
  if (err instanceof IdseError) return err;
  const e = err as { errcode?: number; message?: string };
  const primary = typeof e.errcode === "number" ? e.errcode & 0xff : undefined;
  const message = e.message ?? String(err);
  if ((primary !== undefined && BUSY.has(primary)) || /locked|busy/i.test(message))
    return new IdseError("ORIGINAL_DATABASE_LOCKED", { file, reason: message });
  if ((primary !== undefined && CORRUPT.has(primary)) || /not a database|malformed|corrupt/i.test(message))
    return new IdseError("ORIGINAL_DATABASE_CORRUPT", { file, reason: message });
  return new IdseError("ORIGINAL_DATABASE_CORRUPT", { file, reason: message });
}

/** Reads every table of the original's database at `path`; `file` names it in messages. */
export async function readOriginalDb(path: string, file: string): Promise<Snapshot> {
  // node:sqlite is built into Bun (so into the compiled binary) and Deno: no Python, no native addon.
  const { DatabaseSync } = await import("node:sqlite");
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    db.exec("PRAGMA busy_timeout = 2000");
    db.exec("BEGIN");
    const present = new Map<string, string[]>();
    for (const r of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()) {
      const name = String(r.name);
      if (name.startsWith("sqlite_")) continue;
      const cols = db.prepare(`PRAGMA table_info("${name.replace(/"/g, '""')}")`).all();
      present.set(
        name,
        cols.map((c) => String(c.name)),
      );
    }
    const problems: string[] = [];
    for (const t of CORE) if (!present.has(t)) problems.push(`table ${t} is missing`);
    for (const [name, cols] of present) {
      const want = TABLES[name];
      if (!want) {
        const n = Number(db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get()?.n);
        // An unknown table with rows holds data this import would leave behind: refuse rather than lose it.
        if (n > 0) problems.push(`table ${name} (${n} rows) is unknown`);
        continue;
      }
      const missing = want.filter((c) => !cols.includes(c));
      const extra = cols.filter((c) => !want.includes(c));
      if (missing.length) problems.push(`${name} lacks column(s) ${missing.join(", ")}`);
      if (extra.length) problems.push(`${name} has unknown column(s) ${extra.join(", ")}`);
    }
    if (problems.length) throw new IdseError("ORIGINAL_SCHEMA_UNSUPPORTED", { file, problems });
    const snap: Snapshot = {};
    for (const [name, cols] of Object.entries(TABLES)) {
      const key = cols[0]!;
      snap[name] = present.has(name)
        ? (db.prepare(`SELECT ${cols.join(", ")} FROM ${name} ORDER BY ${key}`).all() as Row[])
        : [];
    }
    db.exec("COMMIT");
    return snap;
  } catch (err) {
    throw sqliteError(err, file);
  } finally {
    if (db?.isOpen) db.close();
  }
}
