import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import * as v from "valibot";
import { IdseError } from "../../errors.ts";
import { parseJsonText } from "../../json-text.ts";
import { StoreExportFile } from "../../models/store.ts";
import type { Workspace } from "../../workspace.ts";
import { readTextIfExists, writeFileAtomic } from "../atomic-file.ts";
import { readContained } from "../path-guard.ts";

// The folder of files for agents (`idse store export` / `idse store import`). IDE agents edit files, so
// a plugin store's documents are written out in the canonical layout (by default under .idse/projects/,
// where the filesystem store would keep them), and edited files are taken back. The manifest
// .idse/store-export.json records the hash of every file as written; comparing it with the file's hash
// and the store's hash says who changed what since: the file only (import it), the store only (the file
// is stale), or both (a conflict, never resolved silently).

export const EXPORT_MANIFEST = "store-export.json";
const SCHEMA_REF = "./schemas/store-export.schema.json";

export const manifestPath = (ws: Workspace) => join(ws.idseDir, EXPORT_MANIFEST);

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
export function readFileText(file: string, shown: string, within: string | null): string | undefined {
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

export const zero = <T extends string>(names: readonly T[]) =>
  Object.fromEntries(names.map((n) => [n, 0])) as Record<T, number>;

/** `file` relative to the repository root, with '/' separators. */
export const repoPath = (root: string, file: string) => relative(root, file).split(sep).join("/") || ".";
