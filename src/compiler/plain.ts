import { YAML_LIMITS } from "./yaml-limits.ts";

// A yaml block that is certainly fine, recognised without the yaml library. `validate --all` only asks
// whether each filled profile parses (the agent-profile-yaml rule), and most profiles are a few flat
// keys: `key: text`, `key: [a, b]`, or `key:` over indented `- item` or `key: text` lines. For those the
// full parse (yaml's lexer, parser and composer, then the limit checks) costs most of a filled run, mostly
// in warming the library's code up once per process (docs/benchmarks.md, "Scaling"). This accepts only a
// strict subset of YAML that the library parses without error into a non-empty mapping, within every
// limit of limits.ts and without aliases; anything else (comments after values, anchors, tags, quotes
// with escapes, deeper nesting, odd indentation, keys yaml would not read as distinct strings) answers
// false and takes the full parse, so the findings are the same either way. The test pits it against the
// library on generated blocks (test/compiler/plain.test.ts).

/** Characters yaml takes as they are: printable ASCII and the BMP beyond the C1 controls, without the
 *  byte order mark, the line and paragraph separators and surrogates. */
const CH = " -~\\u00a0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufefe\\uff00-\\ufffd";
const NON_ASCII = "\\u00a0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufefe\\uff00-\\ufffd";
/** A key yaml reads as a string of its own: not null, true or false (such keys could collide). */
const KEY = /^([a-z_][a-z0-9_-]*):(?: +(.*))?$/;
const NOT_STRING_KEY = /^(null|true|false)$/;
/** Text that starts with a letter, a digit, `_`, `(` or `/` (no indicator) and has no control character;
 *  isScalar also keeps ": " and " #" out of it and ":" off its end. */
const PLAIN = new RegExp(`^[A-Za-z0-9_(/${NON_ASCII}][${CH}]*$`);
/** Quoted text without escapes: no `\\` or `"` inside double quotes, no `'` inside single ones. */
const QUOTED = new RegExp(`^(?:"[ !#-\\[\\]-~${NON_ASCII}]*"|'[ -&(-~${NON_ASCII}]*')$`);
/** `[a, b-c, d.e]`: words only, so nothing in it is a flow indicator or a key. */
const FLOW_SEQ = /^\[ *(?:[A-Za-z0-9_][A-Za-z0-9_./-]*(?: *, *[A-Za-z0-9_][A-Za-z0-9_./-]*)*)? *\]$/;
const ITEM = /^ {2}- +(.*)$/;
const CHILD = /^ {2}([a-z_][a-z0-9_-]*):(?: +(.*))?$/;
const BLANK = /^ *$/;
const COMMENT = new RegExp(`^ *#[${CH}]*$`);

function isScalar(value: string): boolean {
  if (!PLAIN.test(value)) return QUOTED.test(value);
  return !value.includes(": ") && !value.includes(" #") && !value.endsWith(":");
}

const isValue = (value: string) => isScalar(value) || FLOW_SEQ.test(value);

/** True when `text` is a profile block the yaml library certainly parses into a non-empty mapping. */
export function isPlainProfile(text: string): boolean {
  // Every accepted character is at most 3 bytes of UTF-8 (no surrogates), so this keeps within the size limit.
  if (text.length * 3 > YAML_LIMITS.bytes) return false;
  const top = new Set<string>();
  /** The keys of the current `key:` block's mapping, or "seq" for a list, or undefined for no block. */
  let block: Set<string> | "seq" | "none" | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/ +$/, "");
    if (BLANK.test(line) || COMMENT.test(line)) continue;
    const key = KEY.exec(line);
    if (key) {
      const name = key[1]!;
      if (NOT_STRING_KEY.test(name) || top.has(name)) return false;
      top.add(name);
      const value = key[2];
      if (value === undefined) block = "none";
      else if (!isValue(value)) return false;
      else block = undefined;
      continue;
    }
    if (block === undefined) return false; // indented under a key that has its value, or before any key
    const item = ITEM.exec(line);
    if (item) {
      if (block !== "none" && block !== "seq") return false;
      if (!isValue(item[1]!)) return false;
      block = "seq";
      continue;
    }
    const child = CHILD.exec(line);
    if (child) {
      if (block === "seq") return false;
      if (block === "none") block = new Set();
      const name = child[1]!;
      if (NOT_STRING_KEY.test(name) || block.has(name)) return false;
      block.add(name);
      if (child[2] !== undefined && !isValue(child[2])) return false;
      continue;
    }
    return false;
  }
  return top.size > 0;
}
