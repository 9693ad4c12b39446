import { BLUEPRINT } from "./ids.ts";
import { beginIntent, endIntent } from "./intent-journal.ts";
import type { StageStatus } from "./models/common.ts";
import { SessionStageState, SessionState } from "./models/session-state.ts";
import type { DesignStore } from "./store/contract.ts";
import { readJsonDoc, writeJsonDoc } from "./store/documents.ts";
import { keys, STAGES, type Stage, schemaRef } from "./store/layout.ts";

// StageStateModel. The Python original kept one `session_state.json` per project, describing only the
// current session. idse keeps that file exactly (it is what users and their scripts read) and adds
// `metadata/stage_state.json` per session, so a session's stages survive switching away from it.

export type Stages = Record<Stage, StageStatus>;
export type ValidationStatus = SessionState["validation_status"];

export function pendingStages(): Stages {
  return Object.fromEntries(STAGES.map((s) => [s, "pending"])) as Stages;
}

export async function readProjectState(
  store: DesignStore,
  project: string,
): Promise<SessionState | undefined> {
  return readJsonDoc(store, keys.sessionState(project), SessionState);
}

export interface SessionStages {
  stages: Stages;
  validation_status: ValidationStatus;
  /** Stages with errors at the last validation; undefined when none was recorded (only idse records it). */
  failing_stages?: Stage[];
  /**
   * Where the stages came from: the session's own file, the project state, nothing yet, or inferred from
   * a `complete` session status (the original's file mode kept no stages for sessions it had left).
   */
  source: "session" | "project" | "none" | "inferred";
  /** When the session's own stage state began, where its file says so (the original's import). */
  created_at?: string;
}

/**
 * The one safe inference for a session without stage state (docs/migrating.md): `complete` was reached
 * through the completion gate, so every stage was completed. Other statuses say nothing about stages
 * (an archived session may have been dropped at any stage), so they stay pending.
 */
export function inferredStages(status: string | undefined): Stages | undefined {
  return status === "complete"
    ? (Object.fromEntries(STAGES.map((s) => [s, "completed"])) as Stages)
    : undefined;
}

async function statusOf(store: DesignStore, project: string, session: string): Promise<string | undefined> {
  try {
    const text = await store.read(keys.sessionMetadata(project, session));
    const status = text === undefined ? undefined : (JSON.parse(text) as { status?: unknown }).status;
    return typeof status === "string" ? status : undefined;
  } catch {
    return undefined; // a damaged session.json is doctor's to report; here it only means "no inference"
  }
}

export async function readSessionStages(
  store: DesignStore,
  project: string,
  session: string,
  /** The project state if already read (null: there is none); read here when omitted. */
  projectState?: SessionState | null,
  /** The session's status if already read; read here only when the session has no stage state. */
  status?: string,
): Promise<SessionStages> {
  const own = await readJsonDoc(store, keys.stageState(project, session), SessionStageState);
  if (own) {
    const { stages, validation_status, failing_stages } = own;
    // The original's import writes when each session's stage state began (idse's own files do not).
    const created =
      typeof own.created_at === "string" && own.created_at ? { created_at: own.created_at } : {};
    return {
      stages,
      validation_status,
      source: "session",
      ...(failing_stages ? { failing_stages } : {}),
      ...created,
    };
  }
  const state = projectState === undefined ? await readProjectState(store, project) : projectState;
  if (state && state.session_id === session) {
    return { stages: state.stages, validation_status: state.validation_status, source: "project" };
  }
  const inferred = inferredStages(status ?? (await statusOf(store, project, session)));
  if (inferred) return { stages: inferred, validation_status: "unknown", source: "inferred" };
  return { stages: pendingStages(), validation_status: "unknown", source: "none" };
}

/** Writes a session's own stage_state.json (a file new in idse, so it carries a `$schema`). */
export async function writeStageStateDoc(
  store: DesignStore,
  project: string,
  session: string,
  stages: Stages,
  validation: ValidationStatus,
  now: string,
  /** Stages failing at the last validation; left out of the file when undefined. */
  failing?: Stage[],
): Promise<void> {
  const key = keys.stageState(project, session);
  const doc: SessionStageState = {
    $schema: schemaRef(key, "stage-state"),
    stages,
    validation_status: validation,
    ...(failing ? { failing_stages: failing } : {}),
    updated_at: now,
  };
  await writeJsonDoc(store, key, doc);
}

/** Writes a session's stages, and mirrors them into session_state.json when it is the current one. */
export async function writeSessionStages(
  store: DesignStore,
  project: string,
  session: string,
  stages: Stages,
  validation: ValidationStatus,
  now: string,
  /** Stages failing at the last validation: kept in the session's own file only (session_state.json
   *  keeps the original's keys). */
  failing?: Stage[],
): Promise<void> {
  const state = await readProjectState(store, project); // read first: a corrupt file stops us unchanged
  const mirror = state !== undefined && state.session_id === session;
  // Two files that must agree: the journal lets a run killed between them be completed (recovery.ts).
  if (mirror) await beginIntent(store, project, { op: "stage-mirror", session });
  await writeStageStateDoc(store, project, session, stages, validation, now, failing);
  if (mirror) {
    await writeJsonDoc(store, keys.sessionState(project), {
      ...state,
      stages,
      validation_status: validation,
    });
    await endIntent(store, project);
  }
}

/** Rewrites session_state.json to describe `session`, keeping the project-wide fields. */
export async function pointStateAt(store: DesignStore, project: string, session: string, now: string) {
  // A corrupt state file stops here with CORRUPT_FILE naming it: `doctor --fix` moves it aside and
  // rebuilds it, rather than a switch silently overwriting what is left of it.
  const previous = await readProjectState(store, project);
  // Keep the stages of the session we leave, so switching back restores them.
  if (previous && previous.session_id !== session) {
    const own = await store.has(keys.stageState(project, previous.session_id));
    const exists = await store.has(keys.session(project, previous.session_id));
    if (!own && exists) {
      await writeStageStateDoc(
        store,
        project,
        previous.session_id,
        previous.stages,
        previous.validation_status,
        now,
      );
    }
  }
  const next = await readSessionStages(store, project, session, previous ?? null);
  const state: SessionState = {
    ...(previous ?? {}),
    project_name: project,
    session_id: session,
    is_blueprint: session === BLUEPRINT,
    stages: next.stages,
    last_sync: previous?.last_sync ?? null,
    validation_status: next.validation_status,
    // A session whose own stage state records its creation (the original's SQLite mode kept one per
    // session) brings it; otherwise the file keeps its own, as the original's file mode did.
    created_at:
      (previous && previous.session_id === session ? undefined : next.created_at) ??
      previous?.created_at ??
      now,
  };
  await writeJsonDoc(store, keys.sessionState(project), state);
  return state;
}

/** Stamps the project's state file with the time of a sync that moved everything; no file, nothing. */
export async function recordLastSync(store: DesignStore, project: string, now: string): Promise<void> {
  const ps = await readProjectState(store, project);
  if (ps) await writeJsonDoc(store, keys.sessionState(project), { ...ps, last_sync: now });
}

export function progressPercent(stages: Stages, status?: string): number {
  if (status === "complete") return 100;
  const done = STAGES.filter((s) => stages[s] === "completed").length;
  return Math.round((done / STAGES.length) * 100);
}
