import * as v from "valibot";
import { d } from "./common.ts";
import { ValidationConfig } from "./validation.ts";

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
  "store.backend": {
    schema: d(v.pipe(v.string(), v.minLength(1)), "DesignStore used for artifacts; filesystem by default."),
    default: "filesystem",
  },
  "stages.auto_detect": {
    schema: d(v.boolean(), "Derive each stage's status from its document instead of stored state."),
    default: false,
  },
  "lock.timeout_ms": {
    schema: d(v.pipe(v.number(), v.integer(), v.minValue(0)), "How long to wait for a project lock."),
    default: 10000,
  },
  "agent_files.create": {
    schema: d(v.boolean(), "Whether init writes CLAUDE.md, AGENTS.md and .cursorrules."),
    default: true,
  },
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type ConfigValues = { -readonly [K in ConfigKey]: v.InferOutput<(typeof CONFIG_KEYS)[K]["schema"]> };
export const CONFIG_SOURCES = ["default", "home", "repo", "env", "flag"] as const;
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

/** Repository `.idse/config.json` and home `~/.idseconfig.json`; unknown keys are kept and ignored. */
export const ConfigFile = d(
  v.looseObject({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    owner: v.optional(CONFIG_KEYS.owner.schema),
    stack: v.optional(CONFIG_KEYS.stack.schema),
    store: v.optional(
      d(v.looseObject({ backend: v.optional(CONFIG_KEYS["store.backend"].schema) }), "Store."),
    ),
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
  }),
  "idse configuration file (.idse/config.json in a repository, ~/.idseconfig.json at home).",
);
export type ConfigFile = v.InferOutput<typeof ConfigFile>;
