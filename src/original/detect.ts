import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { ImportHashesFile, ImportRecordFile } from "../models/original.ts";
import { readTextIfExists } from "../store/atomic-file.ts";
import { sha256Hex } from "../store/contract.ts";
import { guardRead } from "../store/path-guard.ts";
import { openStatCache } from "../store/stat-cache.ts";
import { IDSE_STORE_APP_ID, IMPORT_HASHES, IMPORT_RECORD, ORIGINAL_DB } from "./files.ts";

export { IDSE_STORE_APP_ID, IMPORT_HASHES, IMPORT_RECORD, ORIGINAL_DB } from "./files.ts";

// Finding the Python original's database (`.idse/idse.db`, its default SQLite mode) cheaply enough to run
// before every command: one stat of a file that is usually absent; only when it exists, 100 bytes of its
// header and the small import record beside it. No SQLite is opened here (docs/migrating.md).

export type DbKind = "missing" | "idse-store" | "sqlite" | "empty" | "not-sqlite";

const MAGIC = "SQLite format 3\0";

/** What kind of file `path` is, from its 100-byte header: idse's own store, an empty SQLite file, another SQLite file, or none. */
export function sqliteKind(path: string): DbKind {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "missing";
  }
  try {
    const head = Buffer.alloc(100);
    const n = readSync(fd, head, 0, 100, 0);
    if (n < 100 || head.subarray(0, 16).toString("latin1") !== MAGIC) return "not-sqlite";
    if (head.readUInt32BE(68) === IDSE_STORE_APP_ID) return "idse-store";
    // The page count (offset 28, valid when offset 92 equals the change counter at 24): a database with
    // tables has more than its first page, an empty one that nobody wrote to yet does not.
    const counted = head.readUInt32BE(92) === head.readUInt32BE(24);
    return counted && head.readUInt32BE(28) <= 1 ? "empty" : "sqlite";
  } finally {
    closeSync(fd);
  }
}

export type { ImportRecordFile as ImportRecord } from "../models/original.ts";

/** The small record every command may read (size and time of the imported database). */
export function readImportRecord(idseDir: string): ImportRecordFile | undefined {
  try {
    const text = readTextIfExists(join(idseDir, IMPORT_RECORD));
    if (text === undefined) return undefined;
    const json = JSON.parse(text);
    return v.is(ImportRecordFile, json) ? json : undefined;
  } catch {
    return undefined; // a damaged record only means "not imported": the warning says what to run
  }
}

/** What each document was given by earlier imports (import-original alone reads this larger file). */
export function readImportHashes(idseDir: string): Record<string, string> {
  try {
    const json = JSON.parse(readTextIfExists(join(idseDir, IMPORT_HASHES)) ?? "{}");
    return v.is(ImportHashesFile, json) ? json.written : {};
  } catch {
    return {};
  }
}

export interface OriginalDbState {
  /** Path relative to the repository root, for messages. */
  file: string;
  path: string;
  /** Imported, and the file has not changed since (same size, and same modification time or bytes). */
  imported: boolean;
  /** Imported once, but the file changed afterwards (the original kept writing it). */
  changedSinceImport: boolean;
}

/**
 * Whether the database holds the bytes that were imported, when its time says otherwise: a clone, a copy
 * or a `touch` gives a new modification time to the same bytes, and the record, which is committed, cannot
 * follow every checkout's times. The sha256 is cached by stat in `.idse/.cache/` (this checkout's own),
 * so a checkout hashes the file once, not at every command.
 */
function sameBytes(idseDir: string, path: string, st: import("node:fs").Stats, sha256: string): boolean {
  const cache = openStatCache(idseDir, "original-db");
  let hash = cache.lookup(ORIGINAL_DB, st);
  if (hash === undefined) {
    try {
      hash = sha256Hex(readFileSync(path));
    } catch {
      return false;
    }
    cache.record(ORIGINAL_DB, st, hash);
    cache.save();
  }
  return hash === sha256;
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
  if (!st.isFile()) return undefined;
  // A database that is a link out of the repository is not read here, not even its header: no notice;
  // `import-original` names the link (PATH_OUTSIDE_WORKSPACE).
  try {
    guardRead(dirname(idseDir), path);
  } catch {
    return undefined;
  }
  if (sqliteKind(path) !== "sqlite") return undefined;
  const rec = readImportRecord(idseDir);
  const same =
    rec !== undefined &&
    rec.size === st.size &&
    (rec.mtime_ms === Math.trunc(st.mtimeMs) || sameBytes(idseDir, path, st, rec.sha256));
  return {
    file: `.idse/${ORIGINAL_DB}`,
    path,
    imported: same,
    changedSinceImport: rec !== undefined && !same,
  };
}
