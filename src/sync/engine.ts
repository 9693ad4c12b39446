import type { Diagnostic } from "../errors.ts";
import { IdseError } from "../errors.ts";
import type { RemoteInfo } from "../models/sync.ts";
import type { SyncTransport } from "../plugins/api.ts";
import { type DesignStore, sha256Hex } from "../store/contract.ts";
import { createFilesystemStore } from "../store/fs.ts";
import { attachStatCache, openStatCache, statCacheOf } from "../store/stat-cache.ts";
import type { Workspace } from "../workspace.ts";
import { type Applied, type ApplyOptions, applyPlan, FAILED_OUTCOMES } from "./apply.ts";
import { collectGarbage } from "./gc-pace.ts";
import { makePlan, type Plan, type Scope } from "./plan.ts";
import type { Redactor } from "./redact.ts";
import { assertRemoteElsewhere, type Remote, remotePath } from "./remotes.ts";
import {
  lastSyncOf,
  readSyncState,
  type SyncState,
  syncStateKey,
  writeLastSync,
  writeSyncState,
} from "./state.ts";
import { storeTransport } from "./store-transport.ts";

// ArtifactSyncEngine: opens the transport of a remote, makes the three-way plan (sync/plan.ts) and applies
// it in one direction (sync/apply.ts), keeping the sync base (sync/state.ts). Loaded only by the sync
// commands, so no other command pays for it.

export type { Plan, Scope } from "./plan.ts";
export { Redactor } from "./redact.ts";

/** Items from which an apply is large enough to collect garbage after it (src/sync/gc-pace.ts). */
const LARGE_APPLY = 4096;

/** Variables that may hold a token for a remote: registered with the redactor whether read or not. */
const TOKEN_VARS = ["IDSE_ARTIFACT_TOKEN", "IDSE_AGENCY_TOKEN"];

/** What the engine works with; the run's env, home and log come with the workspace, not the CLI's Io. */
export interface EngineEnv {
  ws: Workspace;
  redactor: Redactor;
  report(d: Diagnostic): void;
  /** Whether plugins' info lines reach stderr. */
  verbose: boolean;
}

export function remoteInfo(r: Remote): RemoteInfo {
  return { name: r.name, plugin: r.plugin, location: r.location, default: r.default, source: r.source };
}

export async function openTransport(env: EngineEnv, remote: Remote): Promise<SyncTransport> {
  for (const name of TOKEN_VARS) env.redactor.add(env.ws.env[name]);
  if (remote.plugin === "filesystem") {
    // Checked again here: the folder may have become a symlink to this workspace since `remote add`.
    // The remote's store is bounded by its own folder: a symlink in it that leads out is refused.
    const dir = remotePath(env.ws.root, remote.config);
    assertRemoteElsewhere(env.ws.idseDir, env.ws.root, remote.location, dir);
    const store = createFilesystemStore(dir);
    // Its stat cache lives in this workspace, named after the folder: the remote is only ever hashed here.
    attachStatCache(store, openStatCache(env.ws.idseDir, `remote-${sha256Hex(dir).slice(0, 16)}`));
    return storeTransport(store);
  }
  const { openPluginRemote } = await import("./remote-plugin.ts");
  return openPluginRemote(
    {
      ws: env.ws,
      env: env.ws.env,
      home: env.ws.home,
      redactor: env.redactor,
      report: env.report,
      stderr: env.ws.log,
      verbose: env.verbose,
    },
    remote,
  ).catch((err) => {
    throw remoteError(remote, err);
  });
}

/** Turns a transport's error (a plain Error with a code) into a catalogued one, naming the remote. */
export function remoteError(remote: Remote, err: unknown): unknown {
  if (err instanceof IdseError) return err;
  const code = (err as { code?: unknown })?.code;
  const data = {
    remote: remote.name,
    location: remote.location,
    reason: (err as Error)?.message ?? String(err),
    transport_code: typeof code === "string" ? code : "UNKNOWN",
  };
  if (code === "REMOTE_AUTH") return new IdseError("REMOTE_AUTH", data);
  if (code === "REMOTE_UNREACHABLE" || code === "REMOTE_TIMEOUT" || code === "REMOTE_UNAVAILABLE") {
    return new IdseError("REMOTE_UNREACHABLE", data);
  }
  if (typeof code === "string" && /^(REMOTE|STORE)_/.test(code)) return new IdseError("REMOTE_ERROR", data);
  if (typeof code === "string" && typeof (err as NodeJS.ErrnoException).path === "string") return err;
  return new IdseError("REMOTE_ERROR", data);
}

export async function planSync(
  env: EngineEnv,
  transport: SyncTransport,
  remote: Remote,
  project: string,
  scope: Scope,
): Promise<{ plan: Plan; state: SyncState; lastSync: string | null }> {
  const store: DesignStore = env.ws.store;
  if (store.kind === "filesystem" && !statCacheOf(store)) {
    attachStatCache(store, openStatCache(env.ws.idseDir, "local"));
  }
  const state = await readSyncState(store, project, remote.name, remote.location);
  const lastSync = await lastSyncOf(store, project, remote.name, state.last_sync);
  try {
    const plan = await makePlan({ store, transport, project, scope, state, report: env.report });
    // What the plan hashed is kept for the next run (a no-op status or push then reads nothing unchanged).
    statCacheOf(store)?.save();
    const remoteStore = (transport as { store?: DesignStore }).store;
    if (remoteStore) statCacheOf(remoteStore)?.save();
    return { plan, state, lastSync };
  } catch (err) {
    throw remoteError(remote, err);
  }
}

/**
 * Applies the plan and records the new base; `last_sync` moves only when nothing failed. A run that
 * changed no base entry leaves the base's bytes alone and records its time in the small last-sync file
 * (issue 16): rewriting a base of one entry per artifact to move one timestamp was most of a no-op push.
 * `lastSync` (from planSync) is the last sync before this run, reported when this one does not move it.
 */
export async function applySync(
  env: EngineEnv,
  transport: SyncTransport,
  plan: Plan,
  state: SyncState,
  o: ApplyOptions & { now: string; lastSync: string | null },
): Promise<Applied & { failed: number; lastSync: string | null }> {
  const applied = await applyPlan(env.ws.store, transport, plan, state, o);
  // After thousands of documents, their texts and scans are garbage: collected before the base (one entry
  // per artifact) is serialized and the results printed, which is where a first push peaked (issue 16).
  if (plan.items.length >= LARGE_APPLY) collectGarbage();
  const failed = applied.results.filter((r) => FAILED_OUTCOMES.includes(r.outcome)).length;
  if (o.dryRun) return { ...applied, failed, lastSync: o.lastSync };
  const store = env.ws.store;
  // A base not on disk yet is written even when empty, as before: the remote's first sync leaves its base.
  if (applied.baseChanged || !(await store.has(syncStateKey(plan.project, state.remote)))) {
    if (failed === 0) state.last_sync = o.now;
    await writeSyncState(store, plan.project, state);
  } else if (failed === 0) {
    await writeLastSync(store, plan.project, state.remote, o.now);
  }
  return { ...applied, failed, lastSync: failed === 0 ? o.now : o.lastSync };
}
