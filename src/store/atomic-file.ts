import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { boundaryOf, guardWrite, readContained, resolveReal } from "./path-guard.ts";

// Every write idse makes goes through here: write a sibling temp file, fsync it, rename it over the
// target. A process killed at any moment leaves the target either old or new, never half-written.
//
// The target is resolved first (src/store/path-guard.ts): a symlink is written through to its final target,
// so the link stays a link, and a path that leads outside its boundary (the repository, for anything
// under `.idse/` or when the caller names it) is refused before a byte is written. The new file keeps
// the old one's permission bits and, when it can be set (running as root, or a group we are in), its
// owner: a config.json of mode 600 stays 600.

let counter = 0;

/** A sibling of `path` no other write of this process (or of another process) uses. */
export function tempPath(path: string): string {
  return `${path}.${process.pid}.${++counter}.tmp`;
}

/**
 * Where a write of `path` lands. `within`: the folder it must stay in; by default the repository for a
 * path under `.idse/`; null for a path the user named outside any repository (still written through
 * symlinks, never into them).
 */
export function writeTarget(path: string, within: string | null | undefined): string {
  const bound = within === undefined ? boundaryOf(path) : within;
  return bound == null ? resolveReal(path) : guardWrite(bound, path);
}

/** Gives the descriptor of a replacement file the mode and owner of the file it replaces. */
export function keepModeAndOwner(fd: number, prev: Stats | undefined): void {
  if (!prev) return;
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid !== undefined && (prev.uid !== uid || prev.gid !== gid)) {
    try {
      fchownSync(fd, prev.uid, prev.gid);
    } catch (err) {
      // Only root may give a file away; another user's file becomes ours, as with any editor's save.
      if (uid === 0 || (err as NodeJS.ErrnoException).code !== "EPERM") throw err;
    }
  }
  // After the chown, which clears set-id bits.
  fchmodSync(fd, prev.mode & 0o7777);
}

/** `text` may come in pieces (a large report: text or UTF-8 bytes), written one after another. */
export function writeFileAtomic(
  path: string,
  text: string | Uint8Array | Iterable<string | Uint8Array>,
  within?: string | null,
): void {
  const target = writeTarget(path, within);
  mkdirSync(dirname(target), { recursive: true });
  const prev = statSync(target, { throwIfNoEntry: false });
  const tmp = tempPath(target);
  const fd = openSync(tmp, "w", 0o644);
  try {
    keepModeAndOwner(fd, prev);
    // writeFileSync on a descriptor writes everything (writeSync may stop short on a large buffer).
    if (typeof text === "string" || text instanceof Uint8Array) writeFileSync(fd, text);
    else for (const piece of text) writeFileSync(fd, piece);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Reads a UTF-8 file; undefined when it (or a parent) does not exist. `within` as for writeFileAtomic:
 * a file under `.idse/` that resolves outside the repository is refused, not read.
 */
export function readTextIfExists(path: string, within?: string | null): string | undefined {
  const bound = within === undefined ? boundaryOf(path) : within;
  try {
    return bound == null ? readFileSync(path, "utf8") : readContained(bound, path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}
