import { IdseError, notice } from "../../errors.ts";
import { assertExistingId } from "../../ids.ts";
import type { ProjectListOutput, ProjectUseOutput } from "../../models/outputs-project.ts";
import { listSessionIds, readCurrentSession } from "../../session-graph.ts";
import {
  listProjects,
  projectExists,
  readCurrentProject,
  resolveProject,
  writeCurrentProject,
} from "../../workspace.ts";
import { defineCommand } from "../command.ts";
import { table } from "./shared.ts";

// `idse project list|use`: the projects of the workspace, and which one commands act on when none is
// named (projects/CURRENT_PROJECT, which `init` points at the project it creates).

async function currentProject(ctx: Parameters<typeof projectList.run>[0]): Promise<string | null> {
  const ws = ctx.workspace();
  return (await readCurrentProject(ws.store)) ?? null;
}

export const projectList = defineCommand<Record<string, never>, ProjectListOutput>({
  examples: ["idse project list", "idse project list --json"],
  async run(ctx) {
    const ws = ctx.workspace();
    // The project a command without --project acts on (IDSE_PROJECT, the only one, CURRENT_PROJECT).
    const current = await resolveProject(ws, undefined, ctx.io.env).catch(() => null);
    const projects = await Promise.all(
      (await listProjects(ws.store)).map(async (project) => ({
        project,
        current: project === current,
        sessions: (await listSessionIds(ws.store, project)).length,
        current_session: (await readCurrentSession(ws.store, project)) ?? null,
      })),
    );
    return { current: projects.some((p) => p.current) ? current : null, projects };
  },
  text: (d) =>
    d.projects.length === 0
      ? "No projects yet: run `idse init <project>`."
      : table(
          ["  PROJECT", "SESSIONS", "CURRENT SESSION"],
          d.projects.map((p) => [
            `${p.current ? "* " : "  "}${p.project}`,
            String(p.sessions),
            p.current_session ?? "-",
          ]),
        ),
});

export const projectUse = defineCommand<Record<string, never>, ProjectUseOutput>({
  examples: ["idse project use shop"],
  async run(ctx, [name]) {
    const project = assertExistingId("project", name!);
    const ws = ctx.workspace();
    if (!(await projectExists(ws.store, project))) {
      throw new IdseError("PROJECT_NOT_FOUND", { project, projects: await listProjects(ws.store) });
    }
    const previous = await currentProject(ctx);
    await ctx.mutate(project, async () => writeCurrentProject(ws.store, project));
    const shadowed = ctx.io.env.IDSE_PROJECT;
    if (shadowed && shadowed !== project) {
      ctx.report(notice("PROJECT_SHADOWED", { env_project: shadowed }));
    }
    return { project, previous };
  },
  text: (d) =>
    d.previous === d.project
      ? `${d.project} was already the current project.`
      : `Now using project ${d.project}${d.previous ? ` (was ${d.previous})` : ""}.`,
});
