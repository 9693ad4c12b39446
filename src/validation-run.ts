import type { DesignStore } from "./design-store.ts";
import { keys, STAGES, type Stage } from "./layout.ts";
import type { StageStatus } from "./models/common.ts";
import type { ValidationConfig, ValidationReport } from "./models/validation.ts";
import { allRules, resolveRuleConfig } from "./rules/index.ts";
import { readProjectState, writeSessionStages } from "./stage-state.ts";
import { isUntouched, STAGE_TEMPLATES } from "./templates.ts";
import { type Fix, validateSession } from "./validation.ts";
import { loadSessionInput } from "./validation-input.ts";

// Running the engine against a workspace: load each session through the store, validate, apply fixes,
// and record the result in the session's stage state. Shared by `idse validate`, the completion gate
// and `status` with stages.auto_detect.

export interface RunOptions {
  stack: string;
  /** The `validation` section of the repository config (config.ts reads it; absent: defaults). */
  validation?: ValidationConfig;
  rules?: string[];
  gate?: boolean;
  stage?: Stage;
  /** A clock (ms) to time each session and rule with; absent, nothing is timed. */
  clock?: () => number;
}

/** How long one session took to check, and each rule within it (ms). */
export interface SessionTiming {
  total: number;
  rules: Record<string, number>;
}

export async function validateSessions(
  store: DesignStore,
  project: string,
  sessions: string[],
  o: RunOptions,
): Promise<{
  reports: ValidationReport[];
  fixes: Map<string, Fix["writeArtifact"][]>;
  recorded: Recorded[];
  timings: Map<string, SessionTiming>;
}> {
  const config = resolveRuleConfig(o.validation, o.rules);
  const rules = allRules();
  const state = await readProjectState(store, project).catch(() => null);
  const reports: ValidationReport[] = [];
  const fixes = new Map<string, Fix["writeArtifact"][]>();
  const recorded: Recorded[] = [];
  const timings = new Map<string, SessionTiming>();
  for (const session of sessions) {
    const started = o.clock?.();
    const input = await loadSessionInput(store, project, session, {
      stack: o.stack,
      gate: o.gate,
      projectState: state ?? null,
    });
    const result = validateSession(input, rules, config, o.clock);
    if (o.stage) {
      const kept = result.report.findings.filter((f) => f.stage === o.stage);
      const errors = kept.filter((f) => f.severity === "error").length;
      result.report = {
        ...result.report,
        findings: kept,
        errors,
        warnings: kept.length - errors,
        passed: errors === 0,
      };
    }
    reports.push(result.report);
    recorded.push({ session, stages: input.stages, previous: input.previousStatus });
    if (result.fixes.length) fixes.set(session, result.fixes);
    if (started !== undefined)
      timings.set(session, { total: o.clock!() - started, rules: result.timings ?? {} });
  }
  return { reports, fixes, recorded, timings };
}

/** What a session's stage state held when it was loaded. */
export interface Recorded {
  session: string;
  stages: Record<Stage, StageStatus>;
  previous: string | undefined;
}

/** Records passing/failing in each session's stage state, writing only what changed. */
export async function recordStatus(
  store: DesignStore,
  project: string,
  reports: ValidationReport[],
  recorded: Recorded[],
  now: string,
) {
  for (const [i, r] of reports.entries()) {
    const status = r.passed ? "passing" : "failing";
    const before = recorded[i]!;
    if (before.previous === status) continue;
    await writeSessionStages(store, project, r.session, before.stages, status, now);
  }
}

/**
 * stages.auto_detect: each stage's status from its document. Missing or untouched template → pending;
 * edited but failing its rules → in_progress; passing → completed.
 */
export async function detectStages(
  store: DesignStore,
  project: string,
  session: string,
  stack: string,
  validation?: ValidationConfig,
): Promise<Record<Stage, StageStatus>> {
  const { reports } = await validateSessions(store, project, [session], { stack, validation });
  const failing = new Set(reports[0]!.findings.filter((f) => f.severity === "error").map((f) => f.stage));
  const out = {} as Record<Stage, StageStatus>;
  for (const stage of STAGES) {
    const text = await store.read(keys.artifact(project, session, stage));
    if (text === undefined || isUntouched(STAGE_TEMPLATES[stage], text)) out[stage] = "pending";
    else out[stage] = failing.has(stage) ? "in_progress" : "completed";
  }
  return out;
}
