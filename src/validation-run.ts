import { type DesignStore, sha256Hex } from "./design-store.ts";
import type { FindingsCache } from "./findings-cache.ts";
import { BLUEPRINT } from "./ids.ts";
import { keys, STAGES, type Stage } from "./layout.ts";
import type { StageStatus } from "./models/common.ts";
import type { ValidationConfig, ValidationReport } from "./models/validation.ts";
import { allRules, resolveRuleConfig } from "./rules/index.ts";
import { listSessionIds, readSession } from "./session-graph.ts";
import { readSpine, touchedPrimitives } from "./spine.ts";
import { readProjectState, writeSessionStages } from "./stage-state.ts";
import { isUntouched, STAGE_TEMPLATES } from "./templates.ts";
import { type Fix, validateSession } from "./validation.ts";
import { loadSessionInput } from "./validation-input.ts";
import { VERSION } from "./version.ts";

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
  /**
   * The workspace's `.idse/` folder: keep and reuse each session's findings there while nothing they
   * depend on changed (src/findings-cache.ts; filesystem store only, and never with a clock).
   */
  findingsCache?: string;
}

/** What the findings cache keeps of a session's run. */
interface CachedRun {
  report: ValidationReport;
  stages: Record<Stage, StageStatus>;
  previous?: string;
  /** Product Spine components the session's documents touch (spine-coverage of the blueprint). */
  touched?: string[];
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
  // The completion gate requires a feature session's Spine findings clear, whatever their level.
  if (o.gate && config[COMPONENTS]?.level !== "error")
    config[COMPONENTS] = { ...config[COMPONENTS], level: "error" };
  const rules = allRules();
  const state = await readProjectState(store, project).catch(() => null);
  const spineRules = [COMPONENTS, COVERAGE].some((id) => (config[id]?.level ?? "off") !== "off");
  const spine = spineRules ? await readSpine(store, project) : undefined;
  // spine-coverage needs every feature session's documents: the blueprint is validated last, after the
  // others of this run have been read, and sessions outside the run are read for it.
  const coverage = spine?.declared && config[COVERAGE]?.level !== "off" && sessions.includes(BLUEPRINT);
  const touched = new Map<string, string[]>();
  const noteNames = (session: string, names: Iterable<string>) => {
    for (const name of names) touched.set(name, [...(touched.get(name) ?? []), session]);
  };
  const note = (session: string, texts: (string | undefined)[]) => {
    const names = [...touchedPrimitives(spine!, texts)];
    noteNames(session, names);
    return names;
  };
  const cache = await openCache(store, project, o, { config, state, rules: rules.map((r) => r.id) });
  const order = coverage ? [...sessions.filter((x) => x !== BLUEPRINT), BLUEPRINT] : sessions;
  const byIndex = new Map<string, { report: ValidationReport; recorded: Recorded }>();
  const fixes = new Map<string, Fix["writeArtifact"][]>();
  const timings = new Map<string, SessionTiming>();
  for (const session of order) {
    const started = o.clock?.();
    if (coverage && session === BLUEPRINT) {
      const inRun = new Set(sessions);
      for (const other of await listSessionIds(store, project)) {
        if (inRun.has(other) || other === BLUEPRINT) continue;
        if (!(await active(store, project, other))) continue;
        note(other, await Promise.all(STAGES.map((st) => store.read(keys.artifact(project, other, st)))));
      }
    }
    // The blueprint's spine-coverage depends on every other session: never cached.
    const cacheable = cache !== undefined && !(coverage && session === BLUEPRINT);
    const files = cacheable ? await store.listTree!(keys.session(project, session)) : undefined;
    const k = cacheable ? cache.keyOf(keys.session(project, session), files!) : undefined;
    const hit = k && !k.racy ? cache!.lookup(session, k.key) : undefined;
    if (hit) {
      if (coverage && hit.touched) noteNames(session, hit.touched);
      byIndex.set(session, {
        report: hit.report,
        recorded: { session, stages: hit.stages, previous: hit.previous },
      });
      continue;
    }
    const input = await loadSessionInput(store, project, session, {
      stack: o.stack,
      gate: o.gate,
      projectState: state ?? null,
      files,
    });
    input.spine = spine;
    let names: string[] | undefined;
    if (coverage && session !== BLUEPRINT && !["archived"].includes(input.meta.status))
      names = note(
        session,
        input.artifacts.map((a) => a.text),
      );
    if (coverage && session === BLUEPRINT) input.spineTouched = touched;
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
    byIndex.set(session, {
      report: result.report,
      recorded: { session, stages: input.stages, previous: input.previousStatus },
    });
    if (result.fixes.length) fixes.set(session, result.fixes);
    if (started !== undefined)
      timings.set(session, { total: o.clock!() - started, rules: result.timings ?? {} });
    // Not kept when this run is about to change the session (a fix to apply, a status to record): its
    // files' stat then changes, and the entry could never be hit. Nor when every document is an
    // untouched template (src/findings-cache.ts says why).
    const status = result.report.passed ? "passing" : "failing";
    const worthIt = input.artifacts.some(
      (a) => a.text !== undefined && !isUntouched(STAGE_TEMPLATES[a.stage], a.text),
    );
    if (k && worthIt && !result.fixes.length && input.previousStatus === status) {
      cache!.record(session, k.key, {
        report: result.report,
        stages: input.stages,
        previous: input.previousStatus,
        ...(names ? { touched: names } : {}),
      });
    }
  }
  cache?.save();
  const reports = sessions.map((x) => byIndex.get(x)!.report);
  const recorded = sessions.map((x) => byIndex.get(x)!.recorded);
  return { reports, fixes, recorded, timings };
}

/** The findings cache of this run, when asked for and possible. */
async function openCache(
  store: DesignStore,
  project: string,
  o: RunOptions,
  salt: { config: unknown; state: unknown; rules: string[] },
): Promise<FindingsCache<CachedRun> | undefined> {
  if (o.findingsCache === undefined || o.clock || store.kind !== "filesystem" || !store.listTree)
    return undefined;
  const { openFindingsCache } = await import("./findings-cache.ts");
  const spec = await store.read(keys.artifact(project, BLUEPRINT, "spec"));
  return openFindingsCache<CachedRun>(o.findingsCache, store, project, {
    idse: VERSION,
    ...salt,
    stage: o.stage ?? null,
    gate: o.gate === true,
    stack: o.stack,
    spine: spec === undefined ? null : sha256Hex(spec),
  });
}

const COMPONENTS = "idse/spine-components";
const COVERAGE = "idse/spine-coverage";

/** Whether a session outside the run counts for coverage (an archived one works on nothing). */
async function active(store: DesignStore, project: string, session: string): Promise<boolean> {
  try {
    return (await readSession(store, project, session)).meta.status !== "archived";
  } catch {
    return false; // an unreadable session is reported by its own validation, not here
  }
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
