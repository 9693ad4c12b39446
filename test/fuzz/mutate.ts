import fc from "fast-check";

// Damaged versions of a good file, as a hostile user or a crash would leave them: random bytes, a cut,
// a byte flipped or inserted, a BOM in front, any JSON value in its place, or one field of the good
// document replaced by any JSON value (the kind of damage a schema check must catch).

/** How many cases each property runs: IDSE_FUZZ_RUNS (e.g. 2000 for a long run), else `fallback`. */
export function fuzzRuns(fallback: number): number {
  const n = Number(process.env.IDSE_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

function setField(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0 || doc === null || typeof doc !== "object") return value;
  const copy = (Array.isArray(doc) ? [...doc] : { ...doc }) as Record<string, unknown>;
  const [head, ...rest] = path;
  const keys = Object.keys(copy);
  const key = keys.length ? keys[Math.abs(Number(head) || String(head).length) % keys.length]! : String(head);
  copy[key] = setField(copy[key], rest, value);
  return copy;
}

/** Bytes: damaged versions of `good` (a valid file's text). */
export function damaged(good: string): fc.Arbitrary<Uint8Array> {
  const bytes = enc(good);
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.nat({ max: bytes.length }).map((n) => bytes.slice(0, n)),
    fc
      .tuple(fc.nat({ max: Math.max(0, bytes.length - 1) }), fc.integer({ min: 0, max: 255 }))
      .map(([i, b]) => {
        const out = bytes.slice();
        if (out.length) out[i] = b;
        return out;
      }),
    fc
      .tuple(fc.nat({ max: bytes.length }), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([i, ins]) => Uint8Array.from([...bytes.slice(0, i), ...ins, ...bytes.slice(i)])),
    fc.constant(enc(`\uFEFF${good}`)),
    fc.jsonValue().map((v) => enc(JSON.stringify(v))),
    fc
      .tuple(
        fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.nat({ max: 20 })), { maxLength: 3 }),
        fc.jsonValue(),
      )
      .map(([path, value]) => {
        try {
          return enc(JSON.stringify(setField(JSON.parse(good), path, value), null, 2));
        } catch {
          return bytes;
        }
      }),
  );
}

/** Text: damaged versions of a markdown document (random text, cuts, control characters, deep nesting). */
export function damagedText(good: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 400, unit: "binary" }),
    fc.nat({ max: good.length }).map((n) => good.slice(0, n)),
    fc
      .tuple(fc.nat({ max: good.length }), fc.string({ maxLength: 40, unit: "binary" }))
      .map(([i, s]) => good.slice(0, i) + s + good.slice(i)),
    fc.nat({ max: 3000 }).map((n) => `${good}\n${"> ".repeat(n)}x\n${"- ".repeat(n % 500)}y\n`),
    fc.constant(`\uFEFF${good.replace(/\n/g, "\r\n")}`),
  );
}
