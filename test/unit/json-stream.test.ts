import { expect, test } from "bun:test";
import { jsonElement, jsonPieces } from "../../src/cli/json-stream.ts";
import { seeded } from "../seeded.ts";

// The streamed document must be byte for byte what JSON.stringify(v, null, 2) gives: scripts parse it,
// and people diff it.

function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 6 ? 6 : 10));
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor(r() * 1e6) / (r() < 0.5 ? 1 : 7);
    case 3:
      return ["", "a", 'quote " and \\ back', "line\nbreak", "é ✓ 𝄞", "\u0000\u001f"][Math.floor(r() * 6)];
    case 4:
      return undefined;
    case 5:
      return new Date(Math.floor(r() * 2e12));
    case 6:
    case 7:
      return Array.from({ length: Math.floor(r() * 5) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(r() * 5); i++) o[`k${i}${r() < 0.2 ? '"' : ""}`] = value(r, depth + 1);
      return o;
    }
  }
}

test("jsonPieces joins to JSON.stringify(v, null, 2) + newline, for 2,000 random values", () => {
  for (let seed = 1; seed <= 2000; seed++) {
    const v = value(seeded(seed), 0);
    const expected = `${JSON.stringify(v, null, 2) ?? "null"}\n`;
    expect([...jsonPieces(v, 7)].join(""), `seed ${seed}`).toBe(expected);
  }
});

test("a large document comes in pieces of about the requested size, never as one string", () => {
  const doc = {
    reports: Array.from({ length: 5000 }, (_, i) => ({ session: `s-${i}`, findings: [{ line: i }] })),
  };
  const pieces = [...jsonPieces(doc, 1 << 14)];
  expect(pieces.length).toBeGreaterThan(20);
  expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan((1 << 14) + 1024);
  expect(pieces.join("")).toBe(`${JSON.stringify(doc, null, 2)}\n`);
});

test("jsonElement lays a value out at an indent as JSON.stringify does inside a document", () => {
  for (let seed = 1; seed <= 500; seed++) {
    const v = value(seeded(seed), 0) ?? null;
    for (const indent of ["", "  ", "      ", "        "]) {
      const expected = `${indent}${JSON.stringify(v, null, 2).replaceAll("\n", `\n${indent}`)}`;
      expect(jsonElement(v, indent), `seed ${seed}, indent ${indent.length}`).toBe(expected);
    }
  }
});
