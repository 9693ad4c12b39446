import type { StoreError, StoreErrorCode, StoreErrorData } from "../../../src/plugins/api.ts";
import { storeErrorOf } from "../../shared/store-error.ts";

/** A store error of this store; its data typed by the catalogue for `code` (StoreErrorData). */
export const storeError = <C extends StoreErrorCode>(
  code: C,
  reason: string,
  data?: Partial<StoreErrorData<C>>,
): StoreError<C> => storeErrorOf("sqlite", code, reason, data);

// SQLite result codes (the low byte of an extended code) and how each reads to a user. Bun's node:sqlite
// puts the number in `errcode`; Deno's gives only the message, so the message is matched as well.
const BY_CODE: Record<number, StoreErrorCode> = {
  3: "STORE_UNREACHABLE", // SQLITE_PERM
  5: "LOCKED", // SQLITE_BUSY: another connection held the write lock past busy_timeout
  6: "LOCKED", // SQLITE_LOCKED
  8: "STORE_UNREACHABLE", // SQLITE_READONLY
  11: "STORE_CORRUPT", // SQLITE_CORRUPT
  14: "STORE_UNREACHABLE", // SQLITE_CANTOPEN
  26: "STORE_CORRUPT", // SQLITE_NOTADB
};
const BY_MESSAGE: [RegExp, StoreErrorCode][] = [
  [/file is not a database|malformed/i, "STORE_CORRUPT"],
  [/unable to open database|readonly database|access permission/i, "STORE_UNREACHABLE"],
  [/database is locked|database table is locked/i, "LOCKED"],
];

/** Wraps an error of node:sqlite into a StoreError; StoreErrors pass through unchanged. */
export function fromSqlite(err: unknown, path: string, key?: string): StoreError {
  const e = err as { code?: unknown; errcode?: unknown; message?: unknown; data?: unknown };
  if (err instanceof Error && e.data && typeof e.code === "string" && err.name === "StoreError") {
    return err as StoreError;
  }
  const message = typeof e.message === "string" ? e.message : String(err);
  // Errors of node:fs while making the database's folder (ENOTDIR, EACCES, EROFS …).
  if (typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) {
    return storeError("STORE_UNREACHABLE", message, { file: path, cause_code: e.code });
  }
  const primary = typeof e.errcode === "number" ? e.errcode & 0xff : undefined;
  const code =
    (primary !== undefined ? BY_CODE[primary] : undefined) ??
    BY_MESSAGE.find(([re]) => re.test(message))?.[1] ??
    "STORE_FAILED";
  const data: Record<string, unknown> = { file: path, ...(key === undefined ? {} : { key }) };
  if (primary !== undefined) data.sqlite_code = primary;
  if (code === "LOCKED") data.pid = "?";
  return storeError(code, message, data);
}
