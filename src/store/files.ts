import { isUtf8 } from "node:buffer";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import * as v from "valibot";
import { type Diagnostic, IdseError } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import {
  EXPORT_ACTIONS,
  type ExportAction,
  IMPORT_RESULTS,
  type ImportResult,
  StoreExportFile,
  type StoreExportOutput,
  type StoreImportOutput,
} from "../models/store.ts";
import { isSpineDocument, spineChanged } from "../spine.ts";
import type { Workspace } from "../workspace.ts";
import { readTextIfExists, writeFileAtomic } from "./atomic-file.ts";
import { type DesignStore, sha256Hex } from "./contract.ts";
import { boundaryFor, readContained } from "./path-guard.ts";
import { documentKeys, hashOf, isDocumentKey, repoPath, withProjectLocks } from "./transfer.ts";

// Files for agents (`idse store export` / `idse store import`). IDE agents edit files, so a plugin
// store's documents are written out in the canonical layout (by default under .idse/projects/, where the
// filesystem store would keep them), and edited files are taken back. The manifest
// .idse/store-export.json records the hash of every file as written; comparing it with the file's hash
// and the store's hash says who changed what since: the file only (import it), the store only (the file
// is stale), or both (a conflict, never resolved silently).

export const EXPORT_MANIFEST = "store-export.json";
const SCHEMA_REF = "./schemas/store-export.schema.json";

const manifestPath = (ws: Workspace) => join(ws.idseDir, EXPORT_MANIFEST);

export function readExportManifest(ws: Workspace): StoreExportFile | undefined {
  const file = manifestPath(ws);
  const text = readTextIfExists(file);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new IdseError("CORRUPT_FILE", { file, reason: (err as Error).message });
  }
  const r = v.safeParse(StoreExportFile, json);
  if (!r.success) throw new IdseError("CORRUPT_FILE", { file, reason: r.issues[0].message });
  return r.output;
}

export function writeExportManifest(ws: Workspace, m: StoreExportFile): void {
  const files = Object.fromEntries(Object.entries(m.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const doc = { $schema: SCHEMA_REF, ...m, scopes: [...new Set(m.scopes)].sort(), files };
  writeFileAtomic(manifestPath(ws), `${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * A file's text, or undefined; a file that is not UTF-8 text is refused (a store keeps text only).
 * `within`: the repository when the export folder is inside it (a symlink there that leads out is
 * refused), null for a folder the user named outside it.
 */
function readFileText(file: string, shown: string, within: string | null): string | undefined {
  let buf: Buffer | undefined;
  try {
    buf = within === null ? readFileSync(file) : readContained(within, file);
    if (buf === undefined) return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw err;
  }
  if (!isUtf8(buf)) throw new IdseError("STORE_NOT_TEXT", { file: shown });
  return buf.toString("utf8");
}

const zero = <T extends string>(names: readonly T[]) =>
  Object.fromEntries(names.map((n) => [n, 0])) as Record<T, number>;

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
      o.report({
        severity: "error",
        code: "STORE_FILE_EDITED",
        message: `${file} was edited since it was exported and differs from the store; it was kept`,
        file,
        key,
        hint: "take the edit in with `idse store import`, or overwrite it with `idse store export --force`",
      });
    } else {
      if (action !== "unchanged") writeFileAtomic(path, text, within);
      files[key] = storeHash;
    }
    counts[action]++;
    results.push({ key, file, action });
  }
  writeExportManifest(ws, {
    store: { plugin: ws.config.values["store.plugin"], location: store.location },
    dir,
    exported_at: o.now,
    scopes: [...(base?.scopes ?? []), o.scope],
    files,
  });
  return { dir, manifest: repoPath(ws.root, manifestPath(ws)), scopes: [o.scope], results, counts };
}

/** Files on disk below the exported scopes that may be new documents: only inside session folders. */
function newFiles(dir: string, scopes: readonly string[], known: Set<string>): string[] {
  const out = new Set<string>();
  for (const scope of scopes) {
    let rels: string[];
    try {
      rels = readdirSync(join(dir, scope), { recursive: true, encoding: "utf8" });
    } catch {
      continue;
    }
    for (const rel of rels) {
      const key = `${scope}/${rel.split(sep).join("/")}`;
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
  const candidates = [...known, ...newFiles(dir, manifest.scopes, known)];
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
      const s = await hashOf(store, key);
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
      if (store.writeMany) await store.writeMany(writes);
      else for (const [k, t] of writes) await store.write(k, t);
    });
    for (const [key, text] of writes) {
      if ((await hashOf(store, key)) !== sha256Hex(text)) {
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
  if (result === "conflict")
    return {
      severity: "error",
      code: "STORE_CONFLICT",
      message: `${file} and the store both changed since the export; nothing was written for it`,
      file,
      key,
      hint: "merge by hand (`idse artifact read` shows the store's text), or take the file with `idse store import --force`",
    };
  if (result === "stale")
    return {
      severity: "warning",
      code: "STORE_FILE_STALE",
      message: `${file} is older than the store's document (the store changed since the export)`,
      file,
      key,
      hint: "run `idse store export` to refresh it",
    };
  if (result === "held")
    return {
      severity: "error",
      code: "SPINE_CHANGE_HELD",
      message: `${file} changes the Product Spine table; nothing was written for it`,
      file,
      key,
      hint: "review the change; a person takes it with `idse store import --accept-spine`, or proposes components with `idse spine propose`",
    };
  if (result === "missing")
    return {
      severity: "warning",
      code: "STORE_FILE_MISSING",
      message: `${file} was exported but is gone; the store keeps its document`,
      file,
      key,
    };
  return undefined;
}
