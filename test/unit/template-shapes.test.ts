import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { templateShapesText } from "../../scripts/template-shapes.ts";
import { templateTextsText } from "../../scripts/template-texts.ts";
import { STAGES } from "../../src/store/layout.ts";
import { AGENT_INSTRUCTIONS, GOVERNANCE_DOCS, render, STAGE_TEMPLATES } from "../../src/templates.ts";
import { templateShape } from "../../src/validation/engine.ts";
import {
  loadMarkdownIt,
  parseMarkdown,
  reshape,
  skeletonOf,
  toShapeJson,
} from "../../src/validation/markdown.ts";
import { REPO } from "../helpers.ts";

// markdown-it loads on first need (src/on-demand.ts); this test parses directly, so it loads it first.
await loadMarkdownIt();

const vars = { project: "shop", session: "auth", stack: "go", date: "2026-01-01", owner: "ana" };

test("the stored template shapes are current", () => {
  expect(readFileSync(join(REPO, "src/generated/template-shapes.json"), "utf8")).toBe(templateShapesText());
});

test("the embedded template texts are current, and are templates/ itself", () => {
  expect(readFileSync(join(REPO, "src/generated/templates.json"), "utf8")).toBe(templateTextsText());
  const file = (path: string) => readFileSync(join(REPO, "templates", path), "utf8");
  for (const stage of STAGES) expect(STAGE_TEMPLATES[stage]).toBe(file(`stages/${stage}.md`));
  for (const name of ["IDSE_CONSTITUTION.md", "IDSE_PIPELINE.md"])
    expect(GOVERNANCE_DOCS[name]).toBe(file(`governance/${name}`));
  expect(AGENT_INSTRUCTIONS).toBe(file("agents/instructions.md"));
});

test("a shape replayed onto a rendered template equals a real parse of it", () => {
  for (const stage of STAGES) {
    const text = render(STAGE_TEMPLATES[stage], vars);
    const parsed = parseMarkdown(text);
    const fromStored = reshape(templateShape(stage), text)!;
    const fromJson = reshape(skeletonOf(toShapeJson(parseMarkdown(STAGE_TEMPLATES[stage]))), text)!;
    for (const doc of [fromStored, fromJson]) {
      expect(doc.headings).toEqual(parsed.headings);
      expect(doc.fences).toEqual(parsed.fences);
      expect(doc.listItems).toEqual(parsed.listItems);
      expect([...doc.nonProse]).toEqual([...parsed.nonProse]);
      expect([...doc.html]).toEqual([...parsed.html]);
      expect(doc.lines).toEqual(parsed.lines);
    }
  }
});

test("a text that does not fit the shape is refused", () => {
  expect(reshape(templateShape("spec"), "# Spec\n")).toBeUndefined();
  expect(reshape(templateShape("spec"), `${render(STAGE_TEMPLATES.spec, vars)}\r\n`)).toBeUndefined();
});

test("reshape recomputes exactly the headings, items and fences whose lines changed, and reuses the rest", () => {
  const before = [
    "# Title one",
    "",
    "- item a",
    "- [ ] task b",
    "",
    "## Section ##",
    "",
    "```yaml",
    "key: value",
    "```",
    "",
    "```",
    "kept: 1",
    "```",
    "",
  ].join("\n");
  const after = before
    .replace("# Title one", "# Title two")
    .replace("- [ ] task b", "- [ ] task c")
    .replace("key: value", "key: other");
  const shape = parseMarkdown(before);
  const reshaped = reshape(shape, after)!;
  const parsed = parseMarkdown(after);
  expect(reshaped.headings).toEqual(parsed.headings);
  expect(reshaped.listItems).toEqual(parsed.listItems);
  expect(reshaped.fences).toEqual(parsed.fences);
  // The unchanged lines' entries are the shape's own; the changed ones are new.
  expect(reshaped.headings[1]).toBe(shape.headings[1]!);
  expect(reshaped.headings[0]).not.toBe(shape.headings[0]!);
  expect(reshaped.listItems[0]).toBe(shape.listItems[0]!);
  expect(reshaped.fences[1]).toBe(shape.fences[1]!);
  expect(reshaped.fences[0]).not.toBe(shape.fences[0]!);
});
