import type { Diagnostic } from "../errors.ts";
import { isListableId } from "../ids.ts";
import type { PlanEntry, SyncAction, SyncCounts } from "../models/sync.ts";
import type { RemoteEntry, SyncTransport } from "../plugins/api.ts";
import { listSessionIds } from "../session-graph.ts";
import { assertKey, type DesignStore } from "../store/contract.ts";
import { displayKey } from "../store/documents.ts";
import { keys, parseArtifactKey, STAGES } from "../store/layout.ts";
import { hashKeys } from "./hash.ts";
import type { BaseEntry, SyncState } from "./state.ts";

// The plan: three hash sets per artifact — local (L), remote (R) and the base (B) recorded at its last
// successful sync with this remote — decide what happens to it:
//   L = R                          unchanged (the base is brought up to date when it lags)
//   no base: only L / only R        push / pull          both, different: conflict
//   base: L ≠ B, R = B              push (or deleted on the local side when L is gone)
//         L = B, R ≠ B              pull (or deleted on the remote side when R is gone)
//         L ≠ B, R ≠ B              conflict (an edit on one side and a deletion on the other included)
//         L and R both gone         deleted on both sides (the base entry is dropped)
// A conflicting pull writes the remote text beside the local one and remembers its hash; once that copy
// is deleted (the user merged), the remembered hash stands in for the base, so the merge is pushed.

export type Scope = { kind: "session"; session: string } | { kind: "all" };

export interface PlanItem extends PlanEntry {
  /** The remote's version tag from the listing (If-Match). */
  etag?: string;
  base?: BaseEntry;
}

export interface Plan {
  project: string;
  scope: Scope;
  items: PlanItem[];
  counts: SyncCounts;
}

/** Where a conflicting pull keeps the remote text: spec.md → spec.remote.md. */
export function sideKey(key: string): string {
  return key.replace(/(\.[^./]+)?$/, (ext) => `.remote${ext}`);
}

export function scopePrefix(project: string, scope: Scope): string {
  return scope.kind === "all" ? keys.sessions(project) : keys.session(project, scope.session);
}

async function localHashes(
  store: DesignStore,
  project: string,
  sessions: string[],
): Promise<Map<string, string>> {
  return hashKeys(
    store,
    sessions.flatMap((session) => STAGES.map((stage) => keys.artifact(project, session, stage))),
  );
}

/** The remote's artifacts in scope; keys that are not artifacts of this project, or unsafe, are skipped. */
function remoteArtifacts(
  entries: RemoteEntry[],
  project: string,
  scope: Scope,
  report: (d: Diagnostic) => void,
): Map<string, RemoteEntry> {
  const out = new Map<string, RemoteEntry>();
  for (const e of entries) {
    const parsed = parseArtifactKey(e.key);
    if (!parsed || parsed.project !== project) continue;
    if (scope.kind === "session" && parsed.session !== scope.session) continue;
    try {
      assertKey(e.key);
      if (!isListableId(parsed.session)) throw new Error("unsafe session id");
    } catch {
      report({
        severity: "warning",
        code: "REMOTE_KEY_SKIPPED",
        message: `the remote lists ${JSON.stringify(e.key)}, which is not a safe artifact key; skipped`,
      });
      continue;
    }
    out.set(e.key, e);
  }
  return out;
}

function classify(
  L: string | undefined,
  R: string | undefined,
  B: string | undefined,
): { action: SyncAction; deleted_on: PlanEntry["deleted_on"] } {
  const is = (action: SyncAction, deleted_on: PlanEntry["deleted_on"] = null) => ({ action, deleted_on });
  if (L !== undefined && L === R) return is("unchanged");
  if (B === undefined) {
    if (L !== undefined && R === undefined) return is("push");
    if (L === undefined && R !== undefined) return is("pull");
    return is("conflict");
  }
  if (L === undefined && R === undefined) return is("deleted", "both");
  if (R === B) return L === undefined ? is("deleted", "local") : is("push");
  if (L === B) return R === undefined ? is("deleted", "remote") : is("pull");
  return is("conflict");
}

export async function makePlan(o: {
  store: DesignStore;
  transport: SyncTransport;
  project: string;
  scope: Scope;
  state: SyncState;
  report(d: Diagnostic): void;
}): Promise<Plan> {
  const { store, project, scope } = o;
  const prefix = scopePrefix(project, scope);
  const sessions = scope.kind === "all" ? await listSessionIds(store, project) : [scope.session];
  const [local, listed] = await Promise.all([
    localHashes(store, project, sessions),
    o.transport.list(prefix),
  ]);
  const remote = remoteArtifacts(listed, project, scope, o.report);
  const under = `${prefix}/`;
  const all = new Set<string>([...local.keys(), ...remote.keys()]);
  for (const key of Object.keys(o.state.artifacts)) if (key.startsWith(under)) all.add(key);

  const items: PlanItem[] = [];
  const counts: SyncCounts = { unchanged: 0, push: 0, pull: 0, conflict: 0, deleted: 0 };
  for (const key of [...all].sort()) {
    const parsed = parseArtifactKey(key);
    if (!parsed) continue;
    const L = local.get(key);
    const r = remote.get(key);
    const R = r?.hash;
    const base = o.state.artifacts[key];
    let B = base?.hash;
    let verdict = classify(L, R, B);
    if (base?.pending_remote && verdict.action === "conflict") {
      // A conflicting pull left the remote text beside the local one: resolved once that copy is gone.
      const copyLeft = await store.has(sideKey(key));
      if (!copyLeft && R === base.pending_remote) {
        B = base.pending_remote;
        verdict = classify(L, R, B);
      }
    }
    counts[verdict.action]++;
    items.push({
      key,
      path: displayKey(store, key),
      session: parsed.session,
      stage: parsed.stage,
      action: verdict.action,
      deleted_on: verdict.deleted_on,
      local_hash: L ?? null,
      remote_hash: R ?? null,
      base_hash: B ?? null,
      ...(r?.etag !== undefined ? { etag: r.etag } : {}),
      ...(base ? { base } : {}),
    });
  }
  return { project, scope, items, counts };
}
