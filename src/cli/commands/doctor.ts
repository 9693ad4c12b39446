import * as v from "valibot";
import { defaultRegistry, writeRegistry } from "../../agent-registry.ts";
import { renderStage } from "../../artifacts.ts";
import { regenerateMeta } from "../../blueprint-meta.ts";
import { type Code, errorCodes, IdseError, notice, toDiagnostic } from "../../errors.ts";
import { BLUEPRINT } from "../../ids.ts";
import { parseJsonText } from "../../json-text.ts";
import { AgentRegistry } from "../../models/agent-registry.ts";
import type { DoctorOutput } from "../../models/outputs.ts";
import { SessionMetadata } from "../../models/session-metadata.ts";
import { SessionStageState, SessionState } from "../../models/session-state.ts";
import { LastSyncFile, SyncStateFile } from "../../models/sync.ts";
import { ignoredKeysNotice, readOriginalConfig } from "../../original/config.ts";
import { originalDbDiagnostic } from "../../original/notice.ts";
import { derivedMetadata, listSessionIds, readCurrentSession } from "../../session-graph.ts";
import { pendingStages, pointStateAt, writeStageStateDoc } from "../../stage-state.ts";
import type { DesignStore } from "../../store/contract.ts";
import { readJsonDoc, writeJsonDoc } from "../../store/documents.ts";
import { keys, STAGES } from "../../store/layout.ts";
import { isBaseFileName } from "../../sync/state.ts";
import { findRoot, listProjects, readCurrentProject } from "../../workspace.ts";
import { type Context, defineCommand } from "../command.ts";
import { moveAsideFile, settingsFiles } from "../doctor-files.ts";

// doctor: checks every project of the workspace and, with --fix, repairs what can be derived from what
// is on disk. It never rewrites artifact text: it only creates missing documents from templates. A
// corrupt file is moved aside to `<file>.corrupt-<time>` before its replacement is written; a settings
// file outside the store (config.json, plugins.json, the user's config; src/cli/doctor-files.ts) cannot be
// rebuilt, so it is moved aside and the message names the copy and what to do next.

export type DoctorData = DoctorOutput;
type Finding = DoctorOutput["findings"][number];

type Problem = "missing" | string;

async function inspect<S extends v.GenericSchema>(
  store: DesignStore,
  key: string,
  schema: S,
): Promise<Problem | undefined> {
  try {
    return (await readJsonDoc(store, key, schema)) === undefined ? "missing" : undefined;
  } catch (err) {
    // A file that leads out of the repository is not corrupt: moving it aside would go through the link.
    if (err instanceof IdseError && err.code === "PATH_OUTSIDE_WORKSPACE") throw err;
    // Nor is one that cannot be read (EACCES, EIO): --fix would move a good file aside. The command fails
    // with IO_ERROR, naming it, as every other command does.
    if (!(err instanceof IdseError)) throw err;
    return String(err.data.reason);
  }
}

const asideKey = (key: string, now: string) => `${key}.corrupt-${now.replace(/[:.]/g, "-")}`;

async function moveAside(store: DesignStore, key: string, now: string): Promise<void> {
  const text = await store.read(key);
  if (text === undefined) return;
  await store.write(asideKey(key, now), text);
}

/** Keeps every field of a damaged session.json that is still valid; derives the rest. */
async function salvageMetadata(store: DesignStore, project: string, session: string, now: string) {
  const ownerText = (await store.read(keys.owner(project, session))) ?? "";
  const created = /Created:\s*(\S+)/.exec(ownerText)?.[1] ?? now;
  const base = derivedMetadata(
    project,
    session,
    v.is(SessionMetadata.pipe[0].entries.created_at, created) ? created : now,
  );
  let old: Record<string, unknown> = {};
  try {
    const parsed = parseJsonText((await store.read(keys.sessionMetadata(project, session))) ?? "{}");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) old = parsed;
  } catch {}
  const entries = SessionMetadata.pipe[0].entries as Record<string, v.GenericSchema>;
  const kept = Object.fromEntries(
    Object.entries(old).filter(([k, val]) => k !== "session_id" && (!entries[k] || v.is(entries[k], val))),
  );
  return { ...base, ...kept, session_id: session };
}

