import { readFileSync, renameSync } from "node:fs";
import { join, relative } from "node:path";
import * as v from "valibot";
import { HOME_CONFIG_FILE, REPO_CONFIG_FILE } from "../config.ts";
import type { IdseError } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import { PluginsFile } from "../models/plugins.ts";
import { StoreExportFile } from "../models/store.ts";
import { CredentialsFile } from "../models/sync.ts";
import { issueText } from "../store/documents.ts";
import { readContained } from "../store/path-guard.ts";
import { credentialsPath } from "../sync/credentials.ts";

// `idse doctor` for the JSON files that live outside the DesignStore: the repository's config.json,
// plugins.json and store-export.json, and the user's ~/.idseconfig.json and credentials file. Each is
// named by CORRUPT_FILE (or INVALID_FILE) when a command cannot read it, with the hint `idse doctor
// --fix`; none can be rebuilt from other files, so --fix moves the file aside (a rename: same bytes,
// same mode) and says what to do next. Every command then runs as if the file had never been written.
// The checks are exactly the ones the readers make (parse, then the shape they require), so doctor never
// says "no problems" about a file a command calls corrupt.

export interface SettingsFile {
  path: string;
  /** As the readers name it: relative to the repository root, or absolute outside it. */
  shown: string;
  /** Why it cannot be read, or undefined when it is fine (or absent). */
  problem(): string | undefined;
  /** What the user does once it has been moved aside. */
  next: string;
  /** Every command reads it when it opens the workspace (the config files). */
  blocksWorkspace: boolean;
}

const isObject = (x: unknown) => x !== null && typeof x === "object" && !Array.isArray(x);

/**
 * The problem of a JSON file for a reader that requires `shape`; undefined when absent or fine. A file of
 * the repository (`root`) is read as the readers read it: one that a link leads out of the repository is
 * not read (what is there is never quoted) and is its problem.
 */
function jsonProblem(
  path: string,
  shape: (json: unknown) => string | undefined,
  root: string | undefined,
): string | undefined {
  let bytes: Buffer | undefined;
  try {
    bytes = root === undefined ? readFileSync(path) : readContained(root, path);
    if (bytes === undefined) return undefined;
  } catch (err) {
    if ((err as IdseError).code === "PATH_OUTSIDE_WORKSPACE") return (err as IdseError).message;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return `cannot be read (${code})`;
  }
  let json: unknown;
  try {
    json = parseJsonText(bytes.toString("utf8"));
  } catch {
    // Never quote the parser: the file may hold a secret (credentials).
    return "not valid JSON";
  }
  return shape(json);
}

const object = (json: unknown) => (isObject(json) ? undefined : "expected a JSON object");
const model =
  <S extends v.GenericSchema>(schema: S, quote = true) =>
  (json: unknown) => {
    const r = v.safeParse(schema, json);
    if (r.success) return undefined;
    return quote ? issueText(r.issues) : `unexpected shape at ${v.getDotPath(r.issues[0]) ?? "the top"}`;
  };

export function settingsFiles(o: {
  root?: string;
  home: string;
  env: Record<string, string | undefined>;
}): SettingsFile[] {
  const files: Omit<SettingsFile, "problem" | "shown">[] = [];
  const checks: ((json: unknown) => string | undefined)[] = [];
  const add = (path: string, check: (json: unknown) => string | undefined, next: string) => {
    files.push({ path, next, blocksWorkspace: check === object });
    checks.push(check);
  };
  if (o.root) {
    const idse = join(o.root, ".idse");
    add(
      join(idse, REPO_CONFIG_FILE),
      object,
      "the repository's settings are the defaults again: copy back what you need with `idse config set`, `idse remote add` and `idse store migrate`",
    );
    add(
      join(idse, "plugins.json"),
      model(PluginsFile),
      "no plugin is installed now: install the ones the old file listed again with `idse plugin add <name>`",
    );
    add(
      join(idse, "store-export.json"),
      model(StoreExportFile),
      "run `idse store export` to write the files for agents again",
    );
  }
  add(
    join(o.home, HOME_CONFIG_FILE),
    object,
    "your own defaults are idse's again: copy back what you need from the moved file",
  );
  add(
    credentialsPath(o.env, o.home),
    model(CredentialsFile, false),
    "copy your credentials back into a new file from the moved one (docs/sync.md)",
  );
  return files.map((f, i) => {
    const inRepo = o.root !== undefined && !relative(o.root, f.path).startsWith("..");
    return {
      ...f,
      shown: inRepo ? relative(o.root!, f.path) : f.path,
      problem: () => jsonProblem(f.path, checks[i]!, inRepo ? o.root : undefined),
    };
  });
}

/** Renames `path` to `<path>.corrupt-<time>` (same bytes, same mode) and returns the new path. */
export function moveAsideFile(path: string, now: string): string {
  const aside = `${path}.corrupt-${now.replace(/[:.]/g, "-")}`;
  renameSync(path, aside);
  return aside;
}
