import { loadRegistry, routeStage } from "../../agent-registry.ts";
import { IdseError } from "../../errors.ts";
import { STAGES, type Stage, type StageStatus } from "../../models/common.ts";
import type { AllStatusOutput, StatusOutput } from "../../models/outputs.ts";
import {
  hasCurrentSessionFile,
  readAllSessions,
  readCurrentSession,
  sessionExists,
} from "../../session-graph.ts";
import {
  progressPercent,
  readProjectState,
  readSessionStages,
  type ValidationStatus,
} from "../../stage-state.ts";
import { listProjects } from "../../workspace.ts";
import { defineCommand } from "../command.ts";
import { green, red, style, yellow } from "../style.ts";
import { inferredNotice, table } from "./shared.ts";

export type StatusData = StatusOutput;
type SessionRow = AllStatusOutput["sessions"][number];

const ICON: Record<StageStatus, string> = { completed: "✅", in_progress: "🔄", pending: "⏳" };
/** Without a terminal: marks that read in a pipe, a log or a screen reader. */
const MARK: Record<StageStatus, string> = { completed: "[x]", in_progress: "[~]", pending: "[ ]" };

/** The last validation result, said as what it is: a result of the last `idse validate`, or none yet. */
function validationLine(status: ValidationStatus, failing?: Stage[]): string {
  const { emoji } = style();
  if (status === "passing")
    return `${emoji ? "✅ " : ""}Validation: ${green("passing")} at the last \`idse validate\` (run it again after edits)`;
  if (status === "failing") {
    const where = failing?.length ? `, errors in ${failing.join(", ")}` : "";
    return `${emoji ? "❌ " : ""}Validation: ${red("failing")} at the last \`idse validate\`${where} (run it to see the findings)`;
  }
  return `${emoji ? "⚠️  " : ""}Validation: ${yellow("not run")} for this session yet (\`idse validate\` runs it)`;
}

export const status = defineCommand<{ all?: boolean }, StatusData>({
  options: [{ flags: "--all", description: "One row for every session of every project" }],
  async run(ctx, _args, opts) {
    const ws = ctx.workspace();
    if (opts.all) {
      const projects = ctx.global.project ? [await ctx.project()] : await listProjects(ws.store);
      const sessions: SessionRow[] = [];
      const inferred: string[] = [];
      for (const project of projects) {
        const state = await readProjectState(ws.store, project);
        const current = (await readCurrentSession(ws.store, project)) ?? state?.session_id;
        for (const { meta } of await readAllSessions(ws.store, project)) {
          const { stages, source } = await readSessionStages(
            ws.store,
            project,
            meta.session_id,
            state,
            meta.status,
          );
          if (source === "inferred") inferred.push(`${project}/${meta.session_id}`);
          sessions.push({
            project,
            session_id: meta.session_id,
            session_type: meta.session_type,
            status: meta.status,
            owner: meta.owner,
            current: meta.session_id === current,
            progress: progressPercent(stages, meta.status),
            stages,
            ...(source === "inferred" ? { stages_inferred: true } : {}),
          });
        }
      }
      if (inferred.length) ctx.report(inferredNotice(inferred));
      return { sessions };
    }
    const project = await ctx.project();
    const state = await readProjectState(ws.store, project);
    // Without a CURRENT_SESSION file the state file says which session is current; a file that holds
    // no valid session is an error for doctor to repair, not something to guess around.
    const missing = !(await hasCurrentSessionFile(ws.store, project));
    const session =
      (await readCurrentSession(ws.store, project)) ?? (missing ? state?.session_id : undefined);
    if (!session) throw new IdseError("NO_CURRENT_SESSION", { project });
    if (!(await sessionExists(ws.store, project, session)))
      throw new IdseError("NO_CURRENT_SESSION", { project });
    let { stages, validation_status, failing_stages } = await readSessionStages(
      ws.store,
      project,
      session,
      state,
    );
    if (ws.config.values["stages.auto_detect"]) {
      const { detectStages } = await import("../../validation/run.ts");
      const { readSection } = await import("../../config.ts");
      const validation = readSection(ws.idseDir, "validation");
      stages = await detectStages(ws.store, project, session, ws.config.values.stack, validation);
    }
    // Same answer as `idse route`: a missing registry means the defaults (never written here).
    const { registry } = await loadRegistry(ws.store, project);
    return {
      project,
      session,
      is_blueprint: session === "__blueprint__",
      stages: STAGES.map((stage) => {
        const agent = routeStage(registry, stage);
        return { stage, status: stages[stage], agent: agent?.id ?? null, mode: agent?.mode ?? null };
      }),
      last_sync: state?.last_sync ?? null,
      validation_status,
      ...(failing_stages ? { failing_stages } : {}),
    };
  },
  text(d) {
    if ("sessions" in d) {
      const rows = d.sessions.map((s) => [
        s.project,
        `${s.current ? "* " : "  "}${s.session_id}`,
        s.session_type,
        s.status,
        s.owner,
        `${s.progress}%`,
        STAGES.map((st) =>
          s.stages[st] === "completed" ? "●" : s.stages[st] === "in_progress" ? "◐" : "○",
        ).join("") + (s.stages_inferred ? " *" : ""),
      ]);
      const out = table(["PROJECT", "  SESSION", "TYPE", "STATUS", "OWNER", "PROGRESS", "STAGES"], rows);
      return d.sessions.some((s) => s.stages_inferred)
        ? `${out}\n* no stage state recorded: a complete session reads as every stage completed`
        : out;
    }
    const lines = [
      `Project: ${d.project}`,
      `Session: ${d.session}`,
      `Last Sync: ${d.last_sync ?? "Never"}`,
      "",
      "Pipeline Stages:",
      ...d.stages.map(
        (s) =>
          `  ${style().emoji ? ICON[s.status] : MARK[s.status]} ${s.stage.padEnd(15)}: ${s.status.padEnd(12)}${s.agent ? `  → ${s.agent}${s.mode ? ` (${s.mode})` : ""}` : ""}`,
      ),
      "",
      validationLine(d.validation_status, d.failing_stages),
    ];
    return lines.join("\n");
  },
});
