import { expect, test } from "bun:test";
import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { IdseError } from "../../src/errors.ts";
import { parseJsonText } from "../../src/json-text.ts";
import { decodeUtf8, firstInvalidByte } from "../../src/utf8.ts";
import { fuzzRuns } from "./mutate.ts";

// The strict decoder every byte input goes through (src/utf8.ts), and the BOM-tolerant JSON parse
// (src/json-text.ts), against the platform's own answers on random input.

const RUNS = fuzzRuns(100) * 20;

test("decodeUtf8: valid bytes come back byte for byte (a BOM included); others are INVALID_ENCODING at the first bad byte", () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.string({ unit: "binary", maxLength: 32 }).map((s) => new Uint8Array(Buffer.from(`\uFEFF${s}`))),
    fc
      .tuple(fc.string({ unit: "binary", maxLength: 32 }), fc.uint8Array({ maxLength: 3 }))
      .map(([s, tail]) => Uint8Array.from([...Buffer.from(s), ...tail])),
  );
  fc.assert(
    fc.property(bytes, (b) => {
      const valid = isUtf8(b);
      expect(firstInvalidByte(b) === -1).toBe(valid);
      if (valid) {
        expect(Buffer.from(decodeUtf8(b, "x"), "utf8").equals(Buffer.from(b))).toBe(true);
        return;
      }
      const at = firstInvalidByte(b);
      // Everything before the first bad byte is valid UTF-8 on its own.
      expect(isUtf8(b.subarray(0, at))).toBe(true);
      let err: unknown;
      try {
        decodeUtf8(b, "x");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IdseError);
      expect((err as IdseError).code).toBe("INVALID_ENCODING");
      expect((err as IdseError).data.offset).toBe(at);
    }),
    { numRuns: RUNS },
  );
  console.log(`fuzz: decodeUtf8: ${RUNS} cases`);
});

test("parseJsonText reads any JSON document the same with or without a BOM", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = JSON.stringify(v);
      expect(parseJsonText(`\uFEFF${text}`)).toEqual(JSON.parse(text));
    }),
    { numRuns: RUNS },
  );
  console.log(`fuzz: parseJsonText: ${RUNS} cases`);
});
