import type { SessionState } from "../models/session-state.ts";
import { readSession } from "../session-graph.ts";
import { readSessionStages } from "../stage-state.ts";
import type { DesignStore } from "../store/contract.ts";
import { keys, STAGES } from "../store/layout.ts";
import { render, STAGE_TEMPLATES } from "../templates.ts";
import type { SessionInput } from "./engine.ts";

// Builds the engine's input for one session from the DesignStore. The engine itself never does I/O.

/** Every entry below `prefix`, for stores without listTree (same shape as DesignStore.listTree). */
async function listFiles(store: DesignStore, prefix: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await store.list(rel ? `${prefix}/${rel}` : prefix)) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    out.push(path);
    if (e.kind === "dir") out.push(...(await listFiles(store, prefix, path)));
  }
  return out.sort();
}

export async function loadSessionInput(
  store: DesignStore,
  project: string,
  session: string,
  o: { stack: string; gate?: boolean; projectState?: SessionState | null },
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
    files: store.listTree
      ? await store.listTree(keys.session(project, session))
      : await listFiles(store, keys.session(project, session)),
    dir: `.idse/${keys.session(project, session)}`,
    templateFor: (stage) => render(STAGE_TEMPLATES[stage], vars),
    // Only a status the session's own file holds counts as recorded: a derived one must be written.
    previousStatus: source === "session" ? validation_status : undefined,
    previousFailing: source === "session" ? failing_stages : undefined,
    gate: o.gate,
  };
}
