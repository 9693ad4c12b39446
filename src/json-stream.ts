// JSON documents written as they are produced. `validate --all --json` on 10,001 sessions is a document of
// hundreds of megabytes; built as one string it cost 39 % of the run and most of its memory (issue #16).
// Written by hand: the streaming JSON libraries on npm stream *parsing*, or serialise through Node streams
// with a different layout; idse's output must stay byte for byte what `JSON.stringify(v, null, 2)` gives,
// which test/unit/json-stream.test.ts checks against it on random values.

/** Below this depth, objects and arrays are opened and closed here; deeper values are stringified whole. */
const STREAM_DEPTH = 4;

/**
 * An array whose elements were serialised as they were produced (`validate --all`'s reports, kept in a
 * spill file rather than in memory): `pieces()` gives the text between `[\n` and `\n<indent>]`, each
 * element already indented with `elementIndent` and separated by `,\n`, exactly as `JSON.stringify(v, null,
 * 2)` lays out the array at that depth. `jsonPieces` writes it in place; `toJSON` parses it back, for a
 * caller that wants the value (it costs the memory the streaming saved).
 */
export class JsonArrayText {
  constructor(
    readonly length: number,
    readonly elementIndent: string,
    readonly pieces: () => Iterable<string>,
  ) {}
  toJSON(): unknown[] {
    return this.length ? JSON.parse(`[${[...this.pieces()].join("")}]`) : [];
  }
}

/** One element of a `JsonArrayText` at `indent`: what `jsonPieces` would write for `v` there. */
export function jsonElement(v: unknown, indent: string): string {
  return `${indent}${JSON.stringify(v, null, 2).replaceAll("\n", `\n${indent}`)}`;
}

function* chunks(v: unknown, indent: string, depth: number): Generator<string> {
  if (v instanceof JsonArrayText) {
    if (v.elementIndent !== `${indent}  `)
      throw new Error(
        `an array serialised at indent ${v.elementIndent.length} written at ${indent.length + 2}`,
      );
    if (v.length === 0) {
      yield "[]";
      return;
    }
    yield "[\n";
    yield* v.pieces();
    yield `\n${indent}]`;
    return;
  }
  if (
    depth >= STREAM_DEPTH ||
    v === null ||
    typeof v !== "object" ||
    typeof (v as { toJSON?: unknown }).toJSON === "function"
  ) {
    const s = JSON.stringify(v, null, 2);
    // undefined, functions and symbols: callers skip them in objects; in arrays JSON says null.
    yield s === undefined ? "null" : depth && s.includes("\n") ? s.replaceAll("\n", `\n${indent}`) : s;
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield "[]";
      return;
    }
    yield "[\n";
    for (let i = 0; i < v.length; i++) {
      yield inner;
      yield* chunks(v[i], inner, depth + 1);
      yield i < v.length - 1 ? ",\n" : "\n";
    }
    yield `${indent}]`;
    return;
  }
  const keys = Object.keys(v).filter((k) => {
    const x = (v as Record<string, unknown>)[k];
    return x !== undefined && typeof x !== "function" && typeof x !== "symbol";
  });
  if (keys.length === 0) {
    yield "{}";
    return;
  }
  yield "{\n";
  for (let i = 0; i < keys.length; i++) {
    yield `${inner}${JSON.stringify(keys[i])}: `;
    yield* chunks((v as Record<string, unknown>)[keys[i]!], inner, depth + 1);
    yield i < keys.length - 1 ? ",\n" : "\n";
  }
  yield `${indent}}`;
}

/**
 * `JSON.stringify(value, null, 2) + "\n"`, in pieces of about `size` characters: small pieces are joined
 * so that a writer gets few large writes, never one per token.
 */
export function* jsonPieces(value: unknown, size = 1 << 16): Generator<string> {
  let buf = "";
  for (const c of chunks(value, "", 0)) {
    buf += c;
    if (buf.length >= size) {
      yield buf;
      buf = "";
    }
  }
  yield `${buf}\n`;
}
