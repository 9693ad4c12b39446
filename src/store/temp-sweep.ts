import { readdirSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { alive } from "./file-lock.ts";
import { walkTree } from "./walk-tree.ts";

// Leftover temp files of killed idse processes. Only names idse itself gives its temp files are touched:
// `<file>.<pid>.<n>.tmp` (atomic-file.ts tempPath, atomic-files.ts) and `<lock>.<pid>.tmp` (the lock
// file's temp in store/file-lock.ts). Such a file is removed when its process is gone, or when it is
// older than a day (a pid reused by another program must not keep it forever; no idse write takes a day).

const ATOMIC_TEMP = /\.(\d+)\.\d+\.tmp$/;
const LOCK_TEMP = /\.lock\.(\d+)\.tmp$/;
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The pid in one of idse's temp file names; undefined for any other name. */
export function tempPid(name: string): number | undefined {
  const m = ATOMIC_TEMP.exec(name) ?? LOCK_TEMP.exec(name);
  const pid = m ? Number(m[1]) : Number.NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether `path` (named like one of idse's temp files) belongs to no running idse process. */
export function isLeftoverTemp(path: string, now = Date.now()): boolean {
  const pid = tempPid(basename(path));
  if (pid === undefined || pid === process.pid) return false;
  if (!alive(pid)) return true;
  try {
    return now - statSync(path).mtimeMs > MAX_AGE_MS;
  } catch {
    return false;
  }
}

/**
 * Removes the leftover temp files in `dir` (and below it, with `recursive`); returns their paths relative
 * to `dir`. A missing folder has none.
 */
export function sweepTemps(dir: string, o: { recursive?: boolean } = {}): string[] {
  let names: string[];
  try {
    // No symlinked folder is entered: a link can lead out of the repository (src/store/walk-tree.ts).
    names = o.recursive ? walkTree(dir)! : readdirSync(dir, { encoding: "utf8" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw err;
  }
  const removed: string[] = [];
  for (const rel of names) {
    if (!rel.endsWith(".tmp")) continue;
    const path = join(dir, rel);
    if (!isLeftoverTemp(path)) continue;
    rmSync(path, { force: true });
    removed.push(rel);
  }
  return removed;
}
