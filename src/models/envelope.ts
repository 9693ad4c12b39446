import * as v from "valibot";
import { d } from "./common.ts";

export const SEVERITIES = ["error", "warning", "info"] as const;

/** One diagnostic: a stable code plus the data that explains it (extra keys depend on the code). */
export const Diagnostic = d(
  v.looseObject({
    severity: d(v.picklist(SEVERITIES), "How serious it is."),
    code: d(v.pipe(v.string(), v.regex(/^[A-Z][A-Z0-9_]*$/)), "Stable machine-readable code."),
    message: d(v.string(), "Human-readable message."),
    hint: v.optional(d(v.string(), "What to do about it.")),
    file: v.optional(d(v.string(), "The file concerned, relative to the repository root when possible.")),
    line: v.optional(d(v.pipe(v.number(), v.integer(), v.minValue(1)), "1-based line in the file.")),
  }),
  "A diagnostic attached to a command result.",
);
export type Diagnostic = v.InferOutput<typeof Diagnostic>;

/** The envelope every `--json` run prints, with `data` typed by the command. */
export function envelopeOf<T extends v.GenericSchema>(command: string, data: T) {
  return d(
    v.object({
      ok: d(v.boolean(), "True when the command succeeded (exit code 0)."),
      command: d(v.string(), `The command that ran ("${command}"), or "" when none was recognised.`),
      data: d(v.nullable(data), "The command's result; null when it failed before producing one."),
      diagnostics: d(v.array(Diagnostic), "Errors, warnings and notes, each with a stable code."),
    }),
    `JSON output of \`idse ${command} --json\`.`,
  );
}

export const Envelope = envelopeOf("<command>", d(v.unknown(), "Command-specific result."));
