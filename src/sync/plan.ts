import type { Diagnostic } from "../errors.ts";
import { notice } from "../errors.ts";
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

/** An unchanged artifact whose base lags (another hash or version tag, or a conflict copy's hash). */
export interface BaseRefresh {
  key: string;
  hash: string;
  etag?: string;
}

export interface Plan {
  project: string;
  scope: Scope;
  /** Every artifact that is not unchanged, sorted by key. */
  items: PlanItem[];
  counts: SyncCounts;
  /** Unchanged artifacts whose base is to be brought up to date (the others are only counted). */
  refresh: BaseRefresh[];
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

/**
 * The remote's artifacts in scope; keys that are not artifacts of this project, or unsafe, are skipped. A
 * key the local side also has is one this plan made itself (its session listed here, its stage path
 * known), so it is in scope and safe: only the others are parsed and checked (70,007 keys at 10,001
 * sessions, nearly all of them shared).
 */
function remoteArtifacts(
  entries: RemoteEntry[],
  local: ReadonlyMap<string, string>,
  project: string,
  scope: Scope,
  report: (d: Diagnostic) => void,
): Map<string, RemoteEntry> {
  const out = new Map<string, RemoteEntry>();
  for (const e of entries) {
    if (local.has(e.key)) {
      out.set(e.key, e);
      continue;
    }
    const parsed = parseArtifactKey(e.key);
    if (!parsed || parsed.project !== project) continue;
    if (scope.kind === "session" && parsed.session !== scope.session) continue;
    try {
      assertKey(e.key);
      if (!isListableId(parsed.session)) throw new Error("unsafe session id");
    } catch {
      report(notice("REMOTE_KEY_SKIPPED", { key: e.key }));
      continue;
    }
    out.set(e.key, e);
  }
  return out;
}

type ArtifactKey = NonNullable<ReturnType<typeof parseArtifactKey>>;
type Verdict = { action: SyncAction; deleted_on: PlanEntry["deleted_on"] };

function classify(L: string | undefined, R: string | undefined, B: string | undefined): Verdict {
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
  const remote = remoteArtifacts(listed, local, project, scope, o.report);
  const under = `${prefix}/`;

  // An unchanged artifact (the common case: all of them in a sync with nothing to do) is only counted, and
  // its base refreshed when it lags; no plan item is made for it. The others are collected, then sorted.
  const items: PlanItem[] = [];
  const refresh: BaseRefresh[] = [];
  const counts: SyncCounts = { unchanged: 0, push: 0, pull: 0, conflict: 0, deleted: 0 };
  const add = (key: string, parsed: ArtifactKey, v: Verdict, L?: string, r?: RemoteEntry, B?: string) => {
    counts[v.action]++;
    const base = o.state.artifacts[key];
    items.push({
      key,
      path: displayKey(store, key),
      session: parsed.session,
      stage: parsed.stage,
      action: v.action,
      deleted_on: v.deleted_on,
      local_hash: L ?? null,
      remote_hash: r?.hash ?? null,
      base_hash: B ?? null,
      ...(r?.etag !== undefined ? { etag: r.etag } : {}),
      ...(base ? { base } : {}),
    });
  };
  /** A conflict whose pull left a copy beside the document: decided once that copy is looked for. */
  const withCopy: { key: string; parsed: ArtifactKey }[] = [];
  const consider = (key: string) => {
    const L = local.get(key);
    const r = remote.get(key);
    const base = o.state.artifacts[key];
    if (L !== undefined && L === r?.hash) {
      counts.unchanged++;
      if (base?.hash !== L || base?.etag !== r.etag || base?.pending_remote) {
        refresh.push(r.etag !== undefined ? { key, hash: L, etag: r.etag } : { key, hash: L });
      }
      return;
    }
    const parsed = parseArtifactKey(key);
    if (!parsed) return;
    const verdict = classify(L, r?.hash, base?.hash);
    if (base?.pending_remote && verdict.action === "conflict") withCopy.push({ key, parsed });
    else add(key, parsed, verdict, L, r, base?.hash);
  };
  for (const key of local.keys()) consider(key);
  for (const key of remote.keys()) if (!local.has(key)) consider(key);
  for (const key of Object.keys(o.state.artifacts)) {
    if (key.startsWith(under) && !local.has(key) && !remote.has(key)) consider(key);
  }
  for (const { key, parsed } of withCopy) {
    // A conflicting pull left the remote text beside the local one: resolved once that copy is gone.
    const L = local.get(key);
    const r = remote.get(key);
    const base = o.state.artifacts[key]!;
    let B = base.hash;
    if (!(await store.has(sideKey(key))) && r?.hash === base.pending_remote) B = base.pending_remote;
    add(key, parsed, classify(L, r?.hash, B), L, r, B);
  }
  items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { project, scope, items, counts, refresh };
}
