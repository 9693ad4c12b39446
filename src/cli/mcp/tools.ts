import type * as v from "valibot";
import { loadRegistry } from "../../agent-registry.ts";
import { readArtifact } from "../../artifacts.ts";
import { IdseError } from "../../errors.ts";
import { activeAgent, handsOverTo } from "../../hooks/state.ts";
import { BLUEPRINT } from "../../ids.ts";
import { CompileOutput } from "../../models/agent-profile.ts";
import { STAGES, type Stage } from "../../models/common.ts";
import * as I from "../../models/mcp.ts";
import * as O from "../../models/outputs.ts";
import { RouteOutput } from "../../models/routing.ts";
import { readCurrentSession } from "../../session-graph.ts";
import { spineChanged } from "../../spine.ts";
import { readSessionStages } from "../../stage-state.ts";
import { resolveProject } from "../../workspace.ts";
import { targetSession } from "../commands/shared.ts";
import { type CallResult, type McpEnv, runCommand } from "./context.ts";
import { assertMayChange } from "./policy.ts";

// The tools of `idse mcp`: each one is a CLI command (the `cli` field), called through the same run()
// with the same models, so a tool's outputSchema is the `data` schema of that command's --json output.
// Annotations say what a call does to the workspace: readOnlyHint when it changes nothing on disk,
// destructiveHint when it may replace text someone wrote, idempotentHint when a repeat changes nothing more.

export interface Annotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: false;
}

export interface ToolDef {
  name: string;
  title: string;
  description: string;
  /** The CLI command the tool runs, as `idse <cli> --json`. */
  cli: string;
  input: v.GenericSchema;
  output: v.GenericSchema;
  annotations: Annotations;
  // biome-ignore lint/suspicious/noExplicitAny: inputs are parsed with `input` before run() sees them
  run(env: McpEnv, input: any, agent: string | undefined): Promise<CallResult<unknown>>;
}

const READ: Annotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
const write = (destructive: boolean, idempotent: boolean): Annotations => ({
  readOnlyHint: false,
  destructiveHint: destructive,
  idempotentHint: idempotent,
  openWorldHint: false,
});

interface Scoped {
  project?: string;
  session?: string;
}

/** The project and session a call is about (a missing session means the current one). */
async function scope(env: McpEnv, input: Scoped) {
  const ws = env.workspace();
  const project = await resolveProject(ws, input.project ?? env.project, env.io.env);
  const session = await targetSession(ws.store, project, input.session);
  return { ws, project, session };
}

/** Refuses the call unless the served agent may change `stage` (src/cli/mcp/policy.ts). */
async function guard(
  env: McpEnv,
  input: Scoped,
  agent: string | undefined,
  stage: Stage | undefined,
  what: string,
) {
  const ws = env.workspace();
  const project = await resolveProject(ws, input.project ?? env.project, env.io.env);
  const { registry } = await loadRegistry(ws.store, project);
  return { ws, project, registry, agent: assertMayChange(registry, project, agent, stage, what) };
}

/**
 * Refuses a planning agent's stage change that would put an implementation-mode agent in charge of the
 * current session (src/hooks/state.ts handsOverTo): the Claude Code hook reads whose mode applies from
 * the stages, so this would be the agent's own way out of planning mode, as the hook also refuses.
 */
async function guardHandOver(
  { ws, project, registry, agent: me }: Awaited<ReturnType<typeof guard>>,
  session: string,
  stage: Stage,
  status: string,
) {
  if (me.mode !== "planning" || (await readCurrentSession(ws.store, project)) !== session) return;
  const { stages } = await readSessionStages(ws.store, project, session);
  const next = handsOverTo(registry.agents, stages, stage, status);
  if (next)
    throw new IdseError("MCP_HANDOVER_DENIED", {
      action: "set_stage",
      agent: me.id,
      next: next.id,
      session,
      stage,
      status,
    });
}

/**
 * Refuses a planning agent's switch to a session, or creation of one, whose stages put an
 * implementation-mode agent in charge (src/hooks/state.ts activeAgent), unless one is already: with the
 * stages of another session set by set_stage (which guardHandOver allows there, since nothing changes
 * hands yet), a switch would be the same way out of planning mode. The Claude Code hook refuses every
 * `session switch` and `session create` of a planning agent.
 */
