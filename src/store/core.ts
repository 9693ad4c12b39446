import { IdseError } from "../errors.ts";
import { touch } from "../jit-policy.ts";
import type { StoreInfoOutput } from "../models/store.ts";
import {
  assertKey,
  type DesignStore,
  type Release,
  type StoreDriver,
  type StoreEntry,
  sha256Hex,
} from "./contract.ts";

// The store core: wraps any driver (src/store/contract.ts, StoreDriver) into the DesignStore every caller
// uses, the way unstorage's createStorage wraps a driver. It checks every key once, here, and supplies
// each method the driver lacks, once, here: folders from the driver's keys (or keys from its folders),
// hash by reading, batches by writing one by one, a lock that serialises this process's callers, a
// dispose that does nothing. Drivers implement only what their backend does natively.

/** The optional methods `idse store info` reports (a type import: the core loads no model, so no valibot). */
const OPTIONAL_STORE_METHODS: readonly StoreInfoOutput["capabilities"][number][] = [
  "listTree",
  "hash",
  "writeMany",
  "lock",
  "dispose",
];

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Immediate children of `prefix` among `keys` (keys below it), sorted, each a file or a folder. */
export function childrenOf(prefix: string, keys: Iterable<string>): StoreEntry[] {
  const lo = `${prefix}/`;
  const kinds = new Map<string, StoreEntry["kind"]>();
  for (const key of keys) {
    if (!key.startsWith(lo)) continue;
    const rest = key.slice(lo.length);
    const slash = rest.indexOf("/");
    if (slash >= 0) kinds.set(rest.slice(0, slash), "dir");
    else if (!kinds.has(rest)) kinds.set(rest, "file");
  }
  return [...kinds.keys()].sort(byCodeUnit).map((name) => ({ name, kind: kinds.get(name)! }));
}

/** Every file and folder below `prefix` among `keys`, relative to it, sorted: what listTree returns. */
export function treeOf(prefix: string, keys: Iterable<string>): string[] {
  const lo = `${prefix}/`;
  const out = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(lo)) continue;
    const rel = key.slice(lo.length);
    out.add(rel);
    for (let i = rel.indexOf("/"); i >= 0; i = rel.indexOf("/", i + 1)) out.add(rel.slice(0, i));
  }
  return [...out].sort(byCodeUnit);
}

/** The entries of a listTree that are no folder of another entry (a folder left empty stays in). */
function filesOf(entries: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const e of entries)
    for (let i = e.indexOf("/"); i >= 0; i = e.indexOf("/", i + 1)) dirs.add(e.slice(0, i));
  return entries.filter((e) => !dirs.has(e));
}

/**
 * An exclusive lock among this handle's callers, for a driver without one: waiters are chained, so
 * callers in one process are serialised as separate processes would be by a real lock. A waiter that
 * times out stays in the chain but hands its turn straight on, so later waiters are not stuck.
 */
function processLocks(): (key: string, opts: { timeoutMs: number }) => Promise<Release> {
  const tails = new Map<string, Promise<void>>();
  return async (key, opts) => {
    const prev = tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    tails.set(
      key,
      prev.then(() => next),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), opts.timeoutMs);
    });
    const won = await Promise.race([prev.then(() => "turn" as const), timedOut]);
    clearTimeout(timer);
    if (won === "timeout") {
      void prev.then(release);
      throw new IdseError("LOCKED", { file: key, pid: process.pid });
    }
    return async () => release();
  };
}

/** The optional methods each store's driver implements itself (`keys` gives a native listTree). */
const natives = new WeakMap<DesignStore, string[]>();

/** Which optional methods `store`'s driver has natively (what `idse store info` shows). */
export function nativeMethods(store: DesignStore): string[] {
  return natives.get(store) ?? [...OPTIONAL_STORE_METHODS];
}

/** True when `store` came out of storeCore (so it has every method and checks its keys). */
export const isCore = (store: StoreDriver): store is DesignStore => natives.has(store as DesignStore);

/** Wraps `driver` into a DesignStore: every key checked, every method there. A core is returned as is. */
export function storeCore(driver: StoreDriver): DesignStore {
  if (isCore(driver)) return driver;
  const d = driver;
  if (typeof d.list !== "function" && typeof d.keys !== "function") {
    throw new Error(`the ${d.kind} store driver has neither list() nor keys()`);
  }
  const list = d.list
    ? (prefix: string) => d.list!(prefix)
    : async (prefix: string) => childrenOf(prefix, await d.keys!(prefix));
  const walk = async (prefix: string): Promise<string[]> => {
    const out: string[] = [];
    const go = async (rel: string): Promise<void> => {
      for (const e of await list(rel ? `${prefix}/${rel}` : prefix)) {
        const path = rel ? `${rel}/${e.name}` : e.name;
        out.push(path);
        if (e.kind === "dir") await go(path);
      }
    };
    await go("");
    return out.sort(byCodeUnit);
  };
  const listTree = d.listTree
    ? (prefix: string) => d.listTree!(prefix)
    : d.keys
      ? async (prefix: string) => treeOf(prefix, await d.keys!(prefix))
      : walk;
  const keys = d.keys
    ? (prefix: string) => d.keys!(prefix)
    : async (prefix: string) => filesOf(await listTree(prefix)).map((rel) => `${prefix}/${rel}`);
  const has = d.has
    ? (key: string) => d.has!(key)
    : async (key: string) =>
        (await d.read(key)) !== undefined ||
        (d.keys ? (await d.keys(key)).length > 0 : (await list(key)).length > 0);
  const hash = d.hash
    ? (key: string) => d.hash!(key)
    : async (key: string) => {
        const text = await d.read(key);
        return text === undefined ? undefined : sha256Hex(text);
      };
  const writeMany = d.writeMany
    ? (entries: readonly (readonly [string, string])[]) => d.writeMany!(entries)
    : async (entries: readonly (readonly [string, string])[]) => {
        // The last value of each key, written one after the other, each atomically: a failure midway
        // leaves a prefix of the batch, as the filesystem store's does.
        const last = new Map<string, string>();
        for (const [key, value] of entries) {
          last.delete(key);
          last.set(key, value);
        }
        for (const [key, value] of last) await d.write(key, value);
      };
  const lock = d.lock ? (key: string, opts: { timeoutMs: number }) => d.lock!(key, opts) : processLocks();
  const store: DesignStore = {
    get kind() {
      return d.kind;
    },
    get location() {
      return d.location;
    },
    // Every document read or hashed counts towards restoring the normal JIT for bulk work (jit-policy.ts).
    read: async (key) => {
      touch();
      return d.read(assertKey(key));
    },
    write: async (key, value) => d.write(assertKey(key), value),
    remove: async (key) => d.remove(assertKey(key)),
    has: async (key) => has(assertKey(key)),
    list: async (prefix) => list(assertKey(prefix)),
    keys: async (prefix) => keys(assertKey(prefix)),
    listTree: async (prefix) => listTree(assertKey(prefix)),
    hash: async (key) => {
      touch();
      return hash(assertKey(key));
    },
    writeMany: async (entries) => {
      for (const [key] of entries) assertKey(key);
      return writeMany(entries);
    },
    lock: async (key, opts) => lock(assertKey(key), opts),
    dispose: async () => d.dispose?.(),
  };
  natives.set(
    store,
    OPTIONAL_STORE_METHODS.filter((m) => typeof d[m] === "function" || (m === "listTree" && !!d.keys)),
  );
  return store;
}
