import { writeTemplates } from "./artifacts.ts";
import { IdseError } from "./errors.ts";
import { assertExistingId, BLUEPRINT, isListableId } from "./ids.ts";
import { SessionMetadata } from "./models/session-metadata.ts";
import { pendingStages, pointStateAt, writeStageStateDoc } from "./stage-state.ts";
import type { DesignStore } from "./store/contract.ts";
import { readJsonDoc, writeJsonDoc } from "./store/documents.ts";
import { keys } from "./store/layout.ts";

// SessionGraph: the sessions of a project, their metadata, and the lineage between them.

export type SessionType = SessionMetadata["session_type"];

export async function listSessionIds(store: DesignStore, project: string): Promise<string[]> {
  const entries = await store.list(keys.sessions(project));
  return entries.filter((e) => e.kind === "dir" && isListableId(e.name)).map((e) => e.name);
}

export async function sessionExists(store: DesignStore, project: string, session: string): Promise<boolean> {
  return store.has(keys.session(project, session));
}

export async function requireSession(store: DesignStore, project: string, session: string): Promise<string> {
  assertExistingId("session", session);
  if (!(await sessionExists(store, project, session))) {
    // A near miss of an existing session is named in the hint (listing costs one read, on failure only).
    const { didYouMean } = await import("./suggest.ts");
    const suggestion = didYouMean(session, await listSessionIds(store, project).catch(() => []));
    throw new IdseError("SESSION_NOT_FOUND", { project, session, ...(suggestion ? { suggestion } : {}) });
  }
  return session;
}

/** Metadata a session would have if its session.json were missing (used by readers and by doctor). */
export function derivedMetadata(project: string, session: string, createdAt: string): SessionMetadata {
  const blueprint = session === BLUEPRINT;
  return {
    session_id: session,
    name: blueprint ? project : session,
    session_type: blueprint ? "blueprint" : "feature",
    description: null,
    is_blueprint: blueprint,
    parent_session: blueprint ? null : BLUEPRINT,
    related_sessions: [],
    owner: "system",
    collaborators: [],
    tags: [],
    status: "draft",
    created_at: createdAt,
    updated_at: createdAt,
  };
}

export interface SessionRecord {
  meta: SessionMetadata;
  /** True when session.json is missing and the metadata was derived. */
  derived: boolean;
}

export async function readSession(
  store: DesignStore,
  project: string,
  session: string,
): Promise<SessionRecord> {
  const meta = await readJsonDoc(store, keys.sessionMetadata(project, session), SessionMetadata);
  if (meta) return { meta, derived: false };
  return { meta: derivedMetadata(project, session, "1970-01-01T00:00:00Z"), derived: true };
}

export async function readAllSessions(store: DesignStore, project: string): Promise<SessionRecord[]> {
  const ids = await listSessionIds(store, project);
  return Promise.all(ids.map((id) => readSession(store, project, id)));
}

export interface CreateSessionOptions {
  id: string;
  type: SessionType;
  parent: string | null;
  owner: string;
  description: string | null;
  stack: string;
  now: string;
  tags?: string[];
}

export async function createSession(store: DesignStore, project: string, o: CreateSessionOptions) {
  if (await sessionExists(store, project, o.id)) {
    throw new IdseError("SESSION_EXISTS", { project, session: o.id });
  }
  const meta: SessionMetadata = {
    session_id: o.id,
    name: o.id === BLUEPRINT ? project : o.id,
    session_type: o.type,
    description: o.description,
    is_blueprint: o.id === BLUEPRINT,
    parent_session: o.parent,
    related_sessions: [],
    owner: o.owner,
    collaborators: [],
    tags: o.tags ?? [],
    status: "draft",
    created_at: o.now,
    updated_at: o.now,
  };
  const vars = { project, session: o.id, stack: o.stack, date: o.now.slice(0, 10), owner: o.owner };
  await writeTemplates(store, project, o.id, vars);
  await store.write(keys.owner(project, o.id), `Created: ${o.now}\nOwner: ${o.owner}\n`);
  await writeStageStateDoc(store, project, o.id, pendingStages(), "unknown", o.now);
  // session.json last: its presence marks a fully created session.
  await writeJsonDoc(store, keys.sessionMetadata(project, o.id), meta);
  return meta;
}

