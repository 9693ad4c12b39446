import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { keepModeAndOwner, tempPath, writeTarget } from "./atomic-file.ts";
import { alive } from "./file-lock.ts";
import { killPoint } from "./kill-point.ts";
import { type BatchFlush, openBatchFlush } from "./syncfs.ts";

// Many files at once, each one atomic as with writeFileAtomic (a sibling temp file, fsync, rename), for
// `compile agent-spec --all`, which writes one file per session. Written by hand for speed, and kept
// because the benchmark says so (docs/benchmarks.md, "The compile case"; the writer rows come from
// scripts/bench-compile.ts): writeFileAtomic called 1,001 times waits for each fsync before starting the
// next file (about 280 ms there); here every temp file is written first, then they are fsynced
// concurrently on the runtime's I/O threads, then renamed (about 175 ms).
//
// A failure before the renames leaves every target as it was, and its temp files removed; during the
// renames, each rename replaces one whole file. At any moment every target is old or new, never partial.
//
// On Linux, on ext4, xfs, btrfs and tmpfs, the fsyncs are replaced by syncfs(2) (src/store/syncfs.ts):
// one call per filesystem after the temp files are written, one after the renames (syncDirs). A first
// `sync push` of 70,007 documents paid 140,014 fsyncs (a file's and its folder's) before, most of its
// run (issue 16; docs/reliability.md, "Batched durable writes", says why flushing the whole filesystem
// is sound). Anywhere else, or with IDSE_BATCH_FLUSH=fsync, the per-file fsyncs below are used.
//
// IDSE_TEST_KILL_AT=batch:written|flushed|renaming|renamed kills the process at that step of a batch
// (src/store/kill-point.ts), for test/reliability/sync-push-kill.test.ts.

/** How many fsyncs are in flight at once: enough to keep the I/O threads busy, few file descriptors. */
const IN_FLIGHT = 16;

/** A temp file of tempPath(): `<name>.<pid>.<n>.tmp`; group 1 is the name, group 2 the pid. */
const TEMP = /^(.+)\.(\d+)\.\d+\.tmp$/;

/**
 * Removes the temp files a killed idse left in `dir` while writing one of `names` (their process is
 * gone). Only those: `--out` may name a folder that holds other people's files, and a file merely shaped
 * like a temp file (`notes.1.2.tmp`) is none of ours. A batch leaves up to one per file it was writing,
 * where one writeFileAtomic at a time left at most one.
 */
function sweepTemps(dir: string, names: ReadonlySet<string>): void {
  for (const name of readdirSync(dir)) {
    const m = TEMP.exec(name);
    if (!m || !names.has(m[1]!)) continue;
    const pid = Number(m[2]);
    if (pid && pid !== process.pid && !alive(pid)) rmSync(`${dir}/${name}`, { force: true });
  }
}

/**
 * Writes every file atomically; on failure throws the first error, after removing the temp files.
 * `within` bounds the targets as for writeFileAtomic (src/store/path-guard.ts): every path is resolved and
 * checked before anything is written, and a symlinked target is written through.
 */
export interface BatchOptions {
  /**
   * fsync each folder after the renames, so the batch is durable when the call returns (sync's putMany,
   * the stores' writeMany, exports, imports). Atomicity does not depend on it.
   */
  syncDirs?: boolean;
  /**
   * false: a file that did not exist before is not fsynced before its rename (a file that replaces
   * another always is, so no old text can be lost). For import-original, whose first run creates ten
   * thousand files: a power cut can then leave a new file empty, which the next import rewrites (its
   * record is written after this batch returns). Default true.
   */
  syncNew?: boolean;
}

