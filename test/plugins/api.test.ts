import { expect, test } from "bun:test";
import * as artifactCore from "../../plugins/artifact-core/src/index.ts";
import * as notionStore from "../../plugins/notion-store/src/index.ts";
import * as postgresStore from "../../plugins/postgres-store/src/index.ts";
import * as sqliteStore from "../../plugins/sqlite-store/src/index.ts";
import * as windsurf from "../../plugins/windsurf/src/index.ts";
import type { PluginManifest as ManifestModel } from "../../src/models/plugins.ts";
import {
  CAPABILITY_METHODS,
  PLUGIN_API_VERSION,
  type PluginManifest,
  type PluginModule,
} from "../../src/plugins/api.ts";
import { coreRoutingHost } from "../../src/plugins/host.ts";
import { BUILTIN_ROUTING_PLUGINS } from "../../src/routing/index.ts";

// The public contract (src/plugins/api.ts) and the model the host validates manifests with
// (src/models/plugins.ts) describe the same manifest: checked by the type-checker, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const manifestsAgree: Same<Required<PluginManifest>, Required<ManifestModel>> = true;

test("the plugin API is version 1, and its manifest type is the validated model's", () => {
  expect(PLUGIN_API_VERSION).toBe(1);
  expect(manifestsAgree).toBe(true);
});

test("every capability of the built-in adapters promises a method they have", () => {
  for (const p of BUILTIN_ROUTING_PLUGINS) {
    for (const cap of p.manifest.capabilities) {
      const methods = (CAPABILITY_METHODS.routing as Record<string, readonly string[]>)[cap] ?? [];
      const instance = p.factory(coreRoutingHost(p)) as unknown as Record<string, unknown>;
      for (const m of methods) expect(typeof instance[m], `${p.manifest.name}.${m}`).toBe("function");
    }
  }
});

// One module shape for every kind: the type-checker refuses this list if a first-party store, sync or
// routing module stops fitting PluginModule.
// biome-ignore lint/suspicious/noExplicitAny: each plugin has its own options type
const FIRST_PARTY: [string, PluginModule<any>][] = [
  ["artifact-core", artifactCore],
  ["notion-store", notionStore],
  ["postgres-store", postgresStore],
  ["sqlite-store", sqliteStore],
  ["windsurf", windsurf],
];

test("every first-party plugin module's default export is its factory", () => {
  for (const [name, mod] of FIRST_PARTY) expect(typeof mod.default, name).toBe("function");
});
