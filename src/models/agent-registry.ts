import * as v from "valibot";
import { d, Stage } from "./common.ts";

export const AGENT_MODES = ["planning", "implementation"] as const;

export const Agent = d(
  v.looseObject({
    id: d(v.pipe(v.string(), v.minLength(1)), "Agent id, e.g. claude-code."),
    role: d(v.string(), "What the agent does in the pipeline, e.g. orchestrator or implementer."),
    mode: d(v.picklist(AGENT_MODES), "The mode the agent must stay in."),
    stages: d(v.array(Stage), "Stages routed to this agent."),
  }),
  "One IDE agent and the stages routed to it.",
);
export type Agent = v.InferOutput<typeof Agent>;

/** `projects/<project>/agent_registry.json`; same keys as the Python original. */
export const AgentRegistry = d(
  v.looseObject({ agents: d(v.array(Agent), "Registered agents.") }),
  "The IDE agents of a project and their stages (agent_registry.json).",
);
export type AgentRegistry = v.InferOutput<typeof AgentRegistry>;
