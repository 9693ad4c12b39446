import { loadRegistry, routeAll } from "./agent-registry.ts";
import type { StageStatus } from "./models/common.ts";
import type { Blocker, QueueItem } from "./models/queue.ts";
import type { SessionMetadata } from "./models/session-metadata.ts";
import { SyncStateFile } from "./models/sync.ts";
import { nextStage, UPSTREAM } from "./routing/pipeline.ts";
import { byCodePoint, readAllSessions } from "./session-graph.ts";
import { readProjectState, readSessionStages, type Stages } from "./stage-state.ts";
import type { DesignStore } from "./store/contract.ts";
import { readJsonDoc } from "./store/documents.ts";
import { keys, parseArtifactKey, STAGES, type Stage } from "./store/layout.ts";
import { isBaseFileName } from "./sync/state.ts";

// WorkQueue: every open session's next stage across a project, whether it can start, who owns it, and
// the command that starts it. Its stage is the one `idse route --next` hands off (the first stage not
// completed), unless a later stage is already in progress: then that one, since someone is on it.
//
// Blocking rules (docs/commands.md#idse-next):
// - parent_stage: a child builds on its parent's design. Stage S of a child waits for the parent's S,
//   capped at spec (a child's plan, tasks or implementation waits only for the parent's spec). A parent
//   whose status is complete or archived blocks nothing.
// - upstream_stage: a stage whose inputs (UPSTREAM, the same table `route` uses) are not completed.
// - validation: a completed stage failed the session's last validation (stage_state `failing_stages`,
//   recorded by `idse validate`). A failing stage not yet completed blocks nothing: it is the work
//   itself. A state written before idse recorded failing stages (or by the original) says only
//   "failing": then the whole session is blocked until `idse validate` records which stages fail.
// - sync_conflict: an artifact of the session has a remote copy waiting to be merged (sync base
//   `pending_remote`).

const STATE_RANK = { ready: 0, in_progress: 1, blocked: 2 } as const;
/** Active work before work under review before drafts: what moves soonest comes first. */
const STATUS_RANK: Record<string, number> = { in_progress: 0, review: 1, draft: 2 };
const CLOSED = new Set(["complete", "archived"]);
const PARENT_CAP = STAGES.indexOf("spec");

export interface QueueOptions {
  /** Add `--project <p>` to the commands (the workspace has more than one project). */
  qualify: boolean;
}

interface SessionView {
  meta: SessionMetadata;
  stages: Stages;
  /** Stages failing at the last validation; null when it failed without saying which. */
  failing: Stage[] | null;
}

/** The stage a session's queue item is about: the first in progress, else the first not completed. */
export function itemStage(stages: Stages): Stage | null {
  return STAGES.find((s) => stages[s] === "in_progress") ?? nextStage(stages);
}

/** The parent's stage that stage `stage` of a child waits for. */
export function parentGate(stage: Stage): Stage {
  return STAGES[Math.min(STAGES.indexOf(stage), PARENT_CAP)]!;
}

/** Artifacts with a pending remote copy, by session: remote and stage of each. */
async function syncConflicts(
  store: DesignStore,
  project: string,
): Promise<Map<string, { remote: string; stage: Stage }[]>> {
  const out = new Map<string, { remote: string; stage: Stage }[]>();
  const dir = `${keys.project(project)}/sync`;
  const files = (await store.list(dir)).filter((e) => e.kind === "file" && isBaseFileName(e.name));
  for (const f of files.sort((a, b) => byCodePoint(a.name, b.name))) {
    const state = await readJsonDoc(store, `${dir}/${f.name}`, SyncStateFile);
    if (!state) continue;
    for (const [key, base] of Object.entries(state.artifacts)) {
      if (!base.pending_remote) continue;
      const parsed = parseArtifactKey(key);
      if (!parsed || parsed.project !== project) continue;
      const list = out.get(parsed.session) ?? [];
      list.push({ remote: state.remote, stage: parsed.stage });
      out.set(parsed.session, list);
    }
  }
  return out;
}

