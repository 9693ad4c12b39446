import { existsSync, renameSync } from "node:fs";
import { basename, join } from "node:path";
import { IdseError, notice } from "../../errors.ts";
import type {
  AvailablePlugin,
  PluginAddOutput,
  PluginChangeOutput,
  PluginInfoOutput,
  PluginListOutput,
  PluginLockEntry,
  PluginVerifyOutput,
} from "../../models/plugins.ts";
import { CORE_PLUGINS, embeddedPlugins } from "../../plugins/builtin.ts";
import { checkInstalled, describeProblem, refuseLinkedFolders, reinstallSpec } from "../../plugins/check.ts";
import { finish, makeScratch, recover, recoverIfNeeded, undo, writeJournal } from "../../plugins/journal.ts";
import { pluginDir, readLock, requirePlugin, withPluginLock, writeLock } from "../../plugins/lockfile.ts";
import { readManifest } from "../../plugins/manifest.ts";
import { killPoint } from "../../store/kill-point.ts";
import { FILESYSTEM, storeChoice } from "../../store/select.ts";
import { type Context, defineCommand } from "../command.ts";
import { checkStoreSwitch, table } from "./shared.ts";

// `idse plugin …`: install, list, check and switch the plugins of a repository (.idse/plugins.json and
// .idse/plugins/<name>/). Only `add` loads plugin code; the others read the lockfile and hash files. Each
// first finishes or undoes a change a killed idse left half done (src/plugins/journal.ts).

/** The workspace, after any interrupted plugin change has been finished or undone. */
async function recovered(ctx: Context) {
  const ws = ctx.workspace();
  await recoverIfNeeded(ws.idseDir, ws.config.values["lock.timeout_ms"]);
  return ws;
}

const say = (d: { message: string }) => d.message;

/** `--option key=value`: the value is JSON when it parses as JSON (numbers, booleans), else a string. */
function parseOptions(raw: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of raw) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new IdseError("USAGE", { reason: `--option expects key=value, got "${pair}"` });
    const value = pair.slice(eq + 1);
    try {
      out[pair.slice(0, eq)] = JSON.parse(value);
    } catch {
      out[pair.slice(0, eq)] = value;
    }
  }
  return out;
}

export const pluginAdd = defineCommand<
  { offline?: boolean; option: string[]; replace?: boolean },
  PluginAddOutput
>({
  options: [
    { flags: "--offline", description: "Use only the bundled plugins and the download cache" },
    {
      flags: "--replace",
      description: "Replace an installed plugin of the same name that came from another package",
    },
    {
      flags: "--option <key=value>",
      description: "A plugin option, recorded in plugins.json (repeatable)",
      multiple: true,
    },
  ],
  examples: [
    "idse plugin add notion-store --yes",
    "idse plugin add ./my-store",
    "idse plugin add my-store-1.0.0.tgz",
    "idse plugin add @acme/idse-jira-sync@^1 --option project=OPS",
  ],
  async run(ctx, [spec], o) {
    const { addPlugin } = await import("../../plugins/install.ts");
    return addPlugin(ctx, spec!, {
      offline: o.offline === true,
      options: parseOptions(o.option ?? []),
      replace: o.replace === true,
    });
  },
  text: (d) =>
    [
      d.message,
      ...(d.action === "unchanged"
        ? []
        : [
            `  capabilities: ${d.grants.capabilities.join(", ") || "none"}`,
            `  network hosts: ${d.grants.hosts.join(", ") || "none"} (host.fetch only)`,
            `  environment variables: ${d.grants.env.join(", ") || "none"} (host.env only)`,
            "  not limited: the plugin's own process.env, fetch, child processes and files",
          ]),
    ].join("\n"),
});

