import type { AgentView } from "../models/routing.ts";
import { PLUGIN_API_VERSION } from "../plugins/api.ts";
import { AGENT_INSTRUCTIONS } from "../templates.ts";
import type { RenderContext, RoutingHostApi } from "./types.ts";

// The host side of the routing-plugin API: the instruction document every adapter wraps. It holds only
// what changes rarely (the registry and the current session), not stage progress, so generated files
// stay current between `idse agents sync-files` runs; agents ask `idse route --next` for live state.

const list = (xs: string[]) => (xs.length ? xs.join(", ") : "none");

function agentLine(a: AgentView): string {
  const about = a.description ? ` ${a.description}` : "";
  const name = a.name ? ` (${a.name})` : "";
  return `- \`${a.id}\`${name}, ${a.role}, **${a.mode}** mode; stages: ${list(a.stages)}.${about}`;
}

function you(ctx: RenderContext): string {
  if (ctx.agents.length === 0) {
    return [
      `No agent in \`agent_registry.json\` runs in ${ctx.label}, so no stage is routed to you: work in`,
      `**planning** mode, and ask the user to register you (\`idse agents add <id> --ide ${ctx.ide} --mode`,
      "<mode> --stages <stages>`).",
    ].join("\n");
  }
  const lines = ctx.agents.map(agentLine);
  if (ctx.agents.length > 1) {
    lines.push(
      "",
      "Several agents run here: you are the one that owns the stage you work on, in that agent's mode.",
    );
  }
  return lines.join("\n");
}

export function renderInstructions(ctx: RenderContext, o: { title: string; intro: string }): string {
  const session = ctx.session
    ? `\`${ctx.session.id}\` (${ctx.session.type}${ctx.session.description ? `: ${ctx.session.description.replace(/\s+/g, " ").slice(0, 120)}` : ""})`
    : "none (`idse session switch <id>`)";
  const rows = ctx.routes
    .map(
      (r) =>
        `| ${r.stage} | ${r.agents.length ? r.agents.map((a) => `\`${a}\``).join(", ") : "—"} | ${r.mode ?? "—"} |`,
    )
    .join("\n");
  const routes = `| Stage | Agents (owner first) | Mode |\n| --- | --- | --- |\n${rows}`;
  const vars: Record<string, string> = {
    title: o.title,
    project: ctx.project,
    intro: o.intro,
    you: you(ctx),
    session,
    routes,
  };
  return AGENT_INSTRUCTIONS.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

export const hostApi: RoutingHostApi = { apiVersion: PLUGIN_API_VERSION, instructions: renderInstructions };
