import { IdseError } from "./errors.ts";
import { AGENT_ID, type Agent, AgentRegistry } from "./models/agent-registry.ts";
import type { DesignStore } from "./store/contract.ts";
import { readJsonDoc, writeJsonDoc } from "./store/documents.ts";
import { keys, STAGES, type Stage } from "./store/layout.ts";

// AgentRegistry: which IDE agent owns which stage, and in which mode. The file is only ever written by
// init, doctor and the `idse agents` commands that change it; reading it never rewrites it (the Python
// original's `status` wiped registries it could not parse). A missing file reads as the defaults, in
// memory only.

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

/** The registry, or the defaults (not written) when the file is missing; a bad file is CORRUPT_FILE. */
export async function loadRegistry(
  store: DesignStore,
  project: string,
): Promise<{ registry: AgentRegistry; source: "file" | "default" }> {
  const registry = await readRegistry(store, project);
  return registry ? { registry, source: "file" } : { registry: defaultRegistry(), source: "default" };
}

export async function writeRegistry(store: DesignStore, project: string, registry: AgentRegistry) {
  await writeJsonDoc(store, keys.agentRegistry(project), registry);
}

/** The agent a stage is routed to: the first registered agent that lists the stage. */
export function routeStage(registry: AgentRegistry | undefined, stage: Stage): Agent | undefined {
  return registry?.agents.find((a) => a.stages.includes(stage));
}

/** Every agent that lists the stage, in registry order (the first one owns it). */
export function routeAll(registry: AgentRegistry, stage: Stage): Agent[] {
  return registry.agents.filter((a) => a.stages.includes(stage));
}

export function assertAgentId(id: string): string {
  if (!AGENT_ID.test(id)) {
    throw new IdseError("INVALID_ID", {
      kind: "agent",
      id,
      reason: "use lowercase letters, digits, '.', '_' and '-'",
    });
  }
  return id;
}

/** Parses `intent,context spec` (commas or spaces; `none` or "" for no stage) into stages. */
export function parseStages(raw: string[]): Stage[] {
  const words = raw.flatMap((r) => r.split(/[\s,]+/)).filter((w) => w !== "" && w !== "none");
  for (const w of words) {
    if (!(STAGES as readonly string[]).includes(w)) {
      throw new IdseError("INVALID_ENUM", { value: w, option: "--stages", allowed: [...STAGES] });
    }
  }
  return STAGES.filter((s) => words.includes(s));
}

function find(registry: AgentRegistry, project: string, id: string): Agent {
  const agent = registry.agents.find((a) => a.id === id);
  if (!agent) {
    throw new IdseError("AGENT_NOT_FOUND", { agent: id, project, known: registry.agents.map((a) => a.id) });
  }
  return agent;
}

export function addAgent(registry: AgentRegistry, project: string, agent: Agent): AgentRegistry {
  if (registry.agents.some((a) => a.id === agent.id))
    throw new IdseError("AGENT_EXISTS", { agent: agent.id, project });
  return { ...registry, agents: [...registry.agents, agent] };
}

export function removeAgent(registry: AgentRegistry, project: string, id: string) {
  const agent = find(registry, project, id);
  return { registry: { ...registry, agents: registry.agents.filter((a) => a !== agent) }, agent };
}

/** Changes one agent; unknown keys of the agent and of the file are kept. */
export function updateAgent(
  registry: AgentRegistry,
  project: string,
  id: string,
  change: (a: Agent) => Agent,
) {
  const agent = find(registry, project, id);
  const next = change(agent);
  return {
    registry: { ...registry, agents: registry.agents.map((a) => (a === agent ? next : a)) },
    agent: next,
  };
}

/** Stages no agent is routed to. */
export function unroutedStages(registry: AgentRegistry): Stage[] {
  return STAGES.filter((s) => !routeStage(registry, s));
}
