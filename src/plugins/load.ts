import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { IdseError } from "../errors.ts";
import type { PluginLockEntry } from "../models/plugins.ts";
import { sri } from "./integrity.ts";
import { pluginDir } from "./lockfile.ts";

// Importing a plugin's entry file. The file is hashed first and must match .idse/plugins.json, so what
// runs is what was installed and reviewed (a sha512 of a bundle costs about a millisecond). A compiled
// Bun binary and Deno can both import a self-contained ESM file from an absolute path.

export async function importFile(file: string, plugin: string): Promise<unknown> {
  try {
    return await import(pathToFileURL(file).href);
  } catch (err) {
    throw Object.assign(
      new IdseError("PLUGIN_LOAD_FAILED", { plugin, reason: (err as Error)?.message ?? String(err) }),
      { cause: err },
    );
  }
}

export async function importVerified(idseDir: string, entry: PluginLockEntry): Promise<unknown> {
  const file = join(pluginDir(idseDir, entry.name), entry.entry);
  const expected = entry.files[entry.entry] ?? "(not recorded)";
  let actual: string;
  try {
    actual = sri(readFileSync(file));
  } catch {
    actual = "(missing)";
  }
  if (actual !== expected) {
    throw new IdseError("PLUGIN_INTEGRITY", {
      file: `.idse/plugins/${entry.name}/${entry.entry}`,
      expected,
      actual,
    });
  }
  return importFile(file, entry.name);
}
