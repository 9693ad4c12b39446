import { createHash } from "node:crypto";
import RULESET from "./secret-rules.json" with { type: "json" };

// The secret guard: before a push, every document is scanned with the ruleset in secret-rules.json
// (gitleaks-style rules: regex + keywords + entropy). A finding blocks that document.
//
// Why not a library: secretlint (@secretlint/core + preset-recommend, the maintained JS ruleset) was
// measured here first. Its profiler installs a global PerformanceObserver that records every mark; after
// scanning the 7,007 documents of the benchmark workspace the process did not exit (ten minutes of CPU
// before it was killed), and its recommended preset has no Stripe, JWT or generic-assignment rule, so a
// second mechanism would be needed anyway. The rules live in one data file, with a test per rule.

export interface SecretRule {
  id: string;
  description: string;
  regex: string;
  flags?: string;
  /** Capture group that holds the secret; 0 = the whole match. Default 1. */
  secret_group?: number;
  /** Lowercase substrings; the regex runs only when the text holds one of them. */
  keywords: string[];
  /** Minimum Shannon entropy of the secret, in bits per character. */
  entropy?: number;
  /** Regexes the secret must all match (e.g. a digit), to keep prose out. */
  requires?: string[];
  /** Regexes that exempt a secret (documentation examples, placeholders, references to variables). */
  allow?: string[];
  /** Leading characters a report may show: the format's public marker (`ghp_`), never secret. */
  show_prefix?: number;
}

export const RULES: SecretRule[] = RULESET.rules;

export interface RawFinding {
  rule: string;
  description: string;
  /** Leading characters of `secret` that may be shown (see SecretRule.show_prefix). */
  showPrefix: number;
  line: number;
  column: number;
  /** The secret itself: never printed, only masked and fingerprinted. */
  secret: string;
}

interface Compiled extends SecretRule {
  re: RegExp;
  requiresRe: RegExp[];
  allowRe: RegExp[];
}

let compiled: Compiled[] | undefined;
function rules(): Compiled[] {
  compiled ??= RULES.map((r) => ({
    ...r,
    re: new RegExp(r.regex, `g${r.flags ?? ""}`),
    requiresRe: (r.requires ?? []).map((x) => new RegExp(x, "i")),
    allowRe: (r.allow ?? []).map((x) => new RegExp(x, "i")),
  }));
  return compiled;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Every finding in `text`, in order of position. */
export function scanText(text: string): RawFinding[] {
  const lower = text.toLowerCase();
  const out: (RawFinding & { index: number })[] = [];
  let lineStarts: number[] | undefined;
  const locate = (index: number) => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - lineStarts[lo]! + 1 };
  };
  for (const rule of rules()) {
    if (rule.keywords.length && !rule.keywords.some((k) => lower.includes(k))) continue;
    for (const m of text.matchAll(rule.re)) {
      const group = rule.secret_group ?? 1;
      const secret = m[group];
      if (!secret) continue;
      if (rule.entropy !== undefined && entropy(secret) < rule.entropy) continue;
      if (!rule.requiresRe.every((re) => re.test(secret))) continue;
      if (rule.allowRe.some((re) => re.test(secret))) continue;
      const index = m.index + (group === 0 ? 0 : m[0].indexOf(secret));
      out.push({
        rule: rule.id,
        description: rule.description,
        showPrefix: rule.show_prefix ?? 0,
        secret,
        index,
        ...locate(index),
      });
    }
  }
  // One finding per value: where two rules catch overlapping text, the earlier (more specific) rule wins.
  const kept: typeof out = [];
  for (const f of out) {
    const end = f.index + f.secret.length;
    if (!kept.some((k) => f.index < k.index + k.secret.length && k.index < end)) kept.push(f);
  }
  return kept.sort((a, b) => a.index - b.index).map(({ index: _index, ...f }) => f);
}

/**
 * A stable id for one finding: the rule and a 64-bit digest of the document key and the value. Bound to
 * the key, so an exception for an example token in one document does not let the same value through
 * elsewhere; the value is hashed, never stored.
 */
export function fingerprint(key: string, rule: string, secret: string): string {
  const digest = createHash("sha256").update(`${key}\0${rule}\0${secret}`, "utf8").digest("hex");
  return `${rule}:${digest.slice(0, 16)}`;
}

/** The format's public marker (at most `showPrefix` characters, and never half the value), then a mask. */
export function mask(secret: string, showPrefix = 0): string {
  const keep = Math.min(showPrefix, Math.floor(secret.length / 2));
  return `${secret.slice(0, keep)}${"*".repeat(8)}`;
}
