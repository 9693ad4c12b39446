import { SyncStateFile } from "../models/sync.ts";
import type { DesignStore } from "../store/contract.ts";
import { readJsonDoc } from "../store/documents.ts";
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
  const found = await readJsonDoc(store, key, SyncStateFile);
  return found ?? { $schema: schemaRef(key, "sync-state"), remote, location, last_sync: null, artifacts: {} };
}

export async function writeSyncState(store: DesignStore, project: string, state: SyncState): Promise<void> {
  const key = syncStateKey(project, state.remote);
  // Sorted keys: the file diffs well and two runs that agree write the same bytes.
  const artifacts = Object.fromEntries(Object.entries(state.artifacts).sort(([a], [b]) => (a < b ? -1 : 1)));
  const doc: SyncState = { ...state, $schema: state.$schema ?? schemaRef(key, "sync-state"), artifacts };
  await store.write(key, `${JSON.stringify(doc, null, 2)}\n`);
}

export async function removeSyncState(store: DesignStore, project: string, remote: string): Promise<boolean> {
  const key = syncStateKey(project, remote);
  if (!(await store.has(key))) return false;
  await store.remove(key);
  return true;
}
