import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { IdseError } from "../errors.ts";
import type { PluginLockEntry } from "../models/plugins.ts";
import type { Workspace } from "../workspace.ts";
import { requireIntact } from "./check.ts";
import { requireSelfContained } from "./imports.ts";
import { pluginDir } from "./lockfile.ts";
import { pluginItem } from "./runnables.ts";
import { guardStdout } from "./stdout-guard.ts";
import { requireTrusted } from "./trust.ts";

// Importing an installed plugin. Before any of its code runs, every file of its folder is checked against
// .idse/plugins.json (src/plugins/check.ts), and, unless it is this binary's own copy, this user must
// have approved these bytes for this repository (`idse trust`), and its code may import nothing but
// built-in modules and its own files (src/plugins/imports.ts). A compiled Bun binary and Deno can both
// import a self-contained ESM file from an absolute path.

export async function importFile(file: string, plugin: string, bundled = false): Promise<unknown> {
  guardStdout({ streams: !bundled });
  try {
    return await import(pathToFileURL(file).href);
  } catch (err) {
    throw Object.assign(
      new IdseError("PLUGIN_LOAD_FAILED", { plugin, reason: (err as Error)?.message ?? String(err) }),
      { cause: err },
    );
  }
}

export async function importVerified(
  ws: Workspace,
  entry: PluginLockEntry,
  o: { env: Record<string, string | undefined>; home?: string },
): Promise<unknown> {
  const checked = await requireIntact(ws.idseDir, entry);
  if (!checked.bundled) {
    requireTrusted({ env: o.env, home: o.home ?? ws.home }, ws.root, [pluginItem(entry, checked.integrity)]);
    await requireSelfContained(pluginDir(ws.idseDir, entry.name), entry.name);
  }
  return importFile(join(pluginDir(ws.idseDir, entry.name), entry.entry), entry.name, checked.bundled);
}
