import { IdseError } from "../../errors.ts";
import { assertExistingId, assertNewId, BLUEPRINT } from "../../ids.ts";
import { beginIntent, endIntent } from "../../intent-journal.ts";
import { STAGE_STATUSES, STAGES, type Stage, type StageStatus } from "../../models/common.ts";
import type { SessionChangeOutput } from "../../models/outputs.ts";
import { COLLABORATOR_ROLES, SESSION_STATUSES, type SessionMetadata } from "../../models/session-metadata.ts";
import { recoverLocked } from "../../recovery.ts";
import {
  createSession,
  makeCurrent,
  readCurrentSession,
  readSession,
  requireSession,
  sessionExists,
  updateSession,
} from "../../session-graph.ts";
import { readProjectState, readSessionStages, writeSessionStages } from "../../stage-state.ts";
import { completionProblems } from "../../validation/gate.ts";
import type { Workspace } from "../../workspace.ts";
import { type Context, defineCommand } from "../command.ts";
import { defaultOwner, refreshMeta } from "./shared.ts";

export type SessionChange = SessionChangeOutput;

const say = (d: SessionChange) => d.message;

/**
 * Creates a session under the project's intent journal (src/intent-journal.ts): a run killed part-way is
 * rolled back (no session.json yet) or finished by the next idse run, and so is one that fails here.
 * Never SESSION_EXISTS for a session that was never finished.
 */
async function journaled<T>(
  ctx: Context,
  ws: Workspace,
  project: string,
  id: string,
  makeCurrent: boolean,
  steps: () => Promise<T>,
): Promise<T> {
  if (await sessionExists(ws.store, project, id)) {
    throw new IdseError("SESSION_EXISTS", { project, session: id });
  }
  await beginIntent(ws.store, project, { op: "session-create", session: id, make_current: makeCurrent });
  let out: T;
  try {
    out = await steps();
  } catch (err) {
    await recoverLocked(ctx, ws, project);
    throw err;
  }
  await endIntent(ws.store, project);
  return out;
}

/** A feature session under `parent`, as `session create` and `spawn` make it (owner and stack by default). */
async function createFeature(
  ctx: Context,
  ws: Workspace,
  project: string,
  id: string,
  parent: string | null,
  opts: { owner?: string; description?: string },
) {
  return createSession(ws.store, project, {
    id,
    type: "feature",
    parent,
    owner: opts.owner ?? (await defaultOwner(ws, project)),
    description: opts.description ?? null,
    stack: ws.config.values.stack,
    now: ctx.now,
  });
}

export const sessionCreate = defineCommand<{ description?: string; owner?: string }, SessionChange>({
  options: [
    { flags: "--description <text>", description: "Description of the session" },
    {
      flags: "--owner <owner>",
      description: "Owner (default: config owner, else the blueprint's owner from `init --owner`)",
    },
  ],
  async run(ctx, [idArg], opts) {
    const id = assertNewId("session", idArg ?? `session-${Math.floor(Date.parse(ctx.now) / 1000)}`);
    const project = await ctx.project();
    return ctx.mutate(project, async (ws) => {
      await readProjectState(ws.store, project); // a corrupt state file fails here, before anything is created
      const parent = (await sessionExists(ws.store, project, BLUEPRINT)) ? BLUEPRINT : null;
      return journaled(ctx, ws, project, id, true, async () => {
        const meta = await createFeature(ctx, ws, project, id, parent, opts);
        // State first: if it cannot be written, CURRENT_SESSION still names the old session.
        await makeCurrent(ws.store, project, id, ctx.now);
        await refreshMeta(ctx, ws.store, project);
        return {
          project,
          session: meta,
          current: true,
          message: `Created session ${id} in ${project}; it is now current.`,
        };
      });
    });
  },
  text: say,
});

export const spawn = defineCommand<
  { plan: string; blueprint: string; owner?: string; description?: string },
  SessionChange
