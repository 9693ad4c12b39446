import { BLUEPRINT } from "../ids.ts";
import { touch } from "../jit-policy.ts";
import type { StageStatus } from "../models/common.ts";
import type { SessionState } from "../models/session-state.ts";
import type { Spine } from "../models/spine.ts";
import type { ValidationConfig, ValidationReport } from "../models/validation.ts";
import { withLibraries } from "../on-demand.ts";
import { listSessionIds, readSession } from "../session-graph.ts";
import { readSpine, touchedPrimitives } from "../spine.ts";
import { readProjectState, writeSessionStages } from "../stage-state.ts";
import type { DesignStore } from "../store/contract.ts";
import { keys, STAGES, type Stage } from "../store/layout.ts";
import { isUntouched, STAGE_TEMPLATES } from "../templates.ts";
import { type Fix, type Rule, type RuleConfig, validateSession } from "./engine.ts";
import { loadSessionInput } from "./input.ts";
import { allRules, resolveRuleConfig } from "./rules/index.ts";

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
   * Called with each session's report as soon as it is made, with the session's index in `sessions` (the
   * blueprint may come last, out of order). Given, the reports are not kept: `reports` comes back empty
   * and `recorded` says what each session's status is, so a run's memory does not grow with its findings (issue #16).
   */
  onReport?: (report: ValidationReport, index: number, timing: SessionTiming | undefined) => void;
  /**
   * Reports of an earlier run to reuse (validate --all's findings cache), opened with what the run's
   * reports depend on once it is known; with onReport only, and not with rules, stage or gate.
   */
  reuse?: (setup: {
    key: unknown;
    /** The project state, which only a session without a stage state of its own reads. */
    state: SessionState | null;
    blueprintDepends: boolean;
  }) => ReportReuse | undefined;
  /**
   * Validates sessions elsewhere (validate --all's worker threads, src/cli/commands/validate-pool.ts),
   * opened with the run's setup once it is known; with onReport only, and not with rules, stage or gate.
   * The blueprint under spine-coverage is still validated here, after every other session.
   */
  offload?: (setup: SharedSetup, walk: unknown) => Offload | undefined;
}

/** What a run reads once and another thread needs to check a session as this one would. */
export interface SharedSetup {
  config: RuleConfig;
  state: SessionState | null;
  spine: Spine | undefined;
  /** Whether spine-coverage applies: each session's Spine primitive names are then wanted. */
  coverage: boolean;
}

/** Validates sessions away from the run's thread, their reports handed to the output in the run's order. */
export interface Offload {
  /** How many sessions may be in flight at once. */
  window: number;
  /** Validates `session`, walking it first as the run's reuse says (the `walk` it was opened with). */
  validate(session: string, index: number): Promise<Offloaded>;
  /** Ends the threads (the run is over, or failed). */
  close(): void;
}

/** A session validated elsewhere: what the run records and notes of it. */
export interface Offloaded {
  recorded: Recorded;
  archived: boolean;
  /** The Spine primitives its documents name, when spine-coverage applies and it is active (else empty). */
  touched: string[];
  /** How it was walked, for the run's reuse (undefined: not walked, or not to be kept). */
  walked?: unknown;
  /** Gives its report to the output (what onReport does for a session validated here). */
  deliver(): void;
}

/** What a later run needs of a session's check besides its report's text (src/validation/findings-cache.ts). */
export interface ReusedOutcome {
  status: "passing" | "failing";
  failing: Stage[];
  archived: boolean;
  /** The Spine primitives its documents name, when spine-coverage applies (else empty). */
  touched: string[];
}

/** An earlier run's reports, taken instead of validating a session again. */
export interface ReportReuse {
  /** The session's outcome, its report already handed to the output; undefined: validate it. */
  reuse(session: string, index: number): ReusedOutcome | undefined;
  /**
   * Called before a session's documents are read; may return the session's tree as it listed it (the
   * store's listTree form), which the run then uses rather than listing the tree again.
   */
  before(session: string): string[] | undefined;
  /** The session was validated and its report given to onReport. */
  validated(session: string, index: number, outcome: ReusedOutcome): void;
  /** How another thread walks a session as `before` would (plain data), for an offload. */
  walk?: unknown;
  /** Takes a session another thread walked with `walk`, as `before` would have walked it. */
  adopt?(session: string, walked: unknown): void;
}