export async function updateSession(
  store: DesignStore,
  project: string,
  session: string,
  now: string,
  change: (meta: SessionMetadata) => SessionMetadata,
): Promise<SessionMetadata> {
  const { meta } = await readSession(store, project, session);
  const next = { ...change(structuredClone(meta)), updated_at: now };
  await writeJsonDoc(store, keys.sessionMetadata(project, session), next);
  return next;
}

/** The id in CURRENT_SESSION; undefined when the file is missing or holds something that is no id. */
export async function readCurrentSession(store: DesignStore, project: string): Promise<string | undefined> {
  const raw = (await store.read(keys.currentSession(project)))?.trim();
  return raw && isListableId(raw) ? raw : undefined;
}

/** Whether the project has a CURRENT_SESSION file at all (without one, the state file says which is current). */
export async function hasCurrentSessionFile(store: DesignStore, project: string): Promise<boolean> {
  return store.has(keys.currentSession(project));
}

/**
 * Records a session a pull brought: one with metadata gets a new updated_at; a new one gets derived
 * metadata (owned by `owner`) and, when it came without one, a pending stage-state document. Returns
 * whether the session is new to this workspace.
 */
export async function recordArrivedSession(
  store: DesignStore,
  project: string,
  session: string,
  now: string,
  owner: string | undefined,
): Promise<boolean> {
  if (await store.has(keys.sessionMetadata(project, session))) {
    await updateSession(store, project, session, now, (m) => m);
    return false;
  }
  const meta = derivedMetadata(project, session, now);
  if (!(await store.has(keys.stageState(project, session)))) {
    await writeStageStateDoc(store, project, session, pendingStages(), "unknown", now);
  }
  await writeJsonDoc(store, keys.sessionMetadata(project, session), { ...meta, owner });
  return true;
}

/** Writes CURRENT_SESSION alone (init writes it before the project's state file exists). */
export async function writeCurrentSession(
  store: DesignStore,
  project: string,
  session: string,
): Promise<void> {
  await store.write(keys.currentSession(project), session);
}

/**
 * Makes `session` the project's current one: the state file first, then CURRENT_SESSION, so a run that
 * cannot write the state leaves CURRENT_SESSION naming the old session; both writes are idempotent, and
 * the intent journal (recovery.ts) finishes a run killed between them.
 */
export async function makeCurrent(
  store: DesignStore,
  project: string,
  session: string,
  now: string,
): Promise<void> {
  await pointStateAt(store, project, session, now);
  await writeCurrentSession(store, project, session);
}

/** Locale-independent order, the same as the stores list names in. */
export const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface LineageNode {
  session_id: string;
  children: LineageNode[];
}

/** Ancestors of `session` (root first) and the tree of its descendants. */
export function lineage(metas: SessionMetadata[], session: string) {
  const byId = new Map(metas.map((m) => [m.session_id, m]));
  const ancestors: string[] = [];
  const seen = new Set([session]);
  let parent = byId.get(session)?.parent_session ?? null;
  while (parent && !seen.has(parent)) {
    ancestors.unshift(parent);
    seen.add(parent);
    parent = byId.get(parent)?.parent_session ?? null;
  }
  return { ancestors, descendants: childrenOf(metas, session, new Set([session])) };
}

/** The tree of sessions below `session`; the parent index is built once, so this is linear. */
export function childrenOf(
  metas: SessionMetadata[],
  session: string,
  seen = new Set<string>([session]),
): LineageNode[] {
  const kids = new Map<string, string[]>();
  for (const m of metas) {
    if (m.parent_session === null) continue;
    const list = kids.get(m.parent_session);
    if (list) list.push(m.session_id);
    else kids.set(m.parent_session, [m.session_id]);
  }
  const build = (id: string): LineageNode[] =>
    (kids.get(id) ?? [])
      .filter((child) => !seen.has(child))
      .sort(byCodePoint)
      .map((child) => {
        seen.add(child);
        return { session_id: child, children: build(child) };
      });
  return build(session);
}
