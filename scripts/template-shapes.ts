// The block structure of each stage template, precomputed (src/generated/template-shapes.json) so that
// validating untouched documents needs no markdown parse at all: the seven cold parses were a quarter
// of `idse validate` on one session (docs/benchmarks.md). gen-schemas.ts writes and checks the file.
import { STAGES } from "../src/store/layout.ts";
import { loadMarkdownIt, parseMarkdown, toShapeJson } from "../src/validation/markdown.ts";
import { readTemplateTexts } from "./template-texts.ts";

// markdown-it loads on first need (src/on-demand.ts): this module parses synchronously, so it loads it now.
await loadMarkdownIt();

export function templateShapesText(): string {
  const out: Record<string, unknown> = {};
  // From templates/ itself: src/templates.ts serves the generated texts, which may be the stale ones.
  const texts = readTemplateTexts();
  for (const stage of STAGES) {
    const template = texts[`stages/${stage}.md`];
    // The template itself, not a hash of it: the binary compares the two strings (native, where a hash
    // computed at start-up cost about as much as the shapes save).
    out[stage] = { template, shape: toShapeJson(parseMarkdown(template)) };
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}
