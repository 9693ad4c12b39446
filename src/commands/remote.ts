import { defineCommand } from "../command.ts";
import type { RemoteChangeOutput, RemoteListOutput } from "../models/sync.ts";
import { BUILTIN_SYNC_PLUGINS } from "../sync/host.ts";
import { addRemote, listRemotes, type Remote, removeRemote } from "../sync/remotes.ts";
import { removeSyncState } from "../sync/state.ts";
import { listProjects } from "../workspace.ts";
import { table } from "./shared.ts";

// `idse remote add|remove|list`: the named remotes in .idse/config.json. A URL defaults to the
// artifact-core plugin, a path to the filesystem store. Credentials are refused here: they belong in the
// environment or the user's credentials file (docs/sync.md).

const info = (r: Remote) => ({
  name: r.name,
  plugin: r.plugin,
  location: r.location,
  default: r.default,
  source: r.source,
});

export const remoteAdd = defineCommand<{ plugin?: string; default?: boolean }, RemoteChangeOutput>({
  options: [
    {
      flags: "--plugin <name>",
      description: "Plugin that carries it (default: artifact-core for a URL, filesystem for a path)",
    },
    { flags: "--default", description: "Make it the remote `idse sync` uses when none is named" },
  ],
  examples: [
    "idse remote add core https://core.example.com/api/idse",
    "idse remote add backup ../design-backup",
  ],
  async run(ctx, [name, location], o) {
    const ws = ctx.workspace();
    const remote = addRemote(ws.idseDir, ws.root, {
      name: name!,
      location: location!,
      plugin: o.plugin,
      makeDefault: o.default === true,
      cwd: ctx.global.cwd,
    });
    if (remote.plugin !== "filesystem" && !BUILTIN_SYNC_PLUGINS.includes(remote.plugin)) {
      ctx.report({
        severity: "warning",
        code: "PLUGIN_NOT_AVAILABLE",
        message: `this build cannot load the plugin "${remote.plugin}" yet; \`idse sync\` with this remote will fail until it can`,
      });
    }
    return {
      action: "added",
      remote: info(remote),
      file: ".idse/config.json",
      message: `Added remote ${remote.name} (${remote.plugin} ${remote.location})${remote.default ? ", the default" : ""}`,
    };
  },
  text: (d) => d.message,
});

export const remoteRemove = defineCommand<Record<string, never>, RemoteChangeOutput>({
  async run(ctx, [name]) {
    const ws = ctx.workspace();
    const remote = removeRemote(ws.idseDir, name!);
    // Its sync base goes too: a remote added again under this name starts from nothing, not from a lie.
    for (const project of await listProjects(ws.store)) {
      await ctx.mutate(project, (w) => removeSyncState(w.store, project, remote.name));
    }
    return {
      action: "removed",
      remote: info(remote),
      file: ".idse/config.json",
      message: `Removed remote ${remote.name}; nothing on the remote was touched`,
    };
  },
  text: (d) => d.message,
});

export const remoteList = defineCommand<Record<string, never>, RemoteListOutput>({
  async run(ctx) {
    const ws = ctx.workspace();
    return { remotes: listRemotes(ws.idseDir, ws.root, ctx.io.env).map(info) };
  },
  text: (d) =>
    d.remotes.length
      ? table(
          ["NAME", "PLUGIN", "LOCATION", "DEFAULT", "FROM"],
          d.remotes.map((r) => [r.name, r.plugin, r.location, r.default ? "yes" : "", r.source]),
        )
      : "No remotes. Add one with `idse remote add <name> <url-or-path>`.",
});
