import { routeAll } from "../agent-registry.ts";
import { BLUEPRINT } from "../ids.ts";
import type { Agent, AgentMode, AgentRegistry } from "../models/agent-registry.ts";
import type { StageStatus } from "../models/common.ts";
import type { AgentView, Handoff, RouteOutput } from "../models/routing.ts";
import { coreRoutingPlugins, routingPlugins } from "../plugins/host.ts";
import { readCurrentSession, readSession } from "../session-graph.ts";
import { readSpine, touchedPrimitives } from "../spine.ts";
import { readSessionStages } from "../stage-state.ts";
import type { DesignStore } from "../store/contract.ts";
import { displayKey } from "../store/documents.ts";
import { keys, STAGES, type Stage } from "../store/layout.ts";
import { GOVERNANCE_DOCS } from "../templates.ts";
import type { Workspace } from "../workspace.ts";
import { nextStage, UPSTREAM } from "./pipeline.ts";
import type { RenderContext, RoutingPlugin, StageRoute } from "./types.ts";

// IDEAgentRouting: who handles a stage, in which mode, and what they should read, write and run (the
// handoff); and the render context the routing adapters turn into instruction files.

// No module state: the adapters a caller loaded are passed on, never remembered, so an answer does not
// depend on what ran earlier in the same process (the MCP server and in-process tests run many commands).

/** The built-in routing adapters, through the plugin host's checks and wrapping. */
export function routingAdapters(): RoutingPlugin[] {
  return coreRoutingPlugins();
}

/** The built-in adapters plus the enabled routing plugins installed in the workspace (.idse/plugins.json). */
export function loadRoutingAdapters(ws: Workspace): Promise<RoutingPlugin[]> {
  return routingPlugins(ws);
}

/** The IDE an agent runs in: its declared `ide`, else the adapter whose aliases include its id. */
export function ideOf(agent: Agent, adapters: readonly RoutingPlugin[] = routingAdapters()): string | null {
  return agent.ide ?? adapters.find((a) => a.aliases.includes(agent.id))?.name ?? null;
}

export function agentView(a: Agent): AgentView {
  return viewOf(a, routingAdapters());
}

function viewOf(a: Agent, adapters: readonly RoutingPlugin[]): AgentView {
  const view: AgentView = {
    id: a.id,
    role: a.role,
    mode: a.mode,
    stages: [...a.stages],
    ide: ideOf(a, adapters),
  };
  if (a.name !== undefined) view.name = a.name;
  if (a.description !== undefined) view.description = a.description;
  return view;
}

export function stageRoutes(registry: AgentRegistry): StageRoute[] {
  return STAGES.map((stage) => {
    const owners = routeAll(registry, stage);
    return { stage, agents: owners.map((a) => a.id), mode: owners[0]?.mode ?? null };
  });
}

export { nextStage } from "./pipeline.ts";

export type RenderBase = Omit<RenderContext, "ide" | "label" | "agents">;

export async function renderBase(
  store: DesignStore,
  project: string,
  registry: AgentRegistry,
  exists: (rel: string) => boolean,
  adapters: readonly RoutingPlugin[] = routingAdapters(),
): Promise<RenderBase> {
  const id = await readCurrentSession(store, project);
  let session: RenderContext["session"] = null;
  if (id && (await store.has(keys.session(project, id)))) {
    const { meta } = await readSession(store, project, id);
    session = { id, type: meta.session_type, description: meta.description };
  }
  return {
    project,
    session,
    registry: registry.agents.map((a) => viewOf(a, adapters)),
    routes: stageRoutes(registry),
    exists,
  };
}

export function contextFor(plugin: RoutingPlugin, base: RenderBase): RenderContext {
  const agents = base.registry.filter((a) => a.ide === plugin.name);
  return { ...base, ide: plugin.name, label: plugin.label, agents };
}

// --- handoff ---------------------------------------------------------------------------------------

/** Constitution articles by stage; I (intent) and X (layout) apply everywhere. */
const ARTICLES: Record<Stage, string[]> = {
  intent: ["I", "V", "VI", "X"],
  context: ["I", "II", "VI", "X"],
  spec: ["I", "II", "III", "IV", "V", "X"],
  plan: ["I", "II", "IV", "V", "VII", "X"],
  tasks: ["I", "IV", "VII", "VIII", "X"],
  implementation: ["I", "IV", "V", "VII", "VIII", "X"],
  feedback: ["I", "VI", "IX", "X"],
};

const MODE_RULE: Record<AgentMode, string> = {
  planning:
    "design documents only (the markdown files of the project's sessions); no code, builds, installs or idse configuration",
  implementation: "full access; build only what tasks.md lists and record it in implementation/README.md",
};

