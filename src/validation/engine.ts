import type * as v from "valibot";
import TEMPLATE_SHAPES from "../generated/template-shapes.json" with { type: "json" };
import type { StageStatus } from "../models/common.ts";
import type { SessionMetadata } from "../models/session-metadata.ts";
import type { Spine } from "../models/spine.ts";
import type { Finding, RuleLevel, ValidationReport } from "../models/validation.ts";
import type { Stage } from "../store/layout.ts";
import { STAGES } from "../store/layout.ts";
import { STAGE_TEMPLATES, untouchedKind } from "../templates.ts";
import {
  type MdDoc,
  type ParseProblem,
  parseMarkdown,
  reshape,
  type ShapeJson,
  skeletonOf,
} from "./markdown.ts";

// ValidationEngine: a pure function from a session's documents and a rule configuration to a report.
// Rules are declarative objects (ESLint style): meta, messages by id, an options model, and a small
// create() that returns visitors. Severity comes from configuration, never from the rule.

export interface ArtifactInput {
  stage: Stage;
  /** Display path, relative to the repository root. */
  file: string;
  /** The document, or undefined when it does not exist. */
  text: string | undefined;
}

export interface SessionInput {
  project: string;
  session: string;
  meta: SessionMetadata;
  stages: Record<Stage, StageStatus>;
  artifacts: ArtifactInput[];
  /** Entries (files and folders) of the session folder, recursively, as '/'-separated paths ("specs/spec.md"). */
  files: string[];
  /** Display path of the session folder. */
  dir: string;
  /** A stage's template rendered for this session: what a fix writes for a missing document. */
  templateFor(stage: Stage): string;
  /** The session's validation status before this run (so recording it writes only what changed). */
  previousStatus?: string;
  /** The failing stages recorded before this run (undefined: none recorded). */
  previousFailing?: Stage[];
  /** The stages are inferred (the original's file mode: a complete session without stage state), not recorded. */
  stagesInferred?: boolean;
  /** True when the check runs as the completion gate of `session set-status complete`. */
  gate?: boolean;
  /** The project's Product Spine, read once per run from the blueprint spec (the spine rules use it). */
  spine?: Spine;
  /** Spine primitive → the feature sessions whose documents name it; given to the blueprint's run. */
  spineTouched?: Map<string, string[]>;
}

export interface ParsedArtifact extends ArtifactInput {
  doc: MdDoc | undefined;
  /** True when the document is exactly its stage template (never edited). */
  untouched: boolean;
}

export interface Fix {
  /** Writes the stage document (fixes only ever create or append; they never delete user text). */
  writeArtifact: { stage: Stage; text: string };
}

export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  file?: string;
  line?: number;
  column?: number;
  stage?: Stage;
  fix?: Fix;
}

export interface RuleContext<O = unknown> {
  options: O;
  session: SessionInput;
  artifacts: Record<Stage, ParsedArtifact>;
  report(r: Report): void;
}

export interface Visitors {
  artifact?(a: ParsedArtifact): void;
  session?(): void;
}

export interface Rule<O = unknown> {
  id: string;
  meta: {
    description: string;
    /** The Constitution article the rule enforces, e.g. "III". */
    article: string;
    /** Stages the artifact visitor runs for; empty means all. */
    stages: Stage[];
    messages: Record<string, string>;
    fixable: boolean;
    /** Level in the recommended preset; `strict` raises every rule to error. */
    recommended: RuleLevel;
    /**
     * True when the artifact visitor looks at nothing but the document (not the session's state): its
     * findings on an untouched template are then the same in every session, and are computed once.
     */
    documentOnly?: boolean;
  };
  options?: v.GenericSchema<unknown, O>;
  defaultOptions?: O;
  create(ctx: RuleContext<O>): Visitors;
}

export interface RuleSetting {
  level: RuleLevel;
  options?: unknown;
}

export type RuleConfig = Record<string, RuleSetting>;

const SUPPRESS = /<!--\s*idse-disable-next-line\s+([^\s>][^>]*?)\s*-->/;

function isSuppressed(doc: MdDoc | undefined, line: number | undefined, rule: string): boolean {
  if (!doc || !line || line < 2) return false;
  const m = SUPPRESS.exec(doc.lines[line - 2] ?? "");
  return !!m && m[1]!.split(/[\s,]+/).includes(rule);
}

