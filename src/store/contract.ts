// The DesignStore contract: where design documents live. Modelled on unstorage: a driver implements a few
// methods over string keys (see layout.ts), optional ones detected by presence, and one core
// (src/store/core.ts) turns any driver into the full DesignStore callers use. Keys are '/'-separated
// paths relative to `.idse/`; values are the exact text of the document, so JSON keeps its formatting.
// Every store passes the shared conformance suite in test/conformance/store/ (or declares, with a reason,
// a case it cannot support).

import type { DataOf, StoreErrorCode } from "../errors.ts";

export interface StoreEntry {
  name: string;
  kind: "file" | "dir";
}

export type Release = () => Promise<void>;

/**
 * What a store driver implements: the few methods its backend does natively (unstorage's driver shape).
 * `read`, `write` and `remove` always; `list` or `keys` (or both) to find what is there; everything else
 * only when the backend does it better than the fallback. The store core (src/store/core.ts) wraps a
 * driver into a DesignStore: it checks every key and supplies each missing method once.
 */
export interface StoreDriver {
  /** Store id, e.g. "filesystem" or "memory". */
  readonly kind: string;
  /** Where it keeps things, for messages (a directory, a database URL without secrets). */
  readonly location: string;
  /** The text under `key`, or undefined when there is none. */
  read(key: string): Promise<string | undefined>;
  /** Replaces the text under `key` atomically: a reader sees the old value or the new one. */
  write(key: string, value: string): Promise<void>;
  /** Removes `key` (a file, or everything below a directory key). Missing keys are not an error. */
  remove(key: string): Promise<void>;
  /**
   * Every document key strictly below `prefix` (each starts with `prefix/`), in any order. From it the
   * core builds `list`, `listTree` and `has` for a driver that lacks them: a range query in a database,
   * a scan of a map. (The core's own, for a driver without it, may also name a filesystem folder left
   * empty, whose read is undefined.)
   */
  keys?(prefix: string): Promise<string[]>;
  /** Immediate children of `prefix`, sorted by name. */
  list?(prefix: string): Promise<StoreEntry[]>;
  /** True for a file, or a folder with something below it (the filesystem store may keep an emptied one). */
  has?(key: string): Promise<boolean>;
  /** Every entry (file or folder) below `prefix`, as '/'-separated relative paths, sorted. */
  listTree?(prefix: string): Promise<string[]>;
  /**
   * Lowercase hex sha256 of the UTF-8 text under `key` (what `sha256Hex` returns for it); undefined when
   * there is none. SQL stores keep it beside the value, so it costs no read of the text.
   */
  hash?(key: string): Promise<string | undefined>;
  /**
   * Writes every entry (a later entry for the same key wins). Every key is checked before anything is
   * written. Stores with transactions write all or nothing; the filesystem store writes each file
   * atomically, in order, so a crash midway leaves a prefix of the batch.
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
 * The DesignStore every caller uses: a driver wrapped by the store core, so every method is there (the
 * core's fallback where the driver has none) and every key has been checked. Callers never test for a
 * method. A full DesignStore is also a valid driver.
 */
export type DesignStore = Required<StoreDriver>;

// The codes a store's methods throw (the `code` of a StoreError) are in the catalogue, with their data.
export { STORE_ERROR_CODES, type StoreErrorCode } from "../errors.ts";

/** What a store throws: an Error with a stable code and printable data (never a secret). */
export interface StoreError<C extends StoreErrorCode = StoreErrorCode> extends Error {
  code: C;
  /** Facts for the diagnostic: `store` (its kind), `reason`, `key`, backend codes such as `sqlstate`. */
  data: StoreErrorData<C>;
}

/** The data of a store error with code C (the catalogue's type for it): `reason` and the backend's facts. */
export type StoreErrorData<C extends StoreErrorCode = StoreErrorCode> = DataOf<C>;

type Hasher = new (
  algorithm: string,
) => { update(text: string | Uint8Array): { digest(enc: "hex"): string } };
const BunHasher = (globalThis as { Bun?: { CryptoHasher: Hasher } }).Bun?.CryptoHasher;
let nodeCrypto: typeof import("node:crypto") | undefined;

/**
 * Lowercase hex sha256 of the UTF-8 encoding of `text` (or of bytes): the value of `DesignStore.hash`. Bun hashes
 * natively; elsewhere node:crypto is taken on first use, not imported: importing it costs a compiled
 * binary about 10 ms of every start (Bun builds its stream classes for it), more than all of `status`'s
 * own work, and most commands hash nothing (docs/benchmarks.md, "Start-up").
 */
export function sha256Hex(text: string | Uint8Array): string {
  if (BunHasher) return new BunHasher("sha256").update(text).digest("hex");
  nodeCrypto ??= process.getBuiltinModule("node:crypto") as typeof import("node:crypto");
  const hash = nodeCrypto.createHash("sha256");
  return (typeof text === "string" ? hash.update(text, "utf8") : hash.update(text)).digest("hex");
}

/** Runs `fn` under the store's lock on `key`. */
export async function withLock<T>(
  store: DesignStore,
  key: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const release = await store.lock(key, { timeoutMs });
  try {
    return await fn();
  } finally {
    await release();
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
