import type {
  HostApi,
  OptionsSchema,
  PluginManifest,
  PluginModule,
  StorePlugin,
} from "../../src/plugins/api.ts";
import { PLUGIN_API_VERSION } from "../../src/plugins/api.ts";
import type { DesignStore } from "../../src/store/contract.ts";

// A HostApi made by hand, for the store-specific tests that call a plugin's factory from its sources
// (faults, options, migrations) and assert what the factory itself throws: it validates the options with
// the module's Standard Schema, shows the plugin only the environment variables its manifest declares,
// refuses fetch, and collects log lines. The conformance suite does not use it: it loads the installed
// plugin through the real host (test/conformance/store/installed.ts).

export interface TestHostOptions {
  manifest: PluginManifest;
  options?: unknown;
  env?: Record<string, string | undefined>;
  workspace?: { root: string; idseDir: string };
  logs?: string[];
}

export async function validateOptions<T>(schema: OptionsSchema<T> | undefined, raw: unknown): Promise<T> {
  if (!schema) return raw as T;
  const result = await schema["~standard"].validate(raw ?? {});
  if (result.issues) {
    const words = result.issues.map((i) => i.message).join("; ");
    throw Object.assign(new Error(`invalid options: ${words}`), { code: "INVALID_OPTIONS" });
  }
  return result.value;
}

export function testHost<O>(o: TestHostOptions, options: O): HostApi<O> {
  const declared = new Set(o.manifest.env ?? []);
  return {
    apiVersion: PLUGIN_API_VERSION,
    idseVersion: "0.0.0-test",
    plugin: { name: o.manifest.name, options },
    fetch: async () => {
      throw new Error(`${o.manifest.name}: fetch is not allowed in store tests`);
    },
    env: (name) => (declared.has(name) ? o.env?.[name] : undefined),
    log: (level, message) => {
      o.logs?.push(`${level}: ${message}`);
    },
    workspace: o.workspace,
  };
}

/** Opens a store from a plugin module's factory: check the manifest, validate options, create. */
export async function openPluginStore(
  // biome-ignore lint/suspicious/noExplicitAny: each plugin has its own options type
  mod: PluginModule<any>,
  o: TestHostOptions,
): Promise<DesignStore> {
  if (o.manifest.kind !== "store" || o.manifest.apiVersion !== PLUGIN_API_VERSION) {
    throw new Error(`${o.manifest.name} is not a store plugin of API version ${PLUGIN_API_VERSION}`);
  }
  const options = await validateOptions(mod.options, o.options);
  const plugin = (await mod.default(testHost(o, options))) as StorePlugin;
  if (plugin.kind !== "store") throw new Error(`${o.manifest.name} did not return a store plugin`);
  return plugin.createStore();
}
