import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { checkProfile, loadProfileParser, readProfile } from "../../src/compiler/check.ts";
import { locateProfile } from "../../src/compiler/locate.ts";
import { isPlainProfile } from "../../src/compiler/plain.ts";
import { fuzzRuns } from "../fuzz/mutate.ts";

// The yaml side loads on first need (src/on-demand.ts); checkProfile is called directly here.
await loadProfileParser();

// plain.ts answers "this block certainly parses" without the yaml library, so `validate` can skip the
// parse; a wrong yes would hide a finding. Every block it accepts must parse with the library, and the
// blocks are generated close to the edge: the tokens yaml treats specially, in and out of place.

const md = (yaml: string) => `# Spec\n\n## Agent Profile\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`;

/** True when the full parse (limits, aliases, a non-empty mapping) accepts the block. */
function parses(yaml: string): boolean {
  try {
    return "tree" in readProfile({ session: "s", file: "spec.md", text: md(yaml) });
  } catch {
    return false;
  }
}

const KEYS = [
  "id",
  "name",
  "goals",
  "tools",
  "a",
  "a-b",
  "_x",
  "null",
  "True",
  "false",
  "1",
  "A",
  "<<",
  "a b",
];
const VALUES = [
  "x",
  "Feature 12 agent",
  "Carries f-1 (auth work).",
  '"q"',
  "'q'",
  '"a\\"b"',
  "'it''s'",
  '"x',
  "[git, bun, a-cli]",
  "[]",
  "[a,b]",
  "[a, ]",
  "[REQUIRES INPUT]",
  "[a: b]",
  "{a: b}",
  "- x",
  "&a x",
  "*a",
  "!tag x",
  "!!str x",
  "|",
  ">",
  "x # c",
  "x #",
  "x#y",
  "x: y",
  "x:",
  "x:y",
  ":x",
  "? x",
  "-x",
  "~",
  "null",
  "1.0",
  ".inf",
  "...",
  "---",
  "%x",
  "@x",
  "`x`",
  "x ]",
  "x, y",
  "x, [y], {z}",
  "é—ok",
  "\u00a0x",
  "x\u00a0",
  "x\u0085y",
  "x\u2028y",
  "x\ufeffy",
  "x\ty",
  "x\ry",
  "😀",
  "/path/to",
  "(paren) text",
  "http://host:80/x",
  "a 'b' \"c\"",
];
const INDENTS = ["", "", "", "  ", "  ", " ", "   ", "    ", "\t"];

/** Mostly the tokens above (often the ordinary ones), sometimes any short string. */
const token = (pool: string[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...pool.slice(0, 4)), weight: 4 },
    { arbitrary: fc.constantFrom(...pool), weight: 4 },
    { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
  );
const indent = fc.oneof(
  { arbitrary: fc.constantFrom("", "  "), weight: 6 },
  { arbitrary: fc.constantFrom(...INDENTS), weight: 1 },
);
const line = fc.oneof(
  {
    arbitrary: fc
      .tuple(indent, token(KEYS), fc.constantFrom(": ", ": ", ":", ":  ", " :"), token(VALUES))
      .map(([i, k, sep, v]) => `${i}${k}${sep}${sep.endsWith(" ") ? v : ""}`),
    weight: 8,
  },
  {
    arbitrary: fc
      .tuple(indent, fc.constantFrom("- ", "- ", "-", "-  "), token(VALUES))
      .map((p) => p.join("")),
    weight: 3,
  },
  { arbitrary: fc.tuple(indent, fc.constantFrom("# note", "#", "# é")).map((p) => p.join("")), weight: 1 },
  { arbitrary: fc.constantFrom("", "  ", "---", "..."), weight: 1 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
);
const block = fc.array(line, { minLength: 0, maxLength: 6 }).map((ls) => ls.join("\n"));

describe("plain profiles (the parse validate skips)", () => {
  test("every block it accepts parses with the yaml library", () => {
    let accepted = 0;
    fc.assert(
      fc.property(block, (yaml) => {
        // A line the fence scanner would take for the closing fence is another test's matter.
        if ((locateProfile(md(yaml)) as { text?: string }).text !== yaml) return;
        if (!isPlainProfile(yaml)) return;
        accepted++;
        expect({ yaml, parses: parses(yaml) }).toEqual({ yaml, parses: true });
      }),
      { numRuns: fuzzRuns(20_000) },
    );
    expect(accepted).toBeGreaterThan(100); // the generator reaches the accepting side, not only the edge
  }, 120_000);

  test("the common shapes are accepted", () => {
    for (const yaml of [
      "id: f-1-agent\nname: Feature 1 agent\ndescription: Carries f-1 (auth work).",
      "tools: [git, bun, auth-cli]\nruntime_hints:\n  mode: planning\ngoals:\n  - Ship it behind a flag",
      'version: "1.0"\nmodel_preference: null\nmemory_policy:\n\n  session: keep\n  # why\n  project: read-only',
    ]) {
      expect(isPlainProfile(yaml)).toBe(true);
      expect(parses(yaml)).toBe(true);
    }
  });

  test("what it refuses goes to the full parse, whose findings stay", () => {
    for (const yaml of ["id: a\nid: b", "a: b: c", "a: *x", "", "# only a comment", "- a", "a: b\n  c: d"]) {
      expect(isPlainProfile(yaml)).toBe(false);
    }
    expect(() => checkProfile("s", "spec.md", md("id: a\nid: b"))).toThrow(/unique/);
    expect(checkProfile("s", "spec.md", md("id: a"))).toBeUndefined();
    expect(checkProfile("s", "spec.md", "# Spec\n")).toEqual({
      missing: "its spec.md has no `## Agent Profile` section",
      line: undefined,
    });
  });
});
