import { resolve } from "node:path";
import { IdseError } from "../errors.ts";
import type { PluginKind, SyncTransport } from "../plugins/api.ts";
import type { LoadOptions } from "../plugins/host.ts";
import { storeCore } from "../store/core.ts";
import { isLazyStore } from "../store/select.ts";
import type { Workspace } from "../workspace.ts";
import { loadCredentials } from "./credentials.ts";
import type { Redactor } from "./redact.ts";
import type { Remote } from "./remotes.ts";
import { asTransportError, storeTransport } from "./store-transport.ts";

// A remote carried by a plugin, opened through the plugin host (src/plugins/host.ts) like every plugin:
// apiVersion and capability checks, options validated with the plugin's own model, every call wrapped,
// `fetch` limited to the remote's origin and the manifest's hosts, `env` limited to the manifest's names.
// A sync plugin (artifact-core) gives the transport itself; a store plugin (sqlite-store, postgres-store,
// notion-store, any installed one) is a DesignStore, carried by the same compare-and-write transport as a
// filesystem remote. The plugin is the one `.idse/plugins.json` pins, else the copy bundled in this binary
// (loading it installs nothing, so `sync status` and dry runs write nothing). An installed plugin and a
// remote's MCP stdio command run only once this user trusted the repository (`idse trust`).

export interface PluginRemoteEnv {
  ws: Workspace;
  env: Record<string, string | undefined>;
  home: string;
  redactor: Redactor;
  report: Parameters<typeof loadCredentials>[3];
  stderr(line: string): void;
  verbose: boolean;
}

/** Keys of a remote's config that are idse's own, never handed to the plugin as options. */
const ENGINE_KEYS = new Set(["plugin", "default", "concurrency", "options", "path"]);

/** The kind and environment grants of `name`: the installed plugin's, else the bundled one's. */
export async function remotePluginInfo(
  ws: Workspace,
  name: string,
): Promise<{ kind: PluginKind; env: readonly string[] } | undefined> {
  const { findPlugin, readLock } = await import("../plugins/lockfile.ts");
  const installed = findPlugin(readLock(ws.idseDir), name);
  if (installed) return { kind: installed.kind, env: installed.env };
  const { embeddedPlugin } = await import("../plugins/builtin.ts");
  const bundled = await embeddedPlugin(name);
  return bundled && { kind: bundled.manifest.kind, env: bundled.manifest.env ?? [] };
}

/**
 * What the plugin receives as options. A sync plugin: the remote's own keys (url, timeout_ms, …) and its
 * `options`. A store plugin: its `options`, and the remote's `path` (absolute) as the store's `path`.
 */
export function remoteOptions(kind: PluginKind, remote: Remote, root: string): Record<string, unknown> {
  const c = remote.config;
  const options = (c.options ?? {}) as Record<string, unknown>;
  if (kind === "store")
    return { ...options, ...(c.path !== undefined ? { path: resolve(root, c.path) } : {}) };
  const own = Object.fromEntries(Object.entries(c).filter(([k]) => !ENGINE_KEYS.has(k)));
  return { ...own, ...options };
}

/** The host's per-call limit for a sync transport: its own timeout times its attempts, with backoff. */
function callLimit(options: Record<string, unknown>): number {
  const t = typeof options.timeout_ms === "number" ? options.timeout_ms : 30_000;
  const r = typeof options.retries === "number" ? options.retries : 4;
  return t * (r + 1) + 30_000 * r + 5_000;
}

export async function openPluginRemote(e: PluginRemoteEnv, remote: Remote): Promise<SyncTransport> {
  const info = await remotePluginInfo(e.ws, remote.plugin);
  if (!info || (info.kind !== "sync" && info.kind !== "store")) {
    throw new IdseError("REMOTE_PLUGIN_UNAVAILABLE", {
      remote: remote.name,
      plugin: remote.plugin,
      reason: info ? `it is a ${info.kind} plugin` : "it is neither installed nor bundled in this build",
    });
  }
  // A command in the repository's config (artifact-core's mcp-stdio) is code the repository brings: it
  // starts only once this user approved it here (`idse trust`, src/plugins/trust.ts). So is a URL there:
  // the remote would send it this user's credentials and the documents. A personal remote (the user's own
  // config) is this user's choice already.
  const { commandItem, endpointItem, httpOrigins } = await import("../plugins/runnables.ts");
  const command = commandItem(remote.name, remote.config, e.ws.root);
  const endpoint = remote.source === "repo" ? endpointItem(remote.name, remote.config) : undefined;
  const items = [command, endpoint].filter((i) => i !== undefined);
  if (items.length) {
    const { requireTrusted } = await import("../plugins/trust.ts");
    requireTrusted({ env: e.env, home: e.home }, e.ws.root, items);
  }
  const { named, byOrigin } = loadCredentials(
    e.env,
    e.home,
    { name: remote.name, url: remote.config.url },
    e.report,
  );
  // The most specific wins: an entry for this remote by name over the environment (which is about every
  // remote, and may hold the workspace's own store's connection string for the same plugin), the
  // environment over an entry by URL origin. The plugin sees only its manifest's names of any of them.
  const env = { ...byOrigin, ...e.env, ...named };
  for (const value of [...Object.values(named), ...Object.values(byOrigin)]) e.redactor.add(value);
  for (const name of info.env) e.redactor.add(env[name]);
  const options = remoteOptions(info.kind, remote, e.ws.root);
  const host = await import("../plugins/host.ts");
  const common: LoadOptions = {
    options,
    env,
    home: e.home,
    bundled: true,
    verbose: e.verbose,
    log: (line) => e.stderr(e.redactor.redact(line)),
  };
  if (info.kind === "sync") {
    return host.loadSyncTransport(e.ws, remote.plugin, {
      ...common,
      remotes: httpOrigins([remote.config.url]),
      timeoutMs: callLimit(options),
    });
  }
  // A store's own endpoint option (notion-store's base_url) is where this remote is, so it may be fetched.
  const store = storeCore(
    await host
      .loadStore(e.ws, remote.plugin, { ...common, remotes: httpOrigins([options.base_url, options.url]) })
      .catch((err) => {
        throw asTransportError(err);
      }),
  );
  // A store remote must not be the workspace's own store (the Python original's default target was the
  // workspace itself): a push would compare every document with itself, a pull overwrite nothing, and
  // the sync base would lie.
  const own = e.ws.store;
  if (isLazyStore(own) && own.plugin === remote.plugin && (await own.open()).location === store.location) {
    await store.dispose();
    throw new IdseError("REMOTE_INVALID", {
      reason: `remote "${remote.name}" is this workspace's own store (${store.location}): a remote must be somewhere else`,
    });
  }
  return storeTransport(store);
}
