// The names of the Python original's files idse looks for, apart from the code that reads them: the
// notice every command gives (notice.ts) needs only a name to stat, not the reader and its models. A leaf.

/** The original's database, relative to `.idse/`. idse itself never writes a file by this name. */
export const ORIGINAL_DB = "idse.db";
/** What `idse import-original` recorded about the database it imported, relative to `.idse/`. */
export const IMPORT_RECORD = "original-import.json";
/** Beside it: the hash of every document the import established (large; only import-original reads it). */
export const IMPORT_HASHES = "original-import.hashes.json";
/** PRAGMA application_id of idse's own sqlite-store ('idse' in ASCII); the original leaves it 0. */
export const IDSE_STORE_APP_ID = 0x69647365;
