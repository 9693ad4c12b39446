import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { IdseError } from "../errors.ts";
import type { PluginManifest } from "../models/plugins.ts";
import { embeddedPlugin } from "./builtin.ts";
import { cacheDir } from "./cache.ts";
import { readTree } from "./check.ts";
import { sri, treeIntegrity } from "./integrity.ts";
import { importFile } from "./load.ts";

// A first-party plugin bundled in the binary, loaded without installing it into the repository: what a
// sync remote uses when `.idse/plugins.json` does not pin the plugin (`idse sync status` and dry runs
// write nothing, so they cannot install). Neither Bun's compiled binaries nor Deno import a module from
// memory, so its files are unpacked once into the user's cache, in a folder named by their integrity,
// and every file is re-hashed against the binary's copy before every import, as an installed one is.

export interface Bundled {
  manifest: PluginManifest;
  module: unknown;
}

export async function importBundled(
  name: string,
  o: { env: Record<string, string | undefined>; home?: string },
): Promise<Bundled | undefined> {
  const plugin = await embeddedPlugin(name);
  if (!plugin) return undefined;
  const files = await plugin.files();
  const { manifest } = plugin;
  const text = files[manifest.entry];
  if (text === undefined) {
    throw new IdseError("PLUGIN_LOAD_FAILED", { plugin: name, reason: `the binary lacks ${manifest.entry}` });
  }
  const tag = Buffer.from(plugin.integrity.replace(/^sha512-/, ""), "base64")
    .toString("hex")
    .slice(0, 16);
  const dir = join(
    cacheDir({ env: o.env, home: o.home ?? homedir() }),
    "bundled",
    `${name}-${manifest.version}-${tag}`,
  );
  const entry = join(dir, manifest.entry);
  // Every file of the unpacked copy, not only the entry, must be the binary's: nothing added, nothing
  // changed, no link (src/plugins/check.ts reads without following links).
  const expected = treeIntegrity(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, sri(v)])));
  const current = () => {
    if (!existsSync(dir)) return undefined;
    const disk = readTree(dir);
    return disk.links.length ? "(links)" : treeIntegrity(disk.files);
  };
  if (current() !== expected) {
    // Unpacked beside, then renamed into place, so no idse ever imports half a file; a copy that another
    // process put there meanwhile with the right bytes is used, never removed under it.
    const scratch = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
      for (const [rel, body] of Object.entries(files)) {
        mkdirSync(dirname(join(scratch, rel)), { recursive: true });
        writeFileSync(join(scratch, rel), body);
      }
      if (existsSync(dir)) {
        if (current() === expected) rmSync(scratch, { recursive: true, force: true });
        else {
          // A damaged or edited copy: moved aside (it may still be open elsewhere), then replaced.
          const old = `${dir}.old-${process.pid}-${Date.now()}`;
          renameSync(dir, old);
          renameSync(scratch, dir);
          rmSync(old, { recursive: true, force: true });
        }
      } else renameSync(scratch, dir);
    } catch (err) {
      rmSync(scratch, { recursive: true, force: true });
      // Another process may have won the rename with the same bytes.
      if (current() !== expected) {
        throw new IdseError("PLUGIN_LOAD_FAILED", {
          plugin: name,
          reason: `cannot unpack the bundled plugin into ${dir}: ${(err as Error).message}`,
        });
      }
    }
  }
  return { manifest, module: await importFile(entry, name, true) };
}
