import { expect, test } from "bun:test";
import { MARK_PATTERNS, mayMark } from "../../src/compiler/locate.ts";
import { seeded } from "../seeded.ts";

// The profile locator's scan skips a line before its three patterns when mayMark says it cannot match
// them. Random lines built from what the patterns look at (indentation of spaces and tabs, fence runs,
// hashes, setext runs, text) must never match a pattern mayMark rejected.

const PIECES = [
  " ",
  "  ",
  "   ",
  "    ",
  "\t",
  "`",
  "```",
  "~~~",
  "~",
  "#",
  "##",
  "=",
  "==",
  "-",
  "--",
  "x",
  "Title",
  "yaml",
  "*",
  ">",
];

test("a line mayMark rejects matches none of the fence, ATX and setext patterns", () => {
  const matched = { FENCE: 0, ATX: 0, SETEXT: 0 };
  let rejected = 0;
  for (let seed = 1; seed <= 20000; seed++) {
    const next = seeded(seed);
    let line = "";
    const parts = Math.floor(next() * 5);
    for (let p = 0; p < parts; p++) line += PIECES[Math.floor(next() * PIECES.length)];
    const may = mayMark(line);
    if (!may) rejected++;
    for (const [name, re] of Object.entries(MARK_PATTERNS)) {
      if (!re.test(line)) continue;
      matched[name as keyof typeof matched]++;
      expect({ seed, line, pattern: name, may }).toEqual({ seed, line, pattern: name, may: true });
    }
  }
  // Every pattern matches often, and mayMark rejects often: neither side of the check is empty.
  for (const n of Object.values(matched)) expect(n).toBeGreaterThan(500);
  expect(rejected).toBeGreaterThan(5000);
});
