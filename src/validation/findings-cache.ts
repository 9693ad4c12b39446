import { closeSync, fstatSync, lstatSync, openSync, rmSync, type Stats, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { BLUEPRINT } from "../ids.ts";
import { writeFileAtomic } from "../store/atomic-file.ts";
import { type DesignStore, sha256Hex } from "../store/contract.ts";
import { storeBoundary } from "../store/fs.ts";
import { keys, SESSION_FILES, STAGES, type Stage } from "../store/layout.ts";
import { CACHE_MAX_BYTES, ownText } from "../store/own-file.ts";
import { guardRead } from "../store/path-guard.ts";
import { ensureCacheDir, statKey } from "../store/stat-cache.ts";
import { walkTree } from "../store/walk-tree.ts";
import { VERSION } from "../version.ts";
import { SESSION_READS } from "./input.ts";
import type { ReusedOutcome } from "./run.ts";

// The findings cache of `validate --all` (issue 16, "findings cached by content hash and rule-set
// version"): a session whose folder is exactly as an earlier run saw it is not read or validated again;
// its report, as that run wrote it in the same format, is copied from the cache into the output.
//
// Why this is correct by construction. The engine is a pure function (src/validation/engine.ts) of a
// session's input and the run's setup. The input (src/validation/input.ts) is made from the session's
// folder alone: the text of the files SESSION_READS names (metadata, stage state, the seven documents)
// and the listing of its tree; the rest comes from the run (the stack, and the project state for a session
// without a stage state of its own). The setup is the rule configuration, the rules (idse's version and
// the binary's own stat: a rebuild of the same version may check differently) and the Spine. So an entry
// is keyed on:
// - the run's key: all of the setup, serialised as the engine gets it, with the format and its options;
// - the session's key: the lstat (device, inode, size, mtime, ctime) of the folder, of every folder in it
//   and of each file SESSION_READS names, taken with its listing before anything is read, and the project
//   state when the session has no stage state of its own (such a session gets one recorded by the run, so
//   it is in practice validated afresh). A document changed in any way changes its own stat; a file
//   added, removed or renamed changes its folder's mtime. A `session switch` changes the project state
//   and nothing else a session with its own stage state reads.
// A stat is only trusted when it is older than the run that took it (the racy-git rule): each run first
// writes a stamp file, and a session with any mtime or ctime not older than the stamp's is not kept, since
// a later change within the same clock tick could leave its stat as it was. Any change after the stamp
// gives a newer stat, so the next run misses; so the order of the stats and the reads does not matter.
// A session with a symlink, a special file, or a name with a tab or line break in its tree is never kept.
// The blueprint, whose report under spine-coverage depends on every other session, is not kept when that
// rule applies. A session whose status the run recorded (so its stage state changed after its stat was
// taken) is not kept either: the next run keeps it. Run from source, idse's own code is not in the key
// (the runtime is the binary): `--no-cache` after changing a rule.
//
// Files, under `.idse/.cache/findings/` (ignored by git): `<project>.<format>.index`, written atomically,
// and `<project>.<format>.data`, the reports' text (with their separators) as the output took them. The
// data file only grows: a run appends the reports it made and writes a new index; when more of it is
// unused than used (and more than GARBAGE), the next run starts a new one. It is not fsynced: after a
// power cut, an index could name bytes that never reached the disk only on a filesystem that can write a
// file's size before its data (ext4's default, data=ordered, and XFS do not). An index that cannot be
// read, has another format or run key, or names bytes past the data file's end is ignored as a whole, and
// the run starts the cache anew.

const FORMAT = "idse-findings-cache 2";
/** What starts a line of the shapes table: a '/', which no session's name can hold (any other line is a session's). */
const SHAPE = "/";
/**
 * Bytes of reports no longer used that a data file may hold before it is started anew. Every run appends
 * the reports it made, kept or not (the blueprint's under spine-coverage never is), so a small workspace
 * would otherwise start anew every few runs.
 */
const GARBAGE = 32 << 20;

/** What a kept report needs besides its place in the data file (the sink's counts for the document). */
export interface KeptCounts {
  elements: number;
  errors: number;
  warnings: number;
  passed: boolean;
  findings: boolean;
}

/** A kept report: where its text lies in the data file, its counts and what the run records of it. */
export interface KeptReport extends KeptCounts, ReusedOutcome {
  start: number;
  length: number;
}

interface Entry extends KeptReport {
  /** Index of the session's tree in the shapes table: its '/'-separated entries, folders with a trailing '/'. */
  shape: number;
  /** statsOf the tree's statPaths. */
  stats: string;
}

export interface FindingsCache {
  /** The data file's descriptor and size: the sink's spill appends to it and reads kept reports from it. */
  readonly fd: number;
  readonly size: number;
  /** The session's kept report when its tree is exactly as that run saw it; undefined on any doubt. */
  lookup(session: string): KeptReport | undefined;
  /**
   * Takes the session's stats, before its documents are read (a miss), and returns its tree in the
   * store's listTree form (undefined when it is not kept: the run lists it itself).
   */
  before(session: string): string[] | undefined;
  /** How to walk a session as `before` does, as plain data: a worker thread walks with it (`walker`). */
  readonly walk: WalkSpec;
  /** Takes a session walked elsewhere, as `before` would have taken it; its tree as `before` returns it. */
  adopt(session: string, walked: Walked | undefined): string[] | undefined;
  /** What the run found for a session `before` was called for, once its report is in the data file. */
  keep(
    session: string,
    place: { start: number; length: number } | undefined,
    counts: KeptCounts,
    outcome: ReusedOutcome,
  ): void;
  /** Writes the index (atomic), leaving out `recorded` sessions; never fails the command. */
  save(recorded: ReadonlySet<string>): void;
}

export interface CacheInput {
  idseDir: string;
  store: DesignStore;
  project: string;
  format: string;
  /** Everything else the reports depend on, as the run has it: the setup, the stack, the format's options. */
  runKey: unknown;
  /**
   * The project state (session_state.json): an input only of a session without a stage state of its own
   * (src/stage-state.ts readSessionStages), so only such a session's key holds it.
   */
  projectState: unknown;
  /** True when the blueprint's report depends on the other sessions (spine-coverage applies). */
  blueprintDepends: boolean;
}

/** The binary's own stat (through symlinks): a rebuild keeps the version number but not its inode, size and times. */
function binaryStamp(): string {
  try {
    return statKey(statSync(process.execPath));
  } catch {
    return "";
  }
}

/** lstat, or undefined when it fails. Without options: `throwIfNoEntry` made each call 8 % dearer. */
function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** One entry a session is keyed on: its path below the session's folder ("" the folder, else "/rel"). */
interface StatPath {
  suffix: string;
  folder: boolean;
}

/** The file whose absence makes a session read the project state instead (src/stage-state.ts). */
const OWN_STATE = SESSION_FILES.stageState;

/**
 * What a session is keyed on, given its tree's listing (folders with a trailing '/'): the folder itself,
 * every folder in it, and the files the input reads that are there. Other files count by their names
 * only, which their folder's mtime covers. `ownState`: the session has a stage state of its own (else the
 * project state is part of its key).
 */
function statPaths(
  listing: readonly string[],
  reads: ReadonlySet<string>,
): { paths: StatPath[]; ownState: boolean } {
  const paths: StatPath[] = [{ suffix: "", folder: true }];
  for (const p of listing) {
    if (p.endsWith("/")) paths.push({ suffix: `/${p.slice(0, -1)}`, folder: true });
    else if (reads.has(p)) paths.push({ suffix: `/${p}`, folder: false });
  }
  return { paths, ownState: listing.includes(OWN_STATE) };
}

/** How a session's tree is walked and keyed: what `walker` needs, plain data that crosses threads. */
export interface WalkSpec {
  /** The project's sessions folder, as lstat is given it (see sessionsFolder). */
  sessionsDir: string;
  reads: readonly string[];
  /** The hash of the project state, part of the key of a session without a stage state of its own. */
  stateHash: string;
  /** Whether the blueprint is never kept (its report depends on every session). */
  blueprintDepends: boolean;
}

/** A session's tree, listed and stat-ed before its documents are read. */
export interface Walked {
  /** The listing in the store's listTree form (the engine's input). */
  names: string[];
  /** The listing with a trailing '/' on each folder: the session's shape. */
  shape: string[];
  /** Its key and newest stat; undefined when an entry changed under the walk. */
  stats: { hash: string; newest: number } | undefined;
}

/** Sessions never kept: the blueprint when its report depends on the others, a name with a tab or line break. */
function skipped(spec: WalkSpec, session: string): boolean {
  return (session === BLUEPRINT && spec.blueprintDepends) || /[\t\n\r]/.test(session);
}

/**
 * The key of the session at `root` whose tree has `of`'s statPaths: its stats, with the project state when
 * it has no stage state of its own.
 */
function keyed(root: string, of: ReturnType<typeof statPaths>, stateHash: string) {
  const stats = statsOf(root, of.paths);
  return stats && !of.ownState ? { ...stats, hash: sha256Hex(`${stats.hash}\n${stateHash}`) } : stats;
}

/**
 * Walks sessions as the cache's `before` does, in any thread: each one's listing and key, or undefined
 * when it is never kept or cannot be listed (the run lists it itself).
 */
export function walker(spec: WalkSpec): (session: string) => Walked | undefined {
  const reads = new Set(spec.reads);
  const paths = new Map<string, ReturnType<typeof statPaths>>();
  return (session) => {
    if (skipped(spec, session)) return undefined;
    const root = `${spec.sessionsDir}/${session}`;
    const tree = listing(root);
    if (!tree) return undefined;
    const key = tree.shape.join("\t");
    let of = paths.get(key);
    if (!of) {
      of = statPaths(tree.shape, reads);
      paths.set(key, of);
    }
    return { names: tree.names, shape: tree.shape, stats: keyed(root, of, spec.stateHash) };
  };
}

/** Five numbers per entry: the fields of statKey (src/store/stat-cache.ts), as doubles. */
const FIELDS = 5;
let numbers = new Float64Array(64 * FIELDS);

/**
 * The key of the entries `paths` below `root` (sha256 of their device, inode, size, mtime and ctime as
 * doubles, exact as stat gives them) and the newest mtime or ctime among them; undefined when one is gone
 * or no longer the folder or file it was. At 10,001 sessions this runs for 180,000 entries on a second
 * run: hashing the numbers' bytes, not a string of them, took 13-57 ms against 92-125 ms there.
 */
function statsOf(root: string, paths: readonly StatPath[]): { hash: string; newest: number } | undefined {
  if (numbers.length < paths.length * FIELDS) numbers = new Float64Array(paths.length * FIELDS * 2);
  let newest = 0;
  let at = 0;
  for (const p of paths) {
    const st = lstatOf(root + p.suffix);
    if (!st || (p.folder ? !st.isDirectory() : !st.isFile())) return undefined;
    numbers[at++] = st.dev;
    numbers[at++] = st.ino;
    numbers[at++] = st.size;
    numbers[at++] = st.mtimeMs;
    numbers[at++] = st.ctimeMs;
    newest = Math.max(newest, st.mtimeMs, st.ctimeMs);
  }
  return { hash: sha256Hex(new Uint8Array(numbers.buffer, 0, at * 8)), newest };
}

/**
 * The listing of the folder `root`, or undefined when it cannot be kept: an entry that is a symlink or no
 * plain file or folder, a name with a tab or a line break. `names`: every entry below it, '/'-separated and
 * sorted, as the store's listTree gives them; `shape`: the same with a trailing '/' on each folder.
 */
function listing(root: string): { names: string[]; shape: string[] } | undefined {
  const folders = new Set<string>();
  let names: string[] | undefined;
  try {
    // No link is entered (walkTree without `follow`); one found ends the listing.
    names = walkTree(root, {
      visit(rel, e) {
        if (/[\t\n\r]/.test(rel)) return false;
        if (e.isDirectory()) folders.add(rel);
        else if (!e.isFile()) return false; // a symlink, a FIFO
        return true;
      },
    });
  } catch {
    return undefined;
  }
  if (!names) return undefined;
  names.sort();
  return { names, shape: names.map((n) => (folders.has(n) ? `${n}/` : n)) };
}

/**
 * The project's sessions folder of a filesystem store, as lstat should be given it; undefined for another
 * store (nothing there can be stat-ed) or when the folder is not where its real path is (a symlink on the
 * way): the run then validates every session. Relative to the working folder when below it (idse run at
 * the repository's root, the usual case): lstat walks fewer path components. 190,020 lstats of a
 * 10,001-session tree: 810 ms by absolute paths, 725 ms from the repository's root (docs/benchmarks.md,
 * "Scaling"). idse never changes its working folder.
 */
function sessionsFolder(store: DesignStore, project: string): string | undefined {
  if (store.kind !== "filesystem") return undefined;
  const { base, within } = storeBoundary(store);
  try {
    const root = guardRead(within, base);
    const absolute = root && `${root}/${keys.sessions(project)}`;
    if (!absolute || guardRead(within, absolute) !== absolute) return undefined;
    const rel = relative(process.cwd(), absolute);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : absolute;
  } catch {
    return undefined;
  }
}

/** Parses an index: its entries, or undefined when it is not one of this run's (any doubt). */
function load(text: string, runKey: string, dataSize: number) {
  const lines = text.split("\n");
  if (lines[0] !== FORMAT || lines[1] !== runKey || lines[lines.length - 1] !== "") return undefined;
  const shapes: string[][] = [];
  const entries = new Map<string, Entry>();
  let live = 0;
  for (let i = 2; i < lines.length - 1; i++) {
    const f = lines[i]!.split("\t");
    if (f[0] === SHAPE) {
      shapes.push(f.slice(1));
      continue;
    }
    if (f.length !== 14) return undefined;
    const n = (k: number) => Number(f[k]);
    const e: Entry = {
      shape: n(1),
      stats: f[2]!,
      start: n(3),
      length: n(4),
      elements: n(5),
      errors: n(6),
      warnings: n(7),
      passed: f[8] === "1",
      findings: f[9] === "1",
      status: f[10] === "passing" ? "passing" : "failing",
      failing: f[11] ? (f[11].split(",") as Stage[]) : [],
      archived: f[12] === "1",
      touched: f[13] === "[]" ? [] : (JSON.parse(f[13]!) as string[]),
    };
    const ints = [e.shape, e.start, e.length, e.elements, e.errors, e.warnings];
    if (!ints.every((x) => Number.isSafeInteger(x) && x >= 0) || e.shape >= shapes.length) return undefined;
    if (e.start + e.length > dataSize || !/^[0-9a-f]{64}$/.test(e.stats)) return undefined;
    if (!e.failing.every((s) => STAGES.includes(s)) || !Array.isArray(e.touched)) return undefined;
    entries.set(f[0]!, e);
    live += e.length;
  }
  return { shapes, entries, live };
}

/**
 * The stamp: what the filesystem's clock says now, in its own granularity (see the head of this file),
 * read from a file made afresh. Made with O_EXCL, which never follows a symlink, after removing what was
 * there; not fsynced (nothing needs it to survive a crash, and a sync per run would cost a disk flush).
 */
function stampNow(file: string): number {
  rmSync(file, { force: true });
  const fd = openSync(file, "wx", 0o600);
  try {
    const st = fstatSync(fd);
    return Math.min(st.mtimeMs, st.ctimeMs);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether runs of `validate --all` in `format` have a cache here (its index file): then a run is likely to
 * be served from it. A guess for choosing how to run (src/rerun.ts); openFindingsCache decides.
 */
export function hasFindingsCache(idseDir: string, project: string, format: string): boolean {
  return lstatOf(join(idseDir, ".cache", "findings", `${project}.${format}.index`))?.isFile() === true;
}

/**
 * Opens the cache of a run of `validate --all` in `format`; undefined when it cannot be used (a folder
 * that is not a plain folder, a file that is not a plain file, one that cannot be made): the run then
 * validates everything, as without a cache.
 */
export function openFindingsCache(input: CacheInput): FindingsCache | undefined {
  const { project, format } = input;
  const sessionsDir = sessionsFolder(input.store, project);
  if (!sessionsDir) return undefined;
  const runKey = sha256Hex(JSON.stringify([FORMAT, VERSION, binaryStamp(), project, format, input.runKey]));
  let fd: number | undefined;
  try {
    // The real path, inside the repository (ensureCacheDir refuses a .cache that leads out), then a plain
    // folder checked with lstat: what is opened below it by name stays inside.
    const dir = join(ensureCacheDir(input.idseDir), "findings");
    const base = join(dir, `${project}.${format}`);
    if (!lstatOf(dir)) writeFileAtomic(join(dir, ".keep"), "");
    if (!lstatOf(dir)?.isDirectory()) return undefined;
    const below = stampNow(`${base}.stamp`);

    let old: ReturnType<typeof load>;
    let data = lstatOf(`${base}.data`);
    if (data && !data.isFile()) return undefined;
    if (data) {
      try {
        // Not a file idse wrote (a link, a device: a clone can commit one) is no index: the cache starts anew.
        const index = ownText(`${base}.index`, CACHE_MAX_BYTES);
        old = index === undefined ? undefined : load(index, runKey, data.size);
      } catch {
        old = undefined;
      }
    }
    // No index of this run's key, or more garbage than reports (and more than GARBAGE): a fresh data file,
    // every session validated again.
    if (!data || !old || data.size - old.live > Math.max(old.live, GARBAGE)) {
      old = undefined;
      writeFileAtomic(`${base}.data`, "");
      data = lstatSync(`${base}.data`);
    }
    fd = openSync(`${base}.data`, "r+");
    const st = fstatSync(fd);
    // What was stat-ed is what was opened (no symlink swapped in between), and it has not shrunk.
    if (st.ino !== data.ino || st.dev !== data.dev || !st.isFile() || st.size < data.size)
      throw new Error("the data file changed while it was opened");
    const size = st.size;
    return cache(input, { fd, size, base, runKey, below, old, sessionsDir });
  } catch {
    if (fd !== undefined) closeSync(fd);
    return undefined;
  }
}

function cache(
  input: CacheInput,
  o: {
    fd: number;
    size: number;
    base: string;
    runKey: string;
    below: number;
    old: ReturnType<typeof load>;
    sessionsDir: string;
  },
): FindingsCache {
  const { sessionsDir } = o;
  const reads = new Set(SESSION_READS);
  const shapes = o.old?.shapes ?? [];
  const shapeIds = new Map(shapes.map((s, i) => [s.join("\t"), i]));
  /** Each shape's statPaths, made on first use. */
  const paths: (ReturnType<typeof statPaths> | undefined)[] = [];
  const walk: WalkSpec = {
    sessionsDir,
    reads: SESSION_READS,
    stateHash: sha256Hex(JSON.stringify(input.projectState ?? null)),
    blueprintDepends: input.blueprintDepends,
  };
  const walkHere = walker(walk);
  const entries = o.old?.entries ?? new Map<string, Entry>();
  /** The trees of sessions validated afresh, listed and stat-ed before their documents were read. */
  const walked = new Map<string, { shape: number; stats: string }>();
  const kept = new Map<string, Entry>();
  const adopt = (session: string, w: Walked | undefined) => {
    if (!w) return undefined;
    const key = w.shape.join("\t");
    let shape = shapeIds.get(key);
    if (shape === undefined) {
      shape = shapes.push(w.shape) - 1;
      shapeIds.set(key, shape);
    }
    // Kept only with every stat older than the stamp (racy-git; see the head of this file).
    if (w.stats && w.stats.newest < o.below) walked.set(session, { shape, stats: w.stats.hash });
    // The listing in the store's listTree form, for the input: the same entries (no symlink among them).
    return w.names;
  };
  return {
    fd: o.fd,
    size: o.size,
    walk,
    lookup(session) {
      const e = entries.get(session);
      if (!e || skipped(walk, session)) return undefined;
      const root = `${sessionsDir}/${session}`;
      paths[e.shape] ??= statPaths(shapes[e.shape]!, reads);
      if (keyed(root, paths[e.shape]!, walk.stateHash)?.hash !== e.stats) return undefined;
      kept.set(session, e);
      return e;
    },
    before: (session) => adopt(session, walkHere(session)),
    adopt,
    keep(session, place, counts, outcome) {
      const tree = walked.get(session);
      walked.delete(session);
      if (tree && place) kept.set(session, { ...counts, ...outcome, ...place, ...tree });
    },
    save(recorded) {
      // Nothing new and nothing dropped: the index on disk says it all already.
      const same =
        o.old && walked.size === 0 && kept.size === entries.size && ![...recorded].some((x) => kept.has(x));
      if (same && [...kept].every(([x, e]) => entries.get(x) === e)) return;
      try {
        const lines = [FORMAT, o.runKey];
        // Only the shapes still used, renumbered.
        const used = new Map<number, number>();
        const rows: string[] = [];
        for (const [session, e] of kept) {
          if (recorded.has(session)) continue;
          let shape = used.get(e.shape);
          if (shape === undefined) {
            shape = used.size;
            used.set(e.shape, shape);
            lines.push(`${SHAPE}\t${shapes[e.shape]!.join("\t")}`);
          }
          rows.push(
            [
              session,
              shape,
              e.stats,
              e.start,
              e.length,
              e.elements,
              e.errors,
              e.warnings,
              e.passed ? 1 : 0,
              e.findings ? 1 : 0,
              e.status,
              e.failing.join(","),
              e.archived ? 1 : 0,
              JSON.stringify(e.touched),
            ].join("\t"),
          );
        }
        writeFileAtomic(`${o.base}.index`, `${[...lines, ...rows].join("\n")}\n`);
      } catch {
        // A cache that cannot be written (read-only checkout, full disk) only costs the next run time.
      }
    },
  };
}
