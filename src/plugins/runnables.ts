import type { PluginLockEntry } from "../models/plugins.ts";
import type { RemoteConfig } from "../models/sync.ts";
import type { Runnable } from "../models/trust.ts";
import { readRemotes } from "../sync/remotes.ts";
import type { Workspace } from "../workspace.ts";
import { requireIntact } from "./check.ts";
import { readLock } from "./lockfile.ts";

// What code a repository would make idse run, for `idse trust` to show and approve: every enabled
// installed plugin that is not byte for byte this binary's own copy, and every remote's MCP stdio
// command. Nothing here imports or runs any of it; a plugin whose files do not match plugins.json is
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

/** The command a remote would start (artifact-core's mcp-stdio), wherever its config puts it. */
export function commandItem(name: string, c: RemoteConfig): Item | undefined {
  // The plugin receives the remote's keys with `options` merged over them (sync/remote-plugin.ts).
  const opts = (c.options ?? {}) as Record<string, unknown>;
  const command = opts.command ?? c.command;
  if (!Array.isArray(command) || command.length === 0) return undefined;
  const cwd = opts.cwd ?? c.cwd;
  return { kind: "command", name, command: command.map(String), cwd: typeof cwd === "string" ? cwd : null };
}

export async function workspaceRunnables(ws: Workspace): Promise<Item[]> {
  const items: Item[] = [];
  for (const e of readLock(ws.idseDir).plugins) {
    if (!e.enabled) continue;
    const r = await requireIntact(ws.idseDir, e);
    if (!r.bundled) items.push(pluginItem(e, r.integrity));
  }
  for (const [name, c] of Object.entries(readRemotes(ws.idseDir))) {
    const item = commandItem(name, c);
    if (item) items.push(item);
  }
  return items;
}
