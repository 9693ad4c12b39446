import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { Context } from "../context.ts";
import { IdseError, notice } from "../errors.ts";
import type { PluginAddOutput, PluginLockEntry, PluginManifest, PluginsFile } from "../models/plugins.ts";
import { killPoint } from "../store/kill-point.ts";
import { isCore } from "./builtin.ts";
import { checkInstalled, refuseLinkedFolders } from "./check.ts";
import { confirm } from "./confirm.ts";
import { instantiate } from "./host.ts";
import { requireSelfContained } from "./imports.ts";
import { hashTree, treeIntegrity } from "./integrity.ts";
import { canon, finish, makeScratch, recover, undo, writeJournal } from "./journal.ts";
import { importFile } from "./load.ts";
import { findPlugin, PLUGINS_DIR, pluginDir, readLock, withPluginLock, writeLock } from "./lockfile.ts";
import { readManifest } from "./manifest.ts";
import { pluginItem } from "./runnables.ts";
import { classify, stage } from "./sources.ts";
import { approve } from "./trust.ts";

// `idse plugin add` as one transaction: fetch and unpack into a staging folder inside .idse/, check the
// manifest (apiVersion, kind), ask, load the module and call its factory once, and only then move the
// folder into .idse/plugins/<name>/ and rewrite plugins.json. Any failure before the last step leaves
// both exactly as they were; a failure while writing plugins.json puts the old folder back, and a kill -9
// at any point is finished or undone by the next idse that touches plugins (src/plugins/journal.ts).

export interface AddOptions {
  offline: boolean;
  options: Record<string, unknown>;
  /** Replace an installed plugin of the same name that came from another package. */
  replace?: boolean;
}

/** Which package a plugin came from: its npm name, else where it was installed from. */
const origin = (e: { package?: string; source: string; resolved: string }) =>
  e.package ?? `${e.source} ${e.resolved}`;

const DEFAULT_REGISTRY_TIMEOUT_MS = 30_000;

function grantLines(m: PluginManifest, resolved: string, prev: PluginLockEntry | undefined): string[] {
  const list = (xs: readonly string[] | undefined) => (xs?.length ? xs.join(", ") : "none");
  return [
    `idse is about to install plugin ${m.name} ${m.version} (${m.kind}) from ${resolved}`,
    ...(prev
      ? [`  replacing:             ${prev.name} ${prev.version} (${prev.source}: ${prev.resolved})`]
      : []),
    `  capabilities:          ${list(m.capabilities)}`,
    `  network hosts:         ${list(m.hosts)} (what its host.fetch may reach)`,
    `  environment variables: ${list(m.env)} (what its host.env may read)`,
    "These grants limit only the host API idse hands the plugin. It runs inside idse with your",
    "permissions: its own process.env, fetch, child processes and files are not limited (docs/plugins.md).",
  ];
}

/**
 * Swaps the staged folder in and writes the lockfile, journaled (src/plugins/journal.ts): a failure undoes
 * the swap here, a kill is finished or undone by the next run.
 */
function commit(
  idseDir: string,
  scratch: string,
  lock: PluginsFile,
  entry: PluginLockEntry,
  env: Record<string, string | undefined>,
) {
  refuseLinkedFolders(idseDir, entry.name);
  const root = join(idseDir, PLUGINS_DIR);
  const createdRoot = !existsSync(root);
  mkdirSync(root, { recursive: true });
  const target = pluginDir(idseDir, entry.name);
  const journal = { op: "add" as const, name: entry.name, scratch, prev: existsSync(target), entry };
  writeJournal(idseDir, journal);
  killPoint("add:journal", env);
  try {
    if (journal.prev) renameSync(target, join(scratch, "old"));
    killPoint("add:old-aside", env);
    renameSync(join(scratch, "package"), target);
    killPoint("add:new-in-place", env);
    writeLock(idseDir, { ...lock, plugins: [...lock.plugins.filter((p) => p.name !== entry.name), entry] });
    killPoint("add:committed", env);
  } catch (err) {
    undo(idseDir, { ...journal, scratch: basename(scratch), pid: process.pid });
    if (createdRoot && readdirSync(root).length === 0) rmdirSync(root);
    throw err;
  }
}

