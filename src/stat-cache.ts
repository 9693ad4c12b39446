import { type BigIntStats, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-file.ts";
import type { DesignStore } from "./design-store.ts";

// git's index idea for idse's content hashes (issue 16): per file, what stat says about it (device, inode,
// size, mtime and ctime in nanoseconds) next to the sha256 of its text, so a `sync status` or `sync push`
// with nothing to do stats every document instead of reading and hashing it. At 10,001 sessions that is
// 70,007 files on each side; the benchmark row "no-op `sync status`" in docs/benchmarks.md ("Scaling") is
// what keeps this file.
//
// An entry is trusted only when every stat field matches AND the file is older than the cache file's own
// last write (the racy-git rule): a file written in the same clock tick as the cache, after its hash was
// taken, can have the stat of the hashed version and other bytes; its mtime is then not older than the
// cache, so it is hashed again. ctime is in the key too: it cannot be set from user space, so a rewrite
// that keeps size and restores the mtime (`touch -d`, some editors) is still seen.
//
// The cache is a private file under `.idse/.cache/` (that folder holds a `.gitignore` of `*`): it describes
// this checkout's files and means nothing elsewhere. It is written atomically; one that cannot be read,
// has another format line or a malformed line is ignored as a whole and rebuilt by the next run.

const FORMAT = "idse-stat-cache 1";

/** The stat fields an entry is keyed on, as decimal strings joined by tabs. */
export function statKey(st: BigIntStats): string {
  return `${st.dev}\t${st.ino}\t${st.size}\t${st.mtimeNs}\t${st.ctimeNs}`;
}

export interface StatCache {
  /** The cached hash of `key` when `st` is the stat it was recorded with and the entry is not racy. */
  lookup(key: string, st: BigIntStats): string | undefined;
  record(key: string, st: BigIntStats, hash: string): void;
  /** The file is gone: its entry goes too. */
  forget(key: string): void;
  /** Writes the cache when something changed (atomic); a failure to write is not the command's failure. */
  save(): void;
  readonly file: string;
}

interface Entry {
  stat: string;
  hash: string;
}

/** Folder of idse's private caches in a workspace: `.idse/.cache`, ignored by git through its own .gitignore. */
export function cacheDir(idseDir: string): string {
  return join(idseDir, ".cache");
}

/** Makes `.idse/.cache/` with its `.gitignore` of `*` (once). */
export function ensureCacheDir(idseDir: string): void {
  const dir = cacheDir(idseDir);
  const ignore = join(dir, ".gitignore");
  if (statSync(ignore, { throwIfNoEntry: false })) return;
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(ignore, "# idse's private caches: never committed\n*\n");
}

/** Parses the cache file; an empty map when it is missing or corrupt in any way. */
function load(file: string): { entries: Map<string, Entry>; writtenNs: bigint } {
  const empty = { entries: new Map<string, Entry>(), writtenNs: 0n };
  let text: string;
  let writtenNs: bigint;
  try {
    writtenNs = statSync(file, { bigint: true }).mtimeNs;
    text = readFileSync(file, "utf8");
  } catch {
    return empty;
  }
  const lines = text.split("\n");
  if (lines[0] !== FORMAT || lines.at(-1) !== "") return empty;
  const entries = new Map<string, Entry>();
  for (let i = 1; i < lines.length - 1; i++) {
    // Checked by shape only (seven fields, a 64-character hash): a line of that shape with a wrong stat
    // only misses, since the stat is compared whole. Parsing 70,007 lines per store is on every no-op sync.
    const line = lines[i]!;
    const first = line.indexOf("\t");
    const last = line.lastIndexOf("\t");
    if (first < 1 || line.length - last !== 65 || line.split("\t", 8).length !== 7) return empty;
    entries.set(line.slice(0, first), { stat: line.slice(first + 1, last), hash: line.slice(last + 1) });
  }
  return { entries, writtenNs };
}

/** Opens (or starts) the cache `.idse/.cache/stat/<name>.tsv` of a workspace. */
export function openStatCache(idseDir: string, name: string): StatCache {
  const file = join(cacheDir(idseDir), "stat", `${name}.tsv`);
  const { entries, writtenNs } = load(file);
  let dirty = false;
  return {
    file,
    lookup(key, st) {
      const e = entries.get(key);
      if (!e || st.mtimeNs >= writtenNs || e.stat !== statKey(st)) return undefined;
      return e.hash;
    },
    record(key, st, hash) {
      // A key with a tab or newline cannot be a line of the file; such a key is simply never cached.
      if (/[\t\n]/.test(key)) return;
      const stat = statKey(st);
      const e = entries.get(key);
      if (e?.stat === stat && e.hash === hash) return;
      entries.set(key, { stat, hash });
      dirty = true;
    },
    forget(key) {
      if (entries.delete(key)) dirty = true;
    },
    save() {
      if (!dirty) return;
      const lines = [FORMAT];
      for (const [key, e] of entries) lines.push(`${key}\t${e.stat}\t${e.hash}`);
      try {
        ensureCacheDir(idseDir);
        writeFileAtomic(file, `${lines.join("\n")}\n`);
        dirty = false;
      } catch {
        // A cache that cannot be written (read-only checkout, full disk) only costs the next run time.
      }
    },
  };
}

const attached = new WeakMap<DesignStore, StatCache>();

/** Lets the hashing of a filesystem store's documents (src/sync/hash.ts) use `cache`. */
export function attachStatCache(store: DesignStore, cache: StatCache): void {
  attached.set(store, cache);
}

export function statCacheOf(store: DesignStore): StatCache | undefined {
  return attached.get(store);
}
