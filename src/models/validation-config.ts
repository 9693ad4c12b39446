import * as v from "valibot";
import { d } from "./common.ts";

// The `validation` block of the repository config: a preset and per-rule levels. Apart from the engine's
// findings and reports (validation.ts, which re-exports it) because config.ts validates it on every
// command's start.

export const RULE_LEVELS = ["off", "warn", "error"] as const;
export const RuleLevel = d(v.picklist(RULE_LEVELS), "How a rule's findings count: off, warn or error.");
export type RuleLevel = v.InferOutput<typeof RuleLevel>;
export const PRESETS = ["recommended", "strict"] as const;

/** Repository config `validation` block: a preset and per-rule levels with options. */
export const ValidationConfig = d(
  v.looseObject({
    preset: v.optional(d(v.picklist(PRESETS), "recommended (default) or strict.")),
    rules: v.optional(
      d(
        v.record(
          v.string(),
          v.union([
            RuleLevel,
            v.strictTuple([RuleLevel]),
            v.strictTuple([RuleLevel, v.record(v.string(), v.unknown())]),
          ]),
        ),
        "Per rule: a level, or [level, options].",
      ),
    ),
  }),
  "Validation settings.",
);
export type ValidationConfig = v.InferOutput<typeof ValidationConfig>;
