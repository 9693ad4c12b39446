// The text of every template idse embeds (templates/), as one generated JSON module
// (src/generated/templates.json) that src/templates.ts imports. A JSON import is compiled into the
// binary as a literal of its chunk; a `with { type: "text" }` import of each .md file was an embedded file
// of its own, loaded through a module of its own at start: about 1 ms of every command that touches a
// template (docs/benchmarks.md). gen-schemas.ts writes and checks the file; templates/ stays the source.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dir, "..", "templates");

/** The embedded templates, by path under templates/. */
const TEMPLATE_FILES = [
  "agents/instructions.md",
  "governance/IDSE_CONSTITUTION.md",
  "governance/IDSE_PIPELINE.md",
  "stages/intent.md",
  "stages/context.md",
  "stages/spec.md",
  "stages/plan.md",
  "stages/tasks.md",
  "stages/implementation.md",
  "stages/feedback.md",
] as const;

/** Each template's text, read from templates/ (never from the generated file, which may be stale). */
export function readTemplateTexts(): Record<(typeof TEMPLATE_FILES)[number], string> {
  return Object.fromEntries(TEMPLATE_FILES.map((f) => [f, readFileSync(join(DIR, f), "utf8")])) as Record<
    (typeof TEMPLATE_FILES)[number],
    string
  >;
}

export function templateTextsText(): string {
  return `${JSON.stringify(readTemplateTexts(), null, 2)}\n`;
}
