import { regenerateMeta } from "../../blueprint-meta.ts";
import { type Diagnostic, IdseError, notice } from "../../errors.ts";
import { assertExistingId, BLUEPRINT } from "../../ids.ts";
import { readCurrentSession, readSession, requireSession, sessionExists } from "../../session-graph.ts";
import type { DesignStore } from "../../store/contract.ts";
import { storeChoice } from "../../store/select.ts";
import { listProjects, type Workspace } from "../../workspace.ts";
import type { Context } from "../command.ts";

// Helpers shared by the command modules.

/** `--session` if given, else the project's current session; either must exist. */
export async function targetSession(
  store: DesignStore,
  project: string,
  explicit: string | undefined,
): Promise<string> {
  if (explicit !== undefined) return requireSession(store, project, assertExistingId("session", explicit));
  const current = await readCurrentSession(store, project);
  if (!current) throw new IdseError("NO_CURRENT_SESSION", { project });
  return requireSession(store, project, current).catch(() => {
    throw new IdseError("NO_CURRENT_SESSION", { project });
  });
}

/** Regenerates the blueprint meta.md; a failure here is reported, never fatal to the change itself. */
export async function refreshMeta(ctx: Context, store: DesignStore, project: string): Promise<void> {
  try {
    await regenerateMeta(store, project, ctx.now);
  } catch (err) {
    ctx.report(notice("META_NOT_REFRESHED", { reason: (err as Error).message }));
  }
}

/** A fixed-width text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The info diagnostic for sessions whose stages were inferred from a `complete` status (docs/migrating.md). */
export function inferredNotice(sessions: string[]): Diagnostic {
  return notice("STAGES_INFERRED", { sessions });
}

/**
 * The owner of a new session when --owner is not given: the config key `owner` when it is set anywhere,
 * else the blueprint's owner (the `init --owner` of the project), else the default.
 */
export async function defaultOwner(ws: Workspace, project: string): Promise<string> {
  if (ws.config.sources.owner !== "default") return ws.config.values.owner;
  if (await sessionExists(ws.store, project, BLUEPRINT)) {
    const { meta, derived } = await readSession(ws.store, project, BLUEPRINT);
    if (!derived && meta.owner) return meta.owner;
  }
  return ws.config.values.owner;
}

/**
 * `store.plugin` names the store every command reads the documents from; changing it moves nothing. So,
 * as `init --store` does, a change is refused while the store now configured holds projects: they would
 * vanish from every command (`store migrate` moves them). Not checked while the config is invalid (`ws`
 * undefined), nor when the configured store cannot be opened (its plugin is missing, changed or not
 * approved): then the change is the repair. `by` is the command, for the message.
 */
export async function checkStoreSwitch(ws: Workspace | undefined, by: string, to: string): Promise<void> {
  if (!ws) return;
  const current = storeChoice(ws.config, ws.idseDir);
  if (current.plugin === to) return;
  let projects: string[];
  try {
    projects = await listProjects(ws.store);
  } catch (err) {
    const code = (err as IdseError).code ?? "";
    if (code.startsWith("PLUGIN_") || code === "WORKSPACE_UNTRUSTED") return;
    throw err;
  }
  if (projects.length)
    throw new IdseError("STORE_IN_USE", { current: current.plugin, requested: to, projects, by });
}
