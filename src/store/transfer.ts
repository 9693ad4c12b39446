import { isUtf8 } from "node:buffer";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Context } from "../context.ts";
import { IdseError } from "../errors.ts";
import type { StoreMigrateOutput } from "../models/store.ts";
import { listProjects, openWorkspaceAt, type Workspace, type WorkspaceEnv } from "../workspace.ts";
import { type DesignStore, sha256Hex, withLock } from "./contract.ts";
import { readStoreBytes } from "./fs.ts";
import { keys, parseArtifactKey } from "./layout.ts";
import {
  canonical,
  closeStore,
  FILESYSTEM,
  lazyPluginStore,
  parseKeyValues,
  STORE_ROOT,
  storeChoice,
  storeNameArg,
  walkTree,
  writeStoreConfig,
} from "./select.ts";

// Moving documents between stores (`idse store migrate`): every key under projects/ is read from the
// source, written to the target in batches (writeMany when the target has it), and verified by hash
// (target.hash, else read back). The source is never written to or deleted from.

/**
 * Lock files, intent journals (src/intent-journal.ts), the temp files of an interrupted atomic write and `compile agent-spec` output (written to
 * .idse/projects/<project>/build/ on disk whatever the store) are not documents.
 */
export const isDocumentKey = (key: string) =>
  !/(^|\/)\.idse\.lock(\.\d+\.tmp)?$/.test(key) &&
  !/(^|\/)\.idse-intent\.json$/.test(key) &&
  !/\.\d+\.\d+\.tmp$/.test(key) &&
  !/^projects\/[^/]+\/build\//.test(key);

/** Files (not folders) among the entries of a listTree. */
function filesOf(entries: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const e of entries)
    for (let i = e.indexOf("/"); i >= 0; i = e.indexOf("/", i + 1)) dirs.add(e.slice(0, i));
  return entries.filter((e) => !dirs.has(e));
}

