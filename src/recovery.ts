import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_LOCK_FILE, readSection } from "./config.ts";
import type { Context } from "./context.ts";
import { notice } from "./errors.ts";
import { hostname } from "./host-name.ts";
import { isListableId } from "./ids.ts";
import { readIntent } from "./intent-journal.ts";
import { writeFileAtomic } from "./store/atomic-file.ts";
import type { DesignStore } from "./store/contract.ts";
import { acquireFileLock, alive, isStaleLock } from "./store/file-lock.ts";
import { keys } from "./store/layout.ts";
import { ownText, readOwnFile, STATE_MAX_BYTES } from "./store/own-file.ts";
import { isLeftoverTemp, sweepTemps, tempPid } from "./store/temp-sweep.ts";
import { findRoot, type Workspace, writeCurrentProject } from "./workspace.ts";

// Crash recovery: what a killed idse left half done is finished or rolled back by the next run of any
// command (docs/reliability.md, "Crash recovery").
//
// - A project's intent journal (src/intent-journal.ts): `session create`/`spawn` roll back when the
//   session's session.json (written last of its files) is missing, and finish (state, CURRENT_SESSION,
//   meta.md) when it is there; `init` likewise on session_state.json; a stage change copies the
//   session's stage_state.json into session_state.json again; a switch is finished.
// - The migration journal, `.idse/.idse-migrate.json`: `store migrate` is complete when config.json names
//   the target, else it is rolled back (the export manifest as it was; the source was never touched).
// - Leftover temp files (src/store/temp-sweep.ts): `.idse/` and each project folder on every run; a whole
//   project's tree when its lock was left by a dead process, since every write there happens under it.
//
// The scan at start-up costs a few readdirs; it reads no document unless something was left behind.

export const MIGRATION_JOURNAL = ".idse-migrate.json";
const INTENT_FILE = ".idse-intent.json";
const LOCK_FILE = ".idse.lock";

function report(ctx: Context, done: string[]): void {
  for (const what of done) ctx.report(notice("RECOVERED", { what }));
}

function failed(ctx: Context, what: string, err: unknown): void {
  ctx.report(notice("RECOVERY_FAILED", { what, reason: (err as Error).message }));
}

/**
 * Finishes or rolls back the change the project's intent journal names; the caller holds the project
 * lock. Returns what was done, in words.
 */
export async function recoverProject(store: DesignStore, project: string, now: string): Promise<string[]> {
  const intent = await readIntent(store, project);
  if (intent === undefined) return [];
  const done: string[] = [];
  if (intent === "unreadable") {
    done.push(`removed an unreadable intent journal of project ${project}`);
  } else if (intent.op === "session-create") {
    const { session } = intent;
    if (!(await store.has(keys.sessionMetadata(project, session)))) {
      await store.remove(keys.session(project, session));
      done.push(`rolled back the unfinished creation of session ${session} in ${project}`);
    } else {
      if (intent.make_current) {
        const { makeCurrent } = await import("./session-graph.ts");
        await makeCurrent(store, project, session, now);
      }
      const { regenerateMeta } = await import("./blueprint-meta.ts");
      await regenerateMeta(store, project, now).catch(() => false);
      done.push(`finished the interrupted creation of session ${session} in ${project}`);
    }
  } else if (intent.op === "session-switch") {
    // Finished rather than undone: both writes are idempotent, and the user asked for the switch.
    if (await store.has(keys.session(project, intent.session))) {
      const { makeCurrent } = await import("./session-graph.ts");
      await makeCurrent(store, project, intent.session, now);
      done.push(`finished the interrupted switch to session ${intent.session} in ${project}`);
    }
  } else if (intent.op === "project-create") {
    // session_state.json is written after the blueprint, the registry and CURRENT_SESSION.
    if (!(await store.has(keys.sessionState(project)))) {
      await store.remove(keys.project(project));
      done.push(`rolled back the unfinished creation of project ${project}`);
      return done; // the journal went with the project's folder
    }
    const { regenerateMeta } = await import("./blueprint-meta.ts");
    await regenerateMeta(store, project, now).catch(() => false);
    await writeCurrentProject(store, project);
    done.push(`finished the interrupted creation of project ${project}`);
  } else if (intent.op === "stage-mirror") {
    const { readProjectState } = await import("./stage-state.ts");
    const { readJsonDoc, writeJsonDoc } = await import("./store/documents.ts");
    const { SessionStageState } = await import("./models/session-state.ts");
    const state = await readProjectState(store, project);
    const own = await readJsonDoc(store, keys.stageState(project, intent.session), SessionStageState);
    if (state && own && state.session_id === intent.session) {
      const same =
        JSON.stringify(state.stages) === JSON.stringify(own.stages) &&
        state.validation_status === own.validation_status;
      if (!same) {
        await writeJsonDoc(store, keys.sessionState(project), {
          ...state,
          stages: own.stages,
          validation_status: own.validation_status,
        });
        done.push(
          `brought session_state.json of ${project} in line with ${intent.session}'s stage_state.json`,
        );
      }
    }
  }
  await store.remove(keys.intent(project));
  return done;
}

