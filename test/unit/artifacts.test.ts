import { expect, test } from "bun:test";
import { parse } from "yaml";
import { renderStage, requiresInputLines } from "../../src/artifacts.ts";
import { STAGES } from "../../src/layout.ts";

test("finds [REQUIRES INPUT] outside code only", () => {
  const md = [
    "# T",
    "[REQUIRES INPUT]",
    "```",
    "[REQUIRES INPUT]",
    "```",
    "use `[REQUIRES INPUT]` inline",
    "x [REQUIRES INPUT] y",
  ].join("\n");
  expect(requiresInputLines(md)).toEqual([2, 7]);
  expect(requiresInputLines("~~~~\n[REQUIRES INPUT]\n~~~\nstill code\n~~~~\n[REQUIRES INPUT]")).toEqual([6]);
});

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
    expect(requiresInputLines(text).length).toBeGreaterThan(0);
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
