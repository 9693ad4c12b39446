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
    /** Text, or UTF-8 bytes (a character may be cut between two pieces; the whole is valid UTF-8). */
    readonly pieces: () => Iterable<string | Uint8Array>,
  ) {}
  toJSON(): unknown[] {
    return this.length ? JSON.parse(`[${textOf(this.pieces())}]`) : [];
  }
}

/** Pieces of text or UTF-8 bytes as one string. */
export function textOf(pieces: Iterable<string | Uint8Array>): string {
  const decoder = new TextDecoder();
  let out = "";
  for (const p of pieces)
    out += typeof p === "string" ? decoder.decode() + p : decoder.decode(p, { stream: true });
  return out + decoder.decode();
}

/** Wrappers that make `JSON.stringify` lay a value out at a given depth, by depth. */
const nests = new Map<number, { wrap: (v: unknown) => unknown; head: number; tail: number }>();

/**
 * One element of a `JsonArrayText` at `indent` (an even number of spaces): what `jsonPieces` writes for `v`
 * there, `indent + JSON.stringify(v, null, 2)` with each line indented. The value is stringified nested in
 * as many one-key objects as the indent is deep, and the wrapper's text cut off: the runtime indents it in
 * the same pass, where re-indenting the text (a `replaceAll` over every line) took a fifth of the
 * serialisation of `validate --all --json`.
 */
export function jsonElement(v: unknown, indent: string): string {
  const depth = indent.length / 2;
  let nest = nests.get(depth);
  if (!nest) {
    const wrap = (x: unknown) => {
      let w = x;
      for (let i = 0; i < depth; i++) w = { "": w };
      return w;
    };
    const probe = JSON.stringify(wrap(0), null, 2);
    const at = depth ? probe.lastIndexOf('"": 0') + 4 : 0;
    nest = { wrap, head: at, tail: probe.length - at - 1 };
    nests.set(depth, nest);
  }
  const text = JSON.stringify(nest.wrap(v), null, 2);
  return `${indent}${text.slice(nest.head, text.length - nest.tail)}`;
}

function* chunks(v: unknown, indent: string, depth: number): Generator<string | Uint8Array> {
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
 * so that a writer gets few large writes, never one per token. A `JsonArrayText` that holds bytes gives
 * them through as they are (UTF-8; `textOf` joins the pieces into the string).
 */
export function* jsonPieces(value: unknown, size = 1 << 16): Generator<string | Uint8Array> {
  let buf = "";
  for (const c of chunks(value, "", 0)) {
    if (typeof c !== "string") {
      if (buf) yield buf;
      buf = "";
      yield c;
      continue;
    }
    buf += c;
    if (buf.length >= size) {
      yield buf;
      buf = "";
    }
  }
  yield `${buf}\n`;
}