/** recoverProject for ctx.mutate, which holds the lock: what it did becomes info diagnostics. */
export async function recoverLocked(ctx: Context, ws: Workspace, project: string): Promise<void> {
  try {
    report(ctx, await recoverProject(ws.store, project, ctx.now));
  } catch (err) {
    failed(ctx, `project ${project}`, err);
  }
}

// --- store migrate --------------------------------------------------------------------------------------

interface MigrationJournal {
  pid: number;
  host: string;
  /** The target store, as config.json will name it once the switch is made. */
  to: { plugin: string; options: Record<string, unknown> };
  /** The export manifest (a file name in .idse/) and its text before the migration (null: absent). */
  manifest: { file: string; before: string | null };
}

export function beginMigration(idseDir: string, j: Omit<MigrationJournal, "pid" | "host">): void {
  const journal: MigrationJournal = { pid: process.pid, host: hostname(), ...j };
  writeFileAtomic(join(idseDir, MIGRATION_JOURNAL), `${JSON.stringify(journal, null, 2)}\n`);
}

export function endMigration(idseDir: string): void {
  rmSync(join(idseDir, MIGRATION_JOURNAL), { force: true });
}

function readMigration(idseDir: string): MigrationJournal | undefined {
  try {
    const text = ownText(join(idseDir, MIGRATION_JOURNAL), STATE_MAX_BYTES);
    return text === undefined ? undefined : (JSON.parse(text) as MigrationJournal);
  } catch {
    return undefined;
  }
}

/**
 * Completes or rolls back an interrupted `store migrate` (the caller holds the project locks or the
 * repository lock, and the migrating process is gone). Complete when config.json names the target;
 * otherwise the export manifest is put back as it was. The documents copied into the target stay there,
 * unused (config.json still names the source), and are overwritten by the next migrate.
 */
export async function recoverMigration(idseDir: string): Promise<string | undefined> {
  if (!existsSync(join(idseDir, MIGRATION_JOURNAL))) return undefined;
  const j = readMigration(idseDir);
  let message = "removed an unreadable store migration journal";
  if (j?.to && j.manifest) {
    const { canonical, FILESYSTEM } = await import("./store/select.ts");
    const store = readSection(idseDir, "store");
    const plugin = store?.plugin ?? store?.backend ?? FILESYSTEM;
    const switched = plugin === j.to.plugin && canonical(store?.options ?? {}) === canonical(j.to.options);
    if (switched) {
      message = `the interrupted migration to ${j.to.plugin} had switched the store; it is complete`;
    } else {
      const file = join(idseDir, j.manifest.file);
      if (j.manifest.before === null) rmSync(file, { force: true });
      else writeFileAtomic(file, j.manifest.before);
      message = `rolled back the interrupted migration to ${j.to.plugin}: the repository still uses ${plugin}`;
    }
  }
  // A filesystem target writes below .idse/projects/ without the filesystem's project locks.
  sweepTemps(join(idseDir, "projects"), { recursive: true });
  endMigration(idseDir);
  return message;
}

// --- the scan at start-up -------------------------------------------------------------------------------

/**
 * Whether a journal file holds the pid of a process that is gone (a running one is still at work). A file
 * that is no journal idse wrote (a link, a device: a cloned repository can commit one, and a read of a
 * link to /dev/stdin never ends) is not read and is nothing to recover.
 */
