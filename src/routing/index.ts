import { PLUGIN_API_VERSION, type RoutingHost, type RoutingPlugin } from "../plugins/api.ts";
import claudeCode from "./claude-code.ts";
import codex from "./codex.ts";
import copilot from "./copilot.ts";
import cursor from "./cursor.ts";
import gemini from "./gemini.ts";

// The first-party routing plugins that ship inside the binary. Each entry is what the plugin host needs
// to load one, as it loads an installed plugin: a manifest and the factory (the module's default export);
// coreRoutingPlugins() in src/plugins/host.ts checks and wraps them.

export interface BuiltinRoutingPlugin {
  manifest: {
    name: string;
    kind: "routing";
    apiVersion: typeof PLUGIN_API_VERSION;
    capabilities: ("files" | "hooks")[];
  };
  /** A RoutingPluginFactory that returns at once, so routing/agent-routing.ts renders without awaiting anything. */
  factory: (host: RoutingHost) => RoutingPlugin;
}

const builtin = (
  name: string,
  factory: BuiltinRoutingPlugin["factory"],
  hooks = false,
): BuiltinRoutingPlugin => ({
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
