import * as v from "valibot";
import { IdseError } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import { LastSyncFile, SyncStateFile } from "../models/sync.ts";
import type { DesignStore } from "../store/contract.ts";
import { displayKey, parseJsonDoc, readJsonDoc, writeJsonDoc } from "../store/documents.ts";
import { keys, schemaRef } from "../store/layout.ts";

// The sync base: `.idse/projects/<project>/sync/<remote>.json`, one file per project and remote, holding
// the hash (and the remote's version tag) of every artifact at its last successful sync with that remote.
// Written through the DesignStore, so atomically, and only under the project lock. It describes this
// checkout's view of the remote (like git's remote-tracking refs): keep it out of version control.

export const syncStateKey = (project: string, remote: string) =>
  `${keys.project(project)}/sync/${remote}.json`;

// Beside it, `<remote>.last-sync.json` holds only the time of the last sync that changed no base entry: such
// a sync writes that small file rather than rewriting the whole base (~16 MB at 10,001 sessions) to move
// one timestamp (issue 16). The base's own `last_sync` is then the last sync that changed the base; the
// last sync reported anywhere is the later of the two (`lastSyncOf`). A remote name is a slug without dots,
// so `<name>.last-sync.json` can never be another remote's base.

export const LAST_SYNC_SUFFIX = ".last-sync.json";

export const lastSyncKey = (project: string, remote: string) =>
  `${keys.project(project)}/sync/${remote}${LAST_SYNC_SUFFIX}`;

/** Whether a file name in `sync/` is a remote's base (not its last-sync file, nor anything else). */
export const isBaseFileName = (name: string) => name.endsWith(".json") && !name.endsWith(LAST_SYNC_SUFFIX);

export type SyncState = SyncStateFile;
export type BaseEntry = SyncState["artifacts"][string];

export async function readSyncState(
  store: DesignStore,
  project: string,
  remote: string,
  location: string,
): Promise<SyncState> {
  const key = syncStateKey(project, remote);
  const text = await store.read(key);
  const found = text === undefined ? undefined : parseSyncState(store, key, text);
  return found ?? { $schema: schemaRef(key, "sync-state"), remote, location, last_sync: null, artifacts: {} };
}

const SHA256 = /^[0-9a-f]{64}$/;
const ENTRY_FIELDS = new Set(["hash", "etag", "pending_remote"]);

/** One base entry, checked by hand: what SyncStateFile says of it, and no other field. */
function entryOk(e: unknown): boolean {
  if (typeof e !== "object" || e === null || Array.isArray(e)) return false;
  const { hash, etag, pending_remote } = e as Record<string, unknown>;
  if (hash !== undefined && !(typeof hash === "string" && SHA256.test(hash))) return false;
  if (etag !== undefined && typeof etag !== "string") return false;
  if (pending_remote !== undefined && !(typeof pending_remote === "string" && SHA256.test(pending_remote)))
    return false;
  for (const k in e) if (!ENTRY_FIELDS.has(k)) return false;
  return true;
}

/**
 * The sync base, checked against SyncStateFile. Its artifacts are one entry per document (70,007 at
 * 10,001 sessions): run through valibot they cost half a second and a second copy of the record (issue 16,
 * docs/sync.md "Caches and batches"), so they are checked by hand here, the rest of the file by the model.
 * Anything the quick check does not accept goes through the model whole, which gives the same error (or
 * output, for an entry with a field the model drops) as before.
 */
function parseSyncState(store: DesignStore, key: string, text: string): SyncState {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new IdseError("CORRUPT_FILE", { file: displayKey(store, key), reason: (err as Error).message });
  }
  const artifacts = (json as { artifacts?: unknown } | null)?.artifacts;
  if (
    typeof json === "object" &&
    json !== null &&
    !Array.isArray(json) &&
    typeof artifacts === "object" &&
    artifacts !== null &&
    !Array.isArray(artifacts)
  ) {
    let ok = true;
    for (const k in artifacts) {
      // valibot's record leaves these keys out of its output: such a file takes the model's path.
      if (k === "__proto__" || k === "prototype" || k === "constructor") {
        ok = false;
        break;
      }
      if (!entryOk((artifacts as Record<string, unknown>)[k])) {
        ok = false;
        break;
      }
    }
    if (ok) {
      const head = v.safeParse(SyncStateFile, { ...json, artifacts: {} });
      if (head.success) return { ...head.output, artifacts: artifacts as SyncState["artifacts"] };
    }
  }
  return parseJsonDoc(store, key, text, SyncStateFile);
}

export async function writeSyncState(store: DesignStore, project: string, state: SyncState): Promise<void> {
  const key = syncStateKey(project, state.remote);
  // Sorted keys: the file diffs well and two runs that agree write the same bytes. A base read from this
  // file is sorted already (and stays so when nothing was added): then it is not copied.
  let artifacts = state.artifacts;
  let prev: string | undefined;
  for (const k in artifacts) {
    if (prev !== undefined && !(prev < k)) {
      artifacts = Object.fromEntries(Object.entries(artifacts).sort(([a], [b]) => (a < b ? -1 : 1)));
      break;
    }
    prev = k;
  }
  const doc: SyncState = { ...state, $schema: state.$schema ?? schemaRef(key, "sync-state"), artifacts };
  await store.write(key, `${JSON.stringify(doc, null, 2)}\n`);
}

/** The last-sync file's time, or null without one; a damaged one is CORRUPT_FILE, like a damaged base. */
export async function readLastSync(
  store: DesignStore,
  project: string,
  remote: string,
): Promise<string | null> {
  return (await readJsonDoc(store, lastSyncKey(project, remote), LastSyncFile))?.last_sync ?? null;
}

export async function writeLastSync(
  store: DesignStore,
  project: string,
  remote: string,
  now: string,
): Promise<void> {
  const key = lastSyncKey(project, remote);
  const doc: LastSyncFile = { $schema: schemaRef(key, "last-sync"), last_sync: now };
  await writeJsonDoc(store, key, doc);
}

/** The later of two `last_sync` times (either may be null): what every report of the last sync shows. */
export function laterSync(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  // Timestamps may differ in precision or offset: compared as instants, the text only when unparsable.
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a < b ? b : a;
  return ta < tb ? b : a;
}

/** The last sync with a remote: the later of its base's `last_sync` and its last-sync file's. */
export async function lastSyncOf(
  store: DesignStore,
  project: string,
  remote: string,
  base: string | null,
): Promise<string | null> {
  return laterSync(base, await readLastSync(store, project, remote));
}

/** Removes a remote's base and its last-sync file; true when either was there. */
export async function removeSyncState(store: DesignStore, project: string, remote: string): Promise<boolean> {
  let removed = false;
  for (const key of [syncStateKey(project, remote), lastSyncKey(project, remote)]) {
    if (!(await store.has(key))) continue;
    await store.remove(key);
    removed = true;
  }
  return removed;
}
