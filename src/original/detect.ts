import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { readTextIfExists } from "../atomic-file.ts";

// Finding the Python original's database (`.idse/idse.db`, its default SQLite mode) cheaply enough to run
// before every command: one stat of a file that is usually absent; only when it exists, 72 bytes of its
// header and the small import record beside it. No SQLite is opened here (docs/migrating.md).

/** The original's database, relative to `.idse/`. idse itself never writes a file by this name. */
export const ORIGINAL_DB = "idse.db";
/** What `idse import-original` recorded about the database it imported, relative to `.idse/`. */
export const IMPORT_RECORD = "original-import.json";
/** PRAGMA application_id of idse's own sqlite-store ('idse' in ASCII); the original leaves it 0. */
export const IDSE_STORE_APP_ID = 0x69647365;

export type DbKind = "missing" | "idse-store" | "sqlite" | "not-sqlite";

const MAGIC = "SQLite format 3\0";

/** What kind of file `path` is, from its header: idse's own store, another SQLite file, or neither. */
export function sqliteKind(path: string): DbKind {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "missing";
  }
  try {
    const head = Buffer.alloc(72);
    const n = readSync(fd, head, 0, 72, 0);
    if (n < 72 || head.subarray(0, 16).toString("latin1") !== MAGIC) return "not-sqlite";
    return head.readUInt32BE(68) === IDSE_STORE_APP_ID ? "idse-store" : "sqlite";
  } finally {
    closeSync(fd);
  }
}

export interface ImportRecord {
  tool: string;
  database: string;
  sha256: string;
  size: number;
  mtime_ms: number;
  imported_at: string;
  /** sha256 of every text the import wrote, by store key: a later import leaves a key alone while the
   *  database still says the same about it, so an edit made with idse since then is never overwritten. */
  written: Record<string, string>;
}

export function readImportRecord(idseDir: string): ImportRecord | undefined {
  try {
    const text = readTextIfExists(join(idseDir, IMPORT_RECORD));
    if (text === undefined) return undefined;
    const json = JSON.parse(text) as ImportRecord;
    return json && typeof json.sha256 === "string" && typeof json.written === "object" ? json : undefined;
  } catch {
    return undefined; // a damaged record only means "not imported": the warning says what to run
  }
}

export interface OriginalDbState {
  /** Path relative to the repository root, for messages. */
  file: string;
  path: string;
  /** Imported, and the file has not changed since (same size and modification time). */
  imported: boolean;
  /** Imported once, but the file changed afterwards (the original kept writing it). */
  changedSinceImport: boolean;
}

/** The original's database in this workspace, or undefined when there is none (or it is idse's own). */
export function detectOriginalDb(idseDir: string): OriginalDbState | undefined {
  const path = join(idseDir, ORIGINAL_DB);
  let st: import("node:fs").Stats;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (!st.isFile() || sqliteKind(path) !== "sqlite") return undefined;
  const rec = readImportRecord(idseDir);
  const same = rec !== undefined && rec.size === st.size && rec.mtime_ms === Math.trunc(st.mtimeMs);
  return {
    file: `.idse/${ORIGINAL_DB}`,
    path,
    imported: same,
    changedSinceImport: rec !== undefined && !same,
  };
}
