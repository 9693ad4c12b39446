import { IdseError } from "../errors.ts";
import type { PluginLockEntry } from "../models/plugins.ts";
import { BUILTIN_ROUTING_PLUGINS, type BuiltinRoutingPlugin } from "../routing/index.ts";
import { hostApi as routingHostApi } from "../routing/instructions.ts";
import type { StoreDriver } from "../store/contract.ts";
import { boundaryFor, guardWrite } from "../store/path-guard.ts";
import { forTerminal } from "../terminal-text.ts";
import { VERSION } from "../version.ts";
import type { Workspace } from "../workspace.ts";
import {
  CAPABILITY_METHODS,
  currentCapabilities,
  type HostApi,
  PLUGIN_API_VERSION,
  type PluginInstance,
  type PluginKind,
  type RoutingHost,
  type RoutingHostApi,
  type RoutingPlugin,
  type StorePlugin,
  type SyncPlugin,
  type SyncTransport,
} from "./api.ts";
import { describeIssues } from "./option-issues.ts";
import { guard, wrapMethods } from "./wrap.ts";

// The plugin host (DESIGN.md §5): loads store, sync and routing plugins, checks apiVersion, kind and
// capabilities, validates options with the plugin's own model, and wraps every call (src/plugins/wrap.ts).
// Built-in and installed plugins take the same path; only where the module comes from differs. This file
// is imported by routing/agent-routing.ts, so what only installed plugins need (lockfile, hashing, fetch) loads lazily.

export interface LoadOptions {
  /** Merged over the options recorded in .idse/plugins.json. */
  options?: Record<string, unknown>;
  /** Where host.env() reads (default: the workspace's env, else none); only the manifest's variables are visible. */
  env?: Record<string, string | undefined>;
  /** The user's environment, where their approvals (`idse trust`) are found (default: `env`). */
  userEnv?: Record<string, string | undefined>;
  /** Remote URLs the plugin may fetch besides its manifest's hosts (e.g. a sync remote). */
  remotes?: string[];
  /** Capabilities the caller needs; a plugin that does not declare one is refused. */
  require?: string[];
  /** Per-call limit; default IDSE_PLUGIN_TIMEOUT_MS or 30 s. */
  timeoutMs?: number;
  /** Where host.log() writes (default: the workspace's log, else nowhere). */
  log?: (line: string) => void;
  /** false: pass the options through unchecked (`plugin add` of a plugin whose options come later). */
  validateOptions?: false;
  /** false: drop the plugin's info lines (warnings always show). */
  verbose?: boolean;
  /** Load the copy bundled in this binary when the repository has not installed the plugin. */
  bundled?: boolean;
  /** The user's home, for the cache a bundled plugin is unpacked into (default: the workspace's). */
  home?: string;
}

/**
 * What a plugin was granted: its manifest, as recorded at install (or built in), with its capabilities
 * under their current names (src/plugins/api.ts, CAPABILITY_ALIASES).
 */
