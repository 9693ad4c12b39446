import * as v from "valibot";

// Shared pieces of the models. Models import nothing else from src (DESIGN.md §4).

export const STAGES = ["intent", "context", "spec", "plan", "tasks", "implementation", "feedback"] as const;
export const Stage = v.pipe(v.picklist(STAGES), v.description("A pipeline stage, in pipeline order."));
export type Stage = v.InferOutput<typeof Stage>;

export const STAGE_STATUSES = ["pending", "in_progress", "completed"] as const;
export const StageStatus = v.pipe(v.picklist(STAGE_STATUSES), v.description("Progress of one stage."));
export type StageStatus = v.InferOutput<typeof StageStatus>;

/** Shorthand: a schema with a description, so every emitted JSON Schema field is documented. */
export function d<T extends v.GenericSchema>(schema: T, text: string) {
  return v.pipe(schema, v.description(text));
}

// The Python original wrote local timestamps without an offset ("2026-02-10T03:29:40.860580"); idse
// writes ISO-8601 with an offset. Readers accept both.
export const Timestamp = v.pipe(
  v.string(),
  v.regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/,
    "expected an ISO-8601 timestamp",
  ),
  v.description("ISO-8601 timestamp; the Python original wrote them without an offset."),
);

export const Id = d(v.pipe(v.string(), v.minLength(1)), "A project or session id.");

export function stagesRecord<T extends v.GenericSchema>(value: T, text: string) {
  return d(
    v.object({
      intent: value,
      context: value,
      spec: value,
      plan: value,
      tasks: value,
      implementation: value,
      feedback: value,
    }),
    text,
  );
}