/** How long one session took to check, and each rule within it (ms). */
export interface SessionTiming {
  total: number;
  rules: Record<string, number>;
}

/** What a run reads once, before its sessions: the rule configuration, the rules, the project state, the Spine. */
export interface RunSetup {
  config: RuleConfig;
  rules: Rule[];
  state: SessionState | null;
  spine: Spine | undefined;
}

async function prepareRun(store: DesignStore, project: string, o: RunOptions): Promise<RunSetup> {
  const config = resolveRuleConfig(o.validation, o.rules);
  // The completion gate requires a feature session's Spine findings clear, whatever their level.
  if (o.gate && config[COMPONENTS]?.level !== "error")
    config[COMPONENTS] = { ...config[COMPONENTS], level: "error" };
  const rules = allRules();
  const state = (await readProjectState(store, project).catch(() => null)) ?? null;
  const spineRules = [COMPONENTS, COVERAGE].some((id) => (config[id]?.level ?? "off") !== "off");
  const spine = spineRules ? await readSpine(store, project) : undefined;
  return { config, rules, state, spine };
}

/**
 * Whether spine-coverage applies to a run of `sessions`: it needs every feature session's documents, so
 * the blueprint is validated last, after the others of the run have been read (and those outside it).
 */
function coverageApplies(setup: RunSetup, sessions: string[]): boolean {
  return !!setup.spine?.declared && setup.config[COVERAGE]?.level !== "off" && sessions.includes(BLUEPRINT);
}

/** One session checked: its report (after the --stage filter), what to record, its fixes, its timing. */
export interface SessionResult {
  report: ValidationReport;
  recorded: Recorded;
  fixes: Fix["writeArtifact"][];
  timing: SessionTiming | undefined;
  /** Its documents' texts and whether it is archived: what spine-coverage notes of it. */
  texts: (string | undefined)[];
  archived: boolean;
}

/**
 * Validates one session of a run without spine-coverage's blueprint (which needs the others' names): its
 * result and, when `coverage` applies and the session is active, the Spine primitives its documents name.
 * What a worker thread runs for each session it is given.
 */
export async function checkSession(
  store: DesignStore,
  project: string,
  session: string,
  setup: RunSetup,
  o: RunOptions,
  coverage: boolean,
  files?: string[],
): Promise<{ result: SessionResult; touched: string[] }> {
  const result = await validateOne(store, project, session, setup, o, undefined, files);
  const touched = coverage && !result.archived ? touchedPrimitives(setup.spine!, result.texts) : [];
  return { result, touched };
}

