import { describe, expect, test } from "bun:test";
import { locateProfile } from "../../src/compiler/locate.ts";
import { loadMarkdownIt, parseMarkdown } from "../../src/validation/markdown.ts";

// markdown-it loads on first need (src/on-demand.ts); this test parses directly, so it loads it first.
await loadMarkdownIt();

// The compiler finds a spec's Agent Profile block with a line scanner of its own (src/compiler/parse.ts:
// headings and fences only), not with the validation engine's CommonMark parse (markdown-it), for
// start-up time: docs/benchmarks.md, "The compile case". Two readers of one document may disagree; this
// table holds them to the same answer on the cases that decide where a profile is: which heading opens
// the section, where it ends, which fence is the block, where that fence closes and what it holds.

// Trailing newlines are not compared: an unclosed fence runs to the end of the file, and the scanner keeps
// the empty last line that markdown-it drops; YAML reads both the same.
const trimEnd = (text: string) => text.replace(/\n+$/, "");

/** The same question answered from markdown-it's headings and fences. */
function reference(markdown: string) {
  const doc = parseMarkdown(markdown);
  const isProfile = (t: string) =>
    /^(\d+(\.\d+)*[.)]?\s+)?agent profile$/i.test(t.replace(/\s+/g, " ").trim());
  const at = doc.headings.findIndex((h) => isProfile(h.text));
  if (at < 0) return { found: false };
  const heading = doc.headings[at]!;
  const next = doc.headings.slice(at + 1).find((h) => h.level <= heading.level);
  const endLine = next?.line ?? doc.lines.length + 1;
  const fence = doc.fences.find(
    (f) => f.line > heading.line && f.line < endLine && /^(yaml|yml)$/i.test(f.info.split(/\s+/)[0] ?? ""),
  );
  if (!fence) return { found: false, line: heading.line };
  return {
    found: true,
    headingLine: heading.line,
    fenceLine: fence.line,
    closed: fence.endLine !== undefined,
    text: trimEnd(fence.content),
  };
}

/** The scanner's answer, in the reference's terms. */
function scanner(markdown: string) {
  const r = locateProfile(markdown);
  if (!r.found) return { found: false, ...(r.line !== undefined ? { line: r.line } : {}) };
  return {
    found: true,
    headingLine: r.headingLine,
    fenceLine: r.fenceLine,
    closed: r.closed,
    text: trimEnd(r.text),
  };
}

const yaml = "id: a\nname: A";
const CASES: [string, string][] = [
  ["an ATX heading and a yaml fence", `# Spec\n\n## Agent Profile\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
  ["a numbered heading", `# Spec\n\n## 6. Agent Profile\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
  ["closing hashes and odd case", `## agent PROFILE ##\n\n\`\`\`yml\n${yaml}\n\`\`\`\n`],
  ["a setext heading", `# Spec\n\nAgent Profile\n-------------\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
  ["a level-1 setext heading", `Agent Profile\n===\n\n## Notes\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
  ["a tilde fence", `## Agent Profile\n\n~~~yaml\n${yaml}\n~~~\n`],
  ["a fence indented three spaces", `## Agent Profile\n\n   \`\`\`yaml\n   id: a\n   name: A\n   \`\`\`\n`],
  ["an info string with attributes", `## Agent Profile\n\n\`\`\`yaml title="x"\n${yaml}\n\`\`\`\n`],
  [
    "a heading inside an earlier fence",
    `\`\`\`md\n## Agent Profile\n\`\`\`\n\n## Agent Profile\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`,
  ],
  [
    "a heading indented four spaces (code)",
    `# Spec\n\n    ## Agent Profile\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`,
  ],
  [
    "the fence after the section ends",
    `## Agent Profile\n\nText.\n\n## Next\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`,
  ],
  ["a subsection inside the section", `## Agent Profile\n\n### Notes\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
  ["a non-yaml fence first", `## Agent Profile\n\n\`\`\`json\n{}\n\`\`\`\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
  ["an unclosed fence", `## Agent Profile\n\n\`\`\`yaml\n${yaml}\n`],
  ["a closer shorter than the opener", `## Agent Profile\n\n\`\`\`\`yaml\n${yaml}\n\`\`\`\nx: 1\n\`\`\`\`\n`],
  [
    "a backtick in a backtick info string (not a fence)",
    `## Agent Profile\n\n\`\`\`yaml \`x\`\n${yaml}\n\`\`\`\n`,
  ],
  ["a dash line under a list item (not a heading)", `- Agent Profile\n---\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
  ["CRLF line endings", `## Agent Profile\r\n\r\n\`\`\`yaml\r\n${yaml.replace("\n", "\r\n")}\r\n\`\`\`\r\n`],
  ["a byte-order mark", `\uFEFF## Agent Profile\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
  ["no profile section", `# Spec\n\n## Overview\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`],
];

describe("the compiler's scanner and the validation engine's markdown-it agree", () => {
  for (const [name, markdown] of CASES) {
    test(name, () => {
      expect(scanner(markdown)).toEqual(reference(markdown));
    });
  }

  test("the table is not vacuous: most cases find a block, some find none", () => {
    const found = CASES.filter(([, m]) => scanner(m).found).length;
    expect(found).toBeGreaterThan(12);
    expect(found).toBeLessThan(CASES.length);
  });
});
