import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { IdseError } from "../errors.ts";

// Containment: every file idse reads or writes in a repository resolves, symlinks and all, to a place
// inside that repository, or the command is refused with PATH_OUTSIDE_WORKSPACE (docs/security.md,
// "Paths"). One module so the rule lives in one place: the atomic writers, the filesystem DesignStore and
// the readers call it with the folder that bounds them (the repository root, or a filesystem remote's
// own folder).
//
// Cost, measured on the 1,001-session benchmark workspace (docs/security.md, "Paths"): a file is read by
// opening it, asking the kernel where the open file really is (readlink of /proc/self/fd/N on Linux: one
// extra system call), checking that, and reading from the same descriptor, so what was checked is what
// is read. Elsewhere a realpath before the read. Boundaries' real paths are cached. A write resolves
// the deepest existing ancestor when the file does not exist yet (once per new file).

const realpath = realpathSync.native ?? realpathSync;
const MISSING = new Set(["ENOENT", "ENOTDIR"]);
/** Symlink hops followed by hand before giving up, as the kernel's ELOOP limit does. */
const MAX_HOPS = 40;

const missing = (err: unknown) => MISSING.has((err as NodeJS.ErrnoException).code ?? "");

/**
 * The real path `path` stands for, symlinks followed, whether or not it exists: the real path of its
 * deepest existing ancestor plus the rest. A dangling symlink resolves to where it points, so a write
 * through it is checked against where the bytes would land.
 */
export function resolveReal(path: string, hops = 0): string {
  try {
    return realpath(path);
  } catch (err) {
    if (!missing(err)) throw err;
  }
  const parent = dirname(path);
  if (parent === path) return path;
  const realParent = resolveReal(parent, hops);
  const here = join(realParent, basename(path));
  let link: string;
  try {
    if (!lstatSync(here).isSymbolicLink()) return here;
    link = readlinkSync(here);
  } catch (err) {
    if (missing(err)) return here;
    throw err;
  }
  if (hops >= MAX_HOPS) {
    throw new IdseError("IO_ERROR", {
      op: "resolve",
      file: path,
      reason: "too many levels of symbolic links",
    });
  }
  return resolveReal(resolve(realParent, link), hops + 1);
}

const roots = new Map<string, string>();

/** The real path of a boundary folder; cached once it exists (a boundary is resolved on every call). */
export function realRoot(root: string): string {
  const hit = roots.get(root);
  if (hit !== undefined) return hit;
  let real: string;
  try {
    real = realpath(root);
  } catch (err) {
    if (!missing(err)) throw err;
    return resolveReal(root);
  }
  roots.set(root, real);
  return real;
}

/** Whether `path` is `root` or below it (both absolute, same form). */
export function isInside(root: string, path: string): boolean {
  if (path === root) return true;
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Whether `path`, as written (no symlinks followed), is `root` or below it. */
export function lexicallyInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * The boundary of a path inside a repository's `.idse/` folder: the repository root (the folder that
 * holds the innermost `.idse`). Lets the writers and readers guard every file under `.idse/` without
 * each caller naming the repository; files elsewhere in the repository pass their boundary explicitly.
 */
export function boundaryOf(path: string): string | undefined {
  const p = path.replace(/\\/g, "/");
  const at = p.lastIndexOf("/.idse/");
  if (at < 0) return p.endsWith("/.idse") ? dirname(path) : undefined;
  return at === 0 ? "/" : path.slice(0, at);
}

/** For a path named on the command line: the repository when it is written inside it, else no boundary. */
export function boundaryFor(root: string, path: string): string | null {
  return lexicallyInside(root, path) ? root : null;
}

/** The first symlink on the way from `root` down to `path` whose target is outside `root`: the culprit. */
function culprit(root: string, path: string, realRootPath: string): string | undefined {
  const rel = relative(root, path);
  if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
  let at = root;
  for (const part of rel.split(sep)) {
    at = join(at, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(at).isSymbolicLink();
    } catch {
      return undefined;
    }
    if (isLink && !isInside(realRootPath, resolveReal(at))) return at;
  }
  return undefined;
}

function outside(root: string, path: string, real: string, realRootPath: string): IdseError {
  // The repository root itself may be a symlink (macOS's /tmp): only links below it are the culprit.
  const link = culprit(root, path, realRootPath);
  const show = (p: string) => (lexicallyInside(root, p) ? relative(root, p).split(sep).join("/") || "." : p);
  let target = real;
  if (link) {
    try {
      target = readlinkSync(link);
    } catch {}
  }
  return new IdseError("PATH_OUTSIDE_WORKSPACE", {
    file: show(path),
    ...(link ? { link: show(link), target } : {}),
    resolved: real,
    root,
  });
}

/**
 * The real path to read `path` from, or undefined when there is nothing there (a dangling link included:
 * nothing outside is read). Refused when it resolves outside `root`.
 */
export function guardRead(root: string, path: string): string | undefined {
  let real: string;
  try {
    real = realpath(path);
  } catch (err) {
    if (missing(err)) return undefined;
    throw err;
  }
  const r = realRoot(root);
  if (!isInside(r, real)) throw outside(root, path, real, r);
  return real;
}

/** Where the kernel says an open descriptor's file is; undefined where there is no /proc (macOS, Windows). */
const PROC_FD = process.platform === "linux" && existsSync("/proc/self/fd") ? "/proc/self/fd/" : undefined;
/** Non-blocking, so a FIFO planted as a document cannot hang the read before the check. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * The largest file a read of the repository takes into memory. Design documents, state and settings are
 * far smaller (validation parses at most 5 MB of a document); a 500 MB spec.md made `artifact read` run
 * out of memory and `validate` grow to 2 GB (an attacker review).
 */
export const MAX_READ_BYTES = 64 << 20;

function tooLarge(root: string, path: string, bytes: number): IdseError {
  const file = lexicallyInside(root, path) ? relative(root, path).split(sep).join("/") || "." : path;
  return new IdseError("FILE_TOO_LARGE", { file, bytes, max: MAX_READ_BYTES });
}

/**
 * A file's contents, read only when it resolves inside `root`; undefined when there is nothing there.
 * Throws PATH_OUTSIDE_WORKSPACE when it leads out, EISDIR for a folder, FILE_TOO_LARGE past
 * MAX_READ_BYTES.
 */
export function readContained(root: string, path: string): Buffer | undefined;
export function readContained(root: string, path: string, encoding: "utf8"): string | undefined;
export function readContained(root: string, path: string, encoding?: "utf8"): Buffer | string | undefined {
  if (!PROC_FD) {
    const real = guardRead(root, path);
    if (real === undefined) return undefined;
    const { size } = statSync(real);
    if (size > MAX_READ_BYTES) throw tooLarge(root, path, size);
    return encoding ? readFileSync(real, encoding) : readFileSync(real);
  }
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    if (missing(err)) return undefined;
    throw err;
  }
  try {
    const real = readlinkSync(PROC_FD + fd);
    const r = realRoot(root);
    if (!isInside(r, real)) throw outside(root, path, real, r);
    const { size } = fstatSync(fd);
    if (size > MAX_READ_BYTES) throw tooLarge(root, path, size);
    return encoding ? readFileSync(fd, encoding) : readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The real path a write of `path` lands on: the file itself or, through symlinks inside `root`, their
 * final target (so the link stays a link). Refused when that is outside `root`.
 */
export function guardWrite(root: string, path: string): string {
  const real = resolveReal(path);
  const r = realRoot(root);
  if (!isInside(r, real)) throw outside(root, path, real, r);
  return real;
}
