import TEXTS from "./generated/templates.json" with { type: "json" };
import type { Stage } from "./models/common.ts";

// Templates are embedded into the binary, so idse needs no files beside it. Their source is templates/;
// src/generated/templates.json holds their text (scripts/template-texts.ts says why a JSON module rather
// than text imports: about 1 ms of start-up), and `npm run gen:schemas` rewrites it.

export const STAGE_TEMPLATES: Record<Stage, string> = {
  intent: TEXTS["stages/intent.md"],
  context: TEXTS["stages/context.md"],
  spec: TEXTS["stages/spec.md"],
  plan: TEXTS["stages/plan.md"],
  tasks: TEXTS["stages/tasks.md"],
  implementation: TEXTS["stages/implementation.md"],
  feedback: TEXTS["stages/feedback.md"],
};

export const GOVERNANCE_DOCS: Record<string, string> = {
  "IDSE_CONSTITUTION.md": TEXTS["governance/IDSE_CONSTITUTION.md"],
  "IDSE_PIPELINE.md": TEXTS["governance/IDSE_PIPELINE.md"],
};

/** The body of every IDE agent's instruction file (see src/routing/instructions.ts). */
export const AGENT_INSTRUCTIONS: string = TEXTS["agents/instructions.md"];

export interface TemplateVars {
  project: string;
  session?: string;
  stack?: string;
  date?: string;
  owner?: string;
}

/** Replaces `{{name}}` placeholders; unknown names are left as they are. */
export function render(template: string, vars: TemplateVars): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = (vars as unknown as Record<string, string | undefined>)[name];
    return value === undefined ? whole : value;
  });
}

/** A template's literal text around its `{{name}}` placeholders, cut once per template. */
const pieces = new Map<string, string[]>();

/**
 * Whether `text` is the template rendered with some values: the document was created and never edited.
 * Matched against the template's literal pieces rather than a re-render, because the values used at
 * creation (owner, stack, date) may have changed since. "plain" when every value is letters, digits,
 * spaces and `._@+:-`: then no value can hold markdown or a marker, and validation may reuse one set of
 * findings for all such documents of a stage; "any" for other single-line values; false when the text was
 * edited.
 */
export function untouchedKind(template: string, text: string): "plain" | "any" | false {
  let parts = pieces.get(template);
  if (!parts) {
    parts = template.split(/\{\{\w+\}\}/);
    pieces.set(template, parts);
  }
  const t = text.includes("\r") ? text.replace(/\r\n/g, "\n") : text;
  if (!fills(parts, t, false)) return false;
  return fills(parts, t, true) ? "plain" : "any";
}

/** `[\w .@+:-]`: a value that cannot hold markdown or a marker. */
const isPlain = (c: number) =>
  (c >= 97 && c <= 122) || // a-z
  (c >= 65 && c <= 90) || // A-Z
  (c >= 48 && c <= 58) || // 0-9 and ':'
  c === 95 || // _
  c === 32 || // space
  c === 46 || // .
  c === 64 || // @
  c === 43 || // +
  c === 45; // -

/**
 * Whether `text` is `parts` joined by single-line values (plain ones when `plain`): what the regex
 * `^p0[^\n]*?p1…$` (or `^p0[\w .@+:-]*?p1…$`) answers. Written by hand for `validate`'s start-up: JavaScriptCore compiled the seven
 * templates' regexes in about 5 ms, more than the rest of validating a session (docs/benchmarks.md,
 * "Start-up"). Every value end is tried, as the regex's backtracking would; `failed` remembers each
 * (placeholder, position) already refuted, so the work is polynomial where the regex's could be
 * exponential: linear for the stage templates, which follow every value with a newline.
 * test/unit/templates.test.ts pits it against the regex.
 */
export function fills(parts: readonly string[], text: string, plain: boolean): boolean {
  if (!text.startsWith(parts[0]!)) return false;
  if (parts.length === 1) return text.length === parts[0]!.length;
  let failed: Set<number> | undefined;
  const from = (i: number, pos: number): boolean => {
    // A value starts at `pos`, runs at most to the first character it cannot hold, and parts[i] follows.
    const key = i * (text.length + 1) + pos;
    if (failed?.has(key)) return false;
    let limit = text.indexOf("\n", pos);
    if (limit === -1) limit = text.length;
    if (plain) {
      let c = pos;
      while (c < limit && isPlain(text.charCodeAt(c))) c++;
      limit = c;
    }
    const part = parts[i]!;
    if (i === parts.length - 1) {
      const end = text.length - part.length;
      return end >= pos && end <= limit && text.startsWith(part, end);
    }
    let end = text.indexOf(part, pos);
    while (end !== -1 && end <= limit) {
      if (from(i + 1, end + part.length)) return true;
      // Past the end, indexOf("") answers the end again: stop at the limit rather than loop on it.
      end = end === limit ? -1 : text.indexOf(part, end + 1);
    }
    failed ??= new Set();
    failed.add(key);
    return false;
  };
  return from(1, parts[0]!.length);
}

/** True when `text` is the template rendered with any single-line values (see untouchedKind). */
export function isUntouched(template: string, text: string): boolean {
  return untouchedKind(template, text) !== false;
}
