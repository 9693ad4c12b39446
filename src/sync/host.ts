import artifactCorePkg from "../../plugins/artifact-core/package.json" with { type: "json" };
import { IdseError } from "../errors.ts";
import type { PluginManifest, PluginModule, SyncPlugin, SyncTransport } from "../plugin-api.ts";
import { PLUGIN_API_VERSION } from "../plugin-api.ts";
import { VERSION } from "../version.ts";
import type { Redactor } from "./redact.ts";

// The host side of a sync plugin, built by hand until the plugin host (src/plugin-host.ts) exists: THE
// ONE PLACE to replace with the host's loader. `loadSyncPlugin` finds a plugin (only the first-party
// ones bundled in this binary for now) and `createSyncHost` builds the HostApi it receives:
//   fetch  global fetch, limited to the manifest's hosts and the remote's own origin;
//   env    the process environment limited to the manifest's names, then the user's credentials file;
//          every value handed out is registered with the redactor;
//   log    stderr, prefixed with the plugin's name, redacted.

interface Builtin {
  manifest: PluginManifest;
  load(): Promise<PluginModule>;
}

const BUILTIN_SYNC: Record<string, Builtin> = {
  "artifact-core": {
    manifest: { ...(artifactCorePkg.idse as PluginManifest), description: artifactCorePkg.description },
    load: async () => (await import("../../plugins/artifact-core/src/index.ts")) as unknown as PluginModule,
  },
};

export const BUILTIN_SYNC_PLUGINS = Object.keys(BUILTIN_SYNC);

export interface SyncHostOptions {
  manifest: PluginManifest;
  options: unknown;
  /** Origins (scheme://host:port) the plugin may fetch besides the manifest's hosts. */
  origins: string[];
  env: Record<string, string | undefined>;
  /** Variables from the credentials file for this remote. */
  credentials: Record<string, string>;
  redactor: Redactor;
  log(line: string): void;
  /** Whether info lines are shown (warnings always are). */
  verbose: boolean;
  workspace?: { root: string; idseDir: string };
}

/** A manifest host pattern: `name`, `name:port` or `*.domain`. */
function hostAllowed(url: URL, patterns: string[], origins: string[]): boolean {
  if (origins.includes(url.origin)) return true;
  return patterns.some((p) => {
    const [name, port] = p.split(":") as [string, string | undefined];
    if (port !== undefined && port !== url.port) return false;
    return name.startsWith("*.") ? url.hostname.endsWith(name.slice(1)) : url.hostname === name;
  });
}

export function createSyncHost(o: SyncHostOptions) {
  const { manifest, redactor } = o;
  const declared = new Set(manifest.env ?? []);
  return {
    apiVersion: PLUGIN_API_VERSION,
    idseVersion: VERSION,
    plugin: { name: manifest.name, options: o.options },
    workspace: o.workspace,
    async fetch(input: string | URL, init?: RequestInit): Promise<Response> {
      const url = new URL(String(input));
      if (!hostAllowed(url, manifest.hosts ?? [], o.origins)) {
        throw Object.assign(new Error(`fetch refused: ${url.origin} is not a configured remote`), {
          code: "REMOTE_CONFIG",
        });
      }
      return fetch(url, init);
    },
    env(name: string): string | undefined {
      if (!declared.has(name)) return undefined;
      const value = o.env[name] || o.credentials[name] || undefined;
      redactor.add(value);
      return value;
    },
    log(level: "info" | "warn", message: string): void {
      if (level === "info" && !o.verbose) return;
      o.log(`${manifest.name}: ${level === "warn" ? "warning: " : ""}${redactor.redact(message)}\n`);
    },
  };
}

/** Loads a sync plugin, validates its options, and opens its transport. */
export async function openPluginTransport(
  pluginName: string,
  remote: string,
  host: Omit<SyncHostOptions, "manifest">,
): Promise<SyncTransport> {
  const builtin = BUILTIN_SYNC[pluginName];
  if (!builtin) {
    throw new IdseError("REMOTE_PLUGIN_UNAVAILABLE", {
      remote,
      plugin: pluginName,
      known: BUILTIN_SYNC_PLUGINS,
    });
  }
  const mod = await builtin.load();
  if (mod.options) {
    const r = await mod.options["~standard"].validate(host.options);
    if (r.issues) {
      const first = r.issues[0]!;
      const path = first.path
        ?.map((p) => (typeof p === "object" && p ? (p as { key: unknown }).key : p))
        .join(".");
      throw new IdseError("INVALID_CONFIG", {
        key: `remotes.${remote}${path ? `.${path}` : ""}`,
        file: ".idse/config.json",
        reason: first.message,
      });
    }
  }
  const plugin = (await mod.default(createSyncHost({ ...host, manifest: builtin.manifest }))) as SyncPlugin;
  if (plugin?.kind !== "sync") {
    throw new IdseError("REMOTE_PLUGIN_UNAVAILABLE", {
      remote,
      plugin: pluginName,
      known: BUILTIN_SYNC_PLUGINS,
    });
  }
  return plugin.createTransport();
}