export async function writeFilesAtomic(
  files: readonly { path: string; text: string }[],
  within?: string | null,
  o: BatchOptions = {},
): Promise<void> {
  const { targets, prev } = resolveTargets(files, within);
  const temps: string[] = [];
  /** Folders that gained an entry for a folder made here (synced with syncDirs). */
  const made = new Set<string>();
  let renamed = 0;
  /** syncfs, per filesystem; undefined: per-file fsyncs. */
  let batch: BatchFlush | undefined;
  try {
    const byDir = new Map<string, Set<string>>();
    for (const t of targets) {
      const names = byDir.get(dirname(t)) ?? byDir.set(dirname(t), new Set()).get(dirname(t))!;
      names.add(basename(t));
    }
    /** Folders that were there before: the filesystems of the batch (a folder made here is on its parent's). */
    const existing: string[] = [];
    for (const [dir, names] of byDir) {
      // A folder made here is a new entry in its parent: that parent is synced too (syncDirs).
      const first = mkdirSync(dir, { recursive: true });
      if (first !== undefined) {
        for (let d = dir; d !== dirname(first); d = dirname(d)) made.add(dirname(d));
        existing.push(dirname(first));
        // A folder made just now holds no temp file to sweep (a first push makes 70,007 of them).
        continue;
      }
      existing.push(dir);
      sweepTemps(dir, names);
    }
    // Before the first temp file: the descriptors must be older than our writes (src/store/syncfs.ts).
    batch = await openBatchFlush(new Set(existing));
    for (const [i, f] of files.entries()) {
      const tmp = tempPath(targets[i]!);
      temps.push(tmp);
      if (!prev[i]) {
        writeFileSync(tmp, f.text, { mode: 0o644 });
        continue;
      }
      const fd = openSync(tmp, "w", 0o644);
      try {
        keepModeAndOwner(fd, prev[i]);
        writeFileSync(fd, f.text);
      } finally {
        closeSync(fd);
      }
    }
    killPoint("batch:written");
    const toSync = o.syncNew === false ? temps.filter((_, i) => prev[i]) : temps;
    // syncfs flushes every file of the filesystem; with nothing of ours to flush it is skipped (a first
    // import-original, whose new files are not flushed on purpose).
    if (toSync.length && !batch?.flush()) {
      batch = closeFlush(batch);
      await eachLimited(toSync, IN_FLIGHT, fsyncFile);
    }
    killPoint("batch:flushed");
    const half = files.length >> 1;
    for (; renamed < files.length; renamed++) {
      if (renamed === half) killPoint("batch:renaming");
      renameSync(temps[renamed]!, targets[renamed]!);
    }
    killPoint("batch:renamed");
    // syncDirs: the renames themselves made durable (each folder's entry list flushed).
    if (o.syncDirs && !batch?.flush()) {
      batch = closeFlush(batch);
      const dirs = new Set([...targets.map((t) => dirname(t)), ...made]);
      await eachLimited([...dirs], IN_FLIGHT, fsyncDir);
    }
  } catch (err) {
    for (const tmp of temps.slice(renamed)) rmSync(tmp, { force: true });
    throw err;
  } finally {
    closeFlush(batch);
  }
}

/** Closes a batch's syncfs descriptors; undefined, for `batch = closeFlush(batch)`. */
function closeFlush(batch: BatchFlush | undefined): undefined {
  batch?.close();
  return undefined;
}

// node:fs/promises on first use only: this module is on every command's start path (through the lock
// and the store), and importing it costs a compiled binary about 1.3 ms (docs/benchmarks.md).
let promises: typeof import("node:fs/promises") | undefined;
async function open(path: string, flags: "r" | "r+") {
  promises ??= await import("node:fs/promises");
  return promises.open(path, flags);
}

async function fsyncDir(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (err) {
    // Windows cannot open a folder this way; its renames are durable on their own (NTFS journal).
    if (process.platform === "win32") return;
    // A folder we may write in but not read (mode -wx: the parent of a remote, say) cannot be synced by
    // us; its renames are still atomic, so that is no reason to fail a batch already in place.
    if ((err as NodeJS.ErrnoException).code === "EACCES") return;
    throw err;
  }
  try {
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EPERM" && code !== "EISDIR") throw err;
  } finally {
    await handle.close();
  }
}

/**
 * Where each file lands (src/store/path-guard.ts) and the file it replaces, if any. A folder is resolved and
 * checked once for all its files (a first `--all` writes a thousand files into one folder); each file
 * then costs one lstat, and only a file that is itself a symlink is resolved on its own.
 */
function resolveTargets(files: readonly { path: string }[], within: string | null | undefined) {
  const dirs = new Map<string, string>();
  const targets: string[] = [];
  const prev: (Stats | undefined)[] = [];
  for (const f of files) {
    const dir = dirname(f.path);
    let real = dirs.get(dir);
    if (real === undefined) {
      real = writeTarget(dir, within);
      dirs.set(dir, real);
    }
    let target = join(real, basename(f.path));
    let st = lstatSync(target, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      target = writeTarget(f.path, within);
      st = statSync(target, { throwIfNoEntry: false });
    }
    targets.push(target);
    prev.push(st);
  }
  return { targets, prev };
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `fn` over `items`, at most `limit` at a time; after a failure starts nothing new, then throws it. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}
