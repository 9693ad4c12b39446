import { expect, test } from "bun:test";
import fc from "fast-check";
import { STAGES } from "../../src/store/layout.ts";
import { fills, render, STAGE_TEMPLATES, untouchedKind } from "../../src/templates.ts";

// untouchedKind answers what a regex built from the template answered before it was written by hand
// for start-up time (src/templates.ts, `fills`). The regex is kept here as the oracle.

function oracle(template: string, text: string): "plain" | "any" | false {
  const parts = template.split(/\{\{\w+\}\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const t = text.includes("\r") ? text.replace(/\r\n/g, "\n") : text;
  if (!new RegExp(`^${parts.join("[^\\n]*?")}$`).test(t)) return false;
  return new RegExp(`^${parts.join("[\\w .@+:-]*?")}$`).test(t) ? "plain" : "any";
}

test("every stage template, rendered, edited or not, is judged as the regex judges it", () => {
  const values = ["shop", "Ana Lopez", "ana@example.com", "go+ts", "a:b_c-d.e", "**bold**", "x\ty", ""];
  for (const stage of STAGES) {
    const template = STAGE_TEMPLATES[stage];
    for (const value of values) {
      const vars = { project: value, session: "auth", stack: value, date: "2026-01-01", owner: value };
      const text = render(template, vars);
      const edited = [
        text,
        `${text}\nmore`,
        text.replace(/\n/g, "\r\n"),
        text.slice(0, -1),
        text.replace("#", "##"),
        render(template, { ...vars, owner: "two\nlines" }),
      ];
      for (const t of edited) expect(untouchedKind(template, t)).toBe(oracle(template, t));
    }
    expect(untouchedKind(template, render(template, { project: "shop" }))).not.toBe(false);
  }
});

test("random templates and texts: the hand matcher agrees with the regex", () => {
  // A small alphabet so that literals recur inside values and the matcher must backtrack.
  const piece = fc.stringMatching(/^[ab\n:*]{0,4}$/);
  const template = fc.array(fc.oneof(piece, fc.constant("{{v}}")), { maxLength: 6 }).map((xs) => xs.join(""));
  const value = fc.stringMatching(/^[ab\n:*\r]{0,4}$/);
  fc.assert(
    fc.property(template, fc.array(value, { minLength: 6, maxLength: 6 }), fc.boolean(), (tpl, vals, raw) => {
      let i = 0;
      const rendered = tpl.replace(/\{\{v\}\}/g, () => vals[i++ % vals.length]!);
      const text = raw ? vals.join("") : rendered;
      expect(untouchedKind(tpl, text)).toBe(oracle(tpl, text));
    }),
    { numRuns: 20_000 },
  );
});

test("adjacent placeholders: an empty literal between them ends at the end of the text", () => {
  expect(untouchedKind("{{a}}{{b}}b", "aa")).toBe(false);
  expect(untouchedKind("{{a}}{{b}}", "a b")).toBe("plain");
  expect(untouchedKind("x{{a}}{{b}}", "x**")).toBe("any");
});

test("adversarial backtracking stays bounded: many placeholders over a long line of the same letter", () => {
  const parts = ["", ...Array.from({ length: 30 }, () => "a"), "b"];
  // The regex form of this is exponential; the remembered failures keep the matcher polynomial (parts ×
  // length², since each value may end anywhere on the line; the stage templates follow every value with
  // a newline, so for them it is linear).
  expect(fills(parts, "a".repeat(800), false)).toBe(false);
  expect(fills(parts, `${"a".repeat(800)}b`, false)).toBe(true);
});
