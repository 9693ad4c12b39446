import { routeAll } from "../../agent-registry.ts";
import { IdseError } from "../../errors.ts";
import type { Agent, AgentRegistry } from "../../models/agent-registry.ts";
import type { Stage } from "../../models/common.ts";
import { ideOf, routingAdapters } from "../../routing/agent-routing.ts";

// Which agent the server serves, and what it may change. The server is told the agent with `--agent`
// (an agent id, or an IDE name such as claude-code or cursor), else it takes the name the client declares
// at initialize. Either is looked up in the project's agent registry at every call, so `idse agents
// set-mode` takes effect without a restart. The rule, precisely:
//   - an implementation-mode agent may write every stage document and set every stage's status;
//   - a planning-mode agent may write (and set the status of) only the stages the registry routes to at
//     least one planning-mode agent: with the default registry, every stage but implementation;
//   - an agent the registry does not know may read, route and validate, and change nothing.
// No tool touches agent modes, plugins, remotes, config or trust: those stay CLI-only.

/** The registry agent a declared name stands for: an agent id, else the first agent of that IDE. */
export function findAgent(registry: AgentRegistry, name: string | undefined): Agent | undefined {
  if (!name) return undefined;
  const n = name.toLowerCase();
  const exact = registry.agents.find((a) => a.id === n);
  if (exact) return exact;
  // Client names vary ("claude-code", "cursor-vscode", "Visual Studio Code"): match an IDE's aliases.
  const words = n.split(/[^a-z0-9]+/).filter(Boolean);
  const ide = routingAdapters().find(
    (a) => a.aliases.includes(n) || a.name === n || (words.length > 0 && a.aliases.includes(words[0]!)),
  );
  if (!ide) return undefined;
  return registry.agents.find((a) => ideOf(a) === ide.name);
}

/** Stages whose documents a planning-mode agent may write: those routed to a planning-mode agent. */
export function planningStages(registry: AgentRegistry): Stage[] {
  const all: Stage[] = ["intent", "context", "spec", "plan", "tasks", "implementation", "feedback"];
  return all.filter((s) => routeAll(registry, s).some((a) => a.mode === "planning"));
}

/** Throws unless `agent` may change `stage` (its document or its status); `what` names the action. */
export function assertMayChange(
  registry: AgentRegistry,
  project: string,
  declared: string | undefined,
  stage: Stage | undefined,
  what: string,
): Agent {
  const agent = findAgent(registry, declared);
  if (!agent) {
    throw new IdseError("MCP_AGENT_UNKNOWN", {
      agent: declared ?? "",
      project,
      known: registry.agents.map((a) => a.id),
      action: what,
    });
  }
  if (agent.mode === "planning" && stage !== undefined && !planningStages(registry).includes(stage)) {
    throw new IdseError("MCP_MODE_DENIED", {
      agent: agent.id,
      stage,
      action: what,
      allowed: planningStages(registry),
    });
  }
  return agent;
}