function ownerGone(file: string): boolean {
  try {
    const f = readOwnFile(file, STATE_MAX_BYTES);
    if (f === "foreign") return false;
    if (f === "missing") return true;
    const { pid, host } = JSON.parse(f.text) as { pid?: unknown; host?: unknown };
    if (typeof pid !== "number") return true;
    return host === hostname() && !alive(pid);
  } catch {
    return true;
  }
}

const listNames = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/**
 * Run before every command: sweeps temp files of dead processes, and recovers what a killed process left
 * behind (filesystem store; a plugin store's journals are recovered when the project is next changed).
 * Never fails the command: a problem is reported as a RECOVERY_FAILED warning.
 */
export async function recoverAtStart(ctx: Context): Promise<void> {
  const root = findRoot(ctx.global.cwd);
  if (!root) return;
  const idseDir = join(root, ".idse");
  try {
    // `.idse/` and its small folders (governance, schemas, plugins, …); projects/ is below.
    sweepTemps(idseDir);
    sweepManagedTemps(root, idseDir);
    for (const e of readdirSync(idseDir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== "projects") sweepTemps(join(idseDir, e.name), { recursive: true });
    }
    const journal = join(idseDir, MIGRATION_JOURNAL);
    const repoLock = join(idseDir, REPO_LOCK_FILE);
    if ((existsSync(journal) && ownerGone(journal)) || isStaleLock(repoLock)) {
      const release = await acquireFileLock(repoLock, timeoutOf(ctx));
      try {
        if (existsSync(journal) && ownerGone(journal)) {
          const message = await recoverMigration(idseDir);
          if (message) report(ctx, [message]);
        }
      } finally {
        await release();
      }
    }
  } catch (err) {
    failed(ctx, ".idse/", err);
  }
  const projectsDir = join(idseDir, "projects");
  const projects = listNames(projectsDir);
  if (projects.some((n) => n.endsWith(".tmp"))) sweepTemps(projectsDir); // CURRENT_PROJECT's
  for (const project of projects) {
    if (!isListableId(project)) continue;
    const dir = join(projectsDir, project);
    try {
      const names = listNames(dir);
      if (names.some((n) => n.endsWith(".tmp"))) sweepTemps(dir);
      const stale = names.includes(LOCK_FILE) && isStaleLock(join(dir, LOCK_FILE));
      const intent = names.includes(INTENT_FILE) && ownerGone(join(dir, INTENT_FILE));
      if (!stale && !intent) continue;
      // Journals on disk are the filesystem store's; with a plugin store these files are an export.
      if (ctx.workspace().config.values["store.plugin"] !== "filesystem") continue;
      // mutate takes the lock (over a dead holder's), then recovers the journal (cli.ts).
      await ctx.mutate(project, async () => {
        if (stale) sweepTemps(dir, { recursive: true });
      });
    } catch (err) {
      failed(ctx, `project ${project}`, err);
    }
  }
}

/**
 * Temp files beside the files idse manages outside `.idse/` (the agent instruction files named in
 * .idse/agent_files.json, and .claude/settings.json): only `<managed file>.<pid>.<n>.tmp`, since those
 * folders hold the user's own files. The manifest is read only when such a name is there.
 */
function sweepManagedTemps(root: string, idseDir: string): void {
  let managed: Set<string> | undefined;
  for (const dir of [root, join(root, ".claude"), join(root, ".github")]) {
    for (const name of listNames(dir)) {
      if (!name.endsWith(".tmp") || tempPid(name) === undefined) continue;
      managed ??= managedFiles(root, idseDir);
      const path = join(dir, name);
      if (managed.has(path.replace(/\.\d+\.\d+\.tmp$/, "")) && isLeftoverTemp(path))
        rmSync(path, { force: true });
    }
  }
}

function managedFiles(root: string, idseDir: string): Set<string> {
  const out = new Set([join(root, ".claude", "settings.json")]);
  try {
    const text = ownText(join(idseDir, "agent_files.json"), STATE_MAX_BYTES);
    const m = (text === undefined ? {} : JSON.parse(text)) as { files?: object };
    for (const file of Object.keys(m.files ?? {})) out.add(join(root, file));
  } catch {
    // no manifest (or an unreadable one): only settings.json is known
  }
  return out;
}

function timeoutOf(ctx: Context): number {
  try {
    return ctx.workspace().config.values["lock.timeout_ms"];
  } catch {
    return 10_000;
  }
}
