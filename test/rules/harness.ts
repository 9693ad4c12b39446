import { describe, expect, test } from "bun:test";
import { loadProfileParser } from "../../src/compiler/check.ts";
import type { StageStatus } from "../../src/models/common.ts";
import type { SESSION_STATUSES, SessionMetadata } from "../../src/models/session-metadata.ts";
import type { Finding, RuleLevel, ValidationReport } from "../../src/models/validation.ts";
import { STAGE_PATHS, STAGES, type Stage } from "../../src/store/layout.ts";
import { render, STAGE_TEMPLATES } from "../../src/templates.ts";
import { type Fix, type Rule, type SessionInput, validateSession } from "../../src/validation/engine.ts";
import { loadMarkdownIt } from "../../src/validation/markdown.ts";
import { loadProfileReader } from "../../src/validation/rules/agent-profile-yaml.ts";

// The engine's markdown-it, the rule's profile reader and its yaml side load on first need
// (src/on-demand.ts), which validateSessions does; these tests call the engine directly, so they load
// all three first. Each test file must: in-process files share one module registry, so a file that
// forgot would pass or fail by which ran before it.
await Promise.all([loadMarkdownIt(), loadProfileReader(), loadProfileParser()]);

// Test harness for the validation rules: builds a SessionInput from a partial description and runs the
// engine with only the rule under test enabled. Defaults describe a healthy session: every stage a
// *filled* document (the rendered template with its markers and guidance sentences replaced by real
// text), every stage completed, the session in progress, the canonical file list, no gate.

export const PROJECT = "demo";
export const SESSION = "s1";
export const DIR = `.idse/projects/${PROJECT}/sessions/${SESSION}`;
export const VARS = {
  project: PROJECT,
  session: SESSION,
  stack: "typescript",
  date: "2026-01-02",
  owner: "alice",
};

export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Display path of a stage document, as the engine reports it. */
export function fileOf(stage: Stage): string {
  return `${DIR}/${STAGE_PATHS[stage]}`;
}

/** Each stage template rendered for the demo session: a created, never edited document. */
export const UNTOUCHED = Object.fromEntries(
  STAGES.map((s) => [s, render(STAGE_TEMPLATES[s], VARS)]),
) as Record<Stage, string>;

const MARKER = "[REQUIRES INPUT]";
/** A guidance sentence of our templates: a whole line in emphasis. Detected here, not with the rule's helper. */
const GUIDANCE = /^_[^_].*_$/;

/** A template rendered and filled in: marker lines and guidance sentences replaced by real sentences. */
export function fillDocument(stage: Stage, rendered = UNTOUCHED[stage]): string {
  let inFence = false;
  let text = rendered
    .split("\n")
    .map((line) => {
      if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
      const t = line.trim();
      if (!inFence && GUIDANCE.test(t)) return "The team wrote this paragraph for the session.";
      if (!inFence && t === MARKER) return "This part is written out in full.";
      return line.split(MARKER).join("Handle the request");
    })
    .join("\n");
  if (stage === "implementation") {
    text = text.replace(
      "## Component Impact Report\n",
      "## Component Impact Report\n\n- **Parser**: added in src/parser.ts for FR-1\n",
    );
  }
  if (stage === "tasks") text = text.replace("(FR-1, FR-2)", "(FR-1, FR-2, NFR-1)");
  return text;
}

export const FILLED = Object.fromEntries(STAGES.map((s) => [s, fillDocument(s)])) as Record<Stage, string>;

export const CANONICAL_FILES = [
  ...STAGES.map((s) => STAGE_PATHS[s]),
  "metadata/session.json",
  "metadata/.owner",
  "metadata/stage_state.json",
];

export interface Setup {
  /** Per-stage text; `null` means the document does not exist. Unlisted stages get FILLED. */
  texts?: Partial<Record<Stage, string | null>>;
  /** Per-stage status; unlisted stages get `defaultStage` (default "completed"). */
  stages?: Partial<Record<Stage, StageStatus>>;
  defaultStage?: StageStatus;
  status?: SessionStatus;
  /** Session folder entries; default: the canonical documents and metadata files. */
  files?: string[];
  gate?: boolean;
}

export function sessionInput(setup: Setup = {}): SessionInput {
  const meta: SessionMetadata = {
    session_id: SESSION,
    name: SESSION,
    session_type: "feature",
    description: null,
    is_blueprint: false,
    parent_session: null,
    related_sessions: [],
    owner: VARS.owner,
    collaborators: [],
    tags: [],
    status: setup.status ?? "in_progress",
    created_at: "2026-01-02T10:00:00Z",
    updated_at: "2026-01-02T10:00:00Z",
  };
  const stages = Object.fromEntries(
    STAGES.map((s) => [s, setup.stages?.[s] ?? setup.defaultStage ?? "completed"]),
  ) as Record<Stage, StageStatus>;
  return {
    project: PROJECT,
    session: SESSION,
    meta,
    stages,
    artifacts: STAGES.map((stage) => {
      const given = setup.texts?.[stage];
      const text = given === null ? undefined : (given ?? FILLED[stage]);
      return { stage, file: fileOf(stage), text };
    }),
    files: setup.files ?? [...CANONICAL_FILES],
    dir: DIR,
    templateFor: (stage: Stage) => UNTOUCHED[stage],
    gate: setup.gate,
  };
}