/** The queue items of one project, unordered (sortQueue orders them). */
export async function projectQueue(
  store: DesignStore,
  project: string,
  o: QueueOptions,
): Promise<QueueItem[]> {
  const [records, state, { registry }, conflicts] = await Promise.all([
    readAllSessions(store, project),
    readProjectState(store, project),
    loadRegistry(store, project),
    syncConflicts(store, project),
  ]);
  const views = new Map<string, SessionView>();
  // One after the other, as `status --all` does: the filesystem store reads synchronously underneath,
  // and a thousand concurrent promises only add scheduling (measured: about 2x slower).
  for (const { meta } of records) {
    const s = await readSessionStages(store, project, meta.session_id, state ?? null);
    const failing = s.failing_stages ?? (s.validation_status === "failing" ? null : []);
    views.set(meta.session_id, { meta, stages: s.stages, failing });
  }
  const p = o.qualify ? ` --project ${project}` : "";
  const route = (stage: Stage, session: string) => `idse route ${stage} --session ${session}${p}`;
  const depthOf = (id: string): number => {
    let depth = 0;
    const seen = new Set([id]);
    let parent = views.get(id)?.meta.parent_session ?? null;
    while (parent && views.has(parent) && !seen.has(parent)) {
      depth++;
      seen.add(parent);
      parent = views.get(parent)!.meta.parent_session;
    }
    return depth;
  };
  const stageDone = (v: SessionView, s: Stage) => CLOSED.has(v.meta.status) || v.stages[s] === "completed";

  const items: QueueItem[] = [];
  for (const view of views.values()) {
    const { meta, stages } = view;
    if (CLOSED.has(meta.status)) continue;
    const stage = itemStage(stages);
    if (!stage) continue;
    const id = meta.session_id;
    const blocked_by: Blocker[] = [];
    const parent = meta.parent_session ? views.get(meta.parent_session) : undefined;
    if (parent && parent.meta.session_id !== id) {
      const gate = parentGate(stage);
      if (!stageDone(parent, gate)) {
        blocked_by.push({
          reason: "parent_stage",
          session: parent.meta.session_id,
          stage: gate,
          message: `parent ${parent.meta.session_id} has not completed ${gate} (${parent.stages[gate]})`,
          command: route(gate, parent.meta.session_id),
        });
      }
    }
    for (const up of UPSTREAM[stage]) {
      if (stages[up] === "completed") continue;
      blocked_by.push({
        reason: "upstream_stage",
        session: id,
        stage: up,
        message: `${stage} reads ${up}, which is ${stages[up] as StageStatus}`,
        command: route(up, id),
      });
    }
    if (view.failing === null) {
      blocked_by.push({
        reason: "validation",
        session: id,
        stage: null,
        message: "the last validation of this session failed (run it again to see which stages)",
        command: `idse validate --session ${id}${p}`,
      });
    }
    for (const bad of view.failing ?? []) {
      if (stages[bad] !== "completed") continue;
      blocked_by.push({
        reason: "validation",
        session: id,
        stage: bad,
        message: `${bad} is completed but failed the last validation`,
        command: `idse validate --session ${id} --stage ${bad}${p}`,
      });
    }
    for (const c of conflicts.get(id) ?? []) {
      blocked_by.push({
        reason: "sync_conflict",
        session: id,
        stage: c.stage,
        remote: c.remote,
        message: `${c.stage} is in conflict with remote ${c.remote}: merge the .remote copy, delete it, push`,
        command: `idse sync status ${c.remote} --session ${id}${p}`,
      });
    }
    const owners = routeAll(registry, stage);
    const state = blocked_by.length ? "blocked" : stages[stage] === "in_progress" ? "in_progress" : "ready";
    items.push({
      project,
      session: id,
      session_status: meta.status,
      owner: meta.owner,
      parent: meta.parent_session,
      depth: depthOf(id),
      created_at: meta.created_at,
      stage,
      stage_status: stages[stage],
      state,
      blocked_by,
      agent: owners[0]?.id ?? null,
      agents: owners.map((a) => a.id),
      mode: owners[0]?.mode ?? null,
      command: blocked_by[0]?.command ?? route(stage, id),
    });
  }
  return items;
}

/** Blocked last; then lineage (parents first), session status, age (older first); then by name. */
export function compareItems(a: QueueItem, b: QueueItem): number {
  return (
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    a.depth - b.depth ||
    (STATUS_RANK[a.session_status] ?? 9) - (STATUS_RANK[b.session_status] ?? 9) ||
    byCodePoint(a.created_at, b.created_at) ||
    byCodePoint(a.project, b.project) ||
    byCodePoint(a.session, b.session)
  );
}

export function sortQueue(items: QueueItem[]): QueueItem[] {
  return items.sort(compareItems);
}
