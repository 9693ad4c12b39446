import { describe, expect, test } from "bun:test";
import { entropy, fingerprint, mask, RULES, scanText } from "../../src/sync/secrets.ts";
import { lookAlikes, secretCorpus } from "./corpus.ts";

// A test per rule of src/sync/secret-rules.json: each catches its synthetic secrets (test/sync/corpus.ts)
// and stays quiet on the look-alikes a design document may hold.

const corpus = secretCorpus();
const quiet = lookAlikes();

test("every rule has secrets and look-alikes in the corpus, and every rule compiles", () => {
  for (const rule of RULES) {
    expect(
      corpus.some((c) => c.rule === rule.id),
      `corpus for ${rule.id}`,
    ).toBe(true);
    expect(
      quiet.some((c) => c.rule === rule.id),
      `look-alikes for ${rule.id}`,
    ).toBe(true);
    expect(() => new RegExp(rule.regex, `g${rule.flags ?? ""}`)).not.toThrow();
    expect(
      rule.keywords.every((k) => k === k.toLowerCase()),
      `${rule.id}: keywords are lowercase`,
    ).toBe(true);
  }
  expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
});

describe.each(RULES.map((r) => r.id))("rule %s", (id) => {
  test("finds every secret of its corpus, as that rule, with the value captured exactly", () => {
    for (const c of corpus.filter((x) => x.rule === id)) {
      const found = scanText(`# Notes\n\nSome prose first.\n${c.text}\nMore prose.\n`);
      expect(
        found.map((f) => f.rule),
        c.text,
      ).toEqual([id]);
      expect(found[0]!.secret).toBe(c.secret);
      expect(found[0]!.line).toBe(4 + c.text.slice(0, c.text.indexOf(c.secret)).split("\n").length - 1);
    }
  });

  test("stays quiet on look-alikes", () => {
    for (const c of quiet.filter((x) => x.rule === id)) {
      expect(scanText(c.text), c.text).toEqual([]);
    }
  });
});

describe("scanner", () => {
  test("reports line and column, in order, once per value", () => {
    const [a, b] = corpus.filter((c) => c.rule === "github-token");
    const text = `first line\n  token is ${a!.secret}\n\nx ${b!.secret} y\n`;
    const found = scanText(text);
    expect(found.map(({ line, column, rule }) => ({ line, column, rule }))).toEqual([
      { line: 2, column: 12, rule: "github-token" },
      { line: 4, column: 3, rule: "github-token" },
    ]);
  });

  test("a value two rules catch is reported once, by the more specific rule", () => {
    const aws = corpus.find((c) => c.rule === "aws-secret-access-key")!;
    expect(scanText(aws.text).map((f) => f.rule)).toEqual(["aws-secret-access-key"]);
  });

  test("a clean template scans clean", async () => {
    const { STAGE_TEMPLATES } = await import("../../src/templates.ts");
    for (const text of Object.values(STAGE_TEMPLATES)) expect(scanText(text)).toEqual([]);
  });

  test("mask shows at most the format's marker, never half the value, and no more for generic rules", () => {
    for (const c of corpus) {
      const [f] = scanText(c.text);
      const m = mask(f!.secret, f!.showPrefix);
      const shown = m.replace(/\*{8}$/, "");
      expect(shown.length).toBeLessThan(c.secret.length / 2);
      expect(c.secret.startsWith(shown)).toBe(true);
      if (["generic-secret-assignment", "url-credentials", "aws-secret-access-key"].includes(c.rule)) {
        expect(m).toBe("********");
      }
    }
    const s = corpus[0]!.secret;
    expect(fingerprint("a/spec.md", "private-key", s)).toBe(fingerprint("a/spec.md", "private-key", s));
    expect(fingerprint("a/spec.md", "private-key", s)).not.toBe(fingerprint("b/spec.md", "private-key", s));
    expect(fingerprint("a/spec.md", "private-key", s)).toMatch(/^private-key:[0-9a-f]{16}$/);
  });

  test("entropy", () => {
    expect(entropy("aaaa")).toBe(0);
    expect(entropy("abcd")).toBe(2);
  });
});
