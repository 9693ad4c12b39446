import { IdseError, notice } from "../../errors.ts";
import type { RemoteChangeOutput, RemoteListOutput } from "../../models/sync.ts";
import { personalRemotesPath } from "../../sync/personal-remotes.ts";
import { remoteOptions, remotePluginInfo } from "../../sync/remote-plugin.ts";
import {
  addRemote,
  impliedPlugin,
  listRemotes,
  type Remote,
  remoteConfigOf,
  removeRemote,
} from "../../sync/remotes.ts";
import { removeSyncState } from "../../sync/state.ts";
import { listProjects } from "../../workspace.ts";
import { defineCommand } from "../command.ts";
import { parseKeyValues } from "../key-values.ts";
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

export const remoteAdd = defineCommand<
  { plugin?: string; option: string[]; default?: boolean },
  RemoteChangeOutput
>({
  options: [
    {
      flags: "--plugin <name>",
      description:
        "Plugin that carries it: a sync plugin (artifact-core) or a store plugin (sqlite-store, postgres-store, notion-store, …); default: artifact-core for a URL, filesystem for a path",
    },
    {
      flags: "--option <key=value>",
      description: "An option of the plugin, recorded in the remote's config (repeatable; never a secret)",
      multiple: true,
    },
    { flags: "--default", description: "Make it the remote `idse sync` uses when none is named" },
  ],
  examples: [
    "idse remote add core https://core.example.com/api/idse",
    "idse remote add backup ../design-backup",
    "idse remote add team ../team.db --plugin sqlite-store",
    "idse remote add shared --plugin postgres-store --option tenant=team",
  ],
  async run(ctx, [name, location], o) {
    const ws = ctx.workspace();
    const plugin = o.plugin ?? impliedPlugin(location);
    let kind: "filesystem" | "sync" | "store" = "filesystem";
    if (plugin !== "filesystem") {
      const info = await remotePluginInfo(ws, plugin);
      if (!info || (info.kind !== "sync" && info.kind !== "store")) {
        throw new IdseError("REMOTE_PLUGIN_UNAVAILABLE", {
          remote: name,
          plugin,
          reason: info ? `it is a ${info.kind} plugin` : "it is neither installed nor bundled in this build",
        });
      }
      kind = info.kind;
    }
    const add = {
      name: name!,
      location,
      plugin,
      kind,
      options: parseKeyValues(o.option ?? []),
      makeDefault: o.default === true,
      cwd: ctx.global.cwd,
      user: { env: ctx.io.env, home: ctx.io.home },
    };
    if (kind !== "filesystem") {
      // The plugin checks its options now (its factory does no I/O), so a typo fails here, not at sync.
      const config = remoteConfigOf(ws.idseDir, ws.root, add);
      const remote = {
        name: add.name,
        plugin,
        location: "",
        default: false,
        source: "repo" as const,
        config,
      };
      const { loadInstalled } = await import("../../plugins/host.ts");
      await loadInstalled(ws, plugin, kind, {
        options: remoteOptions(kind, remote, ws.root),
        bundled: true,
        env: {},
        userEnv: ctx.io.env,
        home: ctx.io.home,
        log: () => {},
      });
    }
    const remote = await addRemote(ws.idseDir, ws.root, add, {
      timeoutMs: ws.config.values["lock.timeout_ms"],
    });
    // A command and a URL this user just gave (mcp-stdio, a server) are approved for this repository, as
    // `plugin add` approves what it installs.
    const { commandItem, endpointItem } = await import("../../plugins/runnables.ts");
    const given = [
      commandItem(remote.name, remote.config, ws.root),
      endpointItem(remote.name, remote.config),
    ];
    const items = given.filter((i) => i !== undefined);
    if (items.length) {
      const { approve } = await import("../../plugins/trust.ts");
      await approve({ env: ctx.io.env, home: ctx.io.home }, ws.root, items, ctx.now, false);
    }
    const file = remote.source === "user" ? personalRemotesPath(add.user) : ".idse/config.json";
    if (remote.source === "user") {
      ctx.report(notice("REMOTE_PERSONAL", { path: String(remote.config.path), remote: remote.name, file }));
    }
    return {
      action: "added",
      remote: info(remote),
      file,
      message: `Added remote ${remote.name} (${remote.plugin} ${remote.location})${remote.default ? ", the default" : ""}${remote.source === "user" ? ", for you only" : ""}`,
    };
  },
  text: (d) => d.message,
});

export const remoteRemove = defineCommand<Record<string, never>, RemoteChangeOutput>({
  async run(ctx, [name]) {
    const ws = ctx.workspace();
    const user = { env: ctx.io.env, home: ctx.io.home };
    const remote = await removeRemote(ws.idseDir, name!, {
      timeoutMs: ws.config.values["lock.timeout_ms"],
      user,
      root: ws.root,
    });
    // Its sync base goes too: a remote added again under this name starts from nothing, not from a lie.
    for (const project of await listProjects(ws.store)) {
      await ctx.mutate(project, (w) => removeSyncState(w.store, project, remote.name));
    }
    return {
      action: "removed",
      remote: info(remote),
      file: remote.source === "user" ? personalRemotesPath(user) : ".idse/config.json",
      message: `Removed remote ${remote.name}; nothing on the remote was touched`,
    };
  },
  text: (d) => d.message,
});

export const remoteList = defineCommand<Record<string, never>, RemoteListOutput>({
  async run(ctx) {
    const ws = ctx.workspace();
    return { remotes: listRemotes(ws.idseDir, ws.root, ctx.io.env, ctx.io.home).map(info) };
  },
  text: (d) =>
    d.remotes.length
      ? table(
          ["NAME", "PLUGIN", "LOCATION", "DEFAULT", "FROM"],
          d.remotes.map((r) => [r.name, r.plugin, r.location, r.default ? "yes" : "", r.source]),
        )
      : "No remotes. Add one with `idse remote add <name> <url-or-path>`.",
});
