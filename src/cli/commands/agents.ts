import {
  addAgent,
  assertAgentId,
  loadRegistry,
  parseStages,
  removeAgent,
  unroutedStages,
  updateAgent,
  writeRegistry,
} from "../../agent-registry.ts";
import { IdseError, notice } from "../../errors.ts";
import { AGENT_MODES, type Agent, type AgentMode, type AgentRegistry } from "../../models/agent-registry.ts";
import type { AgentChangeOutput, AgentsListOutput, SyncOutput } from "../../models/routing.ts";
import { ROUTING_PLUGIN_NAMES } from "../../routing/index.ts";
import { type Context, defineCommand } from "../command.ts";
import { table } from "./shared.ts";

// `idse agents …`: the registry of IDE agents (which agent owns which stage, in which mode) and the
// instruction files generated from it. Reading never rewrites agent_registry.json.

export const agentsList = defineCommand<Record<string, never>, AgentsListOutput>({
  async run(ctx) {
    const ws = ctx.workspace();
    const project = await ctx.project();
    const { registry, source } = await loadRegistry(ws.store, project);
    const { agentView } = await import("../../routing/agent-routing.ts");
    if (source === "default") ctx.report(registryMissing(project));
    return { project, source, agents: registry.agents.map(agentView) };
  },
  text: (d) =>
    table(
      ["ID", "ROLE", "MODE", "IDE", "STAGES"],
      d.agents.map((a) => [a.id, a.role, a.mode, a.ide ?? "-", a.stages.join(",") || "-"]),
    ),
});

/** Built-in adapters plus the routing plugins installed in the repository (read from plugins.json only). */
async function routingNames(ctx: Context): Promise<string[]> {
  const { readLock } = await import("../../plugins/lockfile.ts");
  const installed = readLock(ctx.workspace().idseDir).plugins.filter((p) => p.kind === "routing");
  return [...ROUTING_PLUGIN_NAMES, ...installed.map((p) => p.name)];
}

const registryMissing = (project: string) => notice("REGISTRY_DEFAULTS", { project });

type Change = { registry: AgentRegistry; agent: Agent; action: AgentChangeOutput["action"]; message: string };

/** Reads the registry under the project lock, applies one change, writes it, and warns about gaps. */
async function change(ctx: Context, fn: (r: AgentRegistry, project: string) => Change) {
  const project = await ctx.project();
  const { agentView } = await import("../../routing/agent-routing.ts");
  return ctx.mutate(project, async (ws): Promise<AgentChangeOutput> => {
    const { registry } = await loadRegistry(ws.store, project);
    const r = fn(registry, project);
    await writeRegistry(ws.store, project, r.registry);
    const before = new Set(unroutedStages(registry));
    const lost = unroutedStages(r.registry).filter((s) => !before.has(s));
    if (lost.length) {
      ctx.report(notice("NO_AGENT_FOR_STAGE", { stages: lost, lost: true }));
    }
    const agents = r.registry.agents.map(agentView);
    return { project, action: r.action, agent: agentView(r.agent), agents, message: r.message };
  });
}

const say = (d: AgentChangeOutput) => d.message;
const modeOf = (value: string): AgentMode => {
  if (!(AGENT_MODES as readonly string[]).includes(value)) {
    throw new IdseError("INVALID_ENUM", { value, option: "<mode>", allowed: [...AGENT_MODES] });
  }
  return value as AgentMode;
};

interface AddOptions {
  role?: string;
  mode: string;
  stages: string[];
  name?: string;
  description?: string;
  ide?: string;
}

