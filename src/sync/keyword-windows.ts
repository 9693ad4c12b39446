// Where the secret guard's rules run. Every rule names keywords, one of which occurs in any match (a
// token's prefix, a variable's name). One pass over the lowercased text finds every occurrence of every
// keyword (a table of two-character starts, then a compare), and a rule runs only on the windows around
// its keywords' occurrences, each as wide as the rule's longest match on both sides. So a document pays
// for the rules its words call for, on the lines that call for them, and a megabyte of base64 with no
// keyword in it costs one pass. Gitleaks works the same way (keywords gate each rule), per fragment.

export type Occurrences = Map<string, number[]>;

export interface KeywordIndex {
  /** Keywords by the low bytes of their first two characters (a collision is settled by the compare). */
  byStart: (string[] | undefined)[];
}

/** The lookup table for `keywords`: built once per rule set, not per document. */
export function keywordIndex(keywords: Iterable<string>): KeywordIndex {
  const byStart: (string[] | undefined)[] = new Array(65536).fill(undefined);
  for (const k of new Set(keywords)) {
    const slot = ((k.charCodeAt(0) & 0xff) << 8) | (k.charCodeAt(1) & 0xff);
    const list = byStart[slot];
    if (list) list.push(k);
    else byStart[slot] = [k];
  }
  return { byStart };
}

/** Every occurrence of each keyword of `index` in `lower` (already lowercased). */
export function findKeywords(lower: string, index: KeywordIndex): Occurrences {
  const { byStart } = index;
  const out: Occurrences = new Map();
  let a = lower.charCodeAt(0) & 0xff;
  for (let i = 0, end = lower.length - 1; i < end; i++) {
    const b = lower.charCodeAt(i + 1) & 0xff;
    const list = byStart[(a << 8) | b];
    a = b;
    if (list === undefined) continue;
    for (const k of list) {
      if (lower.startsWith(k, i)) {
        const at = out.get(k);
        if (at) at.push(i);
        else out.set(k, [i]);
      }
    }
  }
  return out;
}

/**
 * The merged windows, [start, end), around the occurrences of `keywords`: `span` characters either side,
 * widened to the nearest whitespace (at most 64 more) so no window starts or ends inside a token. Empty
 * when no keyword occurs.
 */
export function windows(
  text: string,
  occurrences: Occurrences,
  keywords: readonly string[],
  span: number,
): [number, number][] {
  if (2 * span + 128 >= text.length) {
    return keywords.some((k) => occurrences.has(k)) ? [[0, text.length]] : [];
  }
  const points: [number, number][] = [];
  for (const k of keywords) for (const at of occurrences.get(k) ?? []) points.push([at, at + k.length]);
  if (points.length === 0) return [];
  points.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [at, kwEnd] of points) {
    let start = Math.max(0, at - span);
    let end = Math.min(text.length, kwEnd + span);
    const last = out.at(-1);
    if (last && start <= last[1]) {
      last[1] = Math.max(last[1], widenEnd(text, end));
      continue;
    }
    start = widenStart(text, start);
    end = widenEnd(text, end);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

const SPACE = /\s/;

function widenStart(text: string, start: number): number {
  for (let i = start, stop = Math.max(0, start - 64); i > stop; i--) if (SPACE.test(text[i - 1]!)) return i;
  return Math.max(0, start - 64);
}

function widenEnd(text: string, end: number): number {
  for (let i = end, stop = Math.min(text.length, end + 64); i < stop; i++) if (SPACE.test(text[i]!)) return i;
  return Math.min(text.length, end + 64);
}