/** Applies one change to an installed plugin's lock entry under the plugins lock. */
async function change(
  ctx: Context,
  name: string,
  fn: (e: PluginLockEntry) => {
    entry: PluginLockEntry;
    action: PluginChangeOutput["action"];
    message: string;
  },
): Promise<PluginChangeOutput> {
  const ws = ctx.workspace();
  return withPluginLock(ws.idseDir, ws.config.values["lock.timeout_ms"], async () => {
    recover(ws.idseDir);
    const lock = readLock(ws.idseDir);
    const r = fn(requirePlugin(lock, name));
    if (r.action !== "unchanged") {
      writeLock(ws.idseDir, { ...lock, plugins: lock.plugins.map((p) => (p.name === name ? r.entry : p)) });
    }
    return { action: r.action, plugin: r.entry, message: r.message };
  });
}

const toggle = (enabled: boolean) =>
  defineCommand<Record<string, never>, PluginChangeOutput>({
    run: (ctx, [name]) =>
      change(ctx, name!, (e) =>
        e.enabled === enabled
          ? {
              entry: e,
              action: "unchanged",
              message: `${e.name} is already ${enabled ? "enabled" : "disabled"}.`,
            }
          : {
              entry: { ...e, enabled },
              action: enabled ? "enabled" : "disabled",
              message: `${enabled ? "Enabled" : "Disabled"} ${e.name}.`,
            },
      ),
    text: say,
  });

export const pluginEnable = toggle(true);
export const pluginDisable = toggle(false);

export const pluginRemove = defineCommand<Record<string, never>, PluginChangeOutput>({
  async run(ctx, [name]) {
    const ws = ctx.workspace();
    // The store the repository keeps its projects in: removing it would hide them all (and leave
    // config.json naming a plugin that is not there), as switching the store would.
    if (storeChoice(ws.config, ws.idseDir).plugin === name)
      await checkStoreSwitch(ws, `plugin remove ${name}`, FILESYSTEM);
    return withPluginLock(ws.idseDir, ws.config.values["lock.timeout_ms"], async () => {
      recover(ws.idseDir);
      const lock = readLock(ws.idseDir);
      const entry = requirePlugin(lock, name!);
      refuseLinkedFolders(ws.idseDir, entry.name);
      // Journaled (src/plugins/journal.ts): the folder is moved aside, then plugins.json drops the entry
      // (the commit point); a failure or a kill before that puts the folder back.
      const dir = pluginDir(ws.idseDir, entry.name);
      const scratch = makeScratch(ws.idseDir);
      const journal = { op: "remove" as const, name: entry.name, scratch, prev: true, entry: null };
      try {
        writeJournal(ws.idseDir, journal);
        killPoint("remove:journal", ctx.io.env);
        if (existsSync(dir)) renameSync(dir, join(scratch, "old"));
        killPoint("remove:old-aside", ctx.io.env);
        try {
          writeLock(ws.idseDir, { ...lock, plugins: lock.plugins.filter((p) => p.name !== entry.name) });
          killPoint("remove:committed", ctx.io.env);
        } catch (err) {
          undo(ws.idseDir, { ...journal, scratch: basename(scratch), pid: process.pid });
          throw err;
        }
      } finally {
        finish(ws.idseDir, scratch);
      }
      return { action: "removed" as const, plugin: entry, message: `Removed ${entry.name}.` };
    });
  },
  text: say,
});

async function catalogue(installed: PluginLockEntry[]): Promise<AvailablePlugin[]> {
  const version = (name: string) => installed.find((p) => p.name === name)?.version ?? null;
  const core = CORE_PLUGINS.map((m) => ({
    name: m.name,
    kind: m.kind,
    version: m.version,
    description: m.description ?? "",
    core: true,
    installed: m.version,
  }));
  const embedded = (await embeddedPlugins()).map(({ manifest: m }) => ({
    name: m.name,
    kind: m.kind,
    version: m.version,
    description: m.description ?? "",
    core: false,
    installed: version(m.name),
  }));
  return [...core, ...embedded];
}