function summary(projects: string[], sessionsChecked: number, findings: Finding[]): DoctorData {
  const fixed = findings.filter((f) => f.fixed).length;
  return { projects, sessions_checked: sessionsChecked, findings, fixed, remaining: findings.length - fixed };
}

/**
 * Checks (and with --fix moves aside) config.json, plugins.json, store-export.json, ~/.idseconfig.json
 * and the credentials file. True when a file that every command reads is still corrupt, so the
 * workspace cannot be opened to check the projects.
 */
function settingsFindings(ctx: Context, fix: boolean, findings: Finding[]): boolean {
  const root = findRoot(ctx.global.cwd);
  let blocked = false;
  for (const f of settingsFiles({ root, home: ctx.io.home, env: ctx.io.env })) {
    const problem = f.problem();
    if (!problem) continue;
    findings.push({ project: null, session: null, file: f.shown, code: "CORRUPT_FILE", problem, fixed: fix });
    if (!fix) {
      ctx.report(notice("CORRUPT_FILE", { file: f.shown, problem }));
      if (f.blocksWorkspace) blocked = true;
      continue;
    }
    const aside = moveAsideFile(f.path, ctx.now);
    // Fixed: a note, no longer an error.
    ctx.report({
      ...notice("CORRUPT_FILE", { file: f.shown, problem, moved_to: aside, next: f.next }),
      severity: "info",
    });
  }
  return blocked && root !== undefined;
}

