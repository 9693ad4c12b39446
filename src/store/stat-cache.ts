import { mkdirSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic, writeTarget } from "./atomic-file.ts";
import type { DesignStore } from "./contract.ts";
import { CACHE_MAX_BYTES, ownText } from "./own-file.ts";

// git's index idea for idse's content hashes (issue 16): per file, what stat says about it (device, inode,
// size, mtime and ctime) next to the sha256 of its text, so a `sync status` or `sync push`
// with nothing to do stats every document instead of reading and hashing it. At 10,001 sessions that is
// 70,007 files on each side. The benchmark row "no-op `sync status`" in docs/benchmarks.md ("Scaling")
// is what keeps this file, and says what it buys: about break-even on a warm page cache with documents of
// 1-2 KB (an lstat and this bookkeeping cost about what a native read and hash do), a gain on a cold
// cache and as documents grow, fewer system calls in every case.
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

const FORMAT = "idse-stat-cache 2";

/**
 * The stat fields an entry is keyed on, joined by tabs. Times are the milliseconds of a plain stat, whose
 * fraction keeps about a quarter of a microsecond: the bigint stat (exact nanoseconds) cost more in
 * building 70,007 BigIntStats and their strings than reading and hashing the small files it spared
 * (measured at 10,001 sessions; docs/benchmarks.md, "Scaling").
 */
export function statKey(st: Stats): string {
  return `${st.dev}\t${st.ino}\t${st.size}\t${st.mtimeMs}\t${st.ctimeMs}`;
}

export interface StatCache {
  /** The cached hash of `key` when `st` is the stat it was recorded with and the entry is not racy. */
  lookup(key: string, st: Stats): string | undefined;
  record(key: string, st: Stats, hash: string): void;
  /** The file is gone: its entry goes too. */
  forget(key: string): void;
  /** Writes the cache when something changed (atomic); a failure to write is not the command's failure. */
  save(): void;
  readonly file: string;
}

/** Folder of idse's private caches in a workspace: `.idse/.cache`, ignored by git through its own .gitignore. */
export function cacheDir(idseDir: string): string {
  return join(idseDir, ".cache");
}

/**
 * Makes `.idse/.cache/` with its `.gitignore` of `*` (once) and returns its real path, for files written
 * there by plain opens (the report scratch file, the findings cache): a `.cache` that is a symlink out of
 * the repository (a cloned repository can hold one) is refused with PATH_OUTSIDE_WORKSPACE, before
 * anything is written through it.
 */
export function ensureCacheDir(idseDir: string): string {
  const dir = writeTarget(cacheDir(idseDir), undefined);
  const ignore = join(dir, ".gitignore");
  if (statSync(ignore, { throwIfNoEntry: false })) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(ignore, "# idse's private caches: never committed\n*\n");
  return dir;
}

/**
 * Parses the cache file into key → "<stat>\t<hash>"; an empty map when it is missing or corrupt in any way.
 * Lines are cut out of the text with indexOf (no split into an array first): 70,007 lines per store are
 * parsed on every no-op sync.
 */
function load(file: string): { entries: Map<string, string>; writtenMs: number } {
  const empty = { entries: new Map<string, string>(), writtenMs: 0 };
  let text: string;
  let writtenMs: number;
  try {
    writtenMs = statSync(file).mtimeMs;
    // Not a file idse wrote (a link, a device: a clone can commit one) is no cache: every file is read.
    const own = ownText(file, CACHE_MAX_BYTES);
    if (own === undefined) return empty;
    text = own;
  } catch {
    return empty;
  }
  if (!text.startsWith(`${FORMAT}\n`) || !text.endsWith("\n")) return empty;
  const entries = new Map<string, string>();
  for (let at = FORMAT.length + 1; at < text.length; ) {
    const end = text.indexOf("\n", at);
    const tab = text.indexOf("\t", at);
    // Checked by shape only (seven fields, a 64-character hash last): a line of that shape with a wrong
    // stat only misses, since the stat is compared whole.
    if (tab <= at || tab > end || text.lastIndexOf("\t", end) !== end - 65) return empty;
    let fields = 1;
    for (let t = tab; t >= 0 && t < end; t = text.indexOf("\t", t + 1)) fields++;
    if (fields !== 7) return empty;
    entries.set(text.slice(at, tab), text.slice(tab + 1, end));
    at = end + 1;
  }
  return { entries, writtenMs };
}

/** Opens (or starts) the cache `.idse/.cache/stat/<name>.tsv` of a workspace. */
export function openStatCache(idseDir: string, name: string): StatCache {
  const file = join(cacheDir(idseDir), "stat", `${name}.tsv`);
  const { entries, writtenMs } = load(file);
  let dirty = false;
  return {
    file,
    lookup(key, st) {
      const e = entries.get(key);
      if (e === undefined || st.mtimeMs >= writtenMs) return undefined;
      const stat = statKey(st);
      return e.length === stat.length + 65 && e.startsWith(stat) ? e.slice(-64) : undefined;
    },
    record(key, st, hash) {
      // A key with a tab or newline cannot be a line of the file; such a key is simply never cached.
      if (/[\t\n]/.test(key)) return;
      const line = `${statKey(st)}\t${hash}`;
      if (entries.get(key) === line) return;
      entries.set(key, line);
      dirty = true;
    },
    forget(key) {
      if (entries.delete(key)) dirty = true;
    },
    save() {
      if (!dirty) return;
      const lines = [FORMAT];
      for (const [key, line] of entries) lines.push(`${key}\t${line}`);
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
