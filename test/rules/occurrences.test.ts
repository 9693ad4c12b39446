import { expect, test } from "bun:test";
import { loadMarkdownIt, parseMarkdown } from "../../src/validation/markdown.ts";
import { MARKER, occurrences } from "../../src/validation/rules/util.ts";
import { seeded } from "../seeded.ts";

// occurrences' `needle` skips the lines that do not hold it (one indexOf over the text); the answer must
// be exactly the one a look at every line gives. Random documents built from the pieces that matter
// (the three patterns the rules search for, code spans and fences around them, CRLF and a BOM) are
// searched both ways.
await loadMarkdownIt();

const SEARCHES: [RegExp, string][] = [
  [/\[REQUIRES INPUT\]/, MARKER],
  [/\b(?:FR|NFR)-\d+\b/, "FR-"],
  [/\{\{\s*[\w.-]+\s*\}\}/, "{{"],
];
const PIECES = [
  "text",
  " ",
  "FR-1",
  "NFR-22",
  "xFR-3",
  "FR-",
  "-FR-4-",
  MARKER,
  "[REQUIRES",
  " INPUT]",
  "{{ name }}",
  "{{",
  "}}",
  "{{a.b-c}}",
  "`",
  "``",
  "`FR-5`",
  "`{{x}}`",
  "- ",
  "# ",
  "> ",
];

function document(next: () => number): string {
  const lines: string[] = [];
  const count = 1 + Math.floor(next() * 12);
  for (let i = 0; i < count; i++) {
    if (next() < 0.08) lines.push(next() < 0.5 ? "```" : "~~~");
    let line = "";
    const parts = Math.floor(next() * 6);
    for (let p = 0; p < parts; p++) line += PIECES[Math.floor(next() * PIECES.length)];
    lines.push(line);
  }
  let text = lines.join(next() < 0.15 ? "\r\n" : "\n");
  if (next() < 0.1) text = `\uFEFF${text}`;
  return next() < 0.5 ? `${text}\n` : text;
}

test("with a needle, occurrences finds exactly what a look at every line finds", () => {
  let found = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const doc = parseMarkdown(document(seeded(seed)));
    if (!doc.parsed) continue;
    for (const [pattern, needle] of SEARCHES) {
      const everyLine = [...occurrences(doc, pattern)];
      found += everyLine.length;
      expect({ seed, pattern: pattern.source, hits: [...occurrences(doc, pattern, needle)] }).toEqual({
        seed,
        pattern: pattern.source,
        hits: everyLine,
      });
    }
  }
  // The documents do hold matches, in and out of code spans: the comparison is not of empty lists.
  expect(found).toBeGreaterThan(3000);
});
