import { join } from "node:path";
import * as v from "valibot";
import { readTextIfExists, writeFileAtomic } from "./atomic-file.ts";
import { IdseError } from "./errors.ts";
import { parseJsonText } from "./json-text.ts";
import {
  CONFIG_KEYS,
  type ConfigKey,
  type ConfigSource,
  type ConfigValues,
  isRepoOnly,
} from "./models/config.ts";

// ArtifactConfig: defaults < ~/.idseconfig.json < .idse/config.json < IDSE_* environment < flags.
// Only `config set` writes, and only the repository file; nothing ever writes the home file.

export const KNOWN_KEYS = Object.keys(CONFIG_KEYS) as ConfigKey[];
export const REPO_CONFIG_FILE = "config.json";
export const HOME_CONFIG_FILE = ".idseconfig.json";

export const envName = (key: ConfigKey) => `IDSE_${key.replace(/\./g, "_").toUpperCase()}`;

export interface ResolvedConfig {
  values: ConfigValues;
  sources: Record<ConfigKey, ConfigSource>;
  files: { home: string; repo?: string };
}

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

function getPath(obj: Record<string, unknown>, key: string): unknown {
  let cur: unknown = obj;
  for (const part of key.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== "object" || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts.at(-1)!] = value;
}

function check(key: ConfigKey, value: unknown, file: string): unknown {
  const r = v.safeParse(CONFIG_KEYS[key].schema, value);
  if (!r.success) throw new IdseError("INVALID_CONFIG", { key, file, reason: r.issues[0].message });
  return r.output;
}

function readConfigFile(file: string): Record<string, unknown> | undefined {
  const text = readTextIfExists(file);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new IdseError("CORRUPT_FILE", { file, reason: (err as Error).message });
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new IdseError("CORRUPT_FILE", { file, reason: "expected a JSON object" });
  }
  return json as Record<string, unknown>;
}

/** Old names still read from files: `store.backend` (never used before `store.plugin`) for `store.plugin`. */
function legacy(obj: Record<string, unknown>, key: ConfigKey): unknown {
  return key === "store.plugin" ? getPath(obj, "store.backend") : undefined;
}

/** Parses a command-line string into the type the key expects. */
export function coerce(key: ConfigKey, raw: string): unknown {
  const def = CONFIG_KEYS[key].default;
  if (typeof def === "boolean") {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    return raw;
  }
  if (typeof def === "number") return raw.trim() === "" ? raw : Number(raw);
  return raw;
}

export function loadConfig(opts: {
  home: string;
  idseDir?: string;
  env: Record<string, string | undefined>;
  flags?: Partial<ConfigValues>;
}): ResolvedConfig {
  const values = {} as Record<ConfigKey, unknown>;
  const sources = {} as Record<ConfigKey, ConfigSource>;
  for (const key of KNOWN_KEYS) {
    values[key] = CONFIG_KEYS[key].default;
    sources[key] = "default";
  }
  const homeFile = join(opts.home, HOME_CONFIG_FILE);
  const repoFile = opts.idseDir ? join(opts.idseDir, REPO_CONFIG_FILE) : undefined;
  const layers: [ConfigSource, string | undefined][] = [
    ["home", homeFile],
    ["repo", repoFile],
  ];
  for (const [source, file] of layers) {
    const obj = file ? readConfigFile(file) : undefined;
    if (!obj || !file) continue;
    for (const key of KNOWN_KEYS) {
      if (source === "home" && isRepoOnly(key)) continue;
      const raw = getPath(obj, key) ?? legacy(obj, key);
      if (raw === undefined) continue;
      values[key] = check(key, raw, file);
      sources[key] = source;
    }
  }
  for (const key of KNOWN_KEYS) {
    const raw = opts.env[envName(key)];
    if (raw === undefined || raw === "") continue;
    values[key] = check(key, coerce(key, raw), `environment variable ${envName(key)}`);
    sources[key] = "env";
  }
  for (const [key, value] of Object.entries(opts.flags ?? {})) {
    if (value === undefined || !isConfigKey(key)) continue;
    values[key] = check(key, value, "command-line flag");
    sources[key] = "flag";
  }
  return { values: values as ConfigValues, sources, files: { home: homeFile, repo: repoFile } };
}

/** Writes one key into the repository config file, keeping every other key as it was. */
export function setRepoConfig(idseDir: string, key: ConfigKey, raw: string): unknown {
  const file = join(idseDir, REPO_CONFIG_FILE);
  const value = check(key, coerce(key, raw), file);
  const obj = readConfigFile(file) ?? { $schema: "./schemas/config.schema.json" };
  setPath(obj, key, value);
  writeFileAtomic(file, `${JSON.stringify(obj, null, 2)}\n`);
  return value;
}

/** Removes one key from the repository config file. */
export function unsetRepoConfig(idseDir: string, key: ConfigKey): boolean {
  const file = join(idseDir, REPO_CONFIG_FILE);
  const obj = readConfigFile(file);
  if (!obj || getPath(obj, key) === undefined) return false;
  const parts = key.split(".");
  const parent =
    parts.length === 1 ? obj : (getPath(obj, parts.slice(0, -1).join(".")) as Record<string, unknown>);
  delete parent[parts.at(-1)!];
  writeFileAtomic(file, `${JSON.stringify(obj, null, 2)}\n`);
  return true;
}