/** Loads and validates one session; `spineTouched` is given to the blueprint's run under spine-coverage. */
async function validateOne(
  store: DesignStore,
  project: string,
  session: string,
  setup: RunSetup,
  o: RunOptions,
  spineTouched?: Map<string, string[]>,
  files?: string[],
): Promise<SessionResult> {
  const started = o.clock?.();
  const input = await loadSessionInput(store, project, session, {
    stack: o.stack,
    gate: o.gate,
    projectState: setup.state,
    ...(files ? { files } : {}),
  });
  input.spine = setup.spine;
  if (spineTouched) input.spineTouched = spineTouched;
  // markdown-it and yaml are loaded by the first document that needs them (src/on-demand.ts).
  const result = await withLibraries(() => validateSession(input, setup.rules, setup.config, o.clock));
  // Taken before the --stage filter: every stage was checked, so every stage's result is known. With
  // --rule only some rules ran, which cannot clear a stage another rule failed: the recorded ones stay.
  const found = failingStages(result.report);
  const failing = o.rules?.length
    ? STAGES.filter((s) => found.includes(s) || input.previousFailing?.includes(s))
    : found;
  // The same for the session's status: the whole report's, not the --stage view of it (a run of one
  // stage must not record a session passing whose other stages fail), and a run of some rules can fail
  // a session but not clear one another rule failed.
  const status: Recorded["status"] = !result.report.passed
    ? "failing"
    : o.rules?.length && input.previousStatus === "failing"
      ? "failing"
      : "passing";
  let report = result.report;
  if (o.stage) {
    const kept = report.findings.filter((f) => f.stage === o.stage);
    const errors = kept.filter((f) => f.severity === "error").length;
    report = { ...report, findings: kept, errors, warnings: kept.length - errors, passed: errors === 0 };
  }
  const timing =
    started !== undefined ? { total: o.clock!() - started, rules: result.timings ?? {} } : undefined;
  return {
    report,
    recorded: {
      session,
      stages: input.stages,
      previous: input.previousStatus,
      status,
      failing,
      previousFailing: input.previousFailing,
      ...(input.stagesInferred ? { inferred: true } : {}),
    },
    fixes: result.fixes,
    timing,
    texts: input.artifacts.map((a) => a.text),
    archived: input.meta.status === "archived",
  };
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
  // Each session's documents are about to be read: many sessions restore the normal JIT at once.
  touch(sessions.length * STAGES.length);
  const setup = await prepareRun(store, project, o);
  const coverage = coverageApplies(setup, sessions);
  const touched = new Map<string, string[]>();
  const mark = (session: string, names: Iterable<string>) => {
    for (const name of names) touched.set(name, [...(touched.get(name) ?? []), session]);
  };
  const note = (session: string, texts: (string | undefined)[]) =>
    mark(session, touchedPrimitives(setup.spine!, texts));
  // Everything a session's report depends on beyond its own folder (src/validation/findings-cache.ts).
  const reuse =
    o.onReport && !o.rules?.length && !o.stage && !o.gate
      ? o.reuse?.({
          key: { config: setup.config, spine: setup.spine, stack: o.stack, coverage },
          state: setup.state,
          blueprintDepends: coverage,
        })
      : undefined;
  const order = coverage ? [...sessions.filter((x) => x !== BLUEPRINT), BLUEPRINT] : sessions;
  const byIndex = new Map<string, { report?: ValidationReport; recorded: Recorded }>();
  const position = o.onReport ? new Map(sessions.map((x, i) => [x, i])) : undefined;
  const fixes = new Map<string, Fix["writeArtifact"][]>();
  const timings = new Map<string, SessionTiming>();
  /** What the run keeps of a session validated here or elsewhere. */
  const validated = (
    session: string,
    index: number,
    recorded: Recorded,
    archived: boolean,
    names: string[],
  ) => {
    mark(session, names);
    reuse?.validated(session, index, {
      status: recorded.status,
      failing: recorded.failing,
      archived,
      touched: names,
    });
  };
  const offload =
    o.onReport && !o.rules?.length && !o.stage && !o.gate
      ? o.offload?.({ config: setup.config, state: setup.state, spine: setup.spine, coverage }, reuse?.walk)
      : undefined;
  /** Sessions given to the offload, oldest first: taken in the run's order, so its output is the same. */
  const inFlight: { session: string; index: number; done: Promise<Offloaded> }[] = [];
  /** Takes the offloaded sessions until at most `keep` are left in flight. */
  const settle = async (keep: number) => {
    while (inFlight.length > keep) {
      const { session, index, done } = inFlight.shift()!;
      const r = await done;
      if (r.walked !== undefined) reuse?.adopt?.(session, r.walked);
      r.deliver();
      validated(session, index, r.recorded, r.archived, r.touched);
      byIndex.set(session, { recorded: r.recorded });
    }
  };
  try {
    for (const session of order) {
      if (coverage && session === BLUEPRINT) {
        await settle(0); // every other session's names first
        // Sessions outside the run count too (an archived one works on nothing).
        const inRun = new Set(sessions);
        for (const other of await listSessionIds(store, project)) {
          if (inRun.has(other) || other === BLUEPRINT) continue;
          if (!(await active(store, project, other))) continue;
          note(other, await Promise.all(STAGES.map((st) => store.read(keys.artifact(project, other, st)))));
        }
      }
      const index = position?.get(session);
      const hit = reuse?.reuse(session, index!);
      if (hit) {
        if (coverage && session !== BLUEPRINT && !hit.archived) mark(session, hit.touched);
        // What its stage state holds (else it would not have been kept): nothing to record.
        const { status, failing } = hit;
        const recorded = { session, previous: status, status, failing, previousFailing: failing };
        byIndex.set(session, { recorded });
        continue;
      }
      if (offload && !(coverage && session === BLUEPRINT)) {
        const done = offload.validate(session, index!);
        done.catch(() => {}); // a failure is thrown where it is taken, in order
        inFlight.push({ session, index: index!, done });
        await settle(offload.window);
        continue;
      }
      const files = reuse?.before(session);
      const blueprint = coverage && session === BLUEPRINT;
      const { result: r, touched: names } = blueprint
        ? { result: await validateOne(store, project, session, setup, o, touched, files), touched: [] }
        : await checkSession(store, project, session, setup, o, coverage, files);
      if (r.timing) timings.set(session, r.timing);
      o.onReport?.(r.report, index!, r.timing);
      validated(session, index!, r.recorded, r.archived, names);
      byIndex.set(session, { ...(o.onReport ? {} : { report: r.report }), recorded: r.recorded });
      if (r.fixes.length) fixes.set(session, r.fixes);
    }
    await settle(0);
  } finally {
    offload?.close();
  }
  const reports = o.onReport ? [] : sessions.map((x) => byIndex.get(x)!.report!);
  const recorded = sessions.map((x) => byIndex.get(x)!.recorded);
  return { reports, fixes, recorded, timings };
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

/** What a session's stage state held when it was loaded, and the stages this run found failing. */
export interface Recorded {
  session: string;
  /** The stages as loaded; absent for a reused report, which has nothing to record. */
  stages?: Record<Stage, StageStatus>;
  previous: string | undefined;
  /** The status this run records: see validateSessions. */
  status: "passing" | "failing";
  failing: Stage[];
  previousFailing: Stage[] | undefined;
  /**
   * Its stages are inferred, not recorded (docs/migrating.md, "File mode"): the run records nothing, since
   * a stage state written now would turn the inference into recorded stages and drop its mark.
   */
  inferred?: boolean;
}

/**
 * The stages with at least one error, in pipeline order. Session-wide findings (stage null) name no
 * stage: they fail the session but block no stage in `idse next`.
 */
export function failingStages(report: ValidationReport): Stage[] {
  const failing = new Set(report.findings.filter((f) => f.severity === "error").map((f) => f.stage));
  return STAGES.filter((s) => failing.has(s));
}

/**
 * Records passing/failing and the failing stages in each session's stage state, writing only what
 * changed. `idse next` reads the failing stages to block a session only on completed stages that fail.
 */
export async function recordStatus(store: DesignStore, project: string, recorded: Recorded[], now: string) {
  for (const r of toRecord(recorded))
    await writeSessionStages(store, project, r.session, r.stages!, r.status, now, r.failing);
}

/** The sessions whose status or failing stages differ from what their stage state holds (inferred ones apart). */
export function toRecord(recorded: Recorded[]): Recorded[] {
  return recorded.filter(
    (r) => !r.inferred && (r.previous !== r.status || r.previousFailing?.join() !== r.failing.join()),
  );
}

/**
 * The Python original's templates, where its workspace keeps them: a session it created holds them
 * untouched (every line a TODO), which no more completes a stage than idse's own templates do.
 */
const originalTemplate = (stage: Stage) => `kb/templates/${stage}-template.md`;

/**
 * stages.auto_detect: each stage's status from its document. Missing or untouched template (idse's, or
 * the original's in `.idse/kb/templates/`) → pending; edited but failing its rules → in_progress;
 * passing → completed.
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
    // The original's template is read only for a document that is not idse's untouched one.
    const untouched =
      text === undefined ||
      isUntouched(STAGE_TEMPLATES[stage], text) ||
      (await store.read(originalTemplate(stage)))?.trim() === text.trim();
    if (untouched) out[stage] = "pending";
    else out[stage] = failing.has(stage) ? "in_progress" : "completed";
  }
  return out;
}
