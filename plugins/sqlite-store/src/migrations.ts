import type { DatabaseSync } from "node:sqlite";
import { fromSqlite, storeError } from "./errors.ts";

// Versioned schema migrations. The version lives in SQLite's own `PRAGMA user_version`; migration N (1-based)
// takes a database from version N-1 to N inside one write transaction, so a crash midway leaves the old
// version. A database whose version is above the last migration was written by a newer idse: it is
// refused untouched (STORE_SCHEMA_NEWER). Never edit a released migration; add the next one.

/** 'idse' in ASCII: marks the file as an idse store (PRAGMA application_id). */
export const APPLICATION_ID = 0x69647365;

export const MIGRATIONS: readonly string[] = [
  // 1: documents by key (the DesignStore contract) with their sha256; locks held by idse processes.
  `CREATE TABLE entries (
     key        TEXT NOT NULL PRIMARY KEY,
     value      TEXT NOT NULL,
     hash       TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE locks (
     key         TEXT NOT NULL PRIMARY KEY,
     owner       TEXT NOT NULL,
     pid         INTEGER NOT NULL,
     host        TEXT NOT NULL,
     acquired_at TEXT NOT NULL
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function pragma(db: DatabaseSync, name: string): number {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>;
  return Number(row[name] ?? 0);
}

interface State {
  version: number;
  appId: number;
  tables: number;
}

/** The three facts read in one transaction, so they come from one snapshot: read one by one, a process
 * migrating the file meanwhile made a new file look like another application's (its tables seen, its
 * mark not yet). */
function readState(db: DatabaseSync, inTransaction: boolean): State {
  if (!inTransaction) db.exec("BEGIN");
  try {
    const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get();
    return {
      version: pragma(db, "user_version"),
      appId: pragma(db, "application_id"),
      tables: Number(row?.n ?? 0),
    };
  } finally {
    if (!inTransaction) db.exec("COMMIT");
  }
}

/** Brings the database to SCHEMA_VERSION; returns the version found before. */
export function migrate(db: DatabaseSync, path: string): number {
  const check = ({ version, appId, tables }: State) => {
    // A file with tables but no idse mark is another program's (the Python original keeps
    // `.idse/idse.db`): never migrate into it.
    if ((appId !== 0 && appId !== APPLICATION_ID) || (appId === 0 && version === 0 && tables > 0)) {
      throw storeError("STORE_CORRUPT", `${path} is an SQLite database of another application`, {
        file: path,
      });
    }
    if (version > SCHEMA_VERSION) {
      throw storeError(
        "STORE_SCHEMA_NEWER",
        `${path} has schema version ${version}; this idse knows up to ${SCHEMA_VERSION}`,
        { file: path, found: version, supported: SCHEMA_VERSION },
      );
    }
  };
  let found: State;
  try {
    found = readState(db, false);
  } catch (err) {
    throw fromSqlite(err, path);
  }
  check(found);
  if (found.version === SCHEMA_VERSION) return found.version;
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (err) {
    throw fromSqlite(err, path);
  }
  try {
    // Read again under the write lock: another process may have migrated meanwhile.
    const now = readState(db, true);
    check(now);
    for (let v = now.version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
    return now.version;
  } catch (err) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // already rolled back by SQLite itself
    }
    throw fromSqlite(err, path);
  }
}
