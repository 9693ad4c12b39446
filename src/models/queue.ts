import * as v from "valibot";
import { AGENT_MODES } from "./agent-registry.ts";
import { d, Id, Stage, StageStatus, Timestamp } from "./common.ts";
import { SESSION_STATUSES } from "./session-metadata.ts";

// The work queue `idse next` prints: one item per open session, its next stage, whether it can start,
// and the command that starts it (or that clears what blocks it).

export const QUEUE_STATES = ["ready", "in_progress", "blocked"] as const;
export const BLOCK_REASONS = ["parent_stage", "upstream_stage", "validation", "sync_conflict"] as const;

export const Blocker = d(
  v.object({
    reason: d(
      v.picklist(BLOCK_REASONS),
      "parent_stage: the parent session has not completed the stage this one builds on; upstream_stage: a stage this one reads is not completed; validation: a completed stage failed the session's last validation (stage null: the validation failed without recording which stages); sync_conflict: an artifact of the session is in conflict with a remote.",
    ),
    session: d(Id, "The session that holds what blocks (the parent for parent_stage)."),
    stage: d(
      v.nullable(Stage),
      "The unfinished, failing or conflicting stage, or null (a validation failure recorded without its stages).",
    ),
    remote: v.optional(d(v.string(), "The remote in conflict (sync_conflict).")),
    message: d(v.string(), "What blocks, in words."),
    command: d(v.string(), "The command that clears it (or starts the work that does)."),
  }),
  "One reason an item cannot start.",
);

export const QueueItem = d(
  v.object({
    project: Id,
    session: Id,
    session_status: d(v.picklist(SESSION_STATUSES), "The session's lifecycle status."),
    owner: d(v.string(), "The session's owner."),
    parent: d(v.nullable(v.string()), "The parent session, or null."),
    depth: d(v.number(), "Depth in the lineage: 0 for a session without a parent."),
    created_at: d(Timestamp, "When the session was created (older first among equals)."),
    stage: Stage,
    stage_status: StageStatus,
    state: d(
      v.picklist(QUEUE_STATES),
      "ready: nothing blocks it; in_progress: someone is on it; blocked: see blocked_by.",
    ),
    blocked_by: d(v.array(Blocker), "Why the item cannot start (empty unless blocked)."),
    agent: d(v.nullable(v.string()), "The agent that owns the stage (the first routed), or null."),
    agents: d(v.array(v.string()), "Every agent routed to the stage, in registry order."),
    mode: d(v.nullable(v.picklist(AGENT_MODES)), "The mode the owning agent works in, or null."),
    command: d(
      v.string(),
      "The command to run next: the stage's handoff (`idse route`), or what clears the first blocker.",
    ),
  }),
  "One session's next stage.",
);

export const NextOutput = d(
  v.object({
    projects: d(v.array(Id), "The projects the queue covers."),
    filter: d(
      v.object({
        agent: d(v.nullable(v.string()), "--agent, or null."),
        owner: d(v.nullable(v.string()), "--owner (or the configured owner for --mine), or null."),
      }),
      "The filters applied.",
    ),
    counts: d(
      v.object({
        ready: d(v.number(), "Ready items (after filters, before --limit)."),
        in_progress: d(v.number(), "Items in progress (after filters, before --limit)."),
        blocked: d(v.number(), "Blocked items (after filters, before --limit)."),
      }),
      "Items by state.",
    ),
    total: d(v.number(), "Items after filters, before --limit."),
    items: d(
      v.array(QueueItem),
      "The queue: ready, then in progress, then blocked; within each, by lineage depth, session status, age.",
    ),
  }),
  "Result of `idse next`.",
);
export type NextOutput = v.InferOutput<typeof NextOutput>;
export type QueueItem = v.InferOutput<typeof QueueItem>;
export type Blocker = v.InferOutput<typeof Blocker>;
