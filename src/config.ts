import { join } from "node:path";
import * as v from "valibot";
import { IdseError } from "./errors.ts";
import { parseJsonText } from "./json-text.ts";
import {
  CONFIG_KEYS,
  type ConfigKey,
  type ConfigSource,
  type ConfigValues,
  isRepoOnly,
  StoreConfig,
} from "./models/config.ts";
import { RemoteConfig, RemoteName, SyncConfig } from "./models/remote-config.ts";
import { ValidationConfig } from "./models/validation-config.ts";
import { readTextIfExists, writeFileAtomic } from "./store/atomic-file.ts";
import { issueText } from "./store/documents.ts";
import { acquireFileLock } from "./store/file-lock.ts";

// ArtifactConfig: defaults < ~/.idseconfig.json < .idse/config.json < IDSE_* environment < flags.
// This module is the only reader and writer of .idse/config.json: the flat keys (loadConfig), its typed
// sections (readSection) and every change (updateRepoConfig, under the repository lock). Nothing ever
// writes the home file.

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

/** Where a value came from, for the hint that repairs it: the repository file is idse's to change. */
type Origin = "repo" | "home" | "env" | "flag";

function check(key: ConfigKey, value: unknown, file: string, origin: Origin): unknown {
  const r = v.safeParse(CONFIG_KEYS[key].schema, value);
  if (!r.success) {
    const reason = r.issues[0].message;
    throw new IdseError("INVALID_CONFIG", {
      key,
      file,
      reason,
      ...(origin === "repo" ? { unset: key } : {}),
    });
  }
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
  if (typeof def === "number") {
    const n = Number(raw);
    return raw.trim() === "" || Number.isNaN(n) ? raw : n;
  }
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
      values[key] = check(key, raw, file, source === "repo" ? "repo" : "home");
      sources[key] = source;
    }
  }
  for (const key of KNOWN_KEYS) {
    const raw = opts.env[envName(key)];
    if (raw === undefined || raw === "") continue;
    values[key] = check(key, coerce(key, raw), `environment variable ${envName(key)}`, "env");
    sources[key] = "env";
  }
  for (const [key, value] of Object.entries(opts.flags ?? {})) {
    if (value === undefined || !isConfigKey(key)) continue;
    values[key] = check(key, value, "command-line flag", "flag");
    sources[key] = "flag";
  }
  return { values: values as ConfigValues, sources, files: { home: homeFile, repo: repoFile } };
}

// --- the repository file: typed sections, and changes under the repository lock ----------------------

/**
 * The repository lock, `.idse/.idse.lock`: held by every change of config.json (and by `store migrate`
 * while it switches stores). A lock file of the same shape as a project's (src/store/file-lock.ts).
 */
export const REPO_LOCK_FILE = ".idse.lock";
const DEFAULT_LOCK_TIMEOUT_MS = CONFIG_KEYS["lock.timeout_ms"].default;

/** The sections of config.json that are not flat keys, each with its model. */
const SECTIONS = {
  store: StoreConfig,
  remotes: v.record(RemoteName, RemoteConfig),
  validation: ValidationConfig,
  sync: SyncConfig,
  agent_files: v.looseObject({ create: v.optional(CONFIG_KEYS["agent_files.create"].schema) }),
} as const;
export type Section = keyof typeof SECTIONS;
export type SectionValue<S extends Section> = v.InferOutput<(typeof SECTIONS)[S]>;

/** The repository config as a plain object; undefined when the file does not exist. */
export function readRepoConfig(idseDir: string): Record<string, unknown> | undefined {
  return readConfigFile(join(idseDir, REPO_CONFIG_FILE));
}

/** One section of the repository config, validated by its model; undefined when absent. */
export function readSection<S extends Section>(idseDir: string, section: S): SectionValue<S> | undefined {
  return sectionOf(readRepoConfig(idseDir), section, join(idseDir, REPO_CONFIG_FILE));
}

