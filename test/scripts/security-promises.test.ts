import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../helpers.ts";

// The README's security promises are docs/security.md's, word for word, and each promise in
// docs/security.md names the test files that prove it (issue 13, "Done when"). A promise is a bullet
// `- **P<n>. <sentence>**` in a section; in docs/security.md the lines after it, up to the next
// bullet, name its tests in backticks.

const README = readFileSync(join(REPO, "README.md"), "utf8");
const SECURITY = readFileSync(join(REPO, "docs", "security.md"), "utf8");

/** The text of the `## <heading>` section, up to the next `## `. */
function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

interface Promise_ {
  id: string;
  sentence: string;
  /** The text after the sentence, up to the next bullet (where the tests are named). */
  rest: string;
}

function promises(text: string): Promise_[] {
  const out: Promise_[] = [];
  const bullets = text.split(/\n(?=- )/);
  for (const b of bullets) {
    const m = /^- \*\*(P\d+)\. ([^\n]*?)\*\*([\s\S]*)$/.exec(b.trim());
    if (m) out.push({ id: m[1]!, sentence: m[2]!, rest: m[3]! });
  }
  return out;
}

const docPromises = promises(section(SECURITY, "Promises"));
const readmePromises = promises(section(README, "Security"));

describe("security promises", () => {
  test("docs/security.md states promises, numbered in order", () => {
    expect(docPromises.length).toBeGreaterThanOrEqual(10);
    expect(docPromises.map((p) => p.id)).toEqual(docPromises.map((_, i) => `P${i + 1}`));
  });

  test("the README quotes every promise of docs/security.md word for word, and no other", () => {
    expect(readmePromises.map((p) => `${p.id}. ${p.sentence}`)).toEqual(
      docPromises.map((p) => `${p.id}. ${p.sentence}`),
    );
  });

  test("each promise names the test files that prove it, and each exists", () => {
    for (const p of docPromises) {
      const files = [...p.rest.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
      expect(files.length, `${p.id} names no test file`).toBeGreaterThan(0);
      for (const f of files) expect(existsSync(join(REPO, f)), `${p.id}: ${f}`).toBe(true);
    }
  });

  test("the threat model states what idse does not defend against, each line with its reason", () => {
    const limits = section(SECURITY, "What idse does not defend against")
      .split("\n")
      .filter((l) => l.startsWith("- **"));
    expect(limits.length).toBeGreaterThanOrEqual(5);
    const bodies = section(SECURITY, "What idse does not defend against")
      .split(/\n(?=- \*\*)/)
      .slice(1);
    for (const b of bodies) expect(b, b.slice(0, 60)).toContain("Why:");
  });
});
