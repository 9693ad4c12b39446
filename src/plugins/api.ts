// The public plugin API: the only thing a plugin imports from idse, and only as types. A plugin is one
// self-contained ESM file whose default export is a factory taking this versioned host API object.
// Three kinds share one contract: `store` (a DesignStore), `sync` (a transport to a remote) and `routing`
// (an IDE-agent adapter). Models: unstorage drivers (a plain factory, optional methods detected by
// presence), Rollup's plugin driver (every call wrapped and attributed by the host).

import type {
  HookContext,
  HookEntry,
  RenderContext,
  RenderedFile,
  RoutingHostApi,
  RoutingPlugin,
} from "../routing/types.ts";
import type {
  DesignStore,
  Release,
  StoreDriver,
  StoreEntry,
  StoreError,
  StoreErrorCode,
  StoreErrorData,
} from "../store/contract.ts";

export type {
  DesignStore,
  HookContext,
  HookEntry,
  Release,
  RenderContext,
  RenderedFile,
  RoutingHostApi,
  RoutingPlugin,
  StoreDriver,
  StoreEntry,
  StoreError,
  StoreErrorCode,
  StoreErrorData,
};

/** Bumped on any breaking change to HostApi or to a plugin shape; the host refuses other versions. */
export const PLUGIN_API_VERSION = 1 as const;

export type PluginKind = "store" | "sync" | "routing";

/** `manifest.json` beside a plugin's entry file (also the `idse` key of its package.json). */
export interface PluginManifest {
  name: string;
  kind: PluginKind;
  version: string;
  apiVersion: number;
  /** Entry file, relative to the manifest: one ESM file with every dependency bundled in. */
  entry: string;
  description?: string;
  /** What the plugin can do, e.g. store: ["read", "write", "list", "lock", "hash"]; sync: ["push", "pull"]. */
  capabilities: string[];
  /**
   * Environment variables the plugin reads (secrets among them); `host.env()` returns no others. Not a
   * sandbox: the plugin's own `process.env` is not limited (docs/plugins.md, "What the grants limit").
   */
  env?: string[];
  /**
   * Network hosts the plugin may contact (besides configured remotes); `host.fetch` refuses all others.
   * The plugin's own `globalThis.fetch` is not limited.
   */
  hosts?: string[];
}

/** A Standard Schema (valibot schemas are one): how the host validates a plugin's options. */
export interface OptionsSchema<T = unknown> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    validate(
      value: unknown,
    ):
      | { value: T; issues?: undefined }
      | { issues: readonly { message: string; path?: readonly unknown[] }[] }
      | Promise<
          | { value: T; issues?: undefined }
          | { issues: readonly { message: string; path?: readonly unknown[] }[] }
        >;
  };
}

/** What the host gives every plugin. */
export interface HostApi<Options = unknown> {
  apiVersion: typeof PLUGIN_API_VERSION;
  idseVersion: string;
  /** This plugin's name and its options, already validated against the module's `options` schema. */
  plugin: { name: string; options: Options };
  /** `fetch` limited to the manifest's hosts and the configured remotes. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** An environment variable the manifest declares; undefined for any other name. */
  env(name: string): string | undefined;
  /** A line on stderr, prefixed with the plugin's name (secrets redacted). */
  log(level: "info" | "warn", message: string): void;
  /** The workspace the plugin serves, when there is one. */
  workspace?: {
    root: string;
    idseDir: string;
    /**
     * The real path of a file the plugin opens: for a path written inside the repository, its target
     * with symlinks resolved, or PATH_OUTSIDE_WORKSPACE when that leads out; any other path unchanged (a
     * path the user named outside the repository is theirs). Optional: hosts before it lack it.
     */
    contain?(path: string): string;
  };
  /** For routing plugins: helpers to render instruction files (also spread onto the host object). */
  routing?: RoutingHostApi;
}

/**
 * What a routing plugin's factory receives: the host API plus the routing helpers at the top level, so
 * the built-in adapters (written against RoutingHostApi) and third-party ones take the same object.
 */
export type RoutingHost<Options = unknown> = HostApi<Options> & RoutingHostApi;

export interface StorePlugin {
  kind: "store";
  /**
   * The store's driver: only what the backend does natively (a full DesignStore is one too); the host
   * wraps it in the store core, which supplies the rest.
   */
  createStore(): Promise<StoreDriver>;
}