>({
  options: [
    { flags: "--plan <plan>", description: "What to spawn", choices: ["feature"], required: true },
    { flags: "--blueprint <id>", description: "Parent session (default: __blueprint__)" },
    {
      flags: "--owner <owner>",
      description: "Owner (default: config owner, else the blueprint's owner from `init --owner`)",
    },
    { flags: "--description <text>", description: "Description of the session" },
  ],
  examples: ["idse spawn --plan feature billing --description 'Stripe billing'"],
  async run(ctx, [nameArg], opts) {
    const id = assertNewId("session", nameArg!);
    const project = await ctx.project();
    const parent = assertExistingId("session", opts.blueprint ?? BLUEPRINT);
    return ctx.mutate(project, async (ws) => {
      await requireSession(ws.store, project, parent);
      return journaled(ctx, ws, project, id, false, async () => {
        const meta = await createFeature(ctx, ws, project, id, parent, opts);
        await refreshMeta(ctx, ws.store, project);
        return {
          project,
          session: meta,
          current: false,
          message: `Spawned feature session ${id} from ${parent}.`,
        };
      });
    });
  },
  text: (d) => `${d.message}\nSwitch to it with: idse session switch ${d.session.session_id}`,
});

export const sessionSwitch = defineCommand<Record<string, never>, SessionChange>({
  async run(ctx, [idArg]) {
    const project = await ctx.project();
    const id = assertExistingId("session", idArg!);
    return ctx.mutate(project, async (ws) => {
      await requireSession(ws.store, project, id);
      // State first: if it cannot be written, CURRENT_SESSION still names the old session. A run killed
      // between the two is finished by the next idse run (the intent journal, recovery.ts).
      await readProjectState(ws.store, project); // a corrupt state file fails here, before anything is written
      await beginIntent(ws.store, project, { op: "session-switch", session: id });
      await makeCurrent(ws.store, project, id, ctx.now);
      await endIntent(ws.store, project);
      const { meta } = await readSession(ws.store, project, id);
      const { refreshAgentFiles } = await import("../../routing/sync.ts");
      const refreshed = await refreshAgentFiles(ws, project);
      for (const d of refreshed?.diagnostics ?? []) ctx.report(d);
      const files = refreshed?.updated.length ? ` Agent files updated: ${refreshed.updated.join(", ")}.` : "";
      return { project, session: meta, current: true, message: `CURRENT_SESSION is now ${id}.${files}` };
    });
  },
  text: say,
});

/** Shared shape of the commands that change one field of session.json. */
async function changeSession(
  ctx: Parameters<typeof sessionSwitch.run>[0],
  idArg: string,
  change: (m: SessionMetadata) => SessionMetadata,
  message: (m: SessionMetadata) => string,
): Promise<SessionChange> {
  const project = await ctx.project();
  const id = assertExistingId("session", idArg);
  return ctx.mutate(project, async (ws) => {
    await requireSession(ws.store, project, id);
    const meta = await updateSession(ws.store, project, id, ctx.now, change);
    await refreshMeta(ctx, ws.store, project);
    return {
      project,
      session: meta,
      current: (await readCurrentSession(ws.store, project)) === id,
      message: message(meta),
    };
  });
}

export const sessionSetOwner = defineCommand<{ owner: string }, SessionChange>({
  options: [{ flags: "--owner <owner>", description: "New owner", required: true }],
  run: (ctx, [id], o) =>
    changeSession(
      ctx,
      id!,
      (m) => ({ ...m, owner: o.owner }),
      (m) => `Owner of ${m.session_id} is now ${m.owner}.`,
    ),
  text: say,
});

export const sessionAddCollaborator = defineCommand<{ name: string; role: string }, SessionChange>({
  options: [
    { flags: "--name <name>", description: "Collaborator name", required: true },
    { flags: "--role <role>", description: "Role (default: contributor)", choices: COLLABORATOR_ROLES },
  ],
  run: (ctx, [id], o) =>
    changeSession(
      ctx,
      id!,
      (m) => {
        if (m.collaborators.some((c) => c.name === o.name)) {
          throw new IdseError("COLLABORATOR_EXISTS", { name: o.name, session: m.session_id });
        }
        const role = (o.role ?? "contributor") as SessionMetadata["collaborators"][number]["role"];
        return { ...m, collaborators: [...m.collaborators, { name: o.name, role, joined_at: ctx.now }] };
      },
      (m) => `Added ${o.name} (${o.role ?? "contributor"}) to ${m.session_id}.`,
    ),
  text: say,
});

