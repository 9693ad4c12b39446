import { join } from "node:path";
import type { Diagnostic } from "../../errors.ts";
import { notice } from "../../errors.ts";
import { EXPORT_ACTIONS, type ExportAction, type StoreExportOutput } from "../../models/store.ts";
import type { Workspace } from "../../workspace.ts";
import { writeFilesAtomic } from "../atomic-files.ts";
import { type DesignStore, sha256Hex } from "../contract.ts";
import { boundaryFor } from "../path-guard.ts";
import { documentKeys } from "./documents.ts";
import {
  manifestPath,
  readExportManifest,
  readFileText,
  repoPath,
  writeExportManifest,
  zero,
} from "./files.ts";

// `idse store export`: a store's documents written as files in the canonical layout (see files.ts). A
// file edited since the last export is kept, never overwritten without --force.

/** An export's write batches: as sync's pushes (src/sync/apply.ts), few fsync waits, bounded texts held. */
const EXPORT_BATCH_FILES = 512;
const EXPORT_BATCH_BYTES = 8 * 1024 * 1024;

export interface ExportOptions {
  /** Where the canonical layout goes: the folder that plays `.idse/` (default: .idse itself). */
  dir: string;
  /** Key prefix to export: `projects`, or one session's folder. */
  scope: string;
  force: boolean;
  now: string;
  report(d: Diagnostic): void;
}

export async function exportFiles(
  ws: Workspace,
  store: DesignStore,
  o: ExportOptions,
): Promise<StoreExportOutput> {
  const dir = repoPath(ws.root, o.dir);
  const within = boundaryFor(ws.root, o.dir);
  const prev = readExportManifest(ws);
  const base = prev && prev.dir === dir ? prev : undefined;
  const files: Record<string, string> = { ...(base?.files ?? {}) };
  const results: StoreExportOutput["results"] = [];
  const counts = zero(EXPORT_ACTIONS);
  // Files go out through the batch writer (src/store/atomic-files.ts), a batch at a time, all before the
  // manifest: a killed export leaves every file old or new and the old manifest, and the next export
  // sees a file it had written as unchanged.
  let batch: { path: string; text: string }[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length) await writeFilesAtomic(batch, within, { syncDirs: true });
    batch = [];
    batchBytes = 0;
  };
  for (const key of await documentKeys(store, o.scope)) {
    const text = await store.read(key);
    if (text === undefined) continue;
    const path = join(o.dir, key);
    const file = repoPath(ws.root, path);
    const storeHash = sha256Hex(text);
    const onDisk = readFileText(path, file, within);
    let action: ExportAction = "written";
    if (onDisk !== undefined) {
      const diskHash = sha256Hex(onDisk);
      // Unchanged on disk since the last export: safe to replace. Anything else is someone's edit.
      if (diskHash === storeHash) action = "unchanged";
      else if (files[key] !== diskHash) action = o.force ? "overwritten" : "kept";
    }
    if (action === "kept") {
      o.report(notice("STORE_FILE_EDITED", { file, key }));
    } else {
      if (action !== "unchanged") {
        batch.push({ path, text });
        batchBytes += text.length;
        if (batch.length >= EXPORT_BATCH_FILES || batchBytes >= EXPORT_BATCH_BYTES) await flush();
      }
      files[key] = storeHash;
    }
    counts[action]++;
    results.push({ key, file, action });
  }
  await flush();
  writeExportManifest(ws, {
    store: { plugin: ws.config.values["store.plugin"], location: store.location },
    dir,
    exported_at: o.now,
    scopes: [...(base?.scopes ?? []), o.scope],
    files,
  });
  return { dir, manifest: repoPath(ws.root, manifestPath(ws)), scopes: [o.scope], results, counts };
}