/** One section of an already-read config object (the object updateRepoConfig hands its change). */
export function sectionOf<S extends Section>(
  obj: Record<string, unknown> | undefined,
  section: S,
  file: string,
): SectionValue<S> | undefined {
  const raw = obj?.[section];
  if (raw === undefined) return undefined;
  const r = v.safeParse(SECTIONS[section], raw);
  if (!r.success) throw new IdseError("INVALID_CONFIG", { key: section, file, reason: issueText(r.issues) });
  return r.output as SectionValue<S>;
}

const configText = (obj: Record<string, unknown>) => `${JSON.stringify(obj, null, 2)}\n`;

/**
 * Changes the repository config: takes the repository lock, reads the file afresh, lets `change` edit
 * the object in place, and writes it atomically when it changed. Two processes changing different parts
 * at once both keep their change (read-modify-write without the lock lost about half of twenty
 * concurrent `remote add`s). `change` may throw to refuse; then nothing is written.
 */
export async function updateRepoConfig<T>(
  idseDir: string,
  change: (obj: Record<string, unknown>, file: string) => T,
  o: { timeoutMs?: number } = {},
): Promise<T> {
  const file = join(idseDir, REPO_CONFIG_FILE);
  return withRepoLock(idseDir, o.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, async () => {
    const before = readConfigFile(file);
    const obj = before ? structuredClone(before) : { $schema: "./schemas/config.schema.json" };
    const out = change(obj, file);
    const changed = before
      ? JSON.stringify(obj) !== JSON.stringify(before)
      : Object.keys(obj).some((k) => k !== "$schema");
    if (changed) writeFileAtomic(file, configText(obj));
    return out;
  });
}

/** Repository locks this process holds (by lock file), with how many callers hold each. */
const heldRepoLocks = new Map<string, number>();

/**
 * Runs `fn` holding the repository lock. Reentrant within the process, so a command that holds it for
 * a longer change (`store migrate`, `store export|import`) can still update config.json. Lock order:
 * the repository lock before any project lock, never the other way round.
 */
export async function withRepoLock<T>(idseDir: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const file = join(idseDir, REPO_LOCK_FILE);
  const depth = heldRepoLocks.get(file) ?? 0;
  const release = depth === 0 ? await acquireFileLock(file, timeoutMs) : undefined;
  heldRepoLocks.set(file, depth + 1);
  try {
    return await fn();
  } finally {
    if (depth === 0) heldRepoLocks.delete(file);
    else heldRepoLocks.set(file, depth);
    await release?.();
  }
}

/** Writes one key into the repository config file, keeping every other key as it was. */
export async function setRepoConfig(
  idseDir: string,
  key: ConfigKey,
  raw: string,
  o: { timeoutMs?: number } = {},
): Promise<unknown> {
  let value: unknown;
  try {
    value = check(key, coerce(key, raw), "the command line", "flag");
  } catch (err) {
    // The value given is what is wrong, not the file: a usage error, and nothing is written.
    const reason = (err as IdseError).data?.reason;
    throw new IdseError("USAGE", {
      reason: `invalid value ${JSON.stringify(raw)} for config key "${key}": ${reason}; nothing was written`,
    });
  }
  await updateRepoConfig(idseDir, (obj) => setPath(obj, key, value), o);
  return value;
}

/** Removes one key from the repository config file; false when it was not set. */
export async function unsetRepoConfig(
  idseDir: string,
  key: ConfigKey,
  o: { timeoutMs?: number } = {},
): Promise<boolean> {
  return updateRepoConfig(
    idseDir,
    (obj) => {
      if (getPath(obj, key) === undefined) return false;
      const parts = key.split(".");
      const parent =
        parts.length === 1 ? obj : (getPath(obj, parts.slice(0, -1).join(".")) as Record<string, unknown>);
      delete parent[parts.at(-1)!];
      return true;
    },
    o,
  );
}
