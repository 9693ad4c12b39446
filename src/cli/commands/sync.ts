import { stagePath } from "../../artifacts.ts";
import { type Diagnostic, IdseError, notice } from "../../errors.ts";
import { assertExistingId } from "../../ids.ts";
import type { Stage } from "../../models/common.ts";
import type { SyncOutput, SyncResult, SyncStatusOutput } from "../../models/sync.ts";
import { recordArrivedSession } from "../../session-graph.ts";
import { recordLastSync } from "../../stage-state.ts";
import { MOVED_OUTCOMES } from "../../sync/apply.ts";
import {
  applySync,
  type EngineEnv,
  openTransport,
  planSync,
  Redactor,
  remoteInfo,
  type Scope,
} from "../../sync/engine.ts";
import { findSecretsInNames, refusal, secretDiagnostic } from "../../sync/guard.ts";
import { scopePrefix } from "../../sync/plan.ts";
import { progressLine } from "../../sync/progress.ts";
import { readAllowlist, resolveRemote } from "../../sync/remotes.ts";
import { type Context, defineCommand } from "../command.ts";
import { refreshMeta, table, targetSession } from "./shared.ts";

// `idse sync status|push|pull [remote]`. Everything they print, and every error they raise, passes
// through a Redactor that knows the credentials handed to the remote's plugin (sync/redact.ts).

interface ScopeOpts {
  session?: string;
  allSessions?: boolean;
}
interface ApplyOpts extends ScopeOpts {
  dryRun?: boolean;
  force?: boolean;
  acceptSpine?: boolean;
}

const scopeOptions = [
  { flags: "--session <id>", description: "Session to sync (default: the current session)" },
  { flags: "--all-sessions", description: "Every session of the project" },
];
const applyOptions = [
  ...scopeOptions,
  { flags: "--dry-run", description: "Show exactly what would move; write nothing anywhere" },
  { flags: "--force", description: "Overwrite the other side of a conflict on purpose" },
];

async function resolveScope(ctx: Context, project: string, o: ScopeOpts, mustExist: boolean): Promise<Scope> {
  if (o.session !== undefined && o.allSessions) {
    throw new IdseError("USAGE", { reason: "--session and --all-sessions exclude each other" });
  }
  const store = ctx.workspace().store;
  const scope: Scope = o.allSessions
    ? { kind: "all" }
    : o.session !== undefined && !mustExist
      ? { kind: "session", session: assertExistingId("session", o.session) }
      : { kind: "session", session: await targetSession(store, project, o.session) };
  await refuseSecretNames(ctx, project, scope);
  return scope;
}

/**
 * Every request to a remote names the scope (its listing sends `projects/<project>/sessions[/<id>]`), so
 * a project or session id that looks like a secret refuses the command before the remote is contacted.
 * The ids of the other sessions of an --all-sessions push are scanned with each document (sync/apply.ts).
 */
async function refuseSecretNames(ctx: Context, project: string, scope: Scope): Promise<void> {
  const found = await findSecretsInNames(
    [scopePrefix(project, scope)],
    readAllowlist(ctx.workspace().idseDir),
  );
  const err = refusal(found, "the remote");
  if (err) throw err;
}

/** Runs `fn` with the remote's transport open; errors leave redacted, the transport closed. */
async function withRemote<T>(
  ctx: Context,
  name: string | undefined,
  fn: (
    env: EngineEnv,
    remote: ReturnType<typeof resolveRemote>,
    t: Awaited<ReturnType<typeof openTransport>>,
  ) => Promise<T>,
): Promise<T> {
  const redactor = new Redactor();
  const report = (d: Diagnostic) => ctx.report(redactor.redactValue(d));
  try {
    const ws = ctx.workspace();
    const remote = resolveRemote(ws.idseDir, ws.root, ctx.io.env, name, ctx.io.home);
    if (remote.source === "original") {
      report(notice("ORIGINAL_REMOTE", { remote: remote.name, location: remote.location }));
    }
    const env: EngineEnv = {
      ws,
      redactor,
      report,
      verbose: ctx.io.stderrIsTTY === true && !ctx.global.quiet,
    };
    const transport = await openTransport(env, remote);
    try {
      return redactor.redactValue(await fn(env, remote, transport));
    } finally {
      await transport.dispose?.();
    }
  } catch (err) {
    throw redactor.redactError(err);
  }
}

const scopeName = (s: Scope) => (s.kind === "all" ? ("all-sessions" as const) : s.session);
const shortPath = (r: { session: string; stage: Stage }) => `${r.session}/${stagePath(r.stage)}`;

export const syncStatus = defineCommand<ScopeOpts, SyncStatusOutput>({
  options: scopeOptions,
  examples: ["idse sync status", "idse sync status core --all-sessions --json"],
  async run(ctx, [name], o) {
    const project = await ctx.project();
    const scope = await resolveScope(ctx, project, o, false);
    return withRemote(ctx, name, async (env, remote, transport) => {
      const { plan, lastSync } = await planSync(env, transport, remote, project, scope);
      return {
        project,
        remote: remoteInfo(remote),
        scope: scopeName(scope),
        counts: plan.counts,
        entries: plan.items.map(({ etag: _e, base: _b, ...entry }) => entry),
        last_sync: lastSync,
      };
    });
  },
  text(d) {
    const c = d.counts;
    const head = `Remote ${d.remote.name} (${d.remote.plugin} ${d.remote.location}), project ${d.project}, ${d.scope === "all-sessions" ? "all sessions" : `session ${d.scope}`}`;
    const rows = d.entries.map((e) => [
      e.action === "deleted" ? `deleted (${e.deleted_on})` : e.action,
      shortPath(e),
    ]);
    const summary = `${c.push} to push, ${c.pull} to pull, ${c.conflict} in conflict, ${c.deleted} deleted, ${c.unchanged} unchanged; last sync: ${d.last_sync ?? "never"}`;
    return [head, ...(rows.length ? ["", table(["ACTION", "ARTIFACT"], rows)] : []), "", summary].join("\n");
  },
  exitCode: (d) => (d.counts.conflict > 0 ? 1 : 0),
});

