import { expect, test } from "bun:test";
import { loadMarkdownIt, parseMarkdown } from "../../src/validation/markdown.ts";
import { isContentLine, MARKER, scaffoldSentences } from "../../src/validation/rules/util.ts";
import { seeded } from "../seeded.ts";

// isContentLine answers "says something" from a lowercase letter before it strips the marker, ids and
// punctuation, and template-compliance skips lines by their first character before trimming them. Both
// shortcuts must give exactly what the whole test gives: random lines built from the pieces that decide
// it (list and task markup, ids, the marker, punctuation, a guidance sentence, leading whitespace of
// every kind trim() takes off) are judged both ways.
await loadMarkdownIt();

const GUIDANCE = [...scaffoldSentences("spec")][0]!;
const PIECES = [
  "- ",
  "* ",
  "1. ",
  "2) ",
  "[ ] ",
  "[x] ",
  "[X] ",
  "x",
  "X",
  "FR-1",
  "T-12",
  "NFR-3",
  MARKER,
  ": ",
  ", ",
  "(",
  ")",
  "`",
  "_",
  "*",
  "word",
  "Word",
  "é",
  " ",
  "\t",
  "\u00a0",
  "\u2003",
  "\v",
  GUIDANCE,
];

const SPACES = ["", " ", "  ", "\t", "\u00a0", "\u2003", "\v", "\ufeff"];

/** isContentLine as it was before its shortcut, for a line outside code and HTML. */
function wholeTest(src: string, scaffold: Set<string>): boolean {
  const t = src.trim();
  if (t === "" || scaffold.has(t) || /^#{1,6}(\s|$)/.test(t)) return false;
  const rest = t
    .replace(/^(?:[-+*]|\d+[.)])\s+(?:\[[ xX]\]\s*)?/, "")
    .replaceAll(MARKER, "")
    .replace(/\b[A-Z]{1,4}-\d+\b/g, "")
    .replace(/[\s:.,;()[\]*_`-]+/g, "");
  return rest.length > 0;
}

test("isContentLine and the guidance shortcut agree with the whole test on random lines", () => {
  const scaffold = scaffoldSentences("spec");
  let content = 0;
  let guidance = 0;
  for (let seed = 1; seed <= 5000; seed++) {
    const next = seeded(seed);
    let line = "";
    const parts = Math.floor(next() * 6);
    for (let p = 0; p < parts; p++) line += PIECES[Math.floor(next() * PIECES.length)];
    // Every tenth line a guidance sentence, with whitespace of some kind around it.
    if (seed % 10 === 0)
      line = `${SPACES[seed % SPACES.length]}${GUIDANCE}${SPACES[(seed >> 3) % SPACES.length]}`;
    // One line of prose after a heading, so the line under test is neither code nor HTML.
    const doc = parseMarkdown(`# T\n\n${line}\n`);
    const expected = doc.nonProse.has(3) || doc.html.has(3) ? undefined : wholeTest(line, scaffold);
    if (expected === undefined) continue;
    expect({ seed, line, content: isContentLine(doc, 3, scaffold) }).toEqual({
      seed,
      line,
      content: expected,
    });
    // template-compliance's shortcut: a line it skips untrimmed is never a guidance sentence.
    const c = line.charCodeAt(0);
    if (c > 32 && c < 127 && c !== 95 && c !== 42) expect(scaffold.has(line.trim())).toBe(false);
    if (expected) content++;
    if (scaffold.has(line.trim())) guidance++;
  }
  // Both answers occur, and guidance sentences with leading whitespace are among the lines.
  expect(content).toBeGreaterThan(1000);
  expect(guidance).toBeGreaterThan(300);
});
