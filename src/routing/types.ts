import type { AgentMode } from "../models/agent-registry.ts";
import type { Stage } from "../models/common.ts";
import type { AgentView } from "../models/routing.ts";
import type { PLUGIN_API_VERSION } from "../plugins/api.ts";

// The routing-plugin contract (DESIGN.md §5): the types of what an adapter renders from and returns.
// src/plugins/api.ts re-exports them beside RoutingPluginFactory and RoutingHost, the same PluginFactory
// shape and HostApi as store and sync plugins, and adapters import them from there, so the plugin host
// loads a built-in adapter and a third-party file the same way. The version is the plugin API's own
// (PLUGIN_API_VERSION): one contract for every kind, so no routing version can drift from it.

/** One stage of the routing table, as every adapter sees it. */
export interface StageRoute {
  stage: Stage;
  /** Agent ids routed to the stage, owner first. */
  agents: string[];
  /** The owner's mode, or null when no agent is routed. */
  mode: AgentMode | null;
}

export interface RenderContext {
  project: string;
  /** The project's current session, or null when there is none. */
  session: { id: string; type: string; description: string | null } | null;
  /** The IDE this adapter renders for, and its human name. */
  ide: string;
  label: string;
  /** Registered agents that run in this IDE (declared `ide`, or inferred from the id). */
  agents: AgentView[];
  /** Every registered agent, in routing order. */
  registry: AgentView[];
  routes: StageRoute[];
  /** Whether a path (relative to the repository root) exists; adapters may pick a file layout by it. */
  exists(relPath: string): boolean;
}

export interface RenderedFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  /** The generated text; idse puts it between its managed markers. */
  body: string;
  /** Text placed before the markers when the file is created (e.g. front matter), then left alone. */
  preamble?: string;
}

/** A hook entry in an IDE settings file (JSON), merged by idse without touching other keys. */
export interface HookEntry {
  /** Settings file relative to the repository root, e.g. ".claude/settings.json". */
  file: string;
  /**
   * The IDE's per-user settings file that is not committed (e.g. ".claude/settings.local.json"): where
   * the entry goes instead when its command names a path of this machine (idse not on PATH).
   */
  localFile?: string;
  /** Event name, e.g. "PreToolUse". */
  event: string;
  /** Tool-name matcher, e.g. "Edit|Write". */
  matcher: string;
  command: string;
  /** Seconds the IDE waits for the command. */
  timeout: number;
  /** A substring that identifies idse's own entry, so installing again replaces it. */
  marker: string;
}

export interface HookContext {
  /** The shell command that runs this idse binary (e.g. `idse`). */
  selfCommand: string;
}

/** The versioned API the host gives a routing plugin. */
export interface RoutingHostApi {
  apiVersion: typeof PLUGIN_API_VERSION;
  /** The standard instruction document (markdown) for the agents of `ctx.ide`. */
  instructions(ctx: RenderContext, o: { title: string; intro: string }): string;
}

export interface RoutingPlugin {
  kind: "routing";
  /** Plugin name, also the IDE id agents declare in `ide`. */
  name: string;
  /** Human name of the IDE, e.g. "Claude Code". */
  label: string;
  /** Agent ids that imply this IDE when an agent declares none (e.g. gpt-codex → codex). */
  aliases: string[];
  /** Every path the adapter may write, for the planning-mode hook's allow-list. */
  paths: string[];
  renderFiles(ctx: RenderContext): RenderedFile[];
  hooks?(ctx: HookContext): HookEntry[];
}
