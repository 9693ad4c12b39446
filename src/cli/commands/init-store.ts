import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { IdseError, notice } from "../../errors.ts";
import {
  canonical,
  closeStore,
  FILESYSTEM,
  lazyPluginStore,
  storeChoice,
  writeStoreConfig,
} from "../../store/select.ts";
import { listProjects, openWorkspaceAt, type Workspace, type WorkspaceEnv } from "../../workspace.ts";
import type { Context } from "../command.ts";
import { parseKeyValues, storeNameArg } from "../key-values.ts";

// `idse init --store`, and the install of a bundled store plugin it shares with `idse store migrate`.

/**
 * Installs the bundled store plugin `name` when `.idse/plugins.json` lacks it (the user named it, so no
 * confirmation); true when it did. An unknown name fails with PLUGIN_NOT_FOUND.
 */
export async function ensureStorePlugin(ctx: Context, ws: Workspace, name: string): Promise<boolean> {
  const { findPlugin, readLock, requirePlugin } = await import("../../plugins/lockfile.ts");
  const lock = readLock(ws.idseDir);
  if (findPlugin(lock, name)) return false;
  const { embeddedPlugin } = await import("../../plugins/builtin.ts");
  const bundled = await embeddedPlugin(name);
  if (!bundled) requirePlugin(lock, name);
  if (bundled!.manifest.kind !== "store") {
    throw new IdseError("PLUGIN_KIND", { plugin: name, expected: "store", found: bundled!.manifest.kind });
  }
  const { addPlugin } = await import("../../plugins/install.ts");
  await addPlugin({ ...ctx, global: { ...ctx.global, yes: true } }, name, { offline: true, options: {} });
  ctx.report(notice("STORE_PLUGIN_INSTALLED", { plugin: name, version: bundled!.manifest.version }));
  return true;
}

/**
 * `idse init --store <name>`: installs the bundled plugin when needed (the user named it: no prompt),
 * opens the store once (an unreachable database or a wrong password fails here, with its code), then
 * records it in .idse/config.json. Refused when the configured store already holds projects, which the
 * switch would hide (STORE_IN_USE: that is what `store migrate` is for). A `.idse/` this call created is
 * removed again when it fails.
 */
export async function chooseStore(
  ctx: Context,
  root: string,
  raw: string,
  rawOptions: readonly string[],
  wenv: WorkspaceEnv,
): Promise<void> {
  const { report } = ctx;
  const name = storeNameArg(raw, "--store");
  const options = parseKeyValues(rawOptions, "--store-option");
  if (name === FILESYSTEM && Object.keys(options).length) {
    throw new IdseError("USAGE", { reason: "the filesystem store takes no --store-option" });
  }
  const idseDir = join(root, ".idse");
  const created = !existsSync(idseDir);
  mkdirSync(idseDir, { recursive: true });
  // What is reported (the plugin installed) is true only once the store is chosen: a `.idse/` this call
  // created is removed again on failure, plugin and all, and then nothing of it is reported.
  const said: Parameters<Context["report"]>[0][] = [];
  ctx = { ...ctx, report: (d) => void said.push(d) };
  try {
    const ws = openWorkspaceAt(root, wenv);
    const current = storeChoice(ws.config, ws.idseDir);
    if (current.plugin !== name || canonical(current.options) !== canonical(options)) {
      const projects = await listProjects(ws.store).finally(() => closeStore(ws.store));
      if (projects.length) {
        throw new IdseError("STORE_IN_USE", { current: current.plugin, requested: name, projects });
      }
    }
    if (name !== FILESYSTEM) {
      await ensureStorePlugin(ctx, ws, name);
      const probe = lazyPluginStore(() => ws, name, options, { env: wenv.env, log: wenv.log });
      await probe.open().finally(() => closeStore(probe));
    }
    await writeStoreConfig(ws.idseDir, name, options, { timeoutMs: ws.config.values["lock.timeout_ms"] });
  } catch (err) {
    if (created) rmSync(idseDir, { recursive: true, force: true });
    else for (const d of said) report(d);
    throw err;
  }
  for (const d of said) report(d);
}
