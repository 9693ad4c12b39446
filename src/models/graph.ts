import * as v from "valibot";
import { AGENT_MODES } from "./agent-registry.ts";
import { d, Id, STAGE_STATUSES } from "./common.ts";
import { SESSION_STATUSES } from "./session-metadata.ts";

// What `idse graph` prints: the session lineage of a project (each session with its pipeline progress),
// or one session's stage pipeline, as nodes and edges plus the text in the chosen format.

export const GRAPH_FORMATS = ["mermaid", "dot", "json"] as const;

export const GraphNode = d(
  v.object({
    id: d(v.string(), "Session id (lineage) or stage name (pipeline)."),
    label: d(v.string(), "What the picture writes in the node."),
    status: d(
      v.union([v.picklist(SESSION_STATUSES), v.picklist(STAGE_STATUSES)]),
      "Session status (lineage) or stage status (pipeline).",
    ),
    progress: d(v.nullable(v.number()), "Completed stages in percent (lineage), or null (pipeline)."),
    completed: d(v.nullable(v.number()), "Completed stages of seven (lineage), or null (pipeline)."),
    owner: d(v.nullable(v.string()), "Session owner (lineage), or null."),
    agent: d(v.nullable(v.string()), "The agent the stage is routed to (pipeline), or null."),
    mode: d(v.nullable(v.picklist(AGENT_MODES)), "That agent's mode (pipeline), or null."),
    current: d(v.boolean(), "The current session (lineage), or the session's next stage (pipeline)."),
  }),
  "A node of the graph.",
);

export const GraphOutput = d(
  v.object({
    project: Id,
    view: d(v.picklist(["lineage", "pipeline"]), "lineage: the sessions; pipeline: one session's stages."),
    session: d(v.nullable(Id), "The session whose pipeline is shown (--session), or null."),
    format: d(v.picklist(GRAPH_FORMATS), "The format of `text`."),
    nodes: d(v.array(GraphNode), "Nodes: sessions parents first, or stages in pipeline order."),
    edges: d(
      v.array(
        d(
          v.object({
            from: d(v.string(), "Parent or earlier stage."),
            to: d(v.string(), "Child or next stage."),
          }),
          "Parent → child, or stage → next stage.",
        ),
      ),
      "Edges.",
    ),
    text: d(v.string(), "The graph in the chosen format (Mermaid flowchart, Graphviz DOT, or JSON)."),
  }),
  "Result of `idse graph`.",
);
export type GraphOutput = v.InferOutput<typeof GraphOutput>;
export type GraphNode = v.InferOutput<typeof GraphNode>;
