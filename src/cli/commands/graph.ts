import { assertExistingId } from "../../ids.ts";
import type { GraphOutput } from "../../models/graph.ts";
import { GRAPH_FORMATS } from "../../models/graph.ts";
import { lineageGraph, pipelineGraph, toDot, toMermaid } from "../../project-graph.ts";
import { requireSession } from "../../session-graph.ts";
import { defineCommand } from "../command.ts";

// `idse graph`: the session lineage of a project with each session's progress, or (--session) one
// session's stage pipeline, as a Mermaid flowchart (paste it into a markdown file: GitHub draws it), a
// Graphviz digraph (`| dot -Tsvg`), or JSON.

export const graph = defineCommand<{ format?: string; session?: string }, GraphOutput>({
  options: [
    { flags: "--format <format>", description: "Output format (default: mermaid)", choices: GRAPH_FORMATS },
    { flags: "--session <id>", description: "Show this session's stage pipeline instead of the lineage" },
  ],
  examples: ["idse graph", "idse graph --format dot | dot -Tsvg > lineage.svg", "idse graph --session auth"],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    const project = await ctx.project();
    const format = (o.format ?? "mermaid") as GraphOutput["format"];
    const g =
      o.session !== undefined
        ? await pipelineGraph(
            ws.store,
            project,
            await requireSession(ws.store, project, assertExistingId("session", o.session)),
          )
        : await lineageGraph(ws.store, project);
    const base = { project: g.project, view: g.view, session: g.session, nodes: g.nodes, edges: g.edges };
    const text =
      format === "mermaid"
        ? toMermaid(g)
        : format === "dot"
          ? toDot(g)
          : `${JSON.stringify({ project: g.project, view: g.view, session: g.session, nodes: g.nodes, edges: g.edges }, null, 2)}\n`;
    return { ...base, format, text };
  },
  text: (d) => d.text.trimEnd(),
});
