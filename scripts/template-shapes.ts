// The block structure of each stage template, precomputed (src/generated/template-shapes.json) so that
// validating untouched documents needs no markdown parse at all: the seven cold parses were a quarter
// of `idse validate` on one session (docs/benchmarks.md). With it, what each document-only rule reports
// on the untouched template (`findings`): replayed instead of running the rule, since the rules' line
// scans, run once per process in the interpreter, were the larger part of a fresh session's check.
// gen-schemas.ts writes and checks the file; test/unit/template-shapes.test.ts holds both to the code.
import { STAGES } from "../src/store/layout.ts";
import { render, untouchedKind } from "../src/templates.ts";
import type { ParsedArtifact, Report, RuleContext } from "../src/validation/engine.ts";
import { loadMarkdownIt, parseMarkdown, toShapeJson } from "../src/validation/markdown.ts";
import { allRules } from "../src/validation/rules/index.ts";
import { readTemplateTexts } from "./template-texts.ts";

// markdown-it loads on first need (src/on-demand.ts): this module parses synchronously, so it loads it now.
await loadMarkdownIt();

/**
 * Plain values (src/templates.ts, untouchedKind): no value of that kind can hold markdown or a marker, so
 * a document-only rule reports the same on every such rendering, which is why the engine may replay this.
 */
const PLAIN = { project: "p", session: "s", stack: "x", date: "2026-01-01", owner: "o" };

/** What each document-only rule reports on the rendered template, with its default options. */
function templateFindings(stage: (typeof STAGES)[number], template: string) {
  const text = render(template, PLAIN);
  if (untouchedKind(template, text) !== "plain")
    throw new Error(`the ${stage} template renders as not plain`);
  const doc = parseMarkdown(text);
  const artifact: ParsedArtifact = { stage, file: "", text, doc, untouched: true };
  const out: Record<string, { options: string; reports: Report[] }> = {};
  for (const rule of allRules()) {
    if (!rule.meta.documentOnly) continue;
    if (rule.meta.stages.length && !rule.meta.stages.includes(stage)) continue;
    const reports: Report[] = [];
    const ctx: RuleContext = {
      options: rule.defaultOptions,
      // A document-only rule never looks at the session: a rule that does fails here, not in a run.
      session: undefined as never,
      artifacts: { [stage]: artifact } as RuleContext["artifacts"],
      report(r) {
        if (r.fix) throw new Error(`${rule.id} offers a fix on the ${stage} template: not replayable`);
        reports.push(r);
      },
    };
    rule.create(ctx).artifact?.(artifact);
    out[rule.id] = { options: JSON.stringify(rule.defaultOptions ?? null), reports };
  }
  return out;
}

export function templateShapesText(): string {
  const out: Record<string, unknown> = {};
  // From templates/ itself: src/templates.ts serves the generated texts, which may be the stale ones.
  const texts = readTemplateTexts();
  for (const stage of STAGES) {
    const template = texts[`stages/${stage}.md`];
    // The template itself, not a hash of it: the binary compares the two strings (native, where a hash
    // computed at start-up cost about as much as the shapes save).
    out[stage] = {
      template,
      shape: toShapeJson(parseMarkdown(template)),
      findings: templateFindings(stage, template),
    };
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}