export const pluginList = defineCommand<{ available?: boolean }, PluginListOutput>({
  options: [{ flags: "--available", description: "Also list the plugins bundled in this build" }],
  async run(ctx, _args, o) {
    const plugins = readLock((await recovered(ctx)).idseDir).plugins;
    return o.available ? { plugins, available: await catalogue(plugins) } : { plugins };
  },
  text: (d) => {
    const rows = d.plugins.map((p) => [
      p.name,
      p.version,
      p.kind,
      p.enabled ? "yes" : "no",
      `${p.source}: ${p.resolved}`,
    ]);
    const out = d.plugins.length
      ? [table(["NAME", "VERSION", "KIND", "ENABLED", "SOURCE"], rows)]
      : ["No plugins installed (`idse plugin list --available` shows the bundled ones)."];
    if (d.available) {
      const avail = d.available.map((a) => [
        a.name,
        a.version,
        a.kind,
        a.core ? "core" : (a.installed ?? "-"),
        a.description,
      ]);
      out.push(
        "",
        "Bundled in this build:",
        table(["NAME", "VERSION", "KIND", "INSTALLED", "DESCRIPTION"], avail),
      );
    }
    return out.join("\n");
  },
});

export const pluginInfo = defineCommand<Record<string, never>, PluginInfoOutput>({
  async run(ctx, [name]) {
    const ws = await recovered(ctx);
    const lock = readLock(ws.idseDir);
    const installed = lock.plugins.find((p) => p.name === name) ?? null;
    const bundled = (await catalogue(lock.plugins)).find((p) => p.name === name) ?? null;
    if (!installed && !bundled) requirePlugin(lock, name!);
    let description = bundled?.description ?? null;
    if (installed) {
      try {
        description = readManifest(pluginDir(ws.idseDir, installed.name)).manifest.description ?? description;
      } catch {
        // A damaged folder still gets its lockfile entry shown; `plugin verify` says what is wrong.
      }
    }
    return { name: name!, installed, bundled, description };
  },
  text: (d) => {
    const p = d.installed;
    const lines = [`${d.name}${d.description ? `: ${d.description}` : ""}`];
    if (p) {
      lines.push(
        `  installed:     ${p.version} (${p.kind}, ${p.enabled ? "enabled" : "disabled"})`,
        `  source:        ${p.source}: ${p.resolved}`,
        `  integrity:     ${p.integrity}`,
        `  capabilities:  ${p.capabilities.join(", ") || "none"}`,
        `  network hosts: ${p.hosts.join(", ") || "none"} (host.fetch only)`,
        `  environment:   ${p.env.join(", ") || "none"} (host.env only)`,
        "  not limited:   the plugin's own process.env, fetch, child processes and files (it runs",
        "                 inside idse with your permissions; see docs/plugins.md)",
      );
    } else lines.push("  not installed");
    if (d.bundled)
      lines.push(`  bundled:       ${d.bundled.core ? "core (always enabled)" : d.bundled.version}`);
    return lines.join("\n");
  },
});

async function verifyOne(idseDir: string, e: PluginLockEntry) {
  const { problems } = await checkInstalled(idseDir, e);
  return { name: e.name, ok: problems.length === 0, files: Object.keys(e.files).length, problems };
}

export const pluginVerify = defineCommand<Record<string, never>, PluginVerifyOutput>({
  async run(ctx, [name]) {
    const ws = await recovered(ctx);
    const lock = readLock(ws.idseDir);
    const entries = name ? [requirePlugin(lock, name)] : lock.plugins;
    const plugins = [];
    for (const e of entries) plugins.push(await verifyOne(ws.idseDir, e));
    for (const [i, p] of plugins.entries()) {
      for (const x of p.problems) {
        ctx.report(
          notice("PLUGIN_TAMPERED", {
            reason: describeProblem(p.name, x),
            file: x.file === "plugins.json" ? ".idse/plugins.json" : `.idse/plugins/${p.name}/${x.file}`,
            plugin: p.name,
            reinstall: reinstallSpec(entries[i]!),
          }),
        );
      }
    }
    return { ok: plugins.every((p) => p.ok), plugins };
  },
  text: (d) =>
    d.plugins.length
      ? d.plugins.map((p) => `  ${p.ok ? "ok      " : "TAMPERED"} ${p.name} (${p.files} files)`).join("\n")
      : "No plugins installed.",
  exitCode: (d) => (d.ok ? 0 : 1),
});
