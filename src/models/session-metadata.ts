import * as v from "valibot";
import { d, Id, Timestamp } from "./common.ts";

export const SESSION_TYPES = ["blueprint", "feature", "exploratory"] as const;
export const SESSION_STATUSES = ["draft", "in_progress", "review", "complete", "archived"] as const;
export const COLLABORATOR_ROLES = ["owner", "contributor", "reviewer", "viewer"] as const;

export const Collaborator = d(
  v.looseObject({
    name: d(v.pipe(v.string(), v.minLength(1)), "Collaborator name."),
    role: d(v.picklist(COLLABORATOR_ROLES), "Collaborator role."),
    joined_at: d(Timestamp, "When the collaborator was added."),
  }),
  "A collaborator on a session.",
);
export type Collaborator = v.InferOutput<typeof Collaborator>;

/** `sessions/<id>/metadata/session.json`; same keys as the Python original. */
export const SessionMetadata = d(
  v.looseObject({
    session_id: Id,
    name: d(v.string(), "Display name."),
    session_type: d(v.picklist(SESSION_TYPES), "Kind of session."),
    description: d(v.nullable(v.string()), "Free-text description, or null."),
    is_blueprint: d(v.boolean(), "True for the __blueprint__ session."),
    parent_session: d(v.nullable(v.string()), "The session this one was spawned from, or null."),
    related_sessions: d(v.array(v.string()), "Other related session ids."),
    owner: d(v.string(), "Owner of the session."),
    collaborators: d(v.array(Collaborator), "Collaborators on the session."),
    tags: d(v.array(v.string()), "Free-form tags."),
    status: d(v.picklist(SESSION_STATUSES), "Lifecycle status."),
    created_at: d(Timestamp, "Creation time."),
    updated_at: d(Timestamp, "Last change."),
  }),
  "Metadata of one session (metadata/session.json).",
);
export type SessionMetadata = v.InferOutput<typeof SessionMetadata>;
