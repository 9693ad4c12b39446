import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";

// Every write idse makes goes through here: write a sibling temp file, fsync it, rename it over the
// target. A process killed at any moment leaves the target either old or new, never half-written.

let counter = 0;

/** A sibling of `path` no other write of this process (or of another process) uses. */
export function tempPath(path: string): string {
  return `${path}.${process.pid}.${++counter}.tmp`;
}

export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  const fd = openSync(tmp, "w", 0o644);
  try {
    // writeFileSync on a descriptor writes everything (writeSync may stop short on a large buffer).
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Reads a UTF-8 file; undefined when it (or a parent) does not exist. */
export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}
