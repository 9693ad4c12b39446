import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import * as v from "valibot";
import { PluginLockEntry } from "../models/plugins.ts";
import { readTextIfExists, writeFileAtomic } from "../store/atomic-file.ts";
import { alive } from "../store/file-lock.ts";
import { findPlugin, pluginDir, readLock, withPluginLock } from "./lockfile.ts";

// Crash consistency of `plugin add` and `plugin remove`: two things change together, the folder
// .idse/plugins/<name>/ and its entry in plugins.json, and a kill -9 may come between any two steps.
// Before touching the folder, the command writes a small intent journal (.idse/.plugin-journal.json:
// what it is about to do, and where the old folder goes). plugins.json is the commit point. The next idse
// that touches plugins and finds a journal finishes the change if plugins.json already says so, and
// undoes it otherwise, so the folder and the entry agree again. Every step of the undo and of the finish
// can itself be interrupted and run again.
//
// Staging folders are named .plugin-staging-<pid>-XXXXXX and only ever created under the plugins lock,
// so one whose process is gone is a leftover, swept by the same recovery.

export const STAGING_PREFIX = ".plugin-staging-";
const JOURNAL = ".plugin-journal.json";
/** Temp files of plugins.json and of the journal (src/store/atomic-file.ts names them <file>.<pid>.<n>.tmp). */
const TMP = /^(?:plugins\.json|\.plugin-journal\.json)\.(\d+)\.\d+\.tmp$/;

const Journal = v.object({
  op: v.picklist(["add", "remove"]),
  name: v.string(),
  /** The staging folder (a basename inside .idse/) that holds the new package and/or the old folder. */
  scratch: v.pipe(v.string(), v.startsWith(STAGING_PREFIX), v.regex(/^[^/\\]+$/)),
  /** Whether .idse/plugins/<name>/ existed before (add). */
  prev: v.boolean(),
  /** add: the entry plugins.json holds once the change is committed. */
  entry: v.nullable(PluginLockEntry),
  pid: v.number(),
});
type Journal = v.InferOutput<typeof Journal>;

const journalPath = (idseDir: string) => join(idseDir, JOURNAL);

/** A new staging folder for this process (call holding the plugins lock). */
export function makeScratch(idseDir: string): string {
  return mkdtempSync(join(idseDir, `${STAGING_PREFIX}${process.pid}-`));
}

export function writeJournal(idseDir: string, j: Omit<Journal, "pid" | "scratch"> & { scratch: string }) {
  const doc: Journal = { ...j, scratch: basename(j.scratch), pid: process.pid };
  writeFileAtomic(journalPath(idseDir), `${JSON.stringify(doc)}\n`);
}

/** Ends a change: its staging folder first, then the journal (a journal without its folder is fine). */
export function finish(idseDir: string, scratch: string): void {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(journalPath(idseDir), { force: true });
}

function readJournal(idseDir: string): Journal | undefined {
  const text = readTextIfExists(journalPath(idseDir));
  if (text === undefined) return undefined;
  try {
    const r = v.safeParse(Journal, JSON.parse(text));
    if (r.success) return r.output;
  } catch {}
  // A journal is written atomically, so this is not ours to interpret: set it aside, touch nothing.
  renameSync(journalPath(idseDir), `${journalPath(idseDir)}.unreadable-${Date.now()}`);
  return undefined;
}

/** JSON with sorted keys, to compare two lock entries whatever order their keys were written in. */
export function canon(value: unknown): string {
  return JSON.stringify(value, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** Puts the folder back as it was before the journaled change. */
export function undo(idseDir: string, j: Journal): void {
  const scratch = join(idseDir, j.scratch);
  const target = pluginDir(idseDir, j.name);
  const old = join(scratch, "old");
  if (existsSync(old)) {
    // The old folder was moved aside: whatever stands in its place now is the new one.
    rmSync(target, { recursive: true, force: true });
    renameSync(old, target);
  } else if (j.op === "add" && !j.prev && !existsSync(join(scratch, "package"))) {
    // A first install whose package already moved into place.
    rmSync(target, { recursive: true, force: true });
  }
}

/** Completes a change plugins.json already records. */
function redo(idseDir: string, j: Journal): void {
  if (j.op !== "add") return;
  const pkg = join(idseDir, j.scratch, "package");
  if (existsSync(pkg)) {
    const target = pluginDir(idseDir, j.name);
    rmSync(target, { recursive: true, force: true });
    renameSync(pkg, target);
  }
}

function pidOf(name: string): number | undefined {
  const m = /^\.plugin-staging-(\d+)-/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Leftovers of dead processes: staging folders, and temp files of plugins.json and the journal. */
function leftovers(idseDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(idseDir);
  } catch {
    return [];
  }
  return names.filter((n) => {
    if (n.startsWith(STAGING_PREFIX)) {
      const pid = pidOf(n);
      return pid === undefined || !alive(pid);
    }
    const t = TMP.exec(n);
    return !!t && !alive(Number(t[1]));
  });
}

/** Finishes or undoes an interrupted change and sweeps leftovers; call holding the plugins lock. */
export function recover(idseDir: string): { recovered?: "finished" | "undone"; swept: number } {
  const j = readJournal(idseDir);
  let recovered: "finished" | "undone" | undefined;
  if (j) {
    const cur = findPlugin(readLock(idseDir), j.name);
    const committed = j.op === "add" ? !!cur && canon(cur) === canon(j.entry) : !cur;
    if (committed) redo(idseDir, j);
    else undo(idseDir, j);
    recovered = committed ? "finished" : "undone";
    finish(idseDir, join(idseDir, j.scratch));
  }
  const stale = leftovers(idseDir);
  for (const n of stale) rmSync(join(idseDir, n), { recursive: true, force: true });
  return { recovered, swept: stale.length };
}

/** Whether an interrupted change or a dead process's leftovers are waiting (cheap: one readdir). */
export function needsRecovery(idseDir: string): boolean {
  return existsSync(journalPath(idseDir)) || leftovers(idseDir).length > 0;
}

/**
 * Recovers before plugins are read, when needed. A journal of a live process means a change is being
 * committed this instant: waiting for the plugins lock lets it finish, so the reader sees it whole.
 */
export async function recoverIfNeeded(idseDir: string, timeoutMs: number): Promise<void> {
  if (!needsRecovery(idseDir)) return;
  await withPluginLock(idseDir, timeoutMs, async () => {
    recover(idseDir);
  });
}
