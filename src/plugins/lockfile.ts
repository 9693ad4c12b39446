import { join } from "node:path";
import * as v from "valibot";
import { IdseError } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import { type PluginLockEntry, PluginsFile } from "../models/plugins.ts";
import { readTextIfExists, writeFileAtomic } from "../store/atomic-file.ts";
import { acquireFileLock } from "../store/file-lock.ts";

// `.idse/plugins.json`: the plugins a repository loads, with the integrity of their bytes. It lives on
// the filesystem whatever the DesignStore is (it says which store plugin to load). Installed files are in
// `.idse/plugins/<name>/`; commit both, and every clone loads the same bytes without a network.

export const LOCK_FILE = "plugins.json";
export const PLUGINS_DIR = "plugins";
const SCHEMA_REF = "./schemas/plugins.schema.json";

export const lockPath = (idseDir: string) => join(idseDir, LOCK_FILE);
export const pluginDir = (idseDir: string, name: string) => join(idseDir, PLUGINS_DIR, name);

/** The installed plugins; an absent file is an empty list. */
export function readLock(idseDir: string): PluginsFile {
  const file = lockPath(idseDir);
  const text = readTextIfExists(file);
  if (text === undefined) return { plugins: [] };
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new IdseError("CORRUPT_FILE", { file, reason: (err as Error).message });
  }
  const r = v.safeParse(PluginsFile, json);
  if (!r.success) {
    const i = r.issues[0];
    const where = i.path?.map((p) => p.key).join(".") || "file";
    throw new IdseError("INVALID_FILE", { file, reason: `${where}: ${i.message}` });
  }
  return r.output;
}

export function writeLock(idseDir: string, lock: PluginsFile): void {
  const plugins = [...lock.plugins].sort((a, b) => a.name.localeCompare(b.name));
  const doc = { $schema: lock.$schema ?? SCHEMA_REF, plugins };
  writeFileAtomic(lockPath(idseDir), `${JSON.stringify(doc, null, 2)}\n`);
}

export function findPlugin(lock: PluginsFile, name: string): PluginLockEntry | undefined {
  return lock.plugins.find((p) => p.name === name);
}

export function requirePlugin(lock: PluginsFile, name: string): PluginLockEntry {
  const p = findPlugin(lock, name);
  if (!p)
    throw new IdseError("PLUGIN_NOT_FOUND", { plugin: name, installed: lock.plugins.map((x) => x.name) });
  return p;
}

/** Runs `fn` holding `.idse/.plugins.lock`, so two `idse plugin` runs never interleave their writes. */
export async function withPluginLock<T>(
  idseDir: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const release = await acquireFileLock(join(idseDir, ".plugins.lock"), timeoutMs);
  try {
    return await fn();
  } finally {
    await release();
  }
}
