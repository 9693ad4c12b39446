import type { StageStatus } from "../models/common.ts";
import { STAGES, type Stage } from "../store/layout.ts";

// The pipeline's order and inputs, shared by `idse route` (one session's handoff) and `idse next` (the
// queue across sessions): a leaf module, so the queue does not load the routing adapters to know them.

/** What a stage reads (the pipeline's inputs, IDSE_PIPELINE.md). */
export const UPSTREAM: Record<Stage, Stage[]> = {
  intent: [],
  context: ["intent"],
  spec: ["intent", "context"],
  plan: ["intent", "spec"],
  tasks: ["plan", "spec"],
  implementation: ["tasks", "plan", "spec"],
  feedback: ["intent", "context", "spec", "plan", "tasks", "implementation"],
};

/** The first stage of a session that is not completed, or null when all are. */
export function nextStage(stages: Record<Stage, StageStatus>): Stage | null {
  return STAGES.find((s) => stages[s] !== "completed") ?? null;
}
