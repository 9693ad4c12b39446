import { type DesignStore, withLock } from "../contract.ts";
import { keys } from "../layout.ts";
import { STORE_ROOT } from "../select.ts";

// What moving documents between stores and files counts as a document, and the locks it runs under.

/**
 * Lock files, intent journals (src/intent-journal.ts), the temp files of an interrupted atomic write and `compile agent-spec` output (written to
 * .idse/projects/<project>/build/ on disk whatever the store) are not documents.
 */
export const isDocumentKey = (key: string) =>
  !/(^|\/)\.idse\.lock(\.\d+\.tmp)?$/.test(key) &&
  !/(^|\/)\.idse-intent\.json$/.test(key) &&
  !/\.\d+\.\d+\.tmp$/.test(key) &&
  !/^projects\/[^/]+\/build\//.test(key);

/** Every document key below `prefix` (default: all of projects/), sorted. */
export async function documentKeys(store: DesignStore, prefix = STORE_ROOT): Promise<string[]> {
  return (await store.keys(prefix)).filter(isDocumentKey).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Runs `fn` holding the lock of every project (sorted, so two runs cannot deadlock). */
export async function withProjectLocks<T>(
  store: DesignStore,
  projects: readonly string[],
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const [first, ...rest] = [...projects].sort();
  if (first === undefined) return fn();
  return withLock(store, keys.lock(first), timeoutMs, () => withProjectLocks(store, rest, timeoutMs, fn));
}