/** Every document key below `prefix` (default: all of projects/), sorted. */
export async function documentKeys(store: DesignStore, prefix = STORE_ROOT): Promise<string[]> {
  const tree = store.listTree ? await store.listTree(prefix) : await walkTree(store, prefix);
  return filesOf(tree)
    .map((rel) => `${prefix}/${rel}`)
    .filter(isDocumentKey)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export type Category = keyof StoreMigrateOutput["counts"];

export function categoryOf(key: string): Category {
  if (parseArtifactKey(key)) return "artifacts";
  if (/^projects\/[^/]+\/sessions\/[^/]+\/metadata\//.test(key)) return "metadata";
  if (key === keys.currentProject || /^projects\/[^/]+\/([^/]+|sync\/.+)$/.test(key)) return "state";
  return "other";
}

/**
 * The text under `key`. A filesystem source is read as bytes first: a file that is not UTF-8 would be
 * changed by decoding, so it is refused (STORE_NOT_TEXT) instead of copied lossily.
 */
export async function readText(store: DesignStore, key: string): Promise<string | undefined> {
  if (store.kind !== "filesystem") return store.read(key);
  let buf: Buffer | undefined;
  try {
    buf = readStoreBytes(store, key);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EISDIR") return undefined;
    throw err;
  }
  if (buf === undefined) return undefined;
  if (!isUtf8(buf)) throw new IdseError("STORE_NOT_TEXT", { file: `.idse/${key}`, key });
  return buf.toString("utf8");
}

export async function hashOf(store: DesignStore, key: string): Promise<string | undefined> {
  if (store.hash) return store.hash(key);
  const text = await store.read(key);
  return text === undefined ? undefined : sha256Hex(text);
}

/** Runs `fn` holding the lock of every project (sorted, so two runs cannot deadlock). */
export async function withProjectLocks<T>(
  store: DesignStore,
  projects: readonly string[],
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const [first, ...rest] = [...projects].sort();
  if (first === undefined) return fn();
  return withLock(store, keys.lock(first), timeoutMs, () => withProjectLocks(store, rest, timeoutMs, fn));
}

export interface CopyResult {
  keys: string[];
  bytes: number;
  counts: StoreMigrateOutput["counts"];
  copied: number;
  verified: number;
  mismatched: string[];
  extra: string[];
  /** sha256 of each document's text. */
  hashes: Map<string, string>;
}

const BATCH = 500;

/** Reads every document of `source`; with `target`, writes and verifies them batch by batch. */
export async function copyDocuments(
  source: DesignStore,
  target: DesignStore | undefined,
  progress?: (done: number, total: number) => void,
): Promise<CopyResult> {
  const all = await documentKeys(source);
  const r: CopyResult = {
    keys: [],
    bytes: 0,
    counts: { artifacts: 0, metadata: 0, state: 0, other: 0 },
    copied: 0,
    verified: 0,
    mismatched: [],
    extra: [],
    hashes: new Map(),
  };
  for (let i = 0; i < all.length; i += BATCH) {
    const batch: [string, string][] = [];
    for (const key of all.slice(i, i + BATCH)) {
      const text = await readText(source, key);
      if (text === undefined) continue; // an empty folder, or removed meanwhile
      batch.push([key, text]);
      r.keys.push(key);
      r.hashes.set(key, sha256Hex(text));
      r.bytes += Buffer.byteLength(text, "utf8");
      r.counts[categoryOf(key)]++;
    }
    if (!target || batch.length === 0) continue;
    if (target.writeMany) await target.writeMany(batch);
    else for (const [k, v] of batch) await target.write(k, v);
    r.copied += batch.length;
    for (const [key] of batch) {
      if ((await hashOf(target, key)) === r.hashes.get(key)) r.verified++;
      else r.mismatched.push(key);
    }
    progress?.(Math.min(i + BATCH, all.length), all.length);
  }
  if (target) {
    const have = new Set(r.keys);
    r.extra = (await documentKeys(target)).filter((k) => !have.has(k));
  }
  return r;
}

/**
 * Installs the bundled store plugin `name` when `.idse/plugins.json` lacks it (the user named it, so no
 * confirmation); true when it did. An unknown name fails with PLUGIN_NOT_FOUND.
 */
export async function ensureStorePlugin(ctx: Context, ws: Workspace, name: string): Promise<boolean> {
  const { findPlugin, readLock, requirePlugin } = await import("../plugins/lockfile.ts");
  const lock = readLock(ws.idseDir);
  if (findPlugin(lock, name)) return false;
  const { embeddedPlugin } = await import("../plugins/builtin.ts");
  const bundled = await embeddedPlugin(name);
  if (!bundled) requirePlugin(lock, name);
  if (bundled!.manifest.kind !== "store") {
    throw new IdseError("PLUGIN_KIND", { plugin: name, expected: "store", found: bundled!.manifest.kind });
  }
  const { addPlugin } = await import("../plugins/install.ts");
  await addPlugin({ ...ctx, global: { ...ctx.global, yes: true } }, name, { offline: true, options: {} });
  ctx.report({
    severity: "info",
    code: "STORE_PLUGIN_INSTALLED",
    message: `installed the bundled store plugin ${name} ${bundled!.manifest.version} into .idse/plugins/${name}/`,
    plugin: name,
  });
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
  const name = storeNameArg(raw, "--store");
  const options = parseKeyValues(rawOptions, "--store-option");
  if (name === FILESYSTEM && Object.keys(options).length) {
    throw new IdseError("USAGE", { reason: "the filesystem store takes no --store-option" });
  }
  const idseDir = join(root, ".idse");
  const created = !existsSync(idseDir);
  mkdirSync(idseDir, { recursive: true });
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
    throw err;
  }
}

/** `file` relative to the repository root, with '/' separators. */
export const repoPath = (root: string, file: string) => relative(root, file).split(sep).join("/") || ".";