const compiled = new Map<string, string[]>();
const filled = new Map<string, string>();

/** Fills `{{name}}` slots; a template is split once, as findings are many (one per marker line). */
function fill(template: string, data: Record<string, string | number> = {}): string {
  let parts = compiled.get(template);
  if (!parts) {
    parts = template.split(/\{\{(\w+)\}\}/);
    compiled.set(template, parts);
  }
  if (parts.length === 1) return template;
  // Findings repeat the same few messages thousands of times: share one string per distinct message.
  let key = template;
  for (let k = 1; k < parts.length; k += 2) key += `\0${data[parts[k]!]}`;
  const known = filled.get(key);
  if (known !== undefined) return known;
  let out = "";
  for (let k = 0; k < parts.length; k++)
    out += k % 2 ? String(data[parts[k]!] ?? `{{${parts[k]}}}`) : parts[k];
  return out;
}

export const PARSE_RULE = "idse/parse";

/** Findings of document-only rules on untouched templates, per rule object, by stage, severity and options. */
const untouchedFindings = new WeakMap<Rule, Map<string, Finding[]>>();

/** src/generated/template-shapes.json, per stage (scripts/template-shapes.ts). */
interface StoredTemplate {
  template: string;
  shape: ShapeJson;
  /** What each document-only rule reports on the untouched template, with its default options. */
  findings: Record<string, { options: string; reports: Report[] }>;
}
const STORED = TEMPLATE_SHAPES as Record<string, StoredTemplate | undefined>;

/** The stored data about a stage's template, when it was made from this very template. */
function storedFor(stage: Stage): StoredTemplate | undefined {
  const stored = STORED[stage];
  return stored?.template === STAGE_TEMPLATES[stage] ? stored : undefined;
}

const skeletons = new Map<Stage, MdDoc>();
/**
 * A stage template's block structure without its text, which each untouched document of the stage is
 * reshaped from: straight from the stored shape, so a run whose rules never ask for the template's own
 * parse (a fresh session's replayed findings) does not make it.
 */
function skeleton(stage: Stage): MdDoc {
  let doc = skeletons.get(stage);
  if (!doc) {
    const stored = storedFor(stage);
    doc = stored ? skeletonOf(stored.shape) : templateShape(stage);
    skeletons.set(stage, doc);
  }
  return doc;
}

const reshaped = new Map<Stage, number>();
/**
 * What an untouched document of `stage` is reshaped from: the skeleton for the process's first one (one
 * session's `validate` never makes the template's own parse), the template's parse after that, whose
 * lines the document mostly shares, so reshape recomputes only the lines the values went into (`validate
 * --all`).
 */
function untouchedBase(stage: Stage): MdDoc {
  const n = (reshaped.get(stage) ?? 0) + 1;
  reshaped.set(stage, n);
  return n === 1 ? skeleton(stage) : templateShape(stage);
}

const shapes = new Map<Stage, MdDoc>();
/**
 * The parse of a stage's raw template, shared by every untouched document of that stage. It comes from
 * src/generated/template-shapes.json when that was made from this very template (no markdown parse on
 * the common path; the file stores the template, and a string comparison is native where a hash of the
 * text cost start-up time), and from the parser otherwise (a template edited in a development tree).
 */
export function templateShape(stage: Stage): MdDoc {
  let doc = shapes.get(stage);
  if (!doc) {
    const template = STAGE_TEMPLATES[stage];
    const stored = storedFor(stage);
    doc = (stored ? reshape(skeleton(stage), template) : undefined) ?? parseMarkdown(template);
    shapes.set(stage, doc);
  }
  return doc;
}

/**
 * Runs every enabled rule over one session. Pure: no I/O, and no clock unless one is passed in, in which
 * case each rule's time (ms) is returned, for reports that show durations (JUnit).
 */
