import { loadRegistry, routeStage } from "./agent-registry.ts";
import type { GraphNode, GraphOutput } from "./models/graph.ts";
import { byCodePoint, readAllSessions, readCurrentSession } from "./session-graph.ts";
import { progressPercent, readProjectState, readSessionStages, type Stages } from "./stage-state.ts";
import type { DesignStore } from "./store/contract.ts";
import { STAGES } from "./store/layout.ts";
import { itemStage } from "./work-queue.ts";

// Pictures of a project: the session lineage (each session with its pipeline progress) and one session's
// stage pipeline, as nodes and edges, and their text as a Mermaid flowchart or a Graphviz digraph. The
// report (src/report/) draws the same nodes as SVG.

export type Graph = Pick<GraphOutput, "project" | "view" | "session" | "nodes" | "edges">;

/** Every session of a project with its stages, parents before children (then by id). */
export async function lineageGraph(
  store: DesignStore,
  project: string,
): Promise<Graph & { stages: Map<string, Stages> }> {
  const [records, state, current] = await Promise.all([
    readAllSessions(store, project),
    readProjectState(store, project),
    readCurrentSession(store, project),
  ]);
  const stages = new Map<string, Stages>();
  await Promise.all(
    records.map(async ({ meta }) => {
      stages.set(
        meta.session_id,
        (await readSessionStages(store, project, meta.session_id, state ?? null)).stages,
      );
    }),
  );
  const byId = new Map(records.map((r) => [r.meta.session_id, r.meta]));
  const kids = new Map<string, string[]>();
  const roots: string[] = [];
  for (const { meta } of records) {
    const p = meta.parent_session;
    if (p && byId.has(p) && p !== meta.session_id) kids.set(p, [...(kids.get(p) ?? []), meta.session_id]);
    else roots.push(meta.session_id);
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = roots.sort(byCodePoint);
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    queue.push(...(kids.get(id) ?? []).sort(byCodePoint));
  }
  // A parent cycle has no root: its sessions still appear, after the rest.
  for (const id of [...byId.keys()].sort(byCodePoint)) if (!seen.has(id)) order.push(id);
  const nodes: GraphNode[] = order.map((id) => {
    const meta = byId.get(id)!;
    const st = stages.get(id)!;
    const completed = meta.status === "complete" ? 7 : STAGES.filter((s) => st[s] === "completed").length;
    return {
      id,
      label: id,
      status: meta.status,
      progress: progressPercent(st, meta.status),
      completed,
      owner: meta.owner,
      agent: null,
      mode: null,
      current: id === (current ?? state?.session_id),
    };
  });
  const edges = order.flatMap((id) => {
    const p = byId.get(id)!.parent_session;
    return p && byId.has(p) && p !== id ? [{ from: p, to: id }] : [];
  });
  return { project, view: "lineage", session: null, nodes, edges, stages };
}

/** One session's seven stages in order, with their status and routed agent. */
export async function pipelineGraph(store: DesignStore, project: string, session: string): Promise<Graph> {
  const [{ stages }, { registry }] = await Promise.all([
    readSessionStages(store, project, session),
    loadRegistry(store, project),
  ]);
  const next = itemStage(stages);
  const nodes: GraphNode[] = STAGES.map((stage) => {
    const agent = routeStage(registry, stage);
    return {
      id: stage,
      label: stage,
      status: stages[stage],
      progress: null,
      completed: null,
      owner: null,
      agent: agent?.id ?? null,
      mode: agent?.mode ?? null,
      current: stage === next,
    };
  });
  const edges = STAGES.slice(1).map((stage, i) => ({ from: STAGES[i]!, to: stage }));
  return { project, view: "pipeline", session, nodes, edges };
}

// --- text formats -----------------------------------------------------------------------------------

const detail = (n: GraphNode) =>
  n.completed !== null
    ? `${n.completed}/7 · ${n.status}${n.owner ? ` · ${n.owner}` : ""}`
    : `${n.status}${n.agent ? ` · ${n.agent}` : ""}`;

/** Mermaid text in a quoted label: quotes and markup characters as entity codes (#quot; …). */
const mermaidText = (s: string) => s.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);

export function toMermaid(g: Graph): string {
  // Node ids are generated (n0, n1, …): session ids may hold characters Mermaid reads as syntax.
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = [`flowchart ${g.view === "pipeline" ? "LR" : "TD"}`];
  for (const n of g.nodes) {
    lines.push(`  ${ids.get(n.id)}["${mermaidText(n.label)}<br/>${mermaidText(detail(n))}"]`);
  }
  for (const e of g.edges) lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`);
  const classes = new Map<string, string[]>();
  for (const n of g.nodes) classes.set(n.status, [...(classes.get(n.status) ?? []), ids.get(n.id)!]);
  for (const [status, members] of [...classes].sort(([a], [b]) => byCodePoint(a, b))) {
    lines.push(`  classDef ${status} ${STYLE[status] ?? STYLE.draft}`);
    lines.push(`  class ${members.join(",")} ${status}`);
  }
  const current = g.nodes.filter((n) => n.current).map((n) => ids.get(n.id)!);
  if (current.length) lines.push(`  style ${current[0]} stroke-width:3px`);
  return `${lines.join("\n")}\n`;
}

const STYLE: Record<string, string> = {
  completed: "fill:#d3f9d8,stroke:#2b8a3e",
  complete: "fill:#d3f9d8,stroke:#2b8a3e",
  in_progress: "fill:#fff3bf,stroke:#e67700",
  review: "fill:#d0ebff,stroke:#1864ab",
  pending: "fill:#f1f3f5,stroke:#868e96",
  draft: "fill:#f1f3f5,stroke:#868e96",
  archived: "fill:#e9ecef,stroke:#adb5bd,color:#868e96",
};

const dotString = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, "\\n")}"`;

export function toDot(g: Graph): string {
  const name = g.view === "pipeline" ? `${g.project}/${g.session}` : g.project;
  const lines = [
    `digraph ${dotString(name)} {`,
    `  rankdir=${g.view === "pipeline" ? "LR" : "TB"};`,
    '  node [shape=box, style="rounded,filled", fontname="sans-serif"];',
  ];
  for (const n of g.nodes) {
    const fill = /fill:(#[0-9a-f]{6})/.exec(STYLE[n.status] ?? "")?.[1] ?? "#f1f3f5";
    const extra = n.current ? ", penwidth=3" : "";
    lines.push(
      `  ${dotString(n.id)} [label=${dotString(`${n.label}\n${detail(n)}`)}, fillcolor=${dotString(fill)}${extra}];`,
    );
  }
  for (const e of g.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
