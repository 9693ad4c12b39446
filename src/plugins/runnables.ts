import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { PluginLockEntry } from "../models/plugins.ts";
import type { RemoteConfig } from "../models/sync.ts";
import type { Runnable } from "../models/trust.ts";
import { readRemotes } from "../sync/remotes.ts";
import type { Workspace } from "../workspace.ts";
import { requireIntact } from "./check.ts";
import { sri } from "./integrity.ts";
import { readLock } from "./lockfile.ts";
import { repositoryNpmrc } from "./npmrc.ts";
import { repoKey } from "./trust.ts";

// What code a repository would make idse run, for `idse trust` to show and approve: every enabled
// installed plugin that is not byte for byte this binary's own copy, every remote's MCP stdio command,
// every remote URL (where this user's credentials would go), and the repository's .npmrc (the registry
// `plugin add` would send them to). Nothing here imports or runs any of it; a plugin whose files do not match plugins.json is
// refused (PLUGIN_INTEGRITY) rather than offered for approval.

export type Item = Omit<Runnable, "approved">;

export function pluginItem(e: PluginLockEntry, integrity: string): Item {
  return {
    kind: "plugin",
    name: e.name,
    version: e.version,
    plugin_kind: e.kind,
    source: `${e.source}: ${e.resolved}`,
    integrity,
    env: [...e.env],
    hosts: [...e.hosts],
  };
}

/**
 * The files of the repository a command line names (`node tools/server.js`, `./mcp.sh`), with their
 * sha512: the approval of a command covers them too, so a pulled change to the script is not approved.
 */
function namedFiles(root: string, cwd: string | null, argv: string[]): Record<string, string> {
  const base = resolve(root, cwd ?? ".");
  const real = repoKey(root);
  const out: Record<string, string> = {};
  for (const arg of argv) {
    if (!arg || arg.startsWith("-")) continue;
    const abs = resolve(base, arg);
    let file: string;
    try {
      file = realpathSync(abs);
      if (!statSync(file).isFile()) continue;
    } catch {
      continue;
    }
    const rel = relative(real, file);
    if (rel.startsWith("..") || isAbsolute(rel)) continue;
    out[rel.split(sep).join("/")] = sri(readFileSync(file));
  }
  return out;
}

/** The command a remote would start (artifact-core's mcp-stdio), wherever its config puts it. */
export function commandItem(name: string, c: RemoteConfig, root: string): Item | undefined {
  // The plugin receives the remote's keys with `options` merged over them (sync/remote-plugin.ts).
  const opts = (c.options ?? {}) as Record<string, unknown>;
  const raw = opts.command ?? c.command;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const rawCwd = opts.cwd ?? c.cwd;
  const cwd = typeof rawCwd === "string" ? rawCwd : null;
  const command = raw.map(String);
  return { kind: "command", name, command, cwd, files: namedFiles(root, cwd, command) };
}

/** The http(s) origins among `urls` (anything else is no place to fetch). */
export function httpOrigins(urls: unknown[]): string[] {
  const out: string[] = [];
  for (const u of urls) {
    if (typeof u !== "string" || !/^https?:\/\//i.test(u)) continue;
    try {
      out.push(new URL(u).origin);
    } catch {}
  }
  return [...new Set(out)].sort();
}

/**
 * Where a remote of the repository's config would be reached: its URL origins (a sync plugin's `url`, a
 * store plugin's `url` or `base_url` option). A cloned repository can name any server there, and the remote
 * would send it this user's credentials (IDSE_ARTIFACT_TOKEN, credentials.json) and the documents.
 */
export function endpointItem(name: string, c: RemoteConfig): Item | undefined {
  const opts = (c.options ?? {}) as Record<string, unknown>;
  const hosts = httpOrigins([c.url, opts.url, opts.base_url]);
  return hosts.length ? { kind: "endpoint", name, hosts } : undefined;
}

/** The name of the repository's .npmrc among the endpoints (no remote's name starts with a dot). */
export const NPMRC = ".npmrc";

/**
 * The repository's .npmrc, when it sets a key `plugin add` would heed (a registry, credentials, a
 * certificate): approved as these bytes, since the credentials it names can be made of this user's
 * environment and sent to the registry it names.
 */
export function npmrcItem(root: string): Item | undefined {
  const found = repositoryNpmrc(root);
  if (!found) return undefined;
  return { kind: "endpoint", name: NPMRC, hosts: found.registries, files: { [NPMRC]: sri(found.text) } };
}

export async function workspaceRunnables(ws: Workspace): Promise<Item[]> {
  const items: Item[] = [];
  for (const e of readLock(ws.idseDir).plugins) {
    if (!e.enabled) continue;
    const r = await requireIntact(ws.idseDir, e);
    if (!r.bundled) items.push(pluginItem(e, r.integrity));
  }
  for (const [name, c] of Object.entries(readRemotes(ws.idseDir))) {
    const item = commandItem(name, c, ws.root);
    if (item) items.push(item);
    const endpoint = endpointItem(name, c);
    if (endpoint) items.push(endpoint);
  }
  const npmrc = npmrcItem(ws.root);
  if (npmrc) items.push(npmrc);
  return items;
}
