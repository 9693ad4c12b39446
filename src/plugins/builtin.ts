import type { PluginManifest } from "../models/plugins.ts";
import { BUILTIN_ROUTING_PLUGINS } from "../routing/index.ts";
import { VERSION } from "../version.ts";

// The built-in catalogue: what this binary can install or load without a network.
// - core: the five routing adapters of src/routing/, always enabled, loaded through the host like any
//   plugin (apiVersion check, wrapping) but never installed;
// - embedded: every plugins/<name>/ folder, bundled by scripts/build-plugins.ts into
//   src/generated/plugins.ts (not committed). `idse plugin add <name>` writes its files into
//   .idse/plugins/<name>/ from the binary; from then on it is loaded exactly like a downloaded plugin.

export interface EmbeddedPlugin {
  manifest: PluginManifest;
  /** The integrity `plugin add` records: treeIntegrity of `files`. */
  integrity: string;
  /** The package's files (package.json, the bundle, README), loaded on demand. */
  files(): Promise<Record<string, string>>;
}

let embedded: EmbeddedPlugin[] | undefined;

export async function embeddedPlugins(): Promise<EmbeddedPlugin[]> {
  if (!embedded) {
    try {
      // A literal path, so the bundler embeds it; absent until `npm run build:plugins` has run (it is part of
      // `npm run build` and `npm test`), hence no type-check error either way.
      // biome-ignore lint/suspicious/noTsIgnore: @ts-expect-error would fail once the file exists
      // @ts-ignore
      const mod = await import("../generated/plugins.ts");
      embedded = (mod as { EMBEDDED_PLUGINS: EmbeddedPlugin[] }).EMBEDDED_PLUGINS;
    } catch {
      // Running from source before the first build: no embedded plugins, the core ones still work.
      embedded = [];
    }
  }
  return embedded;
}

export async function embeddedPlugin(name: string): Promise<EmbeddedPlugin | undefined> {
  return (await embeddedPlugins()).find((p) => p.manifest.name === name);
}

export const CORE_PLUGINS: PluginManifest[] = BUILTIN_ROUTING_PLUGINS.map((p) => ({
  name: p.manifest.name,
  kind: "routing",
  version: VERSION,
  apiVersion: p.manifest.apiVersion,
  entry: `builtin:${p.manifest.name}`,
  description: `Instruction files for ${p.manifest.name} (part of idse)`,
  capabilities: [...p.manifest.capabilities],
}));

export const isCore = (name: string) => CORE_PLUGINS.some((p) => p.name === name);
