import { expect, test } from "bun:test";
import type { PluginManifest as ManifestModel } from "../../src/models/plugins.ts";
import { CAPABILITY_METHODS, PLUGIN_API_VERSION, type PluginManifest } from "../../src/plugin-api.ts";
import { coreRoutingHost } from "../../src/plugin-host.ts";
import { BUILTIN_ROUTING_PLUGINS } from "../../src/routing/index.ts";

// The public contract (src/plugin-api.ts) and the model the host validates manifests with
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
