import { CLASSES, sha256 } from "./claims-ledger.ts";

// The promotion gate of blueprint claims (docs/governance.md; the Python original's Article XI): a claim
// enters the blueprint from feature sessions only when its evidence converges. Pure: the sources are
// loaded by the caller; the same sources give the same evidence and the same evidence hash.

export interface GateSource {
  ref: string;
  session: string;
  stage: string;
  text: string;
  /** When the source came to be: its session's created_at. */
  created_at: string;
}

export interface GateFeedback {
  session: string;
  /** The feedback document's text, undefined when missing or still the untouched template. */
  text: string | undefined;
}

export interface GateResult {
  decision: "ALLOW" | "DENY";
  failed_tests: string[];
  /** Data for each failed test's message, by code. */
  details: Record<string, Record<string, unknown>>;
  evidence: Record<string, unknown>;
  evidence_hash: string;
}

const STOP = new Set(
  "a an the and or of to in on for is are be by with as at it this that from all any each every no not its their our".split(
    " ",
  ),
);

/** Lower case, alphanumerics only, stop words dropped: the fingerprint text of a statement. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter((w) => w && !STOP.has(w))
    .join(" ");
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const b = s.slice(i, i + 2);
    m.set(b, (m.get(b) ?? 0) + 1);
  }
  return m;
}

/**
 * Similarity of two statements in [0, 1]: half character-bigram Dice (order-sensitive, like the
 * original's sequence ratio, but linear in length) and half word-set Jaccard (word overlap).
 */
export function similarity(a: string, b: string): number {
  const x = normalise(a);
  const y = normalise(b);
  if (x === y) return 1;
  if (!x || !y) return 0;
  const bx = bigrams(x);
  const by = bigrams(y);
  let common = 0;
  for (const [k, n] of bx) common += Math.min(n, by.get(k) ?? 0);
  const dice = (2 * common) / (Math.max(x.length - 1, 0) + Math.max(y.length - 1, 0) || 1);
  const wx = new Set(x.split(" "));
  const wy = new Set(y.split(" "));
  let both = 0;
  for (const w of wx) if (wy.has(w)) both++;
  const jaccard = both / (wx.size + wy.size - both);
  return Math.round((dice / 2 + jaccard / 2) * 10000) / 10000;
}

const MARKERS = [
  "[contradiction]",
  "contradicted_by_feedback",
  "unresolved contradiction",
  "promotion denied",
];
const PHRASES = [
  /\bthis contradicts\b/,
  /\bclaim contradicts\b/,
  /\b(?:was|is) rejected\b/,
  /\brejected this claim\b/,
];

/** The contradiction marker a feedback text holds, if any. */
export function contradiction(text: string): string | undefined {
  const t = text.toLowerCase();
  return MARKERS.find((m) => t.includes(m)) ?? PHRASES.map((re) => re.exec(t)?.[0]).find(Boolean);
}

/** The line of a document that best matches the claim, as the source's snippet. */
function snippet(text: string, claim: string): string {
  let best = "";
  let score = -1;
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (t.length < 8) continue;
    const s = similarity(t, claim);
    if (s > score) {
      score = s;
      best = t;
    }
  }
  return best.slice(0, 280);
}

/** Canonical JSON: sorted keys, compact. The evidence hash is its sha256. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

const DAY = 86_400_000;
const time = (iso: string) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);

export function runGate(
  claim: string,
  classification: string,
  sources: GateSource[],
  feedback: GateFeedback[],
  minDays: number,
): GateResult {
  const sessions = [...new Set(sources.map((s) => s.session))].sort();
  const stages = [...new Set(sources.map((s) => s.stage))].sort();
  let max = 0;
  let pair: [string, string] | null = null;
  for (let i = 0; i < sources.length; i++)
    for (let j = i + 1; j < sources.length; j++) {
      const a = sources[i]!;
      const b = sources[j]!;
      const sim = normalise(a.text) === normalise(b.text) ? 1 : similarity(a.text, b.text);
      if (sim > max || !pair) [max, pair] = [sim, [a.ref, b.ref]];
    }
  const times = sources.map((s) => time(s.created_at)).filter(Number.isFinite);
  const first = times.length ? Math.min(...times) : Number.NaN;
  const last = times.length ? Math.max(...times) : Number.NaN;
  const days = times.length ? Math.floor(((last - first) / DAY) * 100) / 100 : 0;
  const considered = feedback.map((f) => ({
    session: f.session,
    sha256: f.text === undefined ? null : sha256(f.text),
    contradiction: f.text === undefined ? null : (contradiction(f.text) ?? null),
  }));
  const evidence = {
    claim,
    classification,
    sessions,
    stages,
    sources: sources.map((s) => ({
      ref: s.ref,
      session: s.session,
      stage: s.stage,
      sha256: sha256(s.text),
      created_at: s.created_at,
      snippet: snippet(s.text, claim),
    })),
    feedback: considered,
    similarity: { max, pair },
    window: {
      first: times.length ? new Date(first).toISOString() : null,
      last: times.length ? new Date(last).toISOString() : null,
      days,
      min_days: minDays,
    },
  };
  const details: GateResult["details"] = {};
  if (sessions.length < 2) details.INSUFFICIENT_SESSION_DIVERSITY = { found: sessions.length, needed: 2 };
  if (stages.length < 2) details.INSUFFICIENT_STAGE_DIVERSITY = { found: stages.length, needed: 2 };
  if (pair && max > 0.98) details.DUPLICATE_STATEMENT = { first: pair[0], second: pair[1], similarity: max };
  if (!(CLASSES as readonly string[]).includes(classification))
    details.NOT_CONSTITUTIONAL = { classification };
  if (!considered.some((f) => f.sha256 !== null)) details.NO_FEEDBACK_EVIDENCE = {};
  const against = considered.find((f) => f.contradiction);
  if (against) details.CONTRADICTED_BY_FEEDBACK = { session: against.session, marker: against.contradiction };
  if (days < minDays) details.INSUFFICIENT_TEMPORAL_STABILITY = { days, min_days: minDays };
  const failed_tests = Object.keys(details);
  return {
    decision: failed_tests.length ? "DENY" : "ALLOW",
    failed_tests,
    details,
    evidence,
    evidence_hash: sha256(canonicalJson(evidence)),
  };
}
