import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { IdseError } from "../errors.ts";
import { hostname } from "../host-name.ts";
import type { Release } from "./contract.ts";
import { readOwnFile, STATE_MAX_BYTES } from "./own-file.ts";
import { boundaryOf, guardWrite } from "./path-guard.ts";

// A lock file holding "pid host time", created atomically with link(2). Written by hand rather than with
// proper-lockfile because that package patches `fs` through graceful-fs, which we do not want inside a
// binary that also runs on Deno; this is twenty lines and covers what idse needs: exclusion between
// processes, and takeover of a lock whose process died (same host, pid no longer alive).

/** Whether process `pid` runs on this host (EPERM: it runs, under another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !exited(pid);
}

/**
 * Whether `pid` has exited but not been reaped (a zombie): it still answers the signal test above but holds
 * nothing and never runs again. A `validate --all` run again by its parent (src/rerun.ts) leaves such a
 * child when the parent is killed, until init reaps it. Linux says so in /proc; elsewhere, false.
 */
function exited(pid: number): boolean {
  if (process.platform !== "linux") return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state …": the name may itself hold ") ", so the state follows the last one.
    const state = stat.charAt(stat.lastIndexOf(") ") + 2);
    return state === "Z" || state === "X" || state === "x";
  } catch {
    return false;
  }
}

/**
 * The lock's holder as its file says; `foreign` when the file is not one idse writes (a link, a folder, a
 * device: a cloned repository can commit one, and a read of a link to /dev/stdin never ends).
 */
function readOwner(file: string): { pid: number; host: string; raw: string; foreign?: true } | undefined {
  let f: ReturnType<typeof readOwnFile>;
  try {
    f = readOwnFile(file, STATE_MAX_BYTES);
  } catch {
    return undefined;
  }
  if (f === "missing") return undefined;
  if (f === "foreign") return { pid: Number.NaN, host: "", raw: "", foreign: true };
  const [pid, host] = f.text.split(" ");
  return { pid: Number(pid), host: host ?? "", raw: f.text };
}

/**
 * Whether `file` is a lock left by a process that died on this host (the next acquireFileLock takes it
 * over). Recovery uses it as the sign that a change under this lock may have been cut short.
 */
export function isStaleLock(file: string): boolean {
  const owner = readOwner(file);
  return owner !== undefined && owner.host === hostname() && Number.isInteger(owner.pid) && !alive(owner.pid);
}

export async function acquireFileLock(path: string, timeoutMs: number): Promise<Release> {
  // A lock under `.idse/` stays in the repository, whatever symlinks lead to its folder.
  const bound = boundaryOf(path);
  const file = bound === undefined ? path : join(guardWrite(bound, dirname(path)), basename(path));
  mkdirSync(dirname(file), { recursive: true });
  const me = `${process.pid} ${hostname()} ${new Date().toISOString()}`;
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  for (;;) {
    // The lock file appears with its content already in it (written to a temp file, then hard-linked,
    // which fails if the lock exists): a holder killed at any moment never leaves an empty lock.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, me);
    try {
      linkSync(tmp, file);
      return async () => {
        if (readOwner(file)?.raw === me) unlinkSync(file);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      unlinkSync(tmp);
    }
    const owner = readOwner(file);
    if (owner && owner.host === hostname() && Number.isInteger(owner.pid) && !alive(owner.pid)) {
      // Stale: its process is gone. Remove it only if it is still the same lock we inspected.
      if (readOwner(file)?.raw === owner.raw) unlinkSync(file);
      continue;
    }
    if (Date.now() >= deadline) {
      const foreign = owner?.foreign === true;
      const host = owner && !foreign && owner.host !== hostname() ? owner.host : undefined;
      throw new IdseError("LOCKED", {
        file,
        pid: foreign ? "?" : (owner?.pid ?? "?"),
        ...(host ? { host } : {}),
        ...(foreign ? { foreign } : {}),
      });
    }
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 100);
  }
}