/** One diagnostic per artifact that did not make it, so CI logs and --json consumers see each. */
function reportProblems(report: (d: Diagnostic) => void, results: SyncResult[]): void {
  for (const r of results) {
    const at = { file: r.path, session: r.session, stage: r.stage, reason: r.message };
    if (r.outcome === "blocked") {
      for (const f of r.findings ?? []) report(secretDiagnostic(f, { session: r.session, stage: r.stage }));
    } else if (r.outcome === "conflict") {
      report(notice("SYNC_CONFLICT", at));
    } else if (r.outcome === "held") {
      report(/Spine/.test(r.message) ? notice("SPINE_CHANGE_HELD", at) : notice("DELETION_HELD", at));
    } else if (r.outcome === "failed") {
      report(notice("SYNC_FAILED", { ...at, error_code: r.error?.code ?? "REMOTE_ERROR" }));
    }
  }
}

/** Records what a pull brought: new sessions get metadata, changed ones a new updated_at. */
async function recordPulledSessions(ctx: Context, project: string, sessions: Set<string>): Promise<void> {
  const store = ctx.workspace().store;
  let created = false;
  const owner = ctx.workspace().config.values.owner;
  for (const session of [...sessions].sort()) {
    if (await recordArrivedSession(store, project, session, ctx.now, owner)) created = true;
  }
  if (created) await refreshMeta(ctx, store, project);
}

function syncCommand(direction: "push" | "pull") {
  return defineCommand<ApplyOpts, SyncOutput>({
    options:
      direction === "pull"
        ? [
            ...applyOptions,
            { flags: "--accept-spine", description: "Take remote changes to the Product Spine table" },
          ]
        : applyOptions,
    examples:
      direction === "push"
        ? [
            "idse sync push",
            "idse sync push core --all-sessions --dry-run",
            "idse sync push --force --session auth",
          ]
        : ["idse sync pull", "idse sync pull core --all-sessions --yes", "idse sync pull --accept-spine"],
    async run(ctx, [name], o) {
      const project = await ctx.project();
      const scope = await resolveScope(ctx, project, o, direction === "push");
      const run = () =>
        withRemote(ctx, name, async (env, remote, transport) => {
          const { plan, state, lastSync } = await planSync(env, transport, remote, project, scope);
          const concurrency = remote.config.concurrency ?? 8;
          const allow = readAllowlist(env.ws.idseDir);
          const progress = env.verbose
            ? progressLine(ctx.io.stderr, direction === "push" ? "pushing" : "pulling")
            : undefined;
          const applied = await applySync(env, transport, plan, state, {
            direction,
            dryRun: o.dryRun === true,
            force: o.force === true,
            yes: ctx.global.yes,
            acceptSpine: o.acceptSpine === true,
            concurrency,
            allowlist: allow,
            now: ctx.now,
            lastSync,
            onProgress: progress?.update,
          });
          progress?.end();
          if (!o.dryRun) {
            if (applied.failed === 0) await recordLastSync(ctx.workspace().store, project, ctx.now);
            if (applied.pulledSessions.size) await recordPulledSessions(ctx, project, applied.pulledSessions);
          }
          reportProblems(env.report, applied.results);
          const moved = applied.results.filter((r) => MOVED_OUTCOMES.includes(r.outcome)).length;
          return {
            project,
            remote: remoteInfo(remote),
            direction,
            scope: scopeName(scope),
            dry_run: o.dryRun === true,
            counts: plan.counts,
            results: applied.results,
            moved,
            failed: applied.failed,
            last_sync: applied.lastSync,
          };
        });
      // A dry run writes nothing, so it needs no lock; a real one holds the project's.
      return o.dryRun ? run() : ctx.mutate(project, run);
    },
    text(d) {
      const verb = d.dry_run ? `Dry run of sync ${d.direction}` : `Sync ${d.direction}`;
      const head = `${verb} with ${d.remote.name} (${d.remote.plugin} ${d.remote.location}), project ${d.project}, ${d.scope === "all-sessions" ? "all sessions" : `session ${d.scope}`}`;
      // The table gives the gist; failures are spelled out by the diagnostics on stderr.
      const rows = d.results.map((r) => [r.outcome, shortPath(r), r.message.split(/[;:]\s/)[0]!]);
      const lines = [
        head,
        ...(rows.length ? ["", table(["OUTCOME", "ARTIFACT", "DETAIL"], rows)] : ["", "Nothing to do."]),
      ];
      for (const r of d.results) {
        for (const f of r.findings ?? []) {
          lines.push(
            `  ${f.file}:${f.line}:${f.column}  ${f.rule}  ${f.masked}  (fingerprint ${f.fingerprint})`,
          );
        }
      }
      const would = d.dry_run ? "would move" : "moved";
      lines.push(
        "",
        `${d.moved} ${would}, ${d.failed} failed or held back; last sync: ${d.last_sync ?? "never"}`,
      );
      return lines.join("\n");
    },
    exitCode: (d) => (d.failed > 0 ? 1 : 0),
  });
}

export const syncPush = syncCommand("push");
export const syncPull = syncCommand("pull");
