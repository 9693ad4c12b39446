import type { DesignStore } from "./design-store.ts";
import { readJsonDoc, writeJsonDoc } from "./documents.ts";
import { keys, type Stage } from "./layout.ts";
import { type Agent, AgentRegistry } from "./models/agent-registry.ts";

// AgentRegistry: which IDE agent owns which stage, and in which mode. The file is only ever written by
// init, doctor and explicit agent commands; reading it never rewrites it (the Python original's `status`
// wiped registries it could not parse).

export const DEFAULT_AGENTS: Agent[] = [
  {
    id: "claude-code",
    role: "orchestrator",
    mode: "planning",
    stages: ["intent", "context", "spec", "plan", "tasks", "feedback"],
  },
  { id: "gpt-codex", role: "implementer", mode: "implementation", stages: ["implementation"] },
  {
    id: "github-copilot",
    role: "implementer",
    mode: "implementation",
    stages: ["implementation", "feedback"],
  },
];

export function defaultRegistry(): AgentRegistry {
  return { agents: structuredClone(DEFAULT_AGENTS) };
}

export async function readRegistry(store: DesignStore, project: string): Promise<AgentRegistry | undefined> {
  return readJsonDoc(store, keys.agentRegistry(project), AgentRegistry);
}

export async function writeRegistry(store: DesignStore, project: string, registry: AgentRegistry) {
  await writeJsonDoc(store, keys.agentRegistry(project), registry);
}

/** The agent a stage is routed to: the first registered agent that lists the stage. */
export function routeStage(registry: AgentRegistry | undefined, stage: Stage): Agent | undefined {
  return registry?.agents.find((a) => a.stages.includes(stage));
}