export interface RunResult {
  /** Findings of the rule under test only. */
  findings: Finding[];
  fixes: Fix["writeArtifact"][];
  report: ValidationReport;
}

/** Runs the engine with only `rule` enabled (level "error" unless told) and returns its findings. */
export function runRule(rule: Rule, setup: Setup = {}, level: RuleLevel = "error"): RunResult {
  const { report, fixes } = validateSession(sessionInput(setup), [rule], { [rule.id]: { level } });
  return { findings: report.findings.filter((f) => f.rule_id === rule.id), fixes, report };
}

// ---------------------------------------------------------------------------------------------------
// Text helpers

/** 1-based line of the first line containing `needle` (throws when absent, so tables stay honest). */
export function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split(/\r?\n/);
  for (let i = from - 1; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  throw new Error(`lineOf: ${JSON.stringify(needle)} not found`);
}

/** Removes a `## title` section (heading and body up to the next `#`/`##` heading). */
export function withoutSection(text: string, title: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
  if (start < 0) throw new Error(`withoutSection: no section ${title}`);
  let end = lines.findIndex((l, i) => i > start && /^#{1,2}\s/.test(l));
  if (end < 0) end = lines.length;
  return [...lines.slice(0, start), ...lines.slice(end)].join("\n");
}

/** Replaces the body of a `## title` section (keeps the heading). */
export function withSectionBody(text: string, title: string, body: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
  if (start < 0) throw new Error(`withSectionBody: no section ${title}`);
  let end = lines.findIndex((l, i) => i > start && /^#{1,2}\s/.test(l));
  if (end < 0) end = lines.length;
  return [...lines.slice(0, start + 1), "", ...body.split("\n"), "", ...lines.slice(end)].join("\n");
}

/** Appends lines at the end of a document (after a blank line). */
export function appended(text: string, extra: string): string {
  return `${text.replace(/\n*$/, "")}\n\n${extra}\n`;
}

// ---------------------------------------------------------------------------------------------------
// ESLint-style table runner

export interface Expected {
  messageId: string;
  line?: number | null;
  column?: number | null;
  stage?: Stage | null;
  file?: string;
  message?: string;
  fixable?: boolean;
}

export interface ValidCase {
  name: string;
  setup: Setup;
}

export interface InvalidCase extends ValidCase {
  /** Exactly these findings, in report order (file, line, column). Only the given keys are compared. */
  errors: Expected[];
}

function project(f: Finding, e: Expected): Record<string, unknown> {
  const out: Record<string, unknown> = { messageId: f.message_id };
  if ("line" in e) out.line = f.line;
  if ("column" in e) out.column = f.column;
  if ("stage" in e) out.stage = f.stage;
  if ("file" in e) out.file = f.file;
  if ("message" in e) out.message = f.message;
  if ("fixable" in e) out.fixable = f.fixable;
  return out;
}

/** Asserts the invariants every finding of a rule keeps, whatever the case. */
function checkShape(rule: Rule, f: Finding, level: RuleLevel): void {
  expect(f.severity).toBe(level === "error" ? "error" : "warning");
  expect(f.article).toBe(rule.meta.article);
  expect(Object.keys(rule.meta.messages)).toContain(f.message_id);
  if (f.line !== null) expect(f.line).toBeGreaterThanOrEqual(1);
  if (f.column !== null) expect(f.column).toBeGreaterThanOrEqual(1);
  // Every {{name}} of the message template was filled in.
  const template = rule.meta.messages[f.message_id]!;
  for (const [, name] of template.matchAll(/\{\{(\w+)\}\}/g)) expect(f.message).not.toContain(`{{${name}}}`);
}

export function ruleTester(rule: Rule, tables: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.id, () => {
    describe("valid", () => {
      for (const c of tables.valid) {
        test(c.name, () => {
          const { findings } = runRule(rule, c.setup);
          expect(findings.map((f) => `${f.message_id} ${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual(
            [],
          );
        });
      }
    });
    describe("invalid", () => {
      for (const c of tables.invalid) {
        test(c.name, () => {
          const { findings } = runRule(rule, c.setup);
          for (const f of findings) checkShape(rule, f, "error");
          const actual = findings.map((f, i) => project(f, c.errors[i] ?? { messageId: "" }));
          expect(actual).toEqual(c.errors.map((e) => ({ ...e })));
        });
      }
    });
    test("the invalid table covers every message of the rule", () => {
      const covered = new Set(tables.invalid.flatMap((c) => c.errors.map((e) => e.messageId)));
      expect([...covered].sort()).toEqual(Object.keys(rule.meta.messages).sort());
    });
    test("severity follows the configured level (warn)", () => {
      const first = tables.invalid[0];
      if (!first) return;
      const { findings } = runRule(rule, first.setup, "warn");
      expect(findings.length).toBe(first.errors.length);
      for (const f of findings) checkShape(rule, f, "warn");
    });
  });
}
