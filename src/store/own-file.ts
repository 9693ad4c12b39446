import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

// idse's own state files (locks, journals, caches, manifests it writes) read only when they are what idse
// writes: a regular file, not a symlink, of a sane size. A cloned repository can commit a link where one
// of them lives: to /proc/self/fd/1 or /dev/stdin, on which a read waits for ever (the recovery scan runs
// before every command, so every command hung), or to /dev/zero, which a read takes until memory runs
// out. idse never makes these files links, so a link, a device or a FIFO is not one of them; reading such
// a file is the caller's "foreign" case (a cache is rebuilt, a lock is reported, a journal is ignored).

/** O_NONBLOCK: a FIFO does not wait for a writer; O_NOFOLLOW (for idse's own files): a link is not opened. */
const FOLLOW = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const NO_FOLLOW = FOLLOW | (constants.O_NOFOLLOW ?? 0);

/** The largest cache file read: past it (a clone can commit any file with `git add -f`) a cache starts anew. */
export const CACHE_MAX_BYTES = 256 << 20;
/** The largest lock file or journal read: idse writes a line or a small JSON object. */
export const STATE_MAX_BYTES = 1 << 20;

/** What is at `path`: its text, nothing ("missing"), or something idse did not write there ("foreign"). */
export type OwnFile = { text: string } | "missing" | "foreign";

/**
 * Reads one of idse's own files as UTF-8. "foreign" when it is a link, a folder, a device, a FIFO or
 * larger than `max` bytes; "missing" when it (or a folder on its way) does not exist.
 */
export function readOwnFile(path: string, max: number): OwnFile {
  return readRegularFile(path, max, { links: false });
}

/**
 * Reads a regular file of at most `max` bytes as UTF-8, never waiting on a FIFO or a device: a file a
 * repository's settings name (npm's `cafile`), whose links are followed (a CA bundle is often one).
 */
export function readRegularFile(path: string, max: number, o: { links: boolean }): OwnFile {
  let fd: number;
  try {
    fd = openSync(path, o.links ? FOLLOW : NO_FOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    if (code === "ELOOP" || code === "EISDIR" || code === "ENXIO" || code === "EMLINK") return "foreign";
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) return "foreign";
    // idse replaces these files whole (a rename or a link), so the size fstat gave is the file's.
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return { text: buf.toString("utf8", 0, n) };
  } finally {
    closeSync(fd);
  }
}

/** readOwnFile's text, or undefined for a missing or foreign file. */
export function ownText(path: string, max: number): string | undefined {
  const f = readOwnFile(path, max);
  return typeof f === "object" ? f.text : undefined;
}