export function validateSession(
  input: SessionInput,
  rules: Rule[],
  config: RuleConfig,
  clock?: () => number,
): { report: ValidationReport; fixes: Fix["writeArtifact"][]; timings?: Record<string, number> } {
  const timings: Record<string, number> | undefined = clock ? {} : undefined;
  const findings: Finding[] = [];
  const fixes: Fix[] = [];
  const artifacts = {} as Record<Stage, ParsedArtifact>;
  /** Untouched documents whose placeholder values are plain: their findings may be reused. */
  const plain = new Set<Stage>();
  for (const a of input.artifacts) {
    const kind = a.text === undefined ? false : untouchedKind(STAGE_TEMPLATES[a.stage], a.text);
    const untouched = kind !== false;
    if (kind === "plain") plain.add(a.stage);
    const doc =
      a.text === undefined
        ? undefined
        : ((untouched ? reshape(untouchedBase(a.stage), a.text) : undefined) ?? parseMarkdown(a.text));
    artifacts[a.stage] = { ...a, doc, untouched };
    for (const p of doc?.problems ?? []) findings.push(parseFinding(a, p));
  }
  for (const rule of rules) {
    let recording: Finding[] | undefined;
    const setting = config[rule.id];
    if (!setting || setting.level === "off") continue;
    const severity = setting.level === "error" ? "error" : "warning";
    const started = clock?.();
    const ctx: RuleContext = {
      options: setting.options ?? rule.defaultOptions,
      session: input,
      artifacts,
      report(r) {
        const doc = r.stage ? artifacts[r.stage]?.doc : undefined;
        if (isSuppressed(doc, r.line, rule.id)) return;
        const template = rule.meta.messages[r.messageId];
        if (template === undefined) throw new Error(`rule ${rule.id} has no message ${r.messageId}`);
        const finding: Finding = {
          rule_id: rule.id,
          severity,
          message_id: r.messageId,
          message: fill(template, r.data),
          file: r.file ?? (r.stage ? artifacts[r.stage]?.file : input.dir) ?? input.dir,
          line: r.line ?? null,
          column: r.column ?? null,
          stage: r.stage ?? null,
          article: rule.meta.article,
          fixable: r.fix !== undefined,
        };
        findings.push(finding);
        recording?.push(finding);
        if (r.fix) fixes.push(r.fix);
      },
    };
    const visitors = rule.create(ctx);
    const optionsKey = rule.meta.documentOnly ? JSON.stringify(ctx.options ?? null) : "";
    if (visitors.artifact) {
      const stages = rule.meta.stages.length ? rule.meta.stages : STAGES;
      for (const stage of stages) {
        const a = artifacts[stage];
        if (!a?.doc?.parsed) continue;
        // Replay what this rule found on the same untouched template in an earlier session: for a
        // workspace of fresh sessions, this is most of `validate --all` (docs/benchmarks.md).
        const memoKey =
          rule.meta.documentOnly && plain.has(stage) ? `${stage}\0${severity}\0${optionsKey}` : undefined;
        let memos = untouchedFindings.get(rule);
        if (!memos) {
          memos = new Map();
          untouchedFindings.set(rule, memos);
        }
        const memo = memoKey ? memos.get(memoKey) : undefined;
        if (memo) {
          for (const f of memo) findings.push({ ...f, file: a.file });
          continue;
        }
        recording = memoKey ? [] : undefined;
        // The first such document of the process: what the rule reports on the untouched template was
        // recorded at build time (scripts/template-shapes.ts); replayed through report(), as the rule
        // would report it, when the rule runs with the options it was recorded with.
        const stored = memoKey ? storedFor(stage)?.findings[rule.id] : undefined;
        if (stored && stored.options === optionsKey) for (const r of stored.reports) ctx.report(r);
        else visitors.artifact(a);
        if (memoKey && recording) memos.set(memoKey, recording);
        recording = undefined;
      }
    }
    visitors.session?.();
    if (timings && started !== undefined) timings[rule.id] = clock!() - started;
  }
  // By file, then line, then column; files ranked once so most comparisons are numeric.
  const rank = new Map([...new Set(findings.map((f) => f.file))].sort().map((f, i) => [f, i]));
  findings.sort(
    (a, b) =>
      rank.get(a.file)! - rank.get(b.file)! ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
  const errors = findings.filter((f) => f.severity === "error").length;
  const report = {
    project: input.project,
    session: input.session,
    findings,
    errors,
    warnings: findings.length - errors,
    passed: errors === 0,
  };
  return { report, fixes: fixes.map((f) => f.writeArtifact), ...(timings ? { timings } : {}) };
}

function parseFinding(a: ArtifactInput, p: ParseProblem): Finding {
  return {
    rule_id: PARSE_RULE,
    severity: p.severity,
    message_id: p.id,
    message: p.message,
    file: a.file,
    line: p.line,
    column: null,
    stage: a.stage,
    article: "X",
    fixable: false,
  };
}
