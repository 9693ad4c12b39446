import * as v from "valibot";
import { IdseError } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import { SyncStateFile } from "../models/sync.ts";
import type { DesignStore } from "../store/contract.ts";
import { displayKey, parseJsonDoc } from "../store/documents.ts";
import { keys, schemaRef } from "../store/layout.ts";

// The sync base: `.idse/projects/<project>/sync/<remote>.json`, one file per project and remote, holding
// the hash (and the remote's version tag) of every artifact at its last successful sync with that remote.
// Written through the DesignStore, so atomically, and only under the project lock. It describes this
// checkout's view of the remote (like git's remote-tracking refs): keep it out of version control.

export const syncStateKey = (project: string, remote: string) =>
  `${keys.project(project)}/sync/${remote}.json`;

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

export async function removeSyncState(store: DesignStore, project: string, remote: string): Promise<boolean> {
  const key = syncStateKey(project, remote);
  if (!(await store.has(key))) return false;
  await store.remove(key);
  return true;
}
