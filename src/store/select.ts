import { type ResolvedConfig, readSection, updateRepoConfig } from "../config.ts";
import { IdseError } from "../errors.ts";
import type { ConfigSource } from "../models/config.ts";
import type { Workspace } from "../workspace.ts";
import { type DesignStore, type Release, sha256Hex } from "./contract.ts";
import { createFilesystemStore } from "./fs.ts";

// Choosing and opening the repository's DesignStore (`store: { plugin, options }` in .idse/config.json,
// docs/stores.md). The filesystem store is the default and costs nothing: this module never imports the
// plugin host itself. A plugin store is opened lazily: `ws.store` is a proxy whose first call loads the
// plugin (through src/plugins/host.ts) and whose later calls go straight to it, so the many synchronous
// `ctx.workspace().store.…` call sites keep working unchanged.
//
// A plugin store holds the keys under `projects/` (every project, session, artifact, state and metadata
// document). Every other key stays a file under `.idse/` whatever the store: config.json, plugins.json,
// governance docs, schemas, agent files. So the proxy sends keys outside `projects/` to the filesystem.

export const FILESYSTEM = "filesystem";
/** The part of the key space a store plugin holds. */
export const STORE_ROOT = "projects";

export interface StoreChoice {
  /** "filesystem" or the name of an installed store plugin. */
  plugin: string;
  /** `store.options` of .idse/config.json (plugin stores only), merged over plugins.json by the host. */
  options: Record<string, unknown>;
  /** Where `store.plugin` came from. */
  source: ConfigSource;
}

export interface StoreLoadOptions {
  env: Record<string, string | undefined>;
  log?: (line: string) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** `store.options` of the repository config ({} when absent). */
export function readStoreOptions(idseDir: string): Record<string, unknown> {
  return readSection(idseDir, "store")?.options ?? {};
}

export function storeChoice(config: ResolvedConfig, idseDir: string): StoreChoice {
  const plugin = config.values["store.plugin"];
  const options = plugin === FILESYSTEM ? {} : readStoreOptions(idseDir);
  return { plugin, options, source: config.sources["store.plugin"] };
}

/**
 * The store `ws.store` was opened as, which may no longer be what config.json names: another process can
 * switch the store after this one opened its workspace. A plugin store keeps the plugin and options it
 * was opened with; the filesystem store is what the workspace's config snapshot named.
 */
export function openedChoice(ws: Workspace): StoreChoice {
  const choice = storeChoice(ws.config, ws.idseDir);
  return isLazyStore(ws.store) ? { ...choice, plugin: ws.store.plugin, options: ws.store.options } : choice;
}

/** The store config.json names now (read from the file, not a snapshot), for a check under the lock. */
export function fileChoice(idseDir: string): { plugin: string; options: Record<string, unknown> } {
  const section = readSection(idseDir, "store");
  const plugin = section?.plugin ?? section?.backend ?? FILESYSTEM;
  return { plugin, options: plugin === FILESYSTEM ? {} : (section?.options ?? {}) };
}

/**
 * Points the repository config at a store: `store: { plugin, options? }`; every other key is kept. Under
 * the repository lock (config.ts), so a concurrent `config set` or `remote add` is not lost.
 */
export async function writeStoreConfig(
  idseDir: string,
  plugin: string,
  options: Record<string, unknown> = {},
  o: { timeoutMs?: number } = {},
): Promise<void> {
  await updateRepoConfig(
    idseDir,
    (obj) => {
      const {
        plugin: _p,
        options: _o,
        backend: _b,
        ...rest
      } = isObject(obj.store) ? obj.store : ({} as Record<string, unknown>);
      obj.store = { ...rest, plugin, ...(Object.keys(options).length ? { options } : {}) };
    },
    o,
  );
}

// --- the lazy plugin store ------------------------------------------------------------------------------

const LAZY = Symbol("idse.lazyStore");

export interface LazyStore extends DesignStore {
  readonly [LAZY]: true;
  /** The store plugin's name. */
  readonly plugin: string;
  /** The options it was opened with (config.json's `store.options` when the workspace was opened). */
  readonly options: Record<string, unknown>;
  /** Loads the plugin (once) and returns its store, every method wrapped by the host. */
  open(): Promise<DesignStore>;
  /** True once open() has succeeded. */
  readonly opened: boolean;
}

export const isLazyStore = (s: DesignStore): s is LazyStore => (s as Partial<LazyStore>)[LAZY] === true;

/** The store behind `store`: the loaded plugin store for a lazy one, else `store` itself. */
export async function realStore(store: DesignStore): Promise<DesignStore> {
  return isLazyStore(store) ? store.open() : store;
}

/** Releases what a command's workspace store holds (a plugin's connections, files and locks). */
export async function closeStore(store: DesignStore): Promise<void> {
  if (isLazyStore(store) && store.opened) await store.dispose?.();
}

const inPluginStore = (key: string) => key === STORE_ROOT || key.startsWith(`${STORE_ROOT}/`);
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every entry below `prefix` for a store without listTree (the shape DesignStore.listTree returns). */
export async function walkTree(store: DesignStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  const go = async (rel: string): Promise<void> => {
    for (const e of await store.list(rel ? `${prefix}/${rel}` : prefix)) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      out.push(path);
      if (e.kind === "dir") await go(path);
    }
  };
  await go("");
  return out.sort(byCodeUnit);
}

