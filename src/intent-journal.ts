import * as v from "valibot";
import { hostname } from "./host-name.ts";
import type { DesignStore } from "./store/contract.ts";
import { writeJsonDoc } from "./store/documents.ts";
import { keys } from "./store/layout.ts";

// The project's intent journal, `projects/<project>/.idse-intent.json`: written before a change that
// spans several documents starts, removed once the last of them is written. A process killed in between
// leaves it behind, and the next idse run (src/recovery.ts) finishes or rolls back what it names. Only
// written under the project lock, so one journal per project is enough. Internal and short-lived: it is
// never copied by `store migrate` or `store export`.

export const Intent = v.variant("op", [
  v.object({
    /** session create / spawn: the session folder, then CURRENT_SESSION and session_state.json. */
    op: v.literal("session-create"),
    session: v.string(),
    make_current: v.boolean(),
    pid: v.number(),
    host: v.string(),
    started_at: v.string(),
  }),
  v.object({
    /** session switch: session_state.json, then CURRENT_SESSION. */
    op: v.literal("session-switch"),
    session: v.string(),
    pid: v.number(),
    host: v.string(),
    started_at: v.string(),
  }),
  v.object({
    /** init: the blueprint session, the registry, CURRENT_SESSION, session_state.json, meta.md. */
    op: v.literal("project-create"),
    pid: v.number(),
    host: v.string(),
    started_at: v.string(),
  }),
  v.object({
    /** A session's stage_state.json, then its copy in session_state.json (it is the current session). */
    op: v.literal("stage-mirror"),
    session: v.string(),
    pid: v.number(),
    host: v.string(),
    started_at: v.string(),
  }),
]);
export type Intent = v.InferOutput<typeof Intent>;

type Op = DistributiveOmit<Intent, "pid" | "host" | "started_at">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export async function beginIntent(store: DesignStore, project: string, op: Op): Promise<void> {
  await writeJsonDoc(store, keys.intent(project), {
    ...op,
    pid: process.pid,
    host: hostname(),
    started_at: new Date().toISOString(),
  });
}

export async function endIntent(store: DesignStore, project: string): Promise<void> {
  await store.remove(keys.intent(project));
}

/**
 * The journal left in `project`, if any. A journal that does not parse (it is written atomically, so
 * only a hand edit makes one) names nothing to recover: it is reported as `unreadable` and removed.
 */
export async function readIntent(
  store: DesignStore,
  project: string,
): Promise<Intent | "unreadable" | undefined> {
  const text = await store.read(keys.intent(project));
  if (text === undefined) return undefined;
  try {
    const r = v.safeParse(Intent, JSON.parse(text));
    return r.success ? r.output : "unreadable";
  } catch {
    return "unreadable";
  }
}
