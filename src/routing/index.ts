import { PLUGIN_API_VERSION } from "../plugin-api.ts";
import claudeCode from "./claude-code.ts";
import codex from "./codex.ts";
import copilot from "./copilot.ts";
import cursor from "./cursor.ts";
import gemini from "./gemini.ts";
import type { RoutingPluginFactory } from "./types.ts";

// The first-party routing plugins that ship inside the binary. Each entry is what the plugin host
// (issue 5) needs to load one: a manifest and the factory (the module's default export). Until the host
// exists, routing.ts instantiates them directly with the same host API.

export interface BuiltinRoutingPlugin {
  manifest: {
    name: string;
    kind: "routing";
    apiVersion: typeof PLUGIN_API_VERSION;
    capabilities: ("files" | "hooks")[];
  };
  factory: RoutingPluginFactory;
}

const builtin = (name: string, factory: RoutingPluginFactory, hooks = false): BuiltinRoutingPlugin => ({
  manifest: {
    name,
    kind: "routing",
    apiVersion: PLUGIN_API_VERSION,
    capabilities: hooks ? ["files", "hooks"] : ["files"],
  },
  factory,
});

export const BUILTIN_ROUTING_PLUGINS: BuiltinRoutingPlugin[] = [
  builtin("claude-code", claudeCode, true),
  builtin("codex", codex),
  builtin("copilot", copilot),
  builtin("cursor", cursor),
  builtin("gemini", gemini),
];

export const ROUTING_PLUGIN_NAMES = BUILTIN_ROUTING_PLUGINS.map((p) => p.manifest.name);

/** Adapters `init` and a first `sync-files` render: the three files the Python original wrote. */
export const DEFAULT_ADAPTERS = ["claude-code", "codex", "cursor"];
