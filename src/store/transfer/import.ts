import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Diagnostic, IdseError, notice } from "../../errors.ts";
import { IMPORT_RESULTS, type ImportResult, type StoreImportOutput } from "../../models/store.ts";
import { isSpineDocument, spineChanged } from "../../spine.ts";
import type { Workspace } from "../../workspace.ts";
import { type DesignStore, sha256Hex } from "../contract.ts";
import { boundaryFor, guardRead } from "../path-guard.ts";
import { walkTree } from "../walk-tree.ts";
import { isDocumentKey, withProjectLocks } from "./documents.ts";
import {
  manifestPath,
  readExportManifest,
  readFileText,
  repoPath,
  writeExportManifest,
  zero,
} from "./files.ts";

// `idse store import`: files edited since `idse store export` taken back into the store, comparing each
// file's hash with the manifest's and the store's (see files.ts); a conflict is never resolved silently.

/** Files on disk below the exported scopes that may be new documents: only inside session folders. */
function newFiles(
  dir: string,
  scopes: readonly string[],
  known: Set<string>,
  within: string | null,
): string[] {
  const out = new Set<string>();
  for (const scope of scopes) {
    let rels: string[];
    try {
      // In the repository a symlinked folder is entered when it stays inside (one that leads out is
      // refused, as reads refuse it); in a folder outside the repository no link is entered.
      const real = within === null ? join(dir, scope) : guardRead(within, join(dir, scope));
      if (real === undefined) continue;
      rels = walkTree(real, within === null ? {} : { real, follow: (p) => guardRead(within, p) })!;
    } catch (err) {
      if ((err as IdseError).code === "PATH_OUTSIDE_WORKSPACE") throw err;
      continue;
    }
    for (const rel of rels) {
      const key = `${scope}/${rel}`;
      if (known.has(key) || !isDocumentKey(key)) continue;
      if (!/^projects\/[^/]+\/sessions\/[^/]+\/.+/.test(key)) continue;
      if (statSync(join(dir, key), { throwIfNoEntry: false })?.isFile()) out.add(key);
    }
  }
  return [...out];
}

export interface ImportOptions {
  dryRun: boolean;
  force: boolean;
  /** Take a file that changes the Product Spine table (held back otherwise, as `sync pull` does). */
  acceptSpine?: boolean;
  lockTimeoutMs: number;
  now: string;
  report(d: Diagnostic): void;
}

export async function importFiles(
  ws: Workspace,
  store: DesignStore,
  o: ImportOptions,
): Promise<StoreImportOutput> {
  const manifest = readExportManifest(ws);
  if (!manifest) throw new IdseError("STORE_NO_EXPORT", { file: repoPath(ws.root, manifestPath(ws)) });
  const dir = resolve(ws.root, manifest.dir);
  const within = boundaryFor(ws.root, dir);
  const known = new Set(Object.keys(manifest.files));
  const candidates = [...known, ...newFiles(dir, manifest.scopes, known, within)];
  candidates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const results: StoreImportOutput["results"] = [];
  const counts = zero(IMPORT_RESULTS);
  const writes: [string, string][] = [];
  const files = { ...manifest.files };
  const projects = new Set<string>();
  for (const key of candidates) {
    const file = repoPath(ws.root, join(dir, key));
    const text = readFileText(join(dir, key), file, within);
    const exported = manifest.files[key];
    let result: ImportResult;
    if (text === undefined) result = "missing";
    else {
      const f = sha256Hex(text);
      const s = await store.hash(key);
      if (exported === undefined) result = s === undefined ? "added" : s === f ? "unchanged" : "conflict";
      else if (f === exported) result = s === exported ? "unchanged" : "stale";
      else result = s === exported ? "imported" : s === f ? "unchanged" : "conflict";
      if (result === "conflict" && o.force) result = "overwritten";
      // Files come back from agents: a change to the Spine table waits for a person (DESIGN.md §1).
      if ((result === "imported" || result === "added" || result === "overwritten") && !o.acceptSpine) {
        const project = key.split("/")[1] ?? "";
        if (isSpineDocument(key, project) && spineChanged(await store.read(key), text)) result = "held";
      }
      if (result === "imported" || result === "added" || result === "overwritten") {
        writes.push([key, text]);
        const parts = key.split("/");
        if (parts.length > 2) projects.add(parts[1]!);
      }
      if (result !== "stale" && result !== "conflict" && result !== "held") files[key] = f;
    }
    const d = diagnosticFor(result, file, key);
    if (d) o.report(d);
    counts[result]++;
    results.push({ key, file, result });
  }
  if (!o.dryRun && writes.length) {
    await withProjectLocks(store, [...projects], o.lockTimeoutMs, async () => {
      // One batch: a store with transactions takes every file or none.
      await store.writeMany(writes);
    });
    for (const [key, text] of writes) {
      if ((await store.hash(key)) !== sha256Hex(text)) {
        throw new IdseError("STORE_FAILED", {
          store: store.kind,
          key,
          reason: `${key} reads back different from the file just written to it`,
        });
      }
    }
  }
  if (!o.dryRun) writeExportManifest(ws, { ...manifest, files });
  return { dry_run: o.dryRun, dir: manifest.dir, results, counts };
}

function diagnosticFor(result: ImportResult, file: string, key: string): Diagnostic | undefined {
  if (result === "conflict") return notice("STORE_CONFLICT", { file, key });
  if (result === "stale") return notice("STORE_FILE_STALE", { file, key });
  if (result === "held") return notice("SPINE_CHANGE_HELD", { file, key });
  if (result === "missing") return notice("STORE_FILE_MISSING", { file, key });
  return undefined;
}
