import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadConfig, type ResolvedConfig } from "./config.ts";
import { IdseError } from "./errors.ts";
import { assertExistingId, isListableId } from "./ids.ts";
import type { ConfigValues } from "./models/config.ts";
import { type DesignStore, withLock } from "./store/contract.ts";
import { keys } from "./store/layout.ts";
import { configuredStore } from "./store/select.ts";

// ProjectWorkspace: finds the `.idse/` directory that owns the working directory, opens its store and
// config, and resolves which project a command is about.

export interface Workspace {
  /** The repository root: the directory that contains `.idse/`. */
  root: string;
  idseDir: string;
  store: DesignStore;
  config: ResolvedConfig;
  /** The user's home it was opened with: where this user's approvals (`idse trust`) are looked up. */
  home: string;
  /**
   * The environment the run was given, and where a plugin's log lines go: the plugin host takes them
   * from here, so nothing below the CLI reads the process's own (test/architecture.test.ts).
   */
  env: Record<string, string | undefined>;
  log: (line: string) => void;
}

export interface WorkspaceEnv {
  cwd: string;
  home: string;
  env: Record<string, string | undefined>;
  flags?: Partial<ConfigValues>;
  /** Test seam: use this store instead of the configured one. */
  store?: DesignStore;
  /** Where a plugin's log lines go (the run's stderr); absent, they are dropped. */
  log?: (line: string) => void;
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The nearest directory at or above `cwd` that contains `.idse/`. */
export function findRoot(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (isDir(join(dir, ".idse"))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function openWorkspaceAt(root: string, wenv: WorkspaceEnv): Workspace {
  const idseDir = join(root, ".idse");
  const config = loadConfig({ home: wenv.home, idseDir, env: wenv.env, flags: wenv.flags });
  // The store `store.plugin` names (docs/stores.md): the filesystem store by default; a plugin store is
  // loaded on its first call, so commands that never touch it (and the default) pay nothing for it.
  const log = wenv.log ?? (() => {});
  const ws = { root, idseDir, config, home: wenv.home, env: wenv.env, log } as Workspace;
  ws.store = wenv.store ?? configuredStore(() => ws, { env: wenv.env, log });
  return ws;
}

export function openWorkspace(wenv: WorkspaceEnv): Workspace {
  if (!existsSync(wenv.cwd))
    throw new IdseError("IO_ERROR", { op: "open", file: wenv.cwd, reason: "no such directory" });
  const root = findRoot(wenv.cwd);
  if (!root) throw new IdseError("NO_WORKSPACE", { cwd: resolve(wenv.cwd) });
  return openWorkspaceAt(root, wenv);
}

export async function listProjects(store: DesignStore): Promise<string[]> {
  const entries = await store.list(keys.projects);
  return entries.filter((e) => e.kind === "dir" && isListableId(e.name)).map((e) => e.name);
}

/** What projects/CURRENT_PROJECT names, trimmed; undefined when missing or empty. */
export async function readCurrentProject(store: DesignStore): Promise<string | undefined> {
  return (await store.read(keys.currentProject))?.trim() || undefined;
}

/**
 * Runs `fn` holding `project`'s lock in the workspace's store, waiting at most config's lock.timeout_ms,
 * so concurrent idse processes do not interleave their writes to the project.
 */
export function withProjectLock<T>(ws: Workspace, project: string, fn: () => Promise<T>): Promise<T> {
  return withLock(ws.store, keys.lock(project), ws.config.values["lock.timeout_ms"], fn);
}

/** Records `project` in projects/CURRENT_PROJECT, the project commands use when nothing else says. */
export async function writeCurrentProject(store: DesignStore, project: string): Promise<void> {
  await store.write(keys.currentProject, `${project}\n`);
}

export async function projectExists(store: DesignStore, project: string): Promise<boolean> {
  return store.has(keys.sessionState(project)).then(async (yes) => yes || store.has(keys.sessions(project)));
}

/**
 * `--project`, else IDSE_PROJECT, else the only project, else projects/CURRENT_PROJECT, else an error
 * that lists the projects.
 */
export async function resolveProject(ws: Workspace, flag: string | undefined, env: WorkspaceEnv["env"]) {
  const explicit = flag ?? (env.IDSE_PROJECT || undefined);
  if (explicit !== undefined) {
    assertExistingId("project", explicit);
    if (!(await projectExists(ws.store, explicit))) {
      throw new IdseError("PROJECT_NOT_FOUND", { project: explicit, projects: await listProjects(ws.store) });
    }
    return explicit;
  }
  const projects = await listProjects(ws.store);
  if (projects.length === 1) return projects[0]!;
  const current = await readCurrentProject(ws.store);
  if (current && projects.includes(current)) return current;
  if (projects.length === 0) throw new IdseError("PROJECT_NOT_FOUND", { project: "(any)", projects });
  throw new IdseError("NO_PROJECT", { projects });
}
