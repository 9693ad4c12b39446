import { existsSync, mkdirSync, mkdtempSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "../command.ts";
import { IdseError } from "../errors.ts";
import type { PluginAddOutput, PluginLockEntry, PluginManifest, PluginsFile } from "../models/plugins.ts";
import { instantiate } from "../plugin-host.ts";
import { isCore } from "./builtin.ts";
import { confirm } from "./confirm.ts";
import { hashTree } from "./integrity.ts";
import { importFile } from "./load.ts";
import { findPlugin, PLUGINS_DIR, pluginDir, readLock, withPluginLock, writeLock } from "./lockfile.ts";
import { readManifest } from "./manifest.ts";
import { classify, stage } from "./sources.ts";

// `idse plugin add` as one transaction: fetch and unpack into a staging folder inside .idse/, check the
// manifest (apiVersion, kind), ask, load the module and call its factory once, and only then move the
// folder into .idse/plugins/<name>/ and rewrite plugins.json. Any failure before the last step leaves
// both exactly as they were; a failure while writing plugins.json puts the old folder back.

export interface AddOptions {
  offline: boolean;
  options: Record<string, unknown>;
}

const DEFAULT_REGISTRY_TIMEOUT_MS = 30_000;

function grantLines(m: PluginManifest, resolved: string, prev: PluginLockEntry | undefined): string[] {
  const list = (xs: readonly string[] | undefined) => (xs?.length ? xs.join(", ") : "none");
  return [
    `idse is about to install plugin ${m.name} ${m.version} (${m.kind}) from ${resolved}`,
    ...(prev
      ? [`  replacing:             ${prev.name} ${prev.version} (${prev.source}: ${prev.resolved})`]
      : []),
    `  capabilities:          ${list(m.capabilities)}`,
    `  network hosts:         ${list(m.hosts)}`,
    `  environment variables: ${list(m.env)}`,
    "It runs inside idse with your permissions.",
  ];
}

/** JSON with sorted keys, to compare two lock entries whatever order their keys were written in. */
function canon(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Swaps the staged folder in and writes the lockfile; undoes the swap if the write fails. */
function commit(idseDir: string, staged: string, scratch: string, lock: PluginsFile, entry: PluginLockEntry) {
  const root = join(idseDir, PLUGINS_DIR);
  const createdRoot = !existsSync(root);
  mkdirSync(root, { recursive: true });
  const target = pluginDir(idseDir, entry.name);
  const old = join(scratch, "old");
  if (existsSync(target)) renameSync(target, old);
  try {
    renameSync(staged, target);
    writeLock(idseDir, { ...lock, plugins: [...lock.plugins.filter((p) => p.name !== entry.name), entry] });
  } catch (err) {
    rmSync(target, { recursive: true, force: true });
    if (existsSync(old)) renameSync(old, target);
    if (createdRoot) rmdirSync(root);
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
    const scratch = mkdtempSync(join(ws.idseDir, ".plugin-staging-"));
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
      const target = pluginDir(ws.idseDir, entry.name);
      if (
        prev &&
        canon(prev) === canon(entry) &&
        existsSync(target) &&
        canon(hashTree(target)) === canon(entry.files)
      ) {
        const message = `${entry.name} ${entry.version} is already installed from ${entry.resolved}.`;
        return { action: "unchanged", plugin: prev, previous: prev.version, grants, message };
      }
      await confirm(ctx, "plugin add", grantLines(manifest, staged.resolved, prev), "Install it?");
      const mod = await importFile(join(pkg, manifest.entry), manifest.name);
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
        ctx.report({
          severity: "warning",
          code: "PLUGIN_OPTIONS_NEEDED",
          message: `${manifest.name} needs options before it can be used: ${String(err.data.reason)}`,
          plugin: manifest.name,
          hint: `run \`idse plugin add ${spec} ${((err.data.options as string[] | undefined)?.length ? (err.data.options as string[]) : ["key"]).map((o) => `--option ${o}=<value>`).join(" ")}\``,
        });
        await instantiate(mod, g, { options, env, log: ctx.io.stderr, validateOptions: false }, ws);
      });
      commit(ws.idseDir, pkg, scratch, lock, entry);
      const action = prev ? "updated" : "added";
      const message = `${action === "added" ? "Added" : "Updated"} ${entry.kind} plugin ${entry.name} ${entry.version} (${entry.source}: ${entry.resolved}).`;
      return { action, plugin: entry, previous: prev?.version ?? null, grants, message };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
}
