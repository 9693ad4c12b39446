import { join } from "node:path";
import {
  isConfigKey,
  KNOWN_KEYS,
  loadConfig,
  type ResolvedConfig,
  setRepoConfig,
  unsetRepoConfig,
} from "../../config.ts";
import { IdseError } from "../../errors.ts";
import { CONFIG_KEYS, type ConfigKey } from "../../models/config.ts";
import type {
  ConfigGetOutput,
  ConfigListOutput,
  ConfigSetOutput,
  ConfigUnsetOutput,
} from "../../models/outputs.ts";
import { ignoredKeysNotice, readOriginalConfig } from "../../original/config.ts";
import { FILESYSTEM } from "../../store/select.ts";
import { findRoot, type Workspace } from "../../workspace.ts";
import type { Context } from "../command.ts";
import { defineCommand } from "../command.ts";
import { checkStoreSwitch } from "./shared.ts";

// `config` works outside a workspace too (home file and environment only); `set` and `unset` need one,
// because they write only the repository file.

function resolved(ctx: Context): ResolvedConfig {
  const root = findRoot(ctx.global.cwd);
  return loadConfig({ home: ctx.io.home, idseDir: root ? join(root, ".idse") : undefined, env: ctx.io.env });
}

function key(raw: string): ConfigKey {
  if (!isConfigKey(raw)) throw new IdseError("UNKNOWN_CONFIG_KEY", { key: raw, known: KNOWN_KEYS });
  return raw;
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export const configGet = defineCommand<Record<string, never>, ConfigGetOutput>({
  async run(ctx, [raw]) {
    const k = key(raw!);
    const c = resolved(ctx);
    return { key: k, value: c.values[k], source: c.sources[k] };
  },
  text: (d) => show(d.value),
});

export const configList = defineCommand<Record<string, never>, ConfigListOutput>({
  async run(ctx) {
    const c = resolved(ctx);
    // The Python original's keys in the same home file: shown with their idse meaning (original/config.ts).
    const original = readOriginalConfig(ctx.io.home);
    const notice = ignoredKeysNotice(original);
    if (notice) ctx.report(notice);
    return {
      entries: KNOWN_KEYS.map((k) => ({ key: k, value: c.values[k], source: c.sources[k] })),
      ...(original ? { original: original.entries } : {}),
      files: { home: c.files.home, repo: c.files.repo ?? null },
    };
  },
  text: (d) =>
    [
      ...d.entries.map((e) => `${e.key} = ${show(e.value)}  (${e.source})`),
      ...(d.original?.length ? ["", "From the Python original's ~/.idseconfig.json (lowest priority):"] : []),
      ...(d.original ?? []).map(
        (e) =>
          `${e.key} = ${show(e.value)}  (original → ${e.meaning ?? "no idse meaning"}${e.applied ? "" : ", not used"}: ${e.note})`,
      ),
    ].join("\n"),
});

/**
 * The repository's .idse/ and the lock timeout, for `config set|unset`: these repair a bad value in
 * config.json (INVALID_CONFIG's hint names them), so that value must not stop them. The workspace is
 * opened as every command opens it; when its config holds an invalid value, the folder is found without
 * it and the lock waits the default time.
 */
function repoConfigTarget(ctx: Context): { idseDir: string; timeoutMs: number; ws?: Workspace } {
  try {
    const ws = ctx.workspace();
    return { idseDir: ws.idseDir, timeoutMs: ws.config.values["lock.timeout_ms"], ws };
  } catch (err) {
    const root = findRoot(ctx.global.cwd);
    if ((err as IdseError).code !== "INVALID_CONFIG" || !root) throw err;
    return { idseDir: join(root, ".idse"), timeoutMs: CONFIG_KEYS["lock.timeout_ms"].default };
  }
}

export const configSet = defineCommand<Record<string, never>, ConfigSetOutput>({
  async run(ctx, [raw, value]) {
    const k = key(raw!);
    const { idseDir, timeoutMs, ws } = repoConfigTarget(ctx);
    if (k === "store.plugin") await checkStoreSwitch(ws, `config set store.plugin ${value}`, value!);
    const stored = (await setRepoConfig(idseDir, k, value!, { timeoutMs })) as ConfigSetOutput["value"];
    return { key: k, value: stored, source: "repo", file: ".idse/config.json" };
  },
  text: (d) => `${d.key} = ${show(d.value)} (written to ${d.file})`,
});

export const configUnset = defineCommand<Record<string, never>, ConfigUnsetOutput>({
  async run(ctx, [raw]) {
    const k = key(raw!);
    const { idseDir, timeoutMs, ws } = repoConfigTarget(ctx);
    if (k === "store.plugin") await checkStoreSwitch(ws, "config unset store.plugin", FILESYSTEM);
    return { key: k, removed: await unsetRepoConfig(idseDir, k, { timeoutMs }) };
  },
  text: (d) =>
    d.removed ? `Removed ${d.key} from .idse/config.json` : `${d.key} was not set in .idse/config.json`,
});
