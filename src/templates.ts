import agentInstructions from "../templates/agents/instructions.md" with { type: "text" };
import constitution from "../templates/governance/IDSE_CONSTITUTION.md" with { type: "text" };
import pipeline from "../templates/governance/IDSE_PIPELINE.md" with { type: "text" };
import context from "../templates/stages/context.md" with { type: "text" };
import feedback from "../templates/stages/feedback.md" with { type: "text" };
import implementation from "../templates/stages/implementation.md" with { type: "text" };
import intent from "../templates/stages/intent.md" with { type: "text" };
import plan from "../templates/stages/plan.md" with { type: "text" };
import spec from "../templates/stages/spec.md" with { type: "text" };
import tasks from "../templates/stages/tasks.md" with { type: "text" };
import type { Stage } from "./models/common.ts";

// Templates are embedded into the binary as text, so idse needs no files beside it.

export const STAGE_TEMPLATES: Record<Stage, string> = {
  intent,
  context,
  spec,
  plan,
  tasks,
  implementation,
  feedback,
};

export const GOVERNANCE_DOCS: Record<string, string> = {
  "IDSE_CONSTITUTION.md": constitution,
  "IDSE_PIPELINE.md": pipeline,
};

/** The body of every IDE agent's instruction file (see src/routing/instructions.ts). */
export const AGENT_INSTRUCTIONS: string = agentInstructions;

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

const shapes = new Map<string, { any: RegExp; plain: RegExp }>();

/**
 * Whether `text` is the template rendered with some values: the document was created and never edited.
 * A regex from the template rather than a re-render, because the values used at creation (owner, stack,
 * date) may have changed since. "plain" when every value is letters, digits, spaces and `._@+:-`: then
 * no value can hold markdown or a marker, and validation may reuse one set of findings for all such
 * documents of a stage; "any" for other single-line values; false when the text was edited.
 */
export function untouchedKind(template: string, text: string): "plain" | "any" | false {
  let re = shapes.get(template);
  if (!re) {
    const parts = template.split(/\{\{\w+\}\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    re = {
      any: new RegExp(`^${parts.join("[^\\n]*?")}$`),
      plain: new RegExp(`^${parts.join("[\\w .@+:-]*?")}$`),
    };
    shapes.set(template, re);
  }
  const t = text.includes("\r") ? text.replace(/\r\n/g, "\n") : text;
  if (!re.any.test(t)) return false;
  return re.plain.test(t) ? "plain" : "any";
}

/** True when `text` is the template rendered with any single-line values (see untouchedKind). */
export function isUntouched(template: string, text: string): boolean {
  return untouchedKind(template, text) !== false;
}

/**
 * A cheap fingerprint (FNV-1a, 32 bit) of a template, to tell whether precomputed data about it is
 * current. Not a security hash: it only guards against a stale generated file in a development tree.
 */
export function templateFingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${text.length}:${h.toString(16)}`;
}
