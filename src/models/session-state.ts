import * as v from "valibot";
import { d, Id, Stage, StageStatus, stagesRecord, Timestamp } from "./common.ts";

export const VALIDATION_STATUSES = ["unknown", "passing", "failing"] as const;

/** `projects/<project>/session_state.json`: the state of the project's current session. */
export const SessionState = d(
  v.looseObject({
    project_name: d(Id, "The project this state belongs to."),
    session_id: d(Id, "The current session."),
    is_blueprint: d(v.boolean(), "True when the current session is __blueprint__."),
    stages: stagesRecord(StageStatus, "Status of each of the seven stages of the current session."),
    last_sync: d(v.nullable(Timestamp), "When the project was last synced, or null."),
    validation_status: d(v.picklist(VALIDATION_STATUSES), "Result of the last validation."),
    created_at: d(Timestamp, "When this state file was created."),
  }),
  "Stage state of a project's current session (session_state.json); same keys as the Python original.",
);
export type SessionState = v.InferOutput<typeof SessionState>;

/**
 * `sessions/<id>/metadata/stage_state.json`: per-session stage state, new in idse. The Python original
 * kept stages only for the current session; idse keeps them for every session so switching loses nothing,
 * and mirrors the current session's into session_state.json.
 */
export const SessionStageState = d(
  v.looseObject({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    stages: stagesRecord(StageStatus, "Status of each of the seven stages of this session."),
    validation_status: d(v.picklist(VALIDATION_STATUSES), "Result of the last validation of this session."),
    failing_stages: v.optional(
      d(
        v.array(Stage),
        "Stages whose documents had errors at the last `idse validate`, in pipeline order (absent: not recorded yet). `idse next` blocks a session on those that are completed.",
      ),
    ),
    updated_at: d(Timestamp, "When the stage state last changed."),
  }),
  "Stage state of one session (metadata/stage_state.json).",
);
export type SessionStageState = v.InferOutput<typeof SessionStageState>;
