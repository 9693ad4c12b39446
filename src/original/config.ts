import { join } from "node:path";
import type { Diagnostic } from "../errors.ts";
import { notice } from "../errors.ts";
import type { RemoteConfig } from "../models/sync.ts";
import { readTextIfExists } from "../store/atomic-file.ts";

// The Python original's `~/.idseconfig.json` (its ArtifactConfig, last published version). The same file
// also holds idse's own home keys (config.ts reads those); this module reads only the original's keys,
// maps the ones with an idse meaning (the sync backend, the Artifact Core URL) to the lowest-priority
// configuration, and names every other one, so none is silently ignored (docs/migrating.md). It never
// writes the file.

export const ORIGINAL_CONFIG_FILE = ".idseconfig.json";
/** Name of the remote taken from the original's sync backend, and of the one from its Artifact Core URL. */
export const ORIGINAL_REMOTE = "original";
export const ORIGINAL_CORE_REMOTE = "original-core";

export interface OriginalConfigEntry {
  /** The original's key, dotted for nested ones (`notion.database_id`). */
  key: string;
  value: unknown;
  /** What it means in idse (`remote original`, `store`), or null when it has no idse meaning. */
  meaning: string | null;
  /** Whether idse uses it (as the lowest-priority configuration). */
  applied: boolean;
  note: string;
}

export interface OriginalConfig {
  file: string;
  entries: OriginalConfigEntry[];
  /** Remotes it implies, by name: used only where the repository and environment name none. */
  remotes: Record<string, RemoteConfig>;
}

/** Keys of idse's own home config; everything else in the file is the original's. */
const IDSE_KEYS = new Set([
  "$schema",
  "owner",
  "stack",
  "store",
  "stages",
  "lock",
  "validation",
  "agent_files",
]);
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const SECRET = /token|password|passwd|secret|api[_-]?key/i;

/** Reads the original's keys from `~/.idseconfig.json`; undefined when the file has none (or none is readable). */
export function readOriginalConfig(home: string): OriginalConfig | undefined {
  const file = join(home, ORIGINAL_CONFIG_FILE);
  let obj: Record<string, unknown>;
  try {
    const text = readTextIfExists(file);
    if (text === undefined) return undefined;
    const json = JSON.parse(text);
    if (!isObject(json)) return undefined;
    obj = json;
  } catch {
    return undefined; // config.ts reports a corrupt home file with its own code
  }
  const flat: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (IDSE_KEYS.has(k)) continue;
    if (isObject(v) && (k === "notion" || k === "sqlite")) {
      for (const [k2, v2] of Object.entries(v)) flat.push([`${k}.${k2}`, v2]);
    } else flat.push([k, v]);
  }
  if (flat.length === 0) return undefined;
  const get = (k: string) => flat.find(([key]) => key === k)?.[1];
  const entries: OriginalConfigEntry[] = [];
  const used = new Set<string>();
  const add = (key: string, meaning: string | null, applied: boolean, note: string) => {
    used.add(key);
    entries.push({ key, value: SECRET.test(key) ? "(hidden)" : get(key), meaning, applied, note });
  };
  const remotes: Record<string, RemoteConfig> = {};

  // Storage: idse chooses the store per repository (store.plugin in .idse/config.json), never from home.
  for (const key of ["storage_backend", "artifact_backend", "backend"]) {
    const v = get(key);
    if (v === undefined) continue;
    add(
      key,
      "store",
      false,
      v === "sqlite"
        ? "the original kept each repository's documents in .idse/idse.db: `idse import-original` brings them into idse's store"
        : "idse's store is chosen per repository (`store.plugin` in .idse/config.json); the filesystem is its default",
    );
  }
  for (const key of ["sqlite.db_path", "sqlite.idse_root", "sqlite_db_path", "db_path"]) {
    if (get(key) !== undefined)
      add(
        key,
        "store",
        false,
        "idse imports the repository's own .idse/idse.db; a database kept here: `idse import-original --database <file>`",
      );
  }

  // Sync: the original's sync backend becomes remote "original".
  const sync = get("sync_backend");
  if (sync !== undefined) {
    const base = get("base_path");
    const dbId = get("notion.database_id") ?? get("notion_database_id");
    if (sync === "filesystem" && typeof base === "string" && base) {
      remotes[ORIGINAL_REMOTE] = { plugin: "filesystem", path: base };
      add("sync_backend", `remote ${ORIGINAL_REMOTE}`, true, "a filesystem remote at base_path");
      add("base_path", `remote ${ORIGINAL_REMOTE}`, true, "its path");
    } else if (sync === "notion" && typeof dbId === "string" && dbId) {
      const ds = get("notion.data_source_id") ?? get("notion_data_source_id");
      remotes[ORIGINAL_REMOTE] = {
        plugin: "notion-store",
        options: { database_id: dbId, ...(typeof ds === "string" && ds ? { data_source_id: ds } : {}) },
      };
      add(
        "sync_backend",
        `remote ${ORIGINAL_REMOTE}`,
        true,
        "a notion-store remote (`idse plugin add notion-store`; token from NOTION_TOKEN)",
      );
      for (const k of [
        "notion.database_id",
        "notion_database_id",
        "notion.data_source_id",
        "notion_data_source_id",
      ])
        if (get(k) !== undefined) add(k, `remote ${ORIGINAL_REMOTE}`, true, "its database");
    } else {
      add(
        "sync_backend",
        null,
        false,
        sync === "filesystem"
          ? "without base_path the original synced into the workspace itself: not a remote"
          : `a "${String(sync)}" sync target has no idse remote`,
      );
    }
  }
  // The Artifact Core URL of the original's config template.
  for (const key of ["agency_url", "artifact_url", "artifact_core_url"]) {
    const url = get(key);
    if (url === undefined || used.has(key)) continue;
    if (typeof url === "string" && /^https?:\/\/[^@/]+(\/|$)/i.test(url) && !remotes[ORIGINAL_CORE_REMOTE]) {
      remotes[ORIGINAL_CORE_REMOTE] = { plugin: "artifact-core", url };
      add(
        key,
        `remote ${ORIGINAL_CORE_REMOTE}`,
        true,
        "an Artifact Core remote (token from IDSE_ARTIFACT_TOKEN)",
      );
    } else add(key, null, false, "not an http(s) URL without credentials");
  }
  // Everything else: named, with why idse does not use it.
  for (const [key] of flat) {
    if (used.has(key)) continue;
    const note = key.startsWith("notion")
      ? "a Notion setting of the original's MCP client; idse's notion-store takes database_id only"
      : key === "credentials_dir"
        ? "idse reads credentials from the environment or its credentials file only"
        : "no meaning in idse";
    add(key, null, false, note);
  }
  return { file, entries, remotes };
}

/** One diagnostic naming every key of the original's config that idse does not use. */
export function ignoredKeysNotice(cfg: OriginalConfig | undefined): Diagnostic | undefined {
  const ignored = cfg?.entries.filter((e) => !e.applied) ?? [];
  if (!cfg || ignored.length === 0) return undefined;
  return notice("ORIGINAL_CONFIG_IGNORED", { file: cfg.file, keys: ignored.map((e) => e.key) });
}
