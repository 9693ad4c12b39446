// The DesignStore contract: where design documents live. Modelled on unstorage drivers: a few required
// methods over string keys (see layout.ts), optional ones detected by presence. Keys are '/'-separated
// paths relative to `.idse/`; values are the exact text of the document, so JSON keeps its formatting.

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
  has(key: string): Promise<boolean>;
  /** Removes `key` (a file, or everything below a directory key). Missing keys are not an error. */
  remove(key: string): Promise<void>;
  /** Immediate children of `prefix`, sorted by name. */
  list(prefix: string): Promise<StoreEntry[]>;
  /** Optional: every entry (file or folder) below `prefix`, as '/'-separated relative paths, sorted. */
  listTree?(prefix: string): Promise<string[]>;
  /** Exclusive lock across processes; resolves to a release function. */
  lock?(key: string, opts: { timeoutMs: number }): Promise<Release>;
  dispose?(): Promise<void>;
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
