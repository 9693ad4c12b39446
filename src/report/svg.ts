import type { Graph } from "../project-graph.ts";
import type { Stages } from "../stage-state.ts";
import { STAGES } from "../store/layout.ts";
import { esc } from "./escape.ts";

// The session lineage as inline SVG: one row per session (parents first), indented by depth with elbow
// connectors from the parent, and a seven-cell bar of its stages on the left. Rows, not a layered
// layout: a blueprint with a thousand children stays readable (and small) as a tall list, where a tree
// laid out sideways would be tens of thousands of pixels wide.

const ROW = 22;
const CELL = 12;
const BAR = STAGES.length * CELL;
const INDENT = 18;
const TREE_X = BAR + 16;

export function lineageSvg(g: Graph, stages: Map<string, Stages>): string {
  const row = new Map(g.nodes.map((n, i) => [n.id, i]));
  const parent = new Map(g.edges.map((e) => [e.to, e.from]));
  const depth = new Map<string, number>();
  for (const n of g.nodes) {
    const p = parent.get(n.id);
    depth.set(n.id, p !== undefined && depth.has(p) ? depth.get(p)! + 1 : 0);
  }
  const maxDepth = Math.max(0, ...depth.values());
  const width = TREE_X + maxDepth * INDENT + 420;
  const height = g.nodes.length * ROW + 8;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="lineage" role="img" aria-label="Session lineage of ${esc(g.project)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  ];
  for (const [i, n] of g.nodes.entries()) {
    const y = i * ROW + 4;
    const x = TREE_X + depth.get(n.id)! * INDENT;
    const st = stages.get(n.id);
    const cells = STAGES.map(
      (s, k) =>
        `<rect x="${k * CELL}" y="${y + 4}" width="${CELL - 2}" height="${CELL}" class="s-${st?.[s] ?? "pending"}"><title>${s}: ${st?.[s] ?? "pending"}</title></rect>`,
    ).join("");
    const p = parent.get(n.id);
    const link =
      p !== undefined && row.has(p)
        ? `<path class="edge" d="M${TREE_X + depth.get(p)! * INDENT + 4},${row.get(p)! * ROW + 4 + 16}V${y + 10}H${x - 2}"/>`
        : "";
    out.push(
      `<g data-session="${esc(n.id)}">${cells}${link}<circle cx="${x + 4}" cy="${y + 10}" r="4" class="n-${n.status}${n.current ? " current" : ""}"/><text x="${x + 12}" y="${y + 14}">${esc(n.id)} <tspan class="muted">${n.completed}/7 · ${esc(n.status)} · ${esc(n.owner ?? "")}</tspan></text></g>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}
