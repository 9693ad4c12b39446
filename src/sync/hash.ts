import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { lstatSync } from "node:fs";
import { touch } from "../jit-policy.ts";
import { assertKey, type DesignStore, sha256Hex } from "../store/contract.ts";
import { readStoreBytes, storeBoundary } from "../store/fs.ts";
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
// not read at all: it costs one lstat of its path. A hit needs no containment check of its folders, since
// it reads nothing: an entry is recorded only after a read through the store (which refuses a path that
// leads out), and a hit is the same file (device and inode) with the same size, mtime and ctime, so its
// hash is that read's. A miss, a symlink or a changed file is read through the store, checked as ever.
// Checking each document's folder first (one readdir per session folder, on both sides) was a quarter of
// a no-op `sync status` at 10,001 sessions (docs/benchmarks.md, "Scaling").

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
  // The filesystem paths below read without the store's read(): counted here, all at once (jit-policy.ts).
  if (store.kind === "filesystem") touch(keys.length);
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

/** hashKeys of a filesystem store through its stat cache: only files whose stat changed are read. */
function hashCached(store: DesignStore, keys: readonly string[], cache: StatCache, out: Map<string, string>) {
  const { base } = storeBoundary(store);
  const pace = gcPacer(GC_EVERY);
  for (const key of keys) {
    pace();
    const path = base + assertKey(key);
    const st = lstatOf(path);
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
    const after = st?.isFile() ? lstatOf(path) : undefined;
    if (after && statKey(after) === statKey(st!)) cache.record(key, st!, hash);
  }
}
