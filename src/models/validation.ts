import * as v from "valibot";
import { d, Id, Stage } from "./common.ts";

export {
  PRESETS,
  RULE_LEVELS,
  RuleLevel,
  ValidationConfig,
} from "./validation-config.ts";

export const Finding = d(
  v.object({
    rule_id: d(v.string(), "The rule, e.g. idse/no-requires-input; idse/parse for unreadable documents."),
    severity: d(v.picklist(["error", "warning"]), "From the configuration, never from the rule."),
    message_id: d(v.string(), "Stable id of the message within the rule."),
    message: d(v.string(), "What is wrong."),
    file: d(v.string(), "File concerned, relative to the repository root."),
    line: d(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))), "1-based line, or null."),
    column: d(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))), "1-based column, or null."),
    stage: d(v.nullable(Stage), "The stage concerned, or null for session-wide findings."),
    article: d(v.string(), "The Constitution article the rule enforces."),
    fixable: d(v.boolean(), "Whether `idse validate --fix` can repair it."),
  }),
  "One finding of the validation engine.",
);
export type Finding = v.InferOutput<typeof Finding>;

export const ValidationReport = d(
  v.object({
    project: Id,
    session: Id,
    findings: d(v.array(Finding), "Findings, ordered by file, line and column."),
    errors: d(v.pipe(v.number(), v.integer(), v.minValue(0)), "Number of error findings."),
    warnings: d(v.pipe(v.number(), v.integer(), v.minValue(0)), "Number of warning findings."),
    passed: d(v.boolean(), "True when there is no error."),
  }),
  "Validation report of one session.",
);
export type ValidationReport = v.InferOutput<typeof ValidationReport>;