/** One document on a remote, as listed: its key (a DesignStore key) and the sha256 of its text. */
export interface RemoteEntry {
  key: string;
  /** Lowercase hex sha256 of the UTF-8 text. */
  hash: string;
  /** Opaque version tag for optimistic concurrency (HTTP ETag); stores may omit it. */
  etag?: string;
}

/** Thrown by a transport when a write is refused because the remote changed (HTTP 409/412). */
export interface StaleError extends Error {
  code: "REMOTE_STALE";
}

export interface SyncTransport {
  /** Every document under `prefix` (e.g. "projects/shop/sessions/auth"), with hashes. */
  list(prefix: string): Promise<RemoteEntry[]>;
  get(key: string): Promise<{ text: string; etag?: string } | undefined>;
  /** Writes a document; with `ifMatch`, fails with a StaleError when the remote version differs. */
  put(key: string, text: string, o?: { ifMatch?: string }): Promise<{ etag?: string }>;
  remove?(key: string, o?: { ifMatch?: string }): Promise<void>;
  /**
   * Optional: several writes in one call, each conditional as with `put` (`ifNoneMatch: "*"`: create
   * only). One outcome per item, in order: its etag, or the error that refused it (a StaleError when
   * stale); a failure of the whole batch throws. Each document is written whole or not at all.
   */
  putMany?(items: readonly PutItem[]): Promise<PutOutcome[]>;
  dispose?(): Promise<void>;
}

export interface PutItem {
  key: string;
  text: string;
  ifMatch?: string;
  ifNoneMatch?: "*";
}

export type PutOutcome = { etag?: string } | { error: Error };

export interface SyncPlugin {
  kind: "sync";
  createTransport(): Promise<SyncTransport>;
}

export type PluginInstance = StorePlugin | SyncPlugin | RoutingPlugin;

/**
 * Every plugin module's default export, whatever its kind: the host API in, the kind's object out (the
 * host awaits it). A routing plugin's host also carries the routing helpers (RoutingHost).
 */
export type PluginFactory<P extends PluginInstance, Options = unknown> = (
  host: P extends RoutingPlugin ? RoutingHost<Options> : HostApi<Options>,
) => P | Promise<P>;
export type StorePluginFactory<Options = unknown> = PluginFactory<StorePlugin, Options>;
export type SyncPluginFactory<Options = unknown> = PluginFactory<SyncPlugin, Options>;
export type RoutingPluginFactory<Options = unknown> = PluginFactory<RoutingPlugin, Options>;

/**
 * The shape of a plugin module. The factory should be cheap and free of I/O (`idse plugin add` calls it
 * once to check the plugin); connect in createStore/createTransport.
 */
export interface PluginModule<Options = unknown> {
  /**
   * A PluginFactory of the manifest's kind. Written as a method (its parameter is checked both ways), so
   * a routing factory, whose host also has the routing helpers, fits beside store and sync ones.
   */
  default(host: HostApi<Options> & Partial<RoutingHostApi>): PluginInstance | Promise<PluginInstance>;
  /** Validates the plugin's options (from `.idse/plugins.json` or the caller); any Standard Schema. */
  options?: OptionsSchema<Options>;
}

/**
 * Capabilities the host checks against the instance (the store driver, the transport, the adapter):
 * declaring one promises the method of that name. Methods a kind always needs are listed under "" (a
 * store also needs `list` or `keys`, checked by the host). Other capability names (e.g. sync's "push"
 * and "pull") are labels the caller may require.
 */
export const CAPABILITY_METHODS = {
  store: {
    "": ["read", "write", "remove"],
    list: ["list"],
    keys: ["keys"],
    has: ["has"],
    listTree: ["listTree"],
    hash: ["hash"],
    writeMany: ["writeMany"],
    lock: ["lock"],
    dispose: ["dispose"],
  },
  sync: { "": ["list", "get", "put"], remove: ["remove"], dispose: ["dispose"] },
  routing: { "": ["renderFiles"], hooks: ["hooks"] },
} as const satisfies Record<PluginKind, Record<string, readonly string[]>>;

/**
 * Capability names earlier manifests used, and the one name each stands for now. Installed plugins keep
 * the manifest they were installed with (its files are hashed), so the host reads these on load, here and
 * nowhere else; a new manifest should use the method's name.
 */
export const CAPABILITY_ALIASES: Readonly<Record<string, string>> = { tree: "listTree", batch: "writeMany" };

/** A manifest's capabilities with every old name (CAPABILITY_ALIASES) read as its current one. */
export function currentCapabilities(capabilities: readonly string[]): string[] {
  return [...new Set(capabilities.map((c) => CAPABILITY_ALIASES[c] ?? c))];
}
