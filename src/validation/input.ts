import type { SessionState } from "../models/session-state.ts";
import { readSession } from "../session-graph.ts";
import { readSessionStages } from "../stage-state.ts";
import type { DesignStore } from "../store/contract.ts";
import { keys, SESSION_FILES, STAGE_PATHS, STAGES } from "../store/layout.ts";
import { render, STAGE_TEMPLATES } from "../templates.ts";
import type { SessionInput } from "./engine.ts";

// Builds the engine's input for one session from the DesignStore. The engine itself never does I/O.

/**
 * The files of a session's folder whose text the input is made of (relative to the folder): its metadata,
 * its stage state and its seven documents. The rest of the folder counts only by its listing. The findings
 * cache (src/validation/findings-cache.ts) keys a session on exactly these and the folders;
 * test/validation/findings-cache.test.ts fails when loadSessionInput reads anything else.
 */
export const SESSION_READS: readonly string[] = [
  SESSION_FILES.metadata,
  SESSION_FILES.stageState,
  ...STAGES.map((stage) => STAGE_PATHS[stage]),
];

export async function loadSessionInput(
  store: DesignStore,
  project: string,
  session: string,
  o: {
    stack: string;
    gate?: boolean;
    projectState?: SessionState | null;
    /** The session's tree as the caller just listed it (the findings cache's walk): not listed again. */
    files?: string[];
  },
): Promise<SessionInput> {
  const { meta } = await readSession(store, project, session);
  const { stages, validation_status, failing_stages, source } = await readSessionStages(
    store,
    project,
    session,
    o.projectState,
  );
  const vars = { project, session, stack: o.stack, date: meta.created_at.slice(0, 10), owner: meta.owner };
  const artifacts = await Promise.all(
    STAGES.map(async (stage) => {
      const key = keys.artifact(project, session, stage);
      return { stage, file: `.idse/${key}`, text: await store.read(key) };
    }),
  );
  return {
    project,
    session,
    meta,
    stages,
    artifacts,
    files: o.files ?? (await store.listTree(keys.session(project, session))),
    dir: `.idse/${keys.session(project, session)}`,
    templateFor: (stage) => render(STAGE_TEMPLATES[stage], vars),
    // Only a status the session's own file holds counts as recorded: a derived one must be written.
    previousStatus: source === "session" ? validation_status : undefined,
    previousFailing: source === "session" ? failing_stages : undefined,
    stagesInferred: source === "inferred",
    gate: o.gate,
  };
}
