import pkg from "../../../plugins/notion-store/package.json" with { type: "json" };
import * as plugin from "../../../plugins/notion-store/src/index.ts";
import type { NotionOptions } from "../../../plugins/notion-store/src/options.ts";
import type { HostApi, PluginManifest } from "../../../src/plugins/api.ts";
import { PLUGIN_API_VERSION } from "../../../src/plugins/api.ts";
import type { DesignStore } from "../../../src/store/contract.ts";
import { validateOptions } from "../factory-host.ts";
import { type FakeNotion, TOKEN } from "./fake-notion.ts";

// A HostApi made by hand, as the plugin host makes it: options validated with the module's schema, only
// the manifest's environment variables visible, fetch limited to the manifest's hosts plus the fake
// server's origin (the host adds configured remotes the same way), log lines collected.

export const manifest = pkg.idse as PluginManifest;

export interface Opened {
  store: DesignStore;
  logs: string[];
}

export function notionHost(
  fake: FakeNotion | undefined,
  options: NotionOptions,
  o: { env?: Record<string, string | undefined>; logs?: string[] } = {},
): HostApi<NotionOptions> {
  const declared = new Set(manifest.env ?? []);
  const env = o.env ?? { NOTION_TOKEN: TOKEN };
  return {
    apiVersion: PLUGIN_API_VERSION,
    idseVersion: "0.0.0-test",
    plugin: { name: manifest.name, options },
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const allowed =
        (manifest.hosts ?? []).includes(url.host) || (fake !== undefined && url.origin === fake.url);
      if (!allowed)
        throw Object.assign(new Error(`fetch to ${url.host} refused`), { code: "PLUGIN_NETWORK_DENIED" });
      return fetch(url, init);
    },
    env: (name) => (declared.has(name) ? env[name] : undefined),
    log: (level, message) => {
      o.logs?.push(`${level}: ${message}`);
    },
  };
}

/** Fast retries and lock polling, so fault tests take milliseconds. */
export const FAST = { retry: { base_delay_ms: 5, max_delay_ms: 20 }, lock: { poll_ms: 10 } };

/** Opens notion-store against the fake server, through its factory, as the host will. */
export async function openNotion(
  fake: FakeNotion,
  raw: Record<string, unknown> = {},
  o: { env?: Record<string, string | undefined> } = {},
): Promise<Opened> {
  const options = await validateOptions(plugin.options, {
    database_id: fake.model.databaseId,
    base_url: fake.url,
    concurrency: 8,
    ...FAST,
    ...raw,
  });
  const logs: string[] = [];
  const instance = await plugin.default(notionHost(fake, options, { ...o, logs }));
  return { store: await instance.createStore(), logs };
}
