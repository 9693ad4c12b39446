// The forms a secret can be hidden in, undone before the rules run. A document is scanned as it would be
// read: Unicode look-alikes folded (NFKC turns fullwidth ｇｈｐ＿ into ghp_) and invisible characters
// (zero-width spaces and joiners, soft hyphens, the BOM) dropped, with a map back to the original offsets
// so a finding still names its line. Then every token that could be base64, hex or URL-encoding is
// decoded, and a decoding that is readable text is scanned again. Each step is one pass over the text.

const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/;

export interface View {
  text: string;
  /** The offset in the original text of the character at `i` in `text`. */
  origin(i: number): number;
}

/**
 * `text` with look-alikes folded and invisible characters removed; ASCII text is returned as is. Only the
 * characters that change are visited one by one; the map back is a list of segments (a run copied as it
 * was, or one character that became several or none), searched by bisection.
 */
export function normalized(text: string): View {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is "anything beyond ASCII"
  const nonAscii = /[^\u0000-\u007F]/g;
  if (!nonAscii.test(text)) return { text, origin: (i) => i };
  nonAscii.lastIndex = 0;
  const parts: string[] = [];
  /** Segment starts in the new text, their starts in the original, and whether they map 1:1. */
  const norm: number[] = [0];
  const orig: number[] = [0];
  const same: boolean[] = [true];
  let length = 0;
  let copied = 0;
  for (const m of text.matchAll(nonAscii)) {
    let i = m.index;
    const code = text.charCodeAt(i);
    const wide = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
    const ch = wide ? text.slice(i, i + 2) : text[i]!;
    const folded = INVISIBLE.test(ch) ? "" : ch.normalize("NFKC");
    if (folded === ch) continue;
    parts.push(text.slice(copied, i), folded);
    length += i - copied;
    norm.push(length);
    orig.push(i);
    same.push(false);
    length += folded.length;
    i += ch.length;
    copied = i;
    norm.push(length);
    orig.push(i);
    same.push(true);
  }
  if (copied === 0 && parts.length === 0) return { text, origin: (i) => i };
  parts.push(text.slice(copied));
  return {
    text: parts.join(""),
    origin(i) {
      let lo = 0;
      let hi = norm.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (norm[mid]! <= i) lo = mid;
        else hi = mid - 1;
      }
      return same[lo] ? orig[lo]! + (i - norm[lo]!) : orig[lo]!;
    },
  };
}

export interface Decoded {
  /** Offset of the encoded token in the scanned text. */
  index: number;
  length: number;
  encoding: "base64" | "hex" | "url";
  text: string;
}

// Candidate tokens. Bounded: a longer run (an embedded image) is split into pieces that decode to binary
// and are dropped, so a megabyte of base64 costs one pass.
const BASE64 = /[A-Za-z0-9+/_-]{20,4096}={0,2}/g;
// Runs of hex digits (a lookbehind here made the pass 30 times slower); an odd run loses its last digit.
const HEX = /[0-9A-Fa-f]{24,4096}/g;
const URL_ENCODED = /(?:[A-Za-z0-9._~+-]{0,64}%[0-9A-Fa-f]{2}){3,1024}[A-Za-z0-9._~+-]{0,64}/g;

/** Printable text with letters and digits, as a decoded secret would be (not binary, not a hash). */
function readable(s: string): boolean {
  if (s.length < 8) return false;
  const allowed = Math.floor(s.length * 0.05);
  let other = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) && ++other > allowed)
      return false;
  }
  return /[A-Za-z]/.test(s) && /[0-9_.:=-]/.test(s);
}

function tryDecode(token: string, encoding: Decoded["encoding"]): string | undefined {
  try {
    if (encoding === "url") return decodeURIComponent(token);
    if (encoding === "hex") return Buffer.from(token.slice(0, token.length & ~1), "hex").toString("latin1");
    // A token of letters only (a word, a file name) is not base64 worth decoding.
    if (!/[0-9+/_-]/.test(token) || !/[A-Z]/.test(token) || !/[a-z]/.test(token)) return undefined;
    return Buffer.from(
      token.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/")),
      "base64",
    ).toString("latin1");
  } catch {
    return undefined;
  }
}

/** Every candidate token of `text` whose decoding is readable text. */
export function decodedTokens(text: string): Decoded[] {
  const out: Decoded[] = [];
  const pass = (re: RegExp, encoding: Decoded["encoding"]) => {
    for (const m of text.matchAll(re)) {
      const decoded = tryDecode(m[0], encoding);
      if (decoded !== undefined && decoded !== m[0] && readable(decoded)) {
        out.push({ index: m.index, length: m[0].length, encoding, text: decoded });
      }
    }
  };
  if (text.includes("%")) pass(URL_ENCODED, "url");
  pass(HEX, "hex");
  pass(BASE64, "base64");
  return out;
}
