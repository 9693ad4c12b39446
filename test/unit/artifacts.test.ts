import { expect, test } from "bun:test";
import { parse } from "yaml";
import { renderStage } from "../../src/artifacts.ts";
import { STAGES } from "../../src/store/layout.ts";
import { parseMarkdown } from "../../src/validation/markdown.ts";
import { occurrences } from "../../src/validation/rules/util.ts";

/** Lines holding the marker outside code, as the validation engine sees them (idse/no-requires-input). */
const markerLines = (text: string) =>
  [...occurrences(parseMarkdown(text), /\[REQUIRES INPUT\]/)].map((o) => o.line);

test("every stage template renders with its placeholders filled and needs input", () => {
  for (const stage of STAGES) {
    const text = renderStage(stage, {
      project: "shop",
      session: "auth",
      stack: "go",
      date: "2026-01-01",
      owner: "ana",
    });
    expect(text).not.toMatch(/\{\{\w+\}\}/);
    expect(text).toContain("shop");
    expect(markerLines(text).length).toBeGreaterThan(0);
  }
});

test("the spec template carries a parseable Agent Profile yaml block", () => {
  for (const session of ["auth", "__blueprint__"]) {
    const spec = renderStage("spec", {
      project: "shop",
      session,
      stack: "go",
      date: "2026-01-01",
      owner: "ana",
    });
    const block = /## Agent Profile[\s\S]*?```yaml\n([\s\S]*?)```/.exec(spec)?.[1];
    expect(block).toBeDefined();
    expect(parse(block!).id).toBe(`${session}-agent`);
  }
});
