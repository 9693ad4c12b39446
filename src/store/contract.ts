// The DesignStore contract: where design documents live. Modelled on unstorage drivers: a few required
// methods over string keys (see layout.ts), optional ones detected by presence. Keys are '/'-separated
// paths relative to `.idse/`; values are the exact text of the document, so JSON keeps its formatting.
// Every store passes the shared conformance suite in test/conformance/store/ (or declares, with a reason,
// a case it cannot support).

import { createHash } from "node:crypto";
import type { ErrorCode } from "../errors.ts";

export interface StoreEntry {
  name: string;
  kind: "file" | "dir";
}

export type Release = () => Promise<void>;

export interface DesignStore {
  /** Store id, e.g. "filesystem" or "memory". */
  readonly kind: string;
  /** Where it keeps things, for messages (a directory, a database URL without secrets). */
  readonly location: string;
  /** The text under `key`, or undefined when there is none. */
  read(key: string): Promise<string | undefined>;
  /** Replaces the text under `key` atomically: a reader sees the old value or the new one. */
  write(key: string, value: string): Promise<void>;
  /** True for a file, or a folder with something below it (the filesystem store may keep an emptied one). */
  has(key: string): Promise<boolean>;
  /** Removes `key` (a file, or everything below a directory key). Missing keys are not an error. */
  remove(key: string): Promise<void>;
  /** Immediate children of `prefix`, sorted by name. */
  list(prefix: string): Promise<StoreEntry[]>;
  /** Optional: every entry (file or folder) below `prefix`, as '/'-separated relative paths, sorted. */
  listTree?(prefix: string): Promise<string[]>;
  /**
   * Optional: lowercase hex sha256 of the UTF-8 text under `key` (what `sha256Hex` returns for it);
   * undefined when there is none. SQL stores keep it beside the value, so it costs no read of the text.
   */
  hash?(key: string): Promise<string | undefined>;
  /**
   * Optional: writes every entry (a later entry for the same key wins). Every key is checked before
   * anything is written. Stores with transactions write all or nothing; the filesystem store writes each
   * file atomically, in order, so a crash midway leaves a prefix of the batch.
   */
  writeMany?(entries: readonly (readonly [key: string, value: string])[]): Promise<void>;
  /**
   * Exclusive lock across processes; resolves to a release function (calling it twice is harmless).
   * Not re-entrant, no order among waiters. Rejects with code LOCKED when `timeoutMs` passes first.
   */
  lock?(key: string, opts: { timeoutMs: number }): Promise<Release>;
  /** Closes connections and files and releases this handle's locks; the data stays. Twice is harmless. */
  dispose?(): Promise<void>;
}

/**
 * The codes a store's methods throw, as the `code` of a StoreError. Plugin stores cannot import idse's
 * errors at run time (they import only types), so they throw a plain Error carrying one of these; the
 * host maps it to a diagnostic with exit code 1. Messages never hold a secret (no password, no token).
 */
export const STORE_ERROR_CODES = [
  /** Options or environment missing or invalid (e.g. the connection-string variable is unset). */
  "STORE_CONFIG",
  /** Cannot connect or open: connection refused, unknown host, timeout, a file that cannot be opened. */
  "STORE_UNREACHABLE",
  /** The server refused the credentials or the role lacks a privilege. */
  "STORE_AUTH",
  /** TLS negotiation or certificate verification failed. */
  "STORE_TLS",
  /** The store's schema was written by a newer idse; nothing was changed. */
  "STORE_SCHEMA_NEWER",
  /** The connection dropped during the operation, which did not take effect (its transaction rolled back). */
  "STORE_CONNECTION_LOST",
  /** The data is damaged or is not an idse store (e.g. a file that is not a database). */
  "STORE_CORRUPT",
  /** This store cannot hold the value (e.g. U+0000 in PostgreSQL text); nothing was written. */
  "STORE_INVALID_VALUE",
  /** Any other failure of the backend; `data.reason` says what. */
  "STORE_FAILED",
  /** `lock()` timed out (the same code the filesystem store's lock file uses). */
  "LOCKED",
  // Each is a catalogue code (errors.ts), so the host keeps it as the error it is: the type-checker holds that.
] as const satisfies readonly ErrorCode[];

export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** What a store throws: an Error with a stable code and printable data (never a secret). */
export interface StoreError extends Error {
  code: StoreErrorCode;
  /** Facts for the diagnostic: `store` (its kind), `reason`, `key`, backend codes such as `sqlstate`. */
  data: Record<string, unknown>;
}

/** Lowercase hex sha256 of the UTF-8 encoding of `text`: the value of `DesignStore.hash`. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Runs `fn` under the store's lock on `key` when the store supports locking. */
export async function withLock<T>(
  store: DesignStore,
  key: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const release = store.lock ? await store.lock(key, { timeoutMs }) : undefined;
  try {
    return await fn();
  } finally {
    await release?.();
  }
}

/** Rejects keys that could escape the store's root. */
export function assertKey(key: string): string {
  if (
    key === "" ||
    key.startsWith("/") ||
    key.includes("\\") ||
    key.includes("\0") ||
    key.split("/").some((seg) => seg === ".." || seg === "." || seg === "")
  ) {
    throw new Error(`invalid store key ${JSON.stringify(key)}`);
  }
  return key;
}
