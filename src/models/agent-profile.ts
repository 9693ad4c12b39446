import * as v from "valibot";
import { d, Id } from "./common.ts";

// AgentProfileSpec: what `idse compile agent-spec` makes of a spec's `## Agent Profile` block, and what
// PromptBraining and Artifact Core consume. The fields are those of the Python original's Pydantic model
// (same names, same defaults), plus `model_preference`, which idse's spec template carries: a filled-in
// template must compile, so the key the template tells authors to keep cannot be an unknown key.

const strings = (text: string) => v.optional(d(v.array(v.string()), text), []);
const mapping = (text: string) => v.optional(d(v.nullable(v.record(v.string(), v.unknown())), text), null);
const text = (what: string) => v.optional(d(v.nullable(v.string()), what), null);

/** The keys a profile may hold, in the order compiled files list them. */
export const PROFILE_ENTRIES = {
  id: d(v.pipe(v.string(), v.nonEmpty()), "Stable identifier of the agent, e.g. billing-agent."),
  name: d(v.pipe(v.string(), v.nonEmpty()), "Human-readable name."),
  description: text("Short summary of the agent's role and scope, or null."),
  goals: strings("Explicit goals of the agent."),
  inputs: strings("Inputs the agent consumes: types, schemas or documents."),
  outputs: strings("Outputs the agent produces."),
  tools: strings("Tools the runtime may give the agent."),
  constraints: strings("Safety, cost and scope constraints."),
  memory_policy: mapping("Named memory policies, or null."),
  runtime_hints: mapping("Runtime preferences that are not requirements, or null."),
  model_preference: text("Preferred model, or null."),
  version: v.optional(d(v.pipe(v.string(), v.nonEmpty()), 'Version of the profile; default "1.0".'), "1.0"),
  source_session: text("Provenance: the session that was compiled (set by the compiler)."),
  source_blueprint: text(
    "Provenance: the blueprint session whose profile was the base (set by the compiler).",
  ),
};

export type ProfileKey = keyof typeof PROFILE_ENTRIES;
export const PROFILE_KEYS = Object.keys(PROFILE_ENTRIES) as ProfileKey[];

export const AgentProfileSpec = d(
  v.strictObject(PROFILE_ENTRIES),
  "An agent profile compiled from the `## Agent Profile` block of a session's spec.md.",
);
export type AgentProfileSpec = v.InferOutput<typeof AgentProfileSpec>;

/** A compiled file: the profile, plus (in JSON only) a schema reference and a provenance note. */
export const AgentProfileFile = d(
  v.strictObject({
    $schema: v.optional(d(v.string(), "JSON Schema reference (JSON files only).")),
    $comment: v.optional(
      d(v.string(), "Provenance (JSON files only): source session, blueprint and content hash."),
    ),
    ...PROFILE_ENTRIES,
  }),
  "AgentProfileSpec file written by `idse compile agent-spec` (<session>.profile.yaml or .profile.json).",
);
export type AgentProfileFile = v.InferOutput<typeof AgentProfileFile>;

export const PROFILE_FORMATS = ["yaml", "json", "both"] as const;
export type ProfileFormat = (typeof PROFILE_FORMATS)[number];

const count = (what: string) => d(v.pipe(v.number(), v.integer(), v.minValue(0)), what);

export const CompiledFile = d(
  v.object({
    path: d(v.string(), "The file, relative to the repository root when it is inside it."),
    format: d(v.picklist(["yaml", "json"]), "File format."),
    status: d(
      v.picklist(["created", "updated", "unchanged"]),
      "What writing does (or, with --dry-run or --check, would do): created (no file yet), updated (the file differs), unchanged (same bytes).",
    ),
    written: d(v.boolean(), "Whether this run wrote the file."),
    content: v.optional(d(v.string(), "The file's text (--dry-run only).")),
  }),
  "One output file of a compiled profile.",
);

export const CompiledProfile = d(
  v.object({
    session: Id,
    status: d(
      v.picklist(["compiled", "skipped", "failed"]),
      "compiled; skipped (--all: the profile still holds [REQUIRES INPUT]); failed (--all: see diagnostics).",
    ),
    content_hash: d(v.nullable(v.string()), "sha256:<hex> of the profile's JSON, or null."),
    profile: d(v.nullable(AgentProfileSpec), "The compiled profile, or null when it did not compile."),
    files: d(v.array(CompiledFile), "Output files."),
  }),
  "One session's profile.",
);

export const CompileOutput = d(
  v.object({
    project: Id,
    blueprint: d(Id, "The blueprint session whose profile is the base."),
    format: d(v.picklist(PROFILE_FORMATS), "Formats written."),
    out_dir: d(v.string(), "Output directory, relative to the repository root when it is inside it."),
    dry_run: d(v.boolean(), "True with --dry-run: nothing was written."),
    check: d(v.boolean(), "True with --check: nothing was written; changed files make the run fail."),
    profiles: d(v.array(CompiledProfile), "One entry per session compiled (or, with --all, tried)."),
    counts: d(
      v.object({
        compiled: count("Profiles compiled."),
        skipped: count("Profiles skipped as unfinished (--all)."),
        failed: count("Profiles that failed to compile (--all)."),
        changed: count("Files that were (or would be) created or updated."),
      }),
      "Counts.",
    ),
  }),
  "Result of `idse compile agent-spec`.",
);
export type CompiledFile = v.InferOutput<typeof CompiledFile>;
export type CompiledProfile = v.InferOutput<typeof CompiledProfile>;
export type CompileOutput = v.InferOutput<typeof CompileOutput>;
