import { type Claim, readLedger, replay } from "../claims-ledger.ts";
import { type Code, IdseError } from "../errors.ts";
import { BLUEPRINT } from "../ids.ts";
import type { QueueItem } from "../models/queue.ts";
import { SyncStateFile } from "../models/sync.ts";
import type { ValidationReport } from "../models/validation.ts";
import { type Graph, lineageGraph } from "../project-graph.ts";
import type { Stages } from "../stage-state.ts";
import type { DesignStore } from "../store/contract.ts";
import { readJsonDoc } from "../store/documents.ts";
import { keys } from "../store/layout.ts";
import { spineTable } from "../sync/spine.ts";
import { isBaseFileName, lastSyncOf } from "../sync/state.ts";
import { validateSessions } from "../validation/run.ts";
import { projectQueue, sortQueue } from "../work-queue.ts";
import { listProjects } from "../workspace.ts";

// Everything `idse report` draws, read once: per project the lineage with each session's stages, the
// findings of a validation run (nothing is recorded: the report only reads), the sync bases, the queue,
// the Product Spine table of the blueprint's spec when it has one, and the blueprint's claims ledger.

export interface SyncSummary {
  remote: string;
  location: string;
  last_sync: string | null;
  artifacts: number;
  conflicts: { session: string; key: string }[];
}

export interface ProjectReport {
  project: string;
  current: boolean;
  graph: Graph;
  stages: Map<string, Stages>;
  reports: ValidationReport[];
  sync: SyncSummary[];
  queue: QueueItem[];
  /** Rows of the Product Spine table (cells split), or null when the blueprint's spec has none. */
  spine: string[][] | null;
  claims: ClaimsSummary;
}

/**
 * The blueprint's claims ledger replayed: every claim (any status) by id, its file, or why it could not be
 * read (a broken hash chain is drawn as a finding, not a failed report: the page shows the rest).
 */
export interface ClaimsSummary {
  file: string;
  claims: Claim[];
  error: { code: Code; message: string; hint?: string } | null;
}

export interface ReportData {
  generated_at: string;
  version: string;
  projects: ProjectReport[];
}

async function syncSummaries(store: DesignStore, project: string): Promise<SyncSummary[]> {
  const dir = `${keys.project(project)}/sync`;
  const files = (await store.list(dir)).filter((e) => e.kind === "file" && isBaseFileName(e.name));
  const out: SyncSummary[] = [];
  for (const f of files.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const s = await readJsonDoc(store, `${dir}/${f.name}`, SyncStateFile);
    if (!s) continue;
    const conflicts = Object.entries(s.artifacts)
      .filter(([, b]) => b.pending_remote)
      .map(([key]) => ({ key, session: /sessions\/([^/]+)\//.exec(key)?.[1] ?? "" }));
    out.push({
      remote: s.remote,
      location: s.location,
      last_sync: await lastSyncOf(store, project, s.remote, s.last_sync),
      artifacts: Object.keys(s.artifacts).length,
      conflicts,
    });
  }
  return out;
}

async function claimsSummary(store: DesignStore, project: string): Promise<ClaimsSummary> {
  const file = `.idse/projects/${project}/sessions/${BLUEPRINT}/metadata/claims.jsonl`;
  try {
    const ledger = await readLedger(store, project);
    const claims = [...replay(ledger.events).claims.values()].sort((a, b) => a.claim_id - b.claim_id);
    return { file: ledger.file, claims, error: null };
  } catch (e) {
    if (!(e instanceof IdseError)) throw e;
    const hint = e.hint;
    return { file, claims: [], error: { code: e.code, message: e.message, ...(hint ? { hint } : {}) } };
  }
}

export async function collectReport(
  store: DesignStore,
  o: { stack: string; now: string; version: string; only?: string },
): Promise<ReportData> {
  const all = await listProjects(store);
  const current = (await store.read(keys.currentProject))?.trim();
  const projects: ProjectReport[] = [];
  for (const project of o.only ? [o.only] : all) {
    const [graph, queue, sync, spec, claims] = await Promise.all([
      lineageGraph(store, project),
      projectQueue(store, project, { qualify: all.length > 1 }),
      syncSummaries(store, project),
      store.read(keys.artifact(project, BLUEPRINT, "spec")),
      claimsSummary(store, project),
    ]);
    const { reports } = await validateSessions(
      store,
      project,
      graph.nodes.map((n) => n.id),
      { stack: o.stack },
    );
    const table = spineTable(spec);
    const spine = table
      ? table
          .split("\n")
          .filter((row) => row && !/^[\s|:-]+$/.test(row))
          .map((row) => row.split("|"))
      : null;
    projects.push({
      project,
      current: project === current || all.length === 1,
      graph,
      stages: graph.stages,
      reports,
      sync,
      queue: sortQueue(queue),
      spine: spine?.length ? spine : null,
      claims,
    });
  }
  return { generated_at: o.now, version: o.version, projects };
}