export const doctor = defineCommand<{ fix?: boolean }, DoctorData>({
  options: [{ flags: "--fix", description: "Repair what can be rebuilt from what is on disk" }],
  async run(ctx, _args, o) {
    const fix = o.fix === true;
    const findings: Finding[] = [];
    // First the settings files outside the store: a corrupt config.json stops the workspace from
    // opening at all, so they are checked (and moved aside) before it is opened.
    const blocked = settingsFindings(ctx, fix, findings);
    if (blocked) return summary([], 0, findings);
    const ws = ctx.workspace();
    const projects = ctx.global.project ? [await ctx.project()] : await listProjects(ws.store);
    let sessionsChecked = 0;
    for (const project of projects) {
      const run = async (store: DesignStore) => {
        // Each finding is data and also a diagnostic, so scripts see it under its stable code.
        const add = (session: string | null, key: string, code: Code, problem: string) => {
          const file = `.idse/${key}`;
          findings.push({ project, session, file, code, problem, fixed: fix });
          // Every corrupt document is moved aside before it is rebuilt: the message names the copy.
          const aside = fix && code === "CORRUPT_FILE" ? `.idse/${asideKey(key, ctx.now)}` : undefined;
          ctx.report({
            severity: fix ? "info" : "error",
            code,
            message: `${file}: ${problem}${aside ? ` (fixed: moved aside to ${aside})` : fix ? " (fixed)" : ""}`,
            file,
            ...(aside ? { moved_to: aside } : {}),
          });
        };
        const sessions = await listSessionIds(store, project);
        sessionsChecked += sessions.length;

        for (const session of sessions) {
          const metaKey = keys.sessionMetadata(project, session);
          const metaProblem = await inspect(store, metaKey, SessionMetadata);
          if (metaProblem) {
            add(session, metaKey, metaProblem === "missing" ? "FILE_MISSING" : "CORRUPT_FILE", metaProblem);
            if (fix) {
              const meta = await salvageMetadata(store, project, session, ctx.now);
              if (metaProblem !== "missing") await moveAside(store, metaKey, ctx.now);
              await writeJsonDoc(store, metaKey, meta);
            }
          }
          for (const stage of STAGES) {
            const key = keys.artifact(project, session, stage);
            if (await store.has(key)) continue;
            add(session, key, "ARTIFACT_MISSING", `the ${stage} document is missing`);
            if (fix)
              await store.write(
                key,
                renderStage(stage, {
                  project,
                  session,
                  stack: ws.config.values.stack,
                  date: ctx.now.slice(0, 10),
                  owner: ws.config.values.owner,
                }),
              );
          }
          const ownerKey = keys.owner(project, session);
          if (!(await store.has(ownerKey))) {
            add(session, ownerKey, "FILE_MISSING", "missing");
            if (fix) await store.write(ownerKey, `Created: ${ctx.now}\n`);
          }
          const stageKey = keys.stageState(project, session);
          const stageProblem = await inspect(store, stageKey, SessionStageState);
          if (stageProblem && stageProblem !== "missing") {
            add(session, stageKey, "CORRUPT_FILE", stageProblem);
            if (fix) {
              await moveAside(store, stageKey, ctx.now);
              await writeStageStateDoc(store, project, session, pendingStages(), "unknown", ctx.now);
            }
          }
        }

        const curKey = keys.currentSession(project);
        const current = await readCurrentSession(store, project);
        const currentRaw = (await store.read(curKey))?.trim();
        const stateKey = keys.sessionState(project);
        const stateProblem = await inspect(store, stateKey, SessionState);
        let target = current && sessions.includes(current) ? current : undefined;
        if (!target) {
          add(
            null,
            curKey,
            currentRaw ? "NO_CURRENT_SESSION" : "FILE_MISSING",
            currentRaw ? `names "${currentRaw}", which is not a session of the project` : "missing",
          );
          if (!stateProblem) {
            const state = await readJsonDoc(store, stateKey, SessionState);
            if (state && sessions.includes(state.session_id)) target = state.session_id;
          }
          target ??= sessions.includes(BLUEPRINT) ? BLUEPRINT : sessions[0];
          if (fix && target) await store.write(curKey, target);
        }
        if (stateProblem) {
          add(null, stateKey, stateProblem === "missing" ? "FILE_MISSING" : "CORRUPT_FILE", stateProblem);
          if (fix && target) {
            if (stateProblem !== "missing") await moveAside(store, stateKey, ctx.now);
            if (stateProblem !== "missing") await store.remove(stateKey);
            await pointStateAt(store, project, target, ctx.now);
          }
        } else if (fix && target && target !== current) {
          await pointStateAt(store, project, target, ctx.now);
        }

        const regKey = keys.agentRegistry(project);
        const regProblem = await inspect(store, regKey, AgentRegistry);
        if (regProblem) {
          add(null, regKey, regProblem === "missing" ? "FILE_MISSING" : "CORRUPT_FILE", regProblem);
          if (fix) {
            if (regProblem !== "missing") await moveAside(store, regKey, ctx.now);
            await writeRegistry(store, project, defaultRegistry());
          }
        }

        // Sync bases: a damaged one is moved aside; the next sync compares without a base, so a document
        // that differs on both sides is a conflict to resolve, never an overwrite. A damaged last-sync file
        // (only a time) goes the same way: the next sync that changes nothing writes it again.
        for (const entry of await store.list(`${keys.project(project)}/sync`)) {
          if (entry.kind !== "file" || !entry.name.endsWith(".json")) continue;
          const key = `${keys.project(project)}/sync/${entry.name}`;
          const problem = await inspect(
            store,
            key,
            isBaseFileName(entry.name) ? SyncStateFile : LastSyncFile,
          );
          if (!problem || problem === "missing") continue;
          add(null, key, "CORRUPT_FILE", problem);
          if (fix) {
            await moveAside(store, key, ctx.now);
            await store.remove(key);
          }
        }

        const metaMd = keys.meta(project);
        if (sessions.includes(BLUEPRINT) && !(await store.has(metaMd))) {
          add(BLUEPRINT, metaMd, "FILE_MISSING", "missing");
          if (fix) await regenerateMeta(store, project, ctx.now);
        } else if (
          sessions.includes(BLUEPRINT) &&
          // Not while the original's database waits for its import: it holds the stages meta.md shows.
          !(await originalDbDiagnostic(ws.idseDir)) &&
          // A session that cannot be read is reported above; meta.md is judged once they all can be.
          (await regenerateMeta(store, project, ctx.now, { onlyIfStale: true, write: fix }).catch(
            () => false,
          ))
        ) {
          // A warning, not a finding that fails doctor: meta.md is a view derived from the sessions, which
          // are whole. It lags them after a command killed between its change and the regeneration (no
          // journal covers the view), or when edited by hand; the next change of a session, or --fix,
          // brings it up to date.
          const file = `.idse/${metaMd}`;
          ctx.report({
            severity: fix ? "info" : "warning",
            code: "META_STALE",
            message: `${file}: does not show the sessions as they are (statuses, progress or lineage)${fix ? " (fixed)" : ""}`,
            file,
            ...(fix ? {} : { hint: errorCodes().META_STALE.hint?.({ file }) }),
          });
        }
      };
      if (fix) await ctx.mutate(project, (w) => run(w.store));
      else await run(ws.store);
    }
    // Several projects and a CURRENT_PROJECT that names none of them: commands without --project (and the
    // Claude Code hook) cannot tell which is meant. --fix cannot choose; `idse project use` does. (No
    // CURRENT_PROJECT at all is a workspace where each command names its project, as the original's.)
    if (!ctx.global.project && projects.length > 1) {
      const current = await readCurrentProject(ws.store);
      if (current !== undefined && !projects.includes(current)) {
        const err = new IdseError("NO_PROJECT", { projects });
        ctx.report({ ...toDiagnostic(err), file: ".idse/projects/CURRENT_PROJECT" });
        findings.push({
          project: null,
          session: null,
          file: ".idse/projects/CURRENT_PROJECT",
          code: "NO_PROJECT",
          problem: `names "${current.slice(0, 64)}", which is none of the projects`,
          fixed: false,
        });
      }
    }
    // The Python original's database, not imported yet: --fix cannot do that, `idse import-original` does.
    const original = await originalDbDiagnostic(ws.idseDir);
    if (original) {
      ctx.report(original);
      findings.push({
        project: projects[0] ?? "(workspace)",
        session: null,
        file: String(original.file),
        code: original.code,
        problem: original.message,
        fixed: false,
      });
    }
    const ignored = ignoredKeysNotice(readOriginalConfig(ctx.io.home));
    if (ignored) ctx.report(ignored);
    return summary(projects, sessionsChecked, findings);
  },
  exitCode: (d) => (d.remaining > 0 ? 1 : 0),
  text(d) {
    // The findings themselves are printed as diagnostics on stderr.
    const lines: string[] = [];
    lines.push(
      `Checked ${d.projects.length} project(s), ${d.sessions_checked} session(s): ` +
        (d.findings.length === 0
          ? "no problems."
          : `${d.findings.length} finding(s), ${d.fixed} fixed, ${d.remaining} remaining.`),
    );
    if (d.remaining > 0) {
      // The original's database is imported by its own command; --fix cannot do that.
      const left = d.findings.filter((f) => !f.fixed);
      const own = new Set(["ORIGINAL_DATABASE_FOUND", "NO_PROJECT"]);
      if (!left.every((f) => own.has(f.code))) lines.push("Run `idse doctor --fix` to repair them.");
      if (left.some((f) => f.code === "ORIGINAL_DATABASE_FOUND"))
        lines.push("Run `idse import-original` to import the Python original's database.");
      if (left.some((f) => f.code === "NO_PROJECT"))
        lines.push("Run `idse project use <project>` to choose the current project.");
    }
    return lines.join("\n");
  },
});
