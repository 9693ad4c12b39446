import { IdseError } from "../../errors.ts";
import type { NextOutput } from "../../models/queue.ts";
import { projectQueue, sortQueue } from "../../work-queue.ts";
import { listProjects } from "../../workspace.ts";
import { defineCommand } from "../command.ts";
import { table } from "./shared.ts";

// `idse next`: one queue of what to do next across the sessions of a project (or of every project):
// each open session's next stage, whether it is ready, in progress or blocked (and by what), the agent
// that owns it, and the command that starts it. `idse route --next` stays the one-session view.

interface NextOpts {
  allProjects?: boolean;
  agent?: string;
  owner?: string;
  mine?: boolean;
  limit?: string;
}

export const next = defineCommand<NextOpts, NextOutput>({
  options: [
    { flags: "--all-projects", description: "Every project of the workspace (default: the project)" },
    { flags: "--agent <id>", description: "Only stages routed to this agent" },
    { flags: "--owner <name>", description: "Only sessions this person owns" },
    {
      flags: "--mine",
      description: "Only sessions owned by you (IDSE_OWNER, or `owner` in ~/.idseconfig.json)",
    },
    { flags: "--limit <n>", description: "Print at most n items (counts still cover all)" },
  ],
  examples: ["idse next", "idse next --all-projects --mine", "idse next --agent gpt-codex --limit 5 --json"],
  async run(ctx, _args, o) {
    if (o.owner !== undefined && o.mine) {
      throw new IdseError("USAGE", { reason: "give --owner or --mine, not both" });
    }
    if (o.allProjects && ctx.global.project !== undefined) {
      throw new IdseError("USAGE", { reason: "give --project or --all-projects, not both" });
    }
    let limit: number | undefined;
    if (o.limit !== undefined) {
      limit = Number(o.limit);
      if (!/^\d+$/.test(o.limit) || limit < 1) {
        throw new IdseError("USAGE", { reason: `--limit expects a positive whole number, got "${o.limit}"` });
      }
    }
    const ws = ctx.workspace();
    let owner = o.owner ?? null;
    if (o.mine) {
      if (ws.config.sources.owner === "default") {
        throw new IdseError("USAGE", {
          // Who "I" am is personal: the environment or the home file, not the repository's config, which
          // every clone shares (`idse config set owner` would make everyone the same person).
          reason:
            '--mine needs to know who you are: `export IDSE_OWNER=<name>` (or "owner" in ~/.idseconfig.json), or give --owner <name>',
        });
      }
      owner = ws.config.values.owner;
    }
    const all = await listProjects(ws.store);
    const projects = o.allProjects ? all : [await ctx.project()];
    const qualify = all.length > 1;
    const items = (await Promise.all(projects.map((p) => projectQueue(ws.store, p, { qualify })))).flat();
    const kept = sortQueue(
      items.filter((i) => (!owner || i.owner === owner) && (!o.agent || i.agents.includes(o.agent))),
    );
    const counts = { ready: 0, in_progress: 0, blocked: 0 };
    for (const i of kept) counts[i.state]++;
    return {
      projects,
      filter: { agent: o.agent ?? null, owner },
      counts,
      total: kept.length,
      items: limit === undefined ? kept : kept.slice(0, limit),
    };
  },
  text(d) {
    if (d.total === 0) {
      const filtered = d.filter.agent || d.filter.owner ? " for this filter" : "";
      return `Nothing to do${filtered}: every open session of ${d.projects.join(", ")} has completed its stages.`;
    }
    const multi = d.projects.length > 1;
    const rows = d.items.map((i) => [
      ...(multi ? [i.project] : []),
      i.session,
      i.stage,
      i.state === "blocked" ? `blocked: ${i.blocked_by.map((b) => b.reason).join(", ")}` : i.state,
      i.agent ? `${i.agent} (${i.mode})` : "-",
      i.owner,
      i.command,
    ]);
    const head = [...(multi ? ["PROJECT"] : []), "SESSION", "STAGE", "STATE", "AGENT", "OWNER", "RUN"];
    const shown = d.items.length < d.total ? ` (showing ${d.items.length})` : "";
    return [
      table(head, rows),
      "",
      `${d.total} item(s)${shown}: ${d.counts.ready} ready, ${d.counts.in_progress} in progress, ${d.counts.blocked} blocked.`,
    ].join("\n");
  },
});
