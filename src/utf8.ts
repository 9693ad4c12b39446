import { IdseError } from "./errors.ts";

// Text that comes in as bytes (a file named on the command line, standard input) is decoded strictly: a
// byte sequence that is not UTF-8 is refused with INVALID_ENCODING, naming where it is, rather than
// replaced by U+FFFD and stored as if nothing happened. A byte order mark is kept (ignoreBOM: true keeps
// it in the text), so a document goes back out with the bytes it came in with.

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or -1. */
export function firstInvalidByte(b: Uint8Array): number {
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < b.length && b[i]! >= lo && b[i]! <= hi;
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    if (c < 0x80) n = 1;
    else if (c >= 0xc2 && c <= 0xdf) n = cont(i + 1) ? 2 : 0;
    else if (c >= 0xe0 && c <= 0xef) {
      const [lo, hi] = c === 0xe0 ? [0xa0, 0xbf] : c === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      n = cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const [lo, hi] = c === 0xf0 ? [0x90, 0xbf] : c === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      n = cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    } else n = 0;
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** The bytes as text; INVALID_ENCODING (naming `file`, the byte and its line) if they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = Math.max(0, firstInvalidByte(bytes));
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    throw new IdseError("INVALID_ENCODING", {
      file,
      offset,
      line,
      byte: `0x${bytes[offset]?.toString(16) ?? ""}`,
    });
  }
}