/**
 * A DesignStore that loads store plugin `plugin` on its first call. Optional methods are always present:
 * they delegate when the plugin has them and fall back otherwise (listTree walks with list, hash reads
 * and hashes, writeMany writes one by one, lock takes no lock, which is what a store without locks means).
 */
export function lazyPluginStore(
  workspace: () => Workspace,
  plugin: string,
  options: Record<string, unknown>,
  o: StoreLoadOptions,
): LazyStore {
  const local = createFilesystemStore(workspace().idseDir, workspace().root);
  let real: DesignStore | undefined;
  let loading: Promise<DesignStore> | undefined;
  const open = () => {
    loading ??= (async () => {
      const { loadStore } = await import("../plugins/host.ts");
      real = await loadStore(workspace(), plugin, { env: o.env, log: o.log, options });
      return real;
    })();
    return loading;
  };
  const pick = (key: string): Promise<DesignStore> | DesignStore => (inPluginStore(key) ? open() : local);
  const store: LazyStore = {
    [LAZY]: true,
    plugin,
    options,
    open,
    get opened() {
      return real !== undefined;
    },
    get kind() {
      return real?.kind ?? plugin;
    },
    get location() {
      return real?.location ?? `${plugin} (not opened)`;
    },
    read: async (key) => (await pick(key)).read(key),
    write: async (key, value) => (await pick(key)).write(key, value),
    has: async (key) => (await pick(key)).has(key),
    remove: async (key) => (await pick(key)).remove(key),
    list: async (prefix) => (await pick(prefix)).list(prefix),
    async listTree(prefix) {
      const s = await pick(prefix);
      return s.listTree ? s.listTree(prefix) : walkTree(s, prefix);
    },
    async hash(key) {
      const s = await pick(key);
      if (s.hash) return s.hash(key);
      const text = await s.read(key);
      return text === undefined ? undefined : sha256Hex(text);
    },
    async writeMany(entries) {
      const mine = entries.filter(([k]) => inPluginStore(k));
      const others = entries.filter(([k]) => !inPluginStore(k));
      if (mine.length) {
        const s = await open();
        if (s.writeMany) await s.writeMany(mine);
        else for (const [k, v] of mine) await s.write(k, v);
      }
      if (others.length) await local.writeMany!(others);
    },
    async lock(key, opts): Promise<Release> {
      const s = await pick(key);
      return s.lock ? s.lock(key, opts) : async () => {};
    },
    async dispose() {
      await local.dispose?.();
      if (real) await real.dispose?.();
    },
  };
  return store;
}

/** The store a workspace's config names: the filesystem store, or a lazy plugin store. */
export function configuredStore(ws: () => Workspace, o: StoreLoadOptions): DesignStore {
  const { config, idseDir, root } = ws();
  const choice = storeChoice(config, idseDir);
  // Bounded by the repository, not `.idse/`: a symlink to elsewhere in the repository is fine.
  if (choice.plugin === FILESYSTEM) return createFilesystemStore(idseDir, root);
  return lazyPluginStore(ws, choice.plugin, choice.options, o);
}

/** `--option key=value` pairs: a value that parses as JSON (numbers, booleans) is that, else a string. */
export function parseKeyValues(raw: readonly string[], flag = "--option"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of raw) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new IdseError("USAGE", { reason: `${flag} expects key=value, got "${pair}"` });
    const value = pair.slice(eq + 1);
    try {
      out[pair.slice(0, eq)] = JSON.parse(value);
    } catch {
      out[pair.slice(0, eq)] = value;
    }
  }
  return out;
}

/** A store name from the command line: "filesystem" or a plugin's name (a usage error otherwise). */
export function storeNameArg(raw: string, flag: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(raw)) {
    throw new IdseError("USAGE", {
      reason: `${flag} expects "filesystem" or a store plugin's name (lowercase letters, digits, '-'), got "${raw}"`,
    });
  }
  return raw;
}

/** JSON with sorted keys, to compare two option objects. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, x) =>
    isObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}