export async function addPlugin(ctx: Context, spec: string, o: AddOptions): Promise<PluginAddOutput> {
  const ws = ctx.workspace();
  const env = ctx.io.env;
  const timeoutMs =
    Number(env.IDSE_REGISTRY_TIMEOUT_MS) > 0
      ? Number(env.IDSE_REGISTRY_TIMEOUT_MS)
      : DEFAULT_REGISTRY_TIMEOUT_MS;
  const src = await classify(spec, ctx.global.cwd, ctx.io.home);
  return withPluginLock(ws.idseDir, ws.config.values["lock.timeout_ms"], async () => {
    recover(ws.idseDir);
    const scratch = makeScratch(ws.idseDir);
    try {
      const pkg = join(scratch, "package");
      const staged = await stage(src, pkg, ws.root, {
        env,
        home: ctx.io.home,
        root: ws.root,
        offline: o.offline,
        timeoutMs,
      });
      const { manifest, packageName } = readManifest(pkg, staged.resolved);
      if (isCore(manifest.name)) throw new IdseError("PLUGIN_CORE", { plugin: manifest.name });
      if (!existsSync(join(pkg, manifest.entry))) {
        throw new IdseError("PLUGIN_MANIFEST_INVALID", {
          file: staged.resolved,
          reason: `entry ${manifest.entry} is not in the package`,
        });
      }
      const lock = readLock(ws.idseDir);
      const prev = findPlugin(lock, manifest.name);
      const options = { ...(prev?.options ?? {}), ...o.options };
      const pkgName = staged.package ?? packageName;
      const grants = {
        capabilities: manifest.capabilities,
        hosts: manifest.hosts ?? [],
        env: manifest.env ?? [],
      };
      const entry: PluginLockEntry = {
        name: manifest.name,
        version: manifest.version,
        kind: manifest.kind,
        source: staged.source,
        resolved: staged.resolved,
        integrity: staged.integrity,
        entry: manifest.entry,
        enabled: true,
        options,
        api_version: manifest.apiVersion,
        ...grants,
        ...(pkgName ? { package: pkgName } : {}),
        files: hashTree(pkg),
      };
      entry.files_integrity = treeIntegrity(entry.files);
      const target = pluginDir(ws.idseDir, entry.name);
      if (
        prev &&
        canon(prev) === canon(entry) &&
        existsSync(target) &&
        (await checkInstalled(ws.idseDir, prev)).problems.length === 0
      ) {
        const message = `${entry.name} ${entry.version} is already installed from ${entry.resolved}.`;
        return { action: "unchanged", plugin: prev, previous: prev.version, grants, message };
      }
      if (prev && origin(prev) !== origin(entry) && !o.replace) {
        // Another package declaring the same plugin name would silently take its place: asked even
        // under --yes, and refused without a terminal unless --replace says so.
        const refusal = new IdseError("PLUGIN_NAME_TAKEN", {
          plugin: entry.name,
          installed: origin(prev),
          offered: origin(entry),
          spec,
        });
        await confirm(ctx, "plugin add", [refusal.message], "Replace it?", { refusal });
      }
      // Before the user is asked: a plugin that would load code from the repository's node_modules is refused.
      await requireSelfContained(pkg, manifest.name);
      await confirm(ctx, "plugin add", grantLines(manifest, staged.resolved, prev), "Install it?");
      const mod = await importFile(join(pkg, manifest.entry), manifest.name, staged.source === "builtin");
      const g = { ...grants, name: manifest.name, kind: manifest.kind, apiVersion: manifest.apiVersion };
      await instantiate(mod, g, { options, env, log: ctx.io.stderr }, ws).catch(async (err) => {
        // Installed without any option, a plugin that needs some (which database, which project) is
        // still installed: its options can come with `plugin add --option` later, or from the caller.
        if (
          !(err instanceof IdseError && err.code === "PLUGIN_OPTIONS_INVALID") ||
          Object.keys(options).length
        ) {
          throw err;
        }
        ctx.report(
          notice("PLUGIN_OPTIONS_NEEDED", {
            plugin: manifest.name,
            reason: String(err.data.reason),
            spec,
            options: err.data.options as string[] | undefined,
          }),
        );
        await instantiate(mod, g, { options, env, log: ctx.io.stderr, validateOptions: false }, ws);
      });
      commit(ws.idseDir, scratch, lock, entry, ctx.io.env);
      // The user just read what it is and said yes: this repository may load it (src/plugins/trust.ts).
      // A plugin copied from this binary needs no approval.
      if (entry.source !== "builtin") {
        const item = pluginItem(entry, entry.files_integrity);
        await approve({ env, home: ctx.io.home }, ws.root, [item], ctx.now, false).catch((err) => {
          ctx.report(notice("WORKSPACE_UNTRUSTED", { plugin: entry.name, reason: (err as Error).message }));
        });
      }
      const action = prev ? "updated" : "added";
      const message = `${action === "added" ? "Added" : "Updated"} ${entry.kind} plugin ${entry.name} ${entry.version} (${entry.source}: ${entry.resolved}).`;
      return { action, plugin: entry, previous: prev?.version ?? null, grants, message };
    } finally {
      finish(ws.idseDir, scratch);
    }
  });
}