export const agentsAdd = defineCommand<AddOptions, AgentChangeOutput>({
  options: [
    { flags: "--mode <mode>", description: "Mode", choices: AGENT_MODES, required: true },
    { flags: "--stages <stages>", description: "Stages, comma-separated (repeatable)", multiple: true },
    { flags: "--role <role>", description: "Role (default: planner or implementer, by mode)" },
    { flags: "--ide <ide>", description: `IDE it runs in (${ROUTING_PLUGIN_NAMES.join(", ")})` },
    { flags: "--name <name>", description: "Display name" },
    { flags: "--description <text>", description: "What the agent is for" },
  ],
  examples: ["idse agents add gemini --ide gemini --mode planning --stages intent,context"],
  async run(ctx, [idArg], o) {
    const id = assertAgentId(idArg!);
    const mode = modeOf(o.mode);
    const stages = parseStages(o.stages ?? []);
    if (o.ide !== undefined) assertAgentId(o.ide);
    const agent: Agent = {
      id,
      role: o.role ?? (mode === "planning" ? "planner" : "implementer"),
      mode,
      stages,
    };
    if (o.name !== undefined) agent.name = o.name;
    if (o.description !== undefined) agent.description = o.description;
    if (o.ide !== undefined) agent.ide = o.ide;
    if (o.ide !== undefined && !(await routingNames(ctx)).includes(o.ide)) {
      ctx.report(notice("UNKNOWN_IDE", { ide: o.ide, adapters: [...ROUTING_PLUGIN_NAMES] }));
    }
    return change(ctx, (r, project) => ({
      registry: addAgent(r, project, agent),
      agent,
      action: "added",
      message: `Registered ${id} (${mode} mode) for ${stages.join(", ") || "no stage"}.`,
    }));
  },
  text: say,
});

export const agentsRemove = defineCommand<Record<string, never>, AgentChangeOutput>({
  run: (ctx, [id]) =>
    change(ctx, (r, project) => {
      const { registry, agent } = removeAgent(r, project, id!);
      return { registry, agent, action: "removed", message: `Removed ${agent.id}.` };
    }),
  text: say,
});

function setter(arg: string, apply: (a: Agent, value: string) => Agent) {
  return defineCommand<Record<string, never>, AgentChangeOutput>({
    run: (ctx, [id, value]) =>
      change(ctx, (r, project) => {
        const { registry, agent } = updateAgent(r, project, id!, (a) => apply(a, value!));
        const shown = arg === "stages" ? agent.stages.join(", ") || "no stage" : value;
        return { registry, agent, action: "updated", message: `${agent.id}: ${arg} is now ${shown}.` };
      }),
    text: say,
  });
}

export const agentsSetMode = setter("mode", (a, v) => ({
  ...a,
  mode: modeOf(v),
}));
export const agentsSetRole = setter("role", (a, v) => ({ ...a, role: v }));
export const agentsSetStages = setter("stages", (a, v) => ({ ...a, stages: parseStages([v]) }));

interface SyncOptions {
  check?: boolean;
  force?: boolean;
  ide: string[];
}

function syncCommand() {
  return defineCommand<SyncOptions, SyncOutput>({
    options: [
      {
        flags: "--check",
        description: "Write nothing; exit 1 when a generated file is missing, stale or edited",
      },
      {
        flags: "--force",
        description: "Also regenerate blocks edited by hand and add blocks to unmarked files",
      },
      {
        flags: "--ide <ide>",
        description: `Render only this adapter, and keep it enabled (repeatable): ${ROUTING_PLUGIN_NAMES.join(", ")} or an installed routing plugin`,
        multiple: true,
      },
    ],
    async run(ctx, _args, o) {
      const project = await ctx.project();
      const { syncAgentFiles } = await import("../../routing/sync.ts");
      const opts = { ides: o.ide ?? [], force: o.force === true, check: o.check === true };
      const sync = async (ws: ReturnType<Context["workspace"]>) => {
        const r = await syncAgentFiles(ws, project, opts);
        for (const d of r.diagnostics) ctx.report(d);
        return r.data;
      };
      return opts.check ? sync(ctx.workspace()) : ctx.mutate(project, sync);
    },
    text: (d) =>
      d.files
        .map((f) => `  ${f.action.padEnd(9)} ${f.path}${f.reason ? ` (${f.reason})` : ""}`)
        .concat(d.check ? [d.stale ? "Agent files are stale." : "Agent files are current."] : [])
        .join("\n"),
    exitCode: (d) => (d.check && d.stale ? 1 : 0),
  });
}

export const agentsSyncFiles = syncCommand();
/** The Python original's name for `agents sync-files`. */
export const generateAgentFiles = syncCommand();
