import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { lstatSync, readdirSync } from "node:fs";
import { assertKey, type DesignStore, sha256Hex } from "../store/contract.ts";
import { readStoreBytes, storeBoundary } from "../store/fs.ts";
import { guardRead } from "../store/path-guard.ts";
import { type StatCache, statCacheOf, statKey } from "../store/stat-cache.ts";
import { gcPacer } from "./gc-pace.ts";

// Hashing every artifact on both sides is most of `sync status` (14,014 files for the 1,001-session
// benchmark, budget 300 ms). For a filesystem store the files are read here directly as bytes and hashed
// without decoding to a string and encoding it back (with Bun's native hasher when there is one). Sync
// reads: measured against promise reads 4 and 32 at a time, they were as fast or faster on this 2-core
// box (docs/sync.md, "Performance"). The value is what DesignStore.hash returns (the sha256 of the UTF-8 text);
// bytes that are not valid UTF-8 are hashed as the store would read them, decoded.
//
// With a stat cache attached to the store (src/store/stat-cache.ts), a document whose stat has not changed is
// not read at all: its folder is resolved and checked once (the same containment as a read), then the
// file costs one lstat.

/** Hashes in flight for a store that is not the local filesystem. */
const REMOTE_HASH_CONCURRENCY = 16;

/** Documents hashed through the stat cache between two young-generation collections (src/sync/gc-pace.ts). */
const GC_EVERY = 8192;

const MISSING = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

type Hasher = (bytes: Uint8Array) => string;
const g = globalThis as {
  Bun?: { CryptoHasher: { hash(algo: string, data: Uint8Array, enc: "hex"): string } };
};
const hashBytes: Hasher = g.Bun
  ? (bytes) => g.Bun!.CryptoHasher.hash("sha256", bytes, "hex")
  : (bytes) => createHash("sha256").update(bytes).digest("hex");

function bytesHash(buf: Buffer): string {
  return isUtf8(buf) ? hashBytes(buf) : sha256Hex(buf.toString("utf8"));
}

/** sha256 of each key's text; keys with no document are left out. */
export async function hashKeys(store: DesignStore, keys: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (store.kind !== "filesystem") {
    // A database or a service answers each key in a round trip: several in flight hide the latency (the
    // plugin's own pool or rate limit still bounds what reaches the server). Results keep the keys' order.
    const hashes: (string | undefined)[] = new Array(keys.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < keys.length; i = next++) {
        const key = keys[i]!;
        hashes[i] = await store.hash(key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(REMOTE_HASH_CONCURRENCY, keys.length) }, worker));
    keys.forEach((key, i) => {
      if (hashes[i] !== undefined) out.set(key, hashes[i]!);
    });
    return out;
  }
  const cache = statCacheOf(store);
  if (cache) {
    hashCached(store, keys, cache, out);
    return out;
  }
  for (const key of keys) {
    const hash = readHash(store, key);
    if (hash !== undefined) out.set(key, hash);
  }
  return out;
}

function readHash(store: DesignStore, key: string): string | undefined {
  try {
    const bytes = readStoreBytes(store, key);
    return bytes === undefined ? undefined : bytesHash(bytes);
  } catch (err) {
    if (!MISSING.has((err as NodeJS.ErrnoException).code ?? "")) throw err;
    return undefined;
  }
}

function lstatOf(path: string) {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    if (!MISSING.has((err as NodeJS.ErrnoException).code ?? "")) throw err;
    return undefined;
  }
}

/**
 * The real folder of each store folder, contained: the store root is resolved with realpath once, and each
 * folder below from its parent's listing (one readdir per parent instead of a realpath per folder, which
 * was half of a no-op `sync status` at 10,001 sessions: 140,000 realpath calls). A folder that is a
 * symlink is resolved and checked by guardRead; a missing one is null.
 */
function folderResolver(base: string, within: string): (folder: string) => string | null {
  const real = new Map<string, string | null>();
  const listings = new Map<string, Map<string, "dir" | "link" | "other">>();
  const listing = (dir: string) => {
    let hit = listings.get(dir);
    if (hit) return hit;
    hit = new Map();
    try {
      for (const e of readdirSync(dir, { withFileTypes: true }))
        hit.set(e.name, e.isDirectory() ? "dir" : e.isSymbolicLink() ? "link" : "other");
    } catch (err) {
      if (!MISSING.has((err as NodeJS.ErrnoException).code ?? "")) throw err;
    }
    listings.set(dir, hit);
    return hit;
  };
  const checked = (folder: string): string | null => {
    try {
      return guardRead(within, base + folder) ?? null;
    } catch (err) {
      if (!MISSING.has((err as NodeJS.ErrnoException).code ?? "")) throw err;
      return null;
    }
  };
  const resolve = (folder: string): string | null => {
    let r = real.get(folder);
    if (r !== undefined) return r;
    const slash = folder.lastIndexOf("/");
    if (folder === "") r = checked("");
    else {
      const parent = resolve(slash < 0 ? "" : folder.slice(0, slash));
      const name = folder.slice(slash + 1);
      const kind = parent === null ? undefined : listing(parent).get(name);
      r = kind === "dir" ? `${parent}/${name}` : kind === "link" ? checked(folder) : null;
    }
    real.set(folder, r);
    return r;
  };
  return resolve;
}

/** hashKeys of a filesystem store through its stat cache: only files whose stat changed are read. */
function hashCached(store: DesignStore, keys: readonly string[], cache: StatCache, out: Map<string, string>) {
  const { base, within } = storeBoundary(store);
  const folderOf = folderResolver(base, within);
  const pace = gcPacer(GC_EVERY);
  for (const key of keys) {
    pace();
    const slash = assertKey(key).lastIndexOf("/");
    const real = folderOf(slash < 0 ? "" : key.slice(0, slash));
    const path = real === null ? undefined : `${real}/${key.slice(slash + 1)}`;
    const st = path === undefined ? undefined : lstatOf(path);
    if (st?.isFile()) {
      const hit = cache.lookup(key, st);
      if (hit !== undefined) {
        out.set(key, hit);
        continue;
      }
    }
    // Missed, or a symlink (read through the store, which checks where it leads; never cached).
    const hash = readHash(store, key);
    if (hash === undefined) {
      cache.forget(key);
      continue;
    }
    out.set(key, hash);
    // Recorded only when the file did not change while it was read: the stat must describe these bytes.
    const after = st?.isFile() ? lstatOf(path!) : undefined;
    if (after && statKey(after) === statKey(st!)) cache.record(key, st!, hash);
  }
}