export interface Grants {
  name: string;
  kind: PluginKind;
  apiVersion: number;
  capabilities: readonly string[];
  env: readonly string[];
  hosts: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function timeoutOf(o: LoadOptions, ws?: Workspace): number {
  const env = Number(envOf(o, ws).IDSE_PLUGIN_TIMEOUT_MS);
  return o.timeoutMs ?? (Number.isFinite(env) && env > 0 ? env : DEFAULT_TIMEOUT_MS);
}

/**
 * The environment a plugin call sees: the caller's, else the workspace's (what the run was given). A host
 * with neither (a core routing adapter, granted no variable) sees none: never the process's own.
 */
const envOf = (o: LoadOptions, ws?: Workspace) => o.env ?? ws?.env ?? {};

const grantsOf = (e: PluginLockEntry): Grants => ({
  name: e.name,
  kind: e.kind,
  apiVersion: e.api_version,
  capabilities: currentCapabilities(e.capabilities),
  env: e.env,
  hosts: e.hosts,
});

/**
 * The versioned API object a plugin's factory receives, the same for every kind. Synchronous (the scoped
 * fetch loads on first use), so the core adapters get it on routing's hot path without awaiting.
 */
export function makeHostApi(
  g: Grants,
  options: unknown,
  o: LoadOptions,
  ws?: Workspace,
): HostApi & Partial<RoutingHostApi> {
  const env = envOf(o, ws);
  const secrets = g.env.map((n) => env[n]).filter((s): s is string => !!s && s.length >= 4);
  // A core routing adapter's host has no workspace: those adapters return data and never log.
  const write = o.log ?? ws?.log ?? (() => {});
  let scoped: HostApi["fetch"] | undefined;
  const host: HostApi & Partial<RoutingHostApi> = {
    apiVersion: PLUGIN_API_VERSION,
    idseVersion: VERSION,
    plugin: { name: g.name, options },
    fetch: async (input, init) => {
      scoped ??= (await import("./fetch.ts")).scopedFetch(g.name, g.hosts, o.remotes ?? []);
      return scoped(input, init);
    },
    env: (name) => (g.env.includes(name) ? env[name] : undefined),
    log: (level, message) => {
      if (level === "info" && o.verbose === false) return;
      let text = String(message);
      for (const s of secrets) text = text.split(s).join("***");
      // A log line may carry what a server answered (a retry's reason): text, never terminal controls
      // (src/terminal-text.ts), and one line.
      write(`[${g.name}] ${level}: ${forTerminal(text.replace(/\n/g, "\\n"), false)}\n`);
    },
  };
  if (ws) {
    host.workspace = {
      root: ws.root,
      idseDir: ws.idseDir,
      contain: (path) => (boundaryFor(ws.root, path) === null ? path : guardWrite(ws.root, path)),
    };
  }
  if (g.kind === "routing") Object.assign(host, routingHostApi, { routing: routingHostApi });
  return host;
}

/** Checks that `obj` has the methods its kind always needs and those its declared capabilities promise. */
export function checkMethods(g: Grants, obj: unknown): void {
  const table = CAPABILITY_METHODS[g.kind] as Record<string, readonly string[]>;
  for (const cap of ["", ...g.capabilities]) {
    for (const method of table[cap] ?? []) {
      if (typeof (obj as Record<string, unknown>)?.[method] !== "function") {
        throw new IdseError("PLUGIN_CAPABILITY", {
          plugin: g.name,
          capability: cap || g.kind,
          reason: `it has no ${method}() method`,
        });
      }
    }
  }
  const o = obj as Record<string, unknown>;
  if (g.kind === "store" && typeof o?.list !== "function" && typeof o?.keys !== "function") {
    throw new IdseError("PLUGIN_CAPABILITY", {
      plugin: g.name,
      capability: "store",
      reason: "it has neither a list() nor a keys() method",
    });
  }
}

function checkGrants(g: Grants, o: LoadOptions): void {
  if (g.apiVersion !== PLUGIN_API_VERSION) {
    throw new IdseError("PLUGIN_API_VERSION", {
      plugin: g.name,
      found: g.apiVersion,
      supported: PLUGIN_API_VERSION,
    });
  }
  for (const cap of o.require ?? []) {
    if (!g.capabilities.includes(cap)) {
      throw new IdseError("PLUGIN_CAPABILITY", {
        plugin: g.name,
        capability: cap,
        reason: `its manifest declares only ${g.capabilities.join(", ") || "none"}`,
      });
    }
  }
}

async function validateOptions(g: Grants, mod: Record<string, unknown>, raw: unknown): Promise<unknown> {
  const schema = mod.options as { "~standard"?: { validate(v: unknown): unknown } } | undefined;
  if (!schema?.["~standard"]) return raw;
  const r = (await guard(g.name, "options.validate()", DEFAULT_TIMEOUT_MS, () =>
    schema["~standard"]!.validate(raw),
  )) as { value?: unknown; issues?: readonly { message: string; path?: readonly unknown[] }[] };
  if (r.issues) {
    const { reason, options } = describeIssues(r.issues);
    throw new IdseError("PLUGIN_OPTIONS_INVALID", { plugin: g.name, reason, options });
  }
  return r.value;
}

/** Instantiates a plugin module: options, the factory call, the kind and capability checks. */
export async function instantiate(
  mod: unknown,
  g: Grants,
  o: LoadOptions,
  ws?: Workspace,
): Promise<PluginInstance> {
  checkGrants(g, o);
  const m = (mod ?? {}) as Record<string, unknown>;
  const factory = m.default;
  if (typeof factory !== "function") {
    throw new IdseError("PLUGIN_LOAD_FAILED", {
      plugin: g.name,
      reason: "its module has no default export factory",
    });
  }
  const options =
    o.validateOptions === false ? (o.options ?? {}) : await validateOptions(g, m, o.options ?? {});
  const host = makeHostApi(g, options, o, ws);
  const instance = (await guard(g.name, "default()", timeoutOf(o, ws), () =>
    factory(host),
  )) as PluginInstance;
  if (!instance || typeof instance !== "object") {
    throw new IdseError("PLUGIN_ERROR", {
      plugin: g.name,
      method: "default()",
      reason: "it returned no plugin object",
    });
  }
  // Every kind's object names its kind; a routing plugin written before routing adapters did so (their
  // kind was implied) is still accepted, since its manifest already says "routing".
  const kind = (instance as { kind?: string }).kind ?? (g.kind === "routing" ? "routing" : undefined);
  if (kind !== g.kind) {
    throw new IdseError("PLUGIN_KIND", { plugin: g.name, expected: g.kind, found: String(kind) });
  }
  if (g.kind === "store" && typeof (instance as StorePlugin).createStore !== "function")
    throw new IdseError("PLUGIN_CAPABILITY", {
      plugin: g.name,
      capability: "store",
      reason: "it has no createStore()",
    });
  if (g.kind === "sync" && typeof (instance as SyncPlugin).createTransport !== "function")
    throw new IdseError("PLUGIN_CAPABILITY", {
      plugin: g.name,
      capability: "sync",
      reason: "it has no createTransport()",
    });
  if (g.kind === "routing") checkRouting(g, instance as RoutingPlugin);
  return instance;
}

function checkRouting(g: Grants, p: RoutingPlugin): void {
  checkMethods(g, p);
  if (p.name !== g.name) {
    throw new IdseError("PLUGIN_ERROR", {
      plugin: g.name,
      method: "default()",
      reason: `it returned an adapter named "${String(p.name)}"; a routing plugin's adapter must carry the plugin's name`,
    });
  }
}

const wrapRouting = (p: RoutingPlugin, t: number) =>
  wrapMethods(p.name, p, ["renderFiles", "hooks"], () => t);

// --- installed plugins --------------------------------------------------------------------------------

/**
 * Loads an installed, enabled plugin of `kind` from .idse/plugins/<name>/, after checking every file and
 * this user's approval (src/plugins/load.ts); with `o.bundled`, a plugin the repository has not installed
 * comes from this binary's own copy instead (no approval needed: it is idse's own code).
 */
export async function loadInstalled(ws: Workspace, name: string, kind: PluginKind, o: LoadOptions = {}) {
  const { findPlugin, readLock, requirePlugin } = await import("./lockfile.ts");
  const { recoverIfNeeded } = await import("./journal.ts");
  await recoverIfNeeded(ws.idseDir, ws.config.values["lock.timeout_ms"]);
  const lock = readLock(ws.idseDir);
  if (o.bundled && !findPlugin(lock, name)) {
    const { importBundled } = await import("./bundled.ts");
    const b = await importBundled(name, { env: envOf(o, ws), home: o.home ?? ws.home });
    if (b) {
      const m = b.manifest;
      if (m.kind !== kind)
        throw new IdseError("PLUGIN_KIND", { plugin: name, expected: kind, found: m.kind });
      const g: Grants = {
        name: m.name,
        kind: m.kind,
        apiVersion: m.apiVersion,
        capabilities: currentCapabilities(m.capabilities),
        env: m.env ?? [],
        hosts: m.hosts ?? [],
      };
      return { entry: g, instance: await instantiate(b.module, g, o, ws) };
    }
  }
  const entry = requirePlugin(lock, name);
  if (!entry.enabled) throw new IdseError("PLUGIN_DISABLED", { plugin: name });
  if (entry.kind !== kind)
    throw new IdseError("PLUGIN_KIND", { plugin: name, expected: kind, found: entry.kind });
  const { importVerified } = await import("./load.ts");
  const mod = await importVerified(ws, entry, { env: o.userEnv ?? envOf(o, ws), home: o.home });
  const g = grantsOf(entry);
  const instance = await instantiate(mod, g, { ...o, options: { ...entry.options, ...o.options } }, ws);
  return { entry: g, instance };
}

/**
 * The driver of an installed store plugin, every method wrapped; the methods it lacks stay absent (the
 * caller wraps it in the store core, src/store/core.ts, which supplies them).
 */
export async function loadStore(ws: Workspace, name: string, o: LoadOptions = {}): Promise<StoreDriver> {
  const { entry, instance } = await loadInstalled(ws, name, "store", o);
  const t = timeoutOf(o, ws);
  const store = await guard(name, "createStore()", t, () => (instance as StorePlugin).createStore());
  checkMethods(entry, store);
  const methods = [
    "read",
    "write",
    "has",
    "remove",
    "list",
    "keys",
    "listTree",
    "hash",
    "writeMany",
    "lock",
    "dispose",
  ];
  // A lock may legitimately wait its own timeout; the host's limit comes on top of it.
  return wrapMethods(
    name,
    store,
    methods,
    (m, args) => (m === "lock" ? t + Number((args[1] as { timeoutMs?: number })?.timeoutMs ?? 0) : t),
    storeResultProblem,
  );
}

const typeName = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`);
const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * What is wrong with a store driver's result, when it is not what the contract (src/store/contract.ts)
 * says: a wrong type would otherwise fail later, far from the plugin, as an unattributed error. A listed
 * name never holds a `..` or `.` segment, nor an empty one (a leading slash): it names something below.
 */
export function storeResultProblem(method: string, v: unknown): string | undefined {
  switch (method) {
    case "read":
    case "hash":
      return v === undefined || typeof v === "string"
        ? undefined
        : `returned ${typeName(v)}, not text or undefined`;
    case "has":
      return typeof v === "boolean" ? undefined : `returned ${typeName(v)}, not a boolean`;
    case "keys":
    case "listTree":
      return strings(v) ? undefined : `returned ${typeName(v)}, not an array of keys`;
    case "list": {
      if (!Array.isArray(v)) return `returned ${typeName(v)}, not an array of entries`;
      const bad = v.find(
        (e) =>
          typeof e?.name !== "string" ||
          e.name.split("/").some((seg: string) => seg === "" || seg === "." || seg === "..") ||
          (e.kind !== "file" && e.kind !== "dir"),
      );
      return bad === undefined
        ? undefined
        : `listed ${JSON.stringify(bad)?.slice(0, 80)}, not an entry { name: a relative path, kind: "file" or "dir" }`;
    }
    default:
      return undefined;
  }
}

/** A transport of an installed sync plugin; `o.remotes` are the URLs it may reach besides its hosts. */
export async function loadSyncTransport(
  ws: Workspace,
  name: string,
  o: LoadOptions = {},
): Promise<SyncTransport> {
  const { entry, instance } = await loadInstalled(ws, name, "sync", o);
  const t = timeoutOf(o, ws);
  const transport = await guard(name, "createTransport()", t, () =>
    (instance as SyncPlugin).createTransport(),
  );
  checkMethods(entry, transport);
  return wrapMethods(name, transport, ["list", "get", "put", "remove", "dispose"], () => t);
}

// --- routing --------------------------------------------------------------------------------------------

let core: RoutingPlugin[] | undefined;

/** A core adapter is granted what its manifest says and nothing else: no environment, no network. */
const coreGrants = (p: BuiltinRoutingPlugin): Grants => ({ ...p.manifest, env: [], hosts: [] });

/** The host API a core adapter's factory receives: the one every plugin gets, of the routing kind. */
export function coreRoutingHost(p: BuiltinRoutingPlugin): RoutingHost {
  // makeHostApi spreads the routing helpers onto the host of a routing plugin: this is a RoutingHost.
  return makeHostApi(coreGrants(p), {}, {}) as RoutingHost;
}

/**
 * The five built-in routing adapters, through the host's checks and wrapping. Synchronous (their
 * factories are), so routing/agent-routing.ts can use them on the hot path without awaiting anything.
 */
export function coreRoutingPlugins(): RoutingPlugin[] {
  core ??= BUILTIN_ROUTING_PLUGINS.map((p) => {
    const g = coreGrants(p);
    checkGrants(g, {});
    const instance = guard(g.name, "default()", DEFAULT_TIMEOUT_MS, () => p.factory(coreRoutingHost(p)));
    checkRouting(g, instance);
    return wrapRouting(instance, DEFAULT_TIMEOUT_MS);
  });
  return core;
}

/** Core adapters plus the enabled routing plugins installed in the workspace, in that order. */
export async function routingPlugins(ws?: Workspace, o: LoadOptions = {}): Promise<RoutingPlugin[]> {
  const all = [...coreRoutingPlugins()];
  if (!ws) return all;
  const { readLock } = await import("./lockfile.ts");
  const { recoverIfNeeded } = await import("./journal.ts");
  await recoverIfNeeded(ws.idseDir, ws.config.values["lock.timeout_ms"]);
  for (const entry of readLock(ws.idseDir).plugins) {
    if (entry.kind !== "routing" || !entry.enabled) continue;
    const { instance } = await loadInstalled(ws, entry.name, "routing", o);
    all.push(wrapRouting(instance as RoutingPlugin, timeoutOf(o, ws)));
  }
  return all;
}