export const sessionRemoveCollaborator = defineCommand<{ name: string }, SessionChange>({
  options: [{ flags: "--name <name>", description: "Collaborator name", required: true }],
  run: (ctx, [id], o) =>
    changeSession(
      ctx,
      id!,
      (m) => {
        if (!m.collaborators.some((c) => c.name === o.name)) {
          throw new IdseError("COLLABORATOR_NOT_FOUND", { name: o.name, session: m.session_id });
        }
        return { ...m, collaborators: m.collaborators.filter((c) => c.name !== o.name) };
      },
      (m) => `Removed ${o.name} from ${m.session_id}.`,
    ),
  text: say,
});

export const sessionSetStatus = defineCommand<{ status: SessionMetadata["status"] }, SessionChange>({
  options: [
    { flags: "--status <status>", description: "New status", choices: SESSION_STATUSES, required: true },
  ],
  async run(ctx, [idArg], o) {
    const project = await ctx.project();
    const id = assertExistingId("session", idArg!);
    return ctx.mutate(project, async (ws) => {
      await requireSession(ws.store, project, id);
      if (o.status === "complete") {
        const problems = await completionProblems(ws, project, id);
        if (problems.length > 0) {
          const reason = `${problems.length} problem${problems.length === 1 ? "" : "s"} in its artifacts`;
          throw new IdseError("COMPLETION_GATE_FAILED", { session: id, reason }, problems);
        }
      }
      // Stages first, then the status: a run killed between them leaves every stage completed and the
      // status as it was, a state a user can reach too, and the same command finishes it.
      if (o.status === "complete") {
        const done = Object.fromEntries(STAGES.map((s) => [s, "completed"])) as Record<Stage, StageStatus>;
        await writeSessionStages(ws.store, project, id, done, "passing", ctx.now, []); // the gate passed
      }
      const meta = await updateSession(ws.store, project, id, ctx.now, (m) => ({ ...m, status: o.status }));
      await refreshMeta(ctx, ws.store, project);
      return {
        project,
        session: meta,
        current: (await readCurrentSession(ws.store, project)) === id,
        message: `Status of ${id} is now ${o.status}.`,
      };
    });
  },
  text: say,
});

type StageChange = SessionChangeOutput & { stage: Stage; status: StageStatus };

export const sessionSetStage = defineCommand<{ stage: Stage; status: StageStatus }, StageChange>({
  options: [
    { flags: "--stage <stage>", description: "Stage", choices: STAGES, required: true },
    { flags: "--status <status>", description: "New stage status", choices: STAGE_STATUSES, required: true },
  ],
  async run(ctx, [idArg], o) {
    const project = await ctx.project();
    const id = assertExistingId("session", idArg!);
    return ctx.mutate(project, async (ws) => {
      await requireSession(ws.store, project, id);
      const current = await readSessionStages(ws.store, project, id);
      const stages = { ...current.stages, [o.stage]: o.status };
      // The last validation's result stays as it was: it describes the documents, not the stage status.
      await writeSessionStages(
        ws.store,
        project,
        id,
        stages,
        current.validation_status,
        ctx.now,
        current.failing_stages,
      );
      const meta = await updateSession(ws.store, project, id, ctx.now, (m) => m);
      await refreshMeta(ctx, ws.store, project);
      return {
        project,
        session: meta,
        current: (await readCurrentSession(ws.store, project)) === id,
        stage: o.stage,
        status: o.status,
        message: `Stage ${o.stage} of ${id} is now ${o.status}.`,
      };
    });
  },
  text: say,
});
