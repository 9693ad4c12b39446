import * as v from "valibot";
import { d } from "./common.ts";
import { RemoteConfig, RemoteName, SyncConfig } from "./remote-config.ts";
import { ValidationConfig } from "./validation-config.ts";

// The configuration keys idse understands, flat and dotted. Files hold them nested
// ({"stages": {"auto_detect": true}}); the environment holds them as IDSE_<KEY> with dots as underscores.

export const CONFIG_KEYS = {
  owner: {
    schema: d(v.pipe(v.string(), v.minLength(1)), "Default owner of new sessions."),
    default: "system",
  },
  stack: {
    schema: d(v.pipe(v.string(), v.minLength(1)), "Default technology stack written into new projects."),
    default: "python",
  },
  "store.plugin": {
    schema: d(
      v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/, "expected filesystem or a plugin name")),
      "Where the documents under .idse/projects/ live: filesystem, or an installed store plugin (see docs/stores.md).",
    ),
    default: "filesystem",
    // The store says where a repository's data lives, so it is never taken from the home file.
    repoOnly: true,
  },
  "stages.auto_detect": {
    schema: d(
      v.boolean(),
      "`idse status` derives the current session's stage statuses from its documents instead of the stored state (other commands read the stored state).",
    ),
    default: false,
  },
  "lock.timeout_ms": {
    schema: d(
      // At most a day: a larger value (1e308 in a cloned config) would make a held lock a wait without end.
      v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400_000)),
      "How long to wait for a project or repository lock (milliseconds, at most a day).",
    ),
    default: 10000,
  },
  "agent_files.create": {
    schema: d(v.boolean(), "Whether init writes CLAUDE.md, AGENTS.md and .cursorrules."),
    default: true,
  },
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Keys read from the repository file, the environment and flags only (never from ~/.idseconfig.json). */
export const isRepoOnly = (key: ConfigKey) => (CONFIG_KEYS[key] as { repoOnly?: boolean }).repoOnly === true;
export type ConfigValues = { -readonly [K in ConfigKey]: v.InferOutput<(typeof CONFIG_KEYS)[K]["schema"]> };
export const CONFIG_SOURCES = ["default", "home", "repo", "env", "flag"] as const;
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

// --- store (idse store …, idse init --store) --------------------------------------------------------------

/** `store` in `.idse/config.json`: which DesignStore holds the documents under `.idse/projects/`. */
export const StoreConfig = d(
  v.looseObject({
    plugin: v.optional(CONFIG_KEYS["store.plugin"].schema),
    options: v.optional(
      d(
        v.record(v.string(), v.unknown()),
        "The store plugin's options, merged over those recorded in .idse/plugins.json (never secrets: those come from the environment).",
      ),
    ),
    backend: v.optional(
      d(v.pipe(v.string(), v.minLength(1)), "Deprecated alias of `plugin`, read when `plugin` is absent."),
    ),
  }),
  "The DesignStore of the repository (see docs/stores.md); filesystem when absent.",
);
export type StoreConfig = v.InferOutput<typeof StoreConfig>;

/** Repository `.idse/config.json` and home `~/.idseconfig.json`; unknown keys are kept and ignored. */
export const ConfigFile = d(
  v.looseObject({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    owner: v.optional(CONFIG_KEYS.owner.schema),
    stack: v.optional(CONFIG_KEYS.stack.schema),
    store: v.optional(StoreConfig),
    stages: v.optional(
      d(v.looseObject({ auto_detect: v.optional(CONFIG_KEYS["stages.auto_detect"].schema) }), "Stages."),
    ),
    lock: v.optional(
      d(v.looseObject({ timeout_ms: v.optional(CONFIG_KEYS["lock.timeout_ms"].schema) }), "Lock."),
    ),
    validation: v.optional(ValidationConfig),
    agent_files: v.optional(
      d(v.looseObject({ create: v.optional(CONFIG_KEYS["agent_files.create"].schema) }), "Agent files."),
    ),
    // Not flat keys: `idse remote add|remove` manages these, `config list` does not show them.
    remotes: v.optional(d(v.record(RemoteName, RemoteConfig), "Sync remotes by name (idse remote add).")),
    sync: v.optional(SyncConfig),
  }),
  "idse configuration file (.idse/config.json in a repository, ~/.idseconfig.json at home).",
);
export type ConfigFile = v.InferOutput<typeof ConfigFile>;
