import { normalise, similarity } from "./promotion-gate.ts";

// Candidate extraction: statements repeated across sessions are proposed as claims. Nothing is seeded:
// every candidate comes from the project's own documents (the Python original seeded four claims about
// itself into every project's clusters).

export interface StatementSource {
  session: string;
  stage: string;
  text: string;
}

export interface Candidate {
  claim_text: string;
  classification: string;
  sources: string[];
  sessions: string[];
  stages: string[];
  support: number;
}

const SKIP = [
  /^#{1,6}\s/, // headings
  /^\|/, // tables
  /^\s*[-*+]\s+\[[ xX]\]/, // task lines
  /^\s*(?:[-*+]\s+)?(?:phase\s+\d|T-?\d+\b|task\s+\d)/i, // phase and task lines
  /\[REQUIRES INPUT\]/,
  /^\s*<!--/,
];

/** The statements of a document: prose lines of 32–280 characters and at least six words. */
export function statements(text: string, boilerplate: Set<string>): string[] {
  const out: string[] = [];
  let fence = false;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s{0,3}(```|~~~)/.test(raw)) {
      fence = !fence;
      continue;
    }
    if (fence || SKIP.some((re) => re.test(raw))) continue;
    const line = raw
      .replace(/^\s*(?:[-*+]|\d+[.)])\s+/, "")
      .replace(/\*\*|__|`/g, "")
      .trim();
    if (line.length < 32 || line.length > 280 || line.split(/\s+/).length < 6) continue;
    if (boilerplate.has(normalise(line))) continue;
    out.push(line);
  }
  return out;
}

/** The class a statement's words suggest. */
export function suggestClass(text: string): string {
  const t = text.toLowerCase();
  if (/\b(owner|owns|owned|agent|responsible)\b/.test(t)) return "ownership_rule";
  if (/\b(boundary|boundaries|scope)\b/.test(t)) return "boundary";
  if (/\b(must|never|required|default|authoritative)\b/.test(t)) return "invariant";
  return "non_negotiable_constraint";
}

export const CLUSTER_SIMILARITY = 0.82;

export function extractCandidates(
  docs: StatementSource[],
  boilerplate: Set<string>,
  o: { minSources: number; minSessions: number; minStages: number; limit: number },
): Candidate[] {
  const clusters: {
    head: string;
    fingerprint: string;
    members: { text: string; ref: string; session: string; stage: string }[];
  }[] = [];
  const byFingerprint = new Map<string, (typeof clusters)[number]>();
  for (const d of docs) {
    for (const text of statements(d.text, boilerplate)) {
      const fingerprint = normalise(text);
      const member = { text, ref: `${d.session}:${d.stage}`, session: d.session, stage: d.stage };
      let c =
        byFingerprint.get(fingerprint) ??
        clusters.find((x) => similarity(x.head, text) >= CLUSTER_SIMILARITY);
      if (!c) {
        c = { head: text, fingerprint, members: [] };
        clusters.push(c);
      }
      byFingerprint.set(fingerprint, c);
      c.members.push(member);
    }
  }
  const out: Candidate[] = [];
  for (const c of clusters) {
    const sources = [...new Set(c.members.map((m) => m.ref))].sort();
    const sessions = [...new Set(c.members.map((m) => m.session))].sort();
    const stages = [...new Set(c.members.map((m) => m.stage))].sort();
    if (sources.length < o.minSources || sessions.length < o.minSessions || stages.length < o.minStages)
      continue;
    out.push({
      claim_text: c.head,
      classification: suggestClass(c.head),
      sources,
      sessions,
      stages,
      support: sources.length,
    });
  }
  return out
    .sort((a, b) => b.support - a.support || (a.claim_text < b.claim_text ? -1 : 1))
    .slice(0, o.limit);
}