async function guardSessionChange(
  { ws, project, registry, agent: me }: Awaited<ReturnType<typeof guard>>,
  action: "session_switch" | "session_create",
  session: string | undefined,
) {
  if (me.mode !== "planning") return;
  const current = await readCurrentSession(ws.store, project);
  const now =
    current === undefined ? undefined : (await readSessionStages(ws.store, project, current)).stages;
  if (activeAgent(registry.agents, now).agent?.mode === "implementation") return;
  // A new session starts with every stage pending.
  const stages =
    session === undefined || action === "session_create"
      ? (Object.fromEntries(STAGES.map((st) => [st, "pending"])) as Record<Stage, string>)
      : (await readSessionStages(ws.store, project, session)).stages;
  const next = activeAgent(registry.agents, stages).agent;
  if (next?.mode === "implementation")
    throw new IdseError("MCP_HANDOVER_DENIED", {
      action,
      agent: me.id,
      next: next.id,
      session: session ?? "<id>",
    });
}

const sessionOpt = (input: Scoped) => (input.session === undefined ? {} : { session: input.session });

export const TOOLS: ToolDef[] = [
  {
    name: "status",
    title: "Pipeline status",
    description:
      "The current session of the project: each stage's status, the agent it is routed to and that agent's mode, the last sync and the validation status.",
    cli: "status",
    input: I.ProjectInput,
    output: O.ProjectStatusOutput,
    annotations: READ,
    run: (env, i) => runCommand(env, "status", [], {}, i),
  },
  {
    name: "sessions",
    title: "List sessions",
    description:
      "The sessions of the project with type, status, owner and parent; filters by type, status or tag.",
    cli: "sessions",
    input: I.SessionsInput,
    output: O.SessionsOutput,
    annotations: READ,
    run: (env, i) => runCommand(env, "sessions", [], { type: i.type, status: i.status, tag: i.tag }, i),
  },
  {
    name: "session_info",
    title: "Session details",
    description:
      "One session's metadata, stage statuses and which stage documents exist (optionally its lineage).",
    cli: "session-info",
    input: I.SessionInfoInput,
    output: O.SessionInfoOutput,
    annotations: READ,
    async run(env, i) {
      const { session } = await scope(env, i);
      return runCommand(env, "session-info", [session], { lineage: i.lineage === true }, i);
    },
  },
  {
    name: "route",
    title: "Route a stage",
    description:
      "Who handles a stage of a session and in which mode, with the handoff: the document to write, the documents to read first, the Constitution articles that apply and the commands to run afterwards.",
    cli: "route",
    input: I.RouteInput,
    output: RouteOutput,
    annotations: READ,
    run: (env, i) => runCommand(env, "route", [i.stage], sessionOpt(i), i),
  },
  {
    name: "next",
    title: "Next stage",
    description:
      "The first stage of the session that is not completed, routed with its handoff (same as `idse route --next`); stage and handoff are null when all seven are completed.",
    cli: "route",
    input: I.NextInput,
    output: RouteOutput,
    annotations: READ,
    run: (env, i) => runCommand(env, "route", [], { ...sessionOpt(i), next: true }, i),
  },
  {
    name: "artifact_read",
    title: "Read a stage document",
    description: "The text of one stage document of a session, as it is on disk now.",
    cli: "artifact read",
    input: I.ArtifactReadInput,
    output: O.ArtifactOutput,
    annotations: READ,
    run: (env, i) => runCommand(env, "artifact read", [], { stage: i.stage, ...sessionOpt(i) }, i),
  },
  {
    name: "artifact_write",
    title: "Write a stage document",
    description:
      "Replaces one stage document of a session with `content` (atomically, under the project lock). A planning-mode agent may write only the stages routed to planning agents.",
    cli: "artifact write",
    input: I.ArtifactWriteInput,
    output: O.ArtifactOutput,
    annotations: write(true, true),
    async run(env, i, agent) {
      await guard(env, i, agent, i.stage, "artifact_write");
      // Agents never edit the Product Spine table: they propose (`idse spine propose`), a person accepts.
      if (i.stage === "spec") {
        const { ws, project, session } = await scope(env, i);
        // The blueprint's spec is the Spine document (spine.ts, isSpineDocument).
        const spine = session === BLUEPRINT;
        if (spine && spineChanged(await readArtifact(ws.store, project, session, "spec"), i.content))
          throw new IdseError("SPINE_EDIT_DENIED", { action: "artifact_write" });
      }
      return runCommand(
        env,
        "artifact write",
        [],
        { stage: i.stage, ...sessionOpt(i) },
        { ...i, stdin: i.content },
      );
    },
  },
  {
    name: "validate",
    title: "Validate a session",
    description:
      "Checks a session against the IDSE Constitution rules; every finding comes back as data (rule, severity, stage, file, line, message). Records the validation status, as `idse validate` does.",
    cli: "validate",
    input: I.ValidateInput,
    output: O.ValidateOutput,
    annotations: write(false, true),
    run: (env, i) =>
      runCommand(
        env,
        "validate",
        [],
        { ...sessionOpt(i), stage: i.stage, strict: i.strict === true, rule: i.rules ?? [] },
        i,
      ),
  },
  {
    name: "set_stage",
    title: "Set a stage's status",
    description:
      "Sets one stage of a session to pending, in_progress or completed. A planning-mode agent may set only the stages routed to planning agents, and not hand the current session to an implementation-mode agent (completing the last planning stage is then a person's step).",
    cli: "session set-stage",
    input: I.SetStageInput,
    output: O.SessionChangeOutput,
    annotations: write(false, true),
    async run(env, i, agent) {
      const allowed = await guard(env, i, agent, i.stage, "set_stage");
      const { session } = await scope(env, i);
      await guardHandOver(allowed, session, i.stage, i.status);
      return runCommand(env, "session set-stage", [session], { stage: i.stage, status: i.status }, i);
    },
  },
  {
    name: "session_create",
    title: "Create a session",
    description:
      "Creates a feature session under the blueprint and makes it the current one. A planning-mode agent may not when the new session's first stage would put an implementation-mode agent in charge.",
    cli: "session create",
    input: I.SessionCreateInput,
    output: O.SessionChangeOutput,
    annotations: write(false, false),
    async run(env, i, agent) {
      await guardSessionChange(
        await guard(env, i, agent, undefined, "session_create"),
        "session_create",
        i.id,
      );
      const args = i.id === undefined ? [] : [i.id];
      return runCommand(env, "session create", args, { description: i.description, owner: i.owner }, i);
    },
  },
  {
    name: "session_switch",
    title: "Switch session",
    description:
      "Makes a session the current one (and brings the agent instruction files idse manages up to date). A planning-mode agent may not switch to a session whose stages put an implementation-mode agent in charge (a person's step).",
    cli: "session switch",
    input: I.SessionSwitchInput,
    output: O.SessionChangeOutput,
    annotations: write(false, true),
    async run(env, i, agent) {
      await guardSessionChange(
        await guard(env, i, agent, undefined, "session_switch"),
        "session_switch",
        i.session,
      );
      return runCommand(env, "session switch", [i.session], {}, i);
    },
  },
  {
    name: "compile_agent_spec",
    title: "Check the Agent Profile",
    description:
      "Compiles a spec's `## Agent Profile` block without writing anything: `check` says which compiled files are missing or stale, `dry_run` returns their text.",
    cli: "compile agent-spec",
    input: I.CompileInput,
    output: CompileOutput,
    annotations: READ,
    run(env, i) {
      const mode = i.mode ?? "check";
      return runCommand(
        env,
        "compile agent-spec",
        [],
        {
          ...sessionOpt(i),
          all: i.all === true,
          blueprint: i.blueprint,
          format: i.format,
          check: mode === "check",
          dryRun: mode === "dry_run",
          // Read-only: not even the cache of sessions found current is written.
          cache: false,
        },
        i,
      );
    },
  },
];