function articleTitles(): Map<string, string> {
  const text = GOVERNANCE_DOCS["IDSE_CONSTITUTION.md"] ?? "";
  return new Map([...text.matchAll(/^## Article ([IVXLC]+): (.+)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
}

export interface HandoffOptions {
  /** Commands the handoff may suggest that exist in this build, e.g. `validate`, with their options. */
  validate?: { session: boolean; stage: boolean };
}

export async function routeStageHandoff(
  store: DesignStore,
  project: string,
  session: string,
  registry: AgentRegistry,
  stage: Stage | "next",
  o: HandoffOptions = {},
): Promise<RouteOutput> {
  const { stages } = await readSessionStages(store, project, session);
  const target = stage === "next" ? nextStage(stages) : stage;
  if (!target) return { project, session, stage: null, status: null, agents: [], handoff: null };
  const owners = routeAll(registry, target).map(agentView);
  const ref = async (s: Stage, from = session) => {
    const key = keys.artifact(project, from, s);
    return {
      stage: s,
      session: from,
      path: displayKey(store, key),
      exists: await store.has(key),
      status: from === session ? stages[s] : null,
    };
  };
  const read = await Promise.all(UPSTREAM[target].map((s) => ref(s)));
  if (session !== BLUEPRINT && ["intent", "context", "spec", "feedback"].includes(target)) {
    const bp = await ref("intent", BLUEPRINT);
    if (bp.exists) read.push(bp);
  }
  const titles = articleTitles();
  const commands = [
    `idse artifact write --stage ${target} --session ${session} --file <path>`,
    ...(o.validate
      ? [
          `idse validate${o.validate.session ? ` --session ${session}` : ""}${o.validate.stage ? ` --stage ${target}` : ""}`,
        ]
      : []),
    `idse session set-stage ${session} --stage ${target} --status completed`,
    "idse route --next",
  ];
  // The doctrine in every handoff: the Spine primitives this session's documents name, and what to do
  // instead of inventing a component (null when the project declares no Spine).
  const spine = await readSpine(store, project);
  const spine_primitives = !spine.declared
    ? null
    : session === BLUEPRINT
      ? []
      : touchedPrimitives(
          spine,
          await Promise.all(STAGES.map((s) => store.read(keys.artifact(project, session, s)))),
        );
  const handoff: Omit<Handoff, "markdown"> = {
    project,
    session,
    stage: target,
    spine_primitives,
    agent: owners[0]?.id ?? null,
    mode: owners[0]?.mode ?? null,
    write: await ref(target),
    read,
    constitution: ARTICLES[target].map((article) => ({ article, title: titles.get(article) ?? "" })),
    commands,
  };
  return {
    project,
    session,
    stage: target,
    status: stages[target],
    agents: owners,
    handoff: { ...handoff, markdown: handoffMarkdown(handoff, owners, stages[target]) },
  };
}

function handoffMarkdown(h: Omit<Handoff, "markdown">, owners: AgentView[], status: StageStatus): string {
  const [owner, ...others] = owners;
  const who = owner
    ? `Owner: \`${owner.id}\` (${owner.role}), **${owner.mode}** mode: ${MODE_RULE[owner.mode]}.`
    : "Owner: no agent is routed to this stage (`idse agents set-stages <id> …`).";
  const doc = (r: Handoff["read"][number]) =>
    `- ${r.stage}${r.session !== h.session ? ` (${r.session})` : ""}: \`${r.path}\`${r.exists ? "" : " (missing)"}${r.status ? ` (${r.status})` : ""}`;
  return [
    `# Handoff: ${h.stage} of ${h.session} (${h.project})`,
    "",
    who,
    ...(others.length ? [`Also routed: ${others.map((a) => `\`${a.id}\` (${a.mode})`).join(", ")}.`] : []),
    `Stage status: ${status}.`,
    "",
    "## Write",
    "",
    `- \`${h.write.path}\`${h.write.exists ? "" : " (missing: start from the stage template)"}`,
    "",
    "## Read first",
    "",
    ...(h.read.length ? h.read.map(doc) : ["- nothing: this stage starts the session"]),
    "",
    ...(h.spine_primitives === null
      ? []
      : [
          "## Product Spine",
          "",
          h.spine_primitives.length
            ? `This session works on: ${h.spine_primitives.map((p) => `\`${p}\``).join(", ")}.`
            : "This session names no Spine primitive yet.",
          "Do not invent components: name only Spine primitives (`idse spine`), and propose a new one with `idse spine propose <name> --area <area> --layer <layer> --reason <why>`.",
          "",
        ]),
    "## Constitution",
    "",
    ...h.constitution.map((a) => `- Article ${a.article}: ${a.title}`),
    "- Full text: `.idse/governance/IDSE_CONSTITUTION.md`",
    "",
    "## Then run",
    "",
    ...h.commands.map((c) => `- \`${c}\``),
    "",
  ].join("\n");
}
