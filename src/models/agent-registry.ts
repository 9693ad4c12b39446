import * as v from "valibot";
import { d, Stage } from "./common.ts";

export const AGENT_MODES = ["planning", "implementation"] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

/** Agent and IDE ids: lowercase slugs, like session ids. */
export const AGENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const Agent = d(
  v.looseObject({
    id: d(v.pipe(v.string(), v.minLength(1)), "Agent id, e.g. claude-code."),
    role: d(v.string(), "What the agent does in the pipeline, e.g. orchestrator or implementer."),
    mode: d(
      v.picklist(AGENT_MODES),
      "The mode the agent must stay in: planning edits design documents only; implementation has full access.",
    ),
    stages: d(v.array(Stage), "Stages routed to this agent."),
    name: v.optional(d(v.string(), "Display name (new in idse).")),
    description: v.optional(d(v.string(), "What the agent is for (new in idse).")),
    ide: v.optional(
      d(
        v.pipe(v.string(), v.regex(AGENT_ID, "expected an IDE id such as claude-code")),
        "The IDE the agent runs in (claude-code, codex, copilot, cursor, gemini; new in idse). When absent, it is inferred from the id (claude-code, gpt-codex, github-copilot, …).",
      ),
    ),
  }),
  "One IDE agent and the stages routed to it.",
);
export type Agent = v.InferOutput<typeof Agent>;

/** `projects/<project>/agent_registry.json`; same keys as the Python original. */
export const AgentRegistry = d(
  v.looseObject({ agents: d(v.array(Agent), "Registered agents, in routing order.") }),
  "The IDE agents of a project and their stages (agent_registry.json).",
);
export type AgentRegistry = v.InferOutput<typeof AgentRegistry>;
