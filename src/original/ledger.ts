import { createHash } from "node:crypto";
import type { Row, Snapshot } from "./read.ts";

// The blueprint claims ledger, imported from the original's governance tables as an append-only JSONL
// file (`sessions/__blueprint__/metadata/claims.jsonl`; format in docs/migrating.md). One event per line,
// each carrying the sha256 of the line before it, so a changed or removed line breaks the chain. Built
// only from the database's own values (no clock), so importing the same database twice writes the same
// bytes. The governance commands that append to it come later (issue #19); this is their starting point.

export const LEDGER_VERSION = 1;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text ?? null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // kept as the original wrote it rather than lost
  }
}

interface Event {
  type: string;
  at: string;
  order: number;
  id: number;
  payload: Record<string, unknown>;
}

/** `session:stage` of an artifact row id, for promotion sources. */
export type ArtifactRef = (artifactId: number) => string;

/** The ledger of one project as JSONL text, or undefined when the project has no governance rows. */
export function buildLedger(snap: Snapshot, projectId: number, ref: ArtifactRef): string | undefined {
  const mine = (t: string) => snap[t]!.filter((r) => Number(r.project_id) === projectId);
  const candidates = mine("promotion_candidates");
  const records = mine("promotion_records");
  const claims = mine("blueprint_claims");
  const transitions = mine("claim_lifecycle_events");
  const integrity = mine("blueprint_integrity");
  const integrityEvents = mine("integrity_events");
  const legacy = mine("blueprint_promotions");
  if (
    !candidates.length &&
    !records.length &&
    !claims.length &&
    !transitions.length &&
    !integrity.length &&
    !integrityEvents.length &&
    !legacy.length
  )
    return undefined;

  const sourcesOf = (table: string, key: string, id: unknown) =>
    snap[table]!.filter((s) => s[key] === id)
      .map((s) => ref(Number(s.artifact_id)))
      .sort();
  const events: Event[] = [];
  const push = (type: string, order: number, r: Row, at: unknown, payload: Record<string, unknown>) =>
    events.push({ type, at: String(at), order, id: Number(r.id ?? r.claim_id), payload });

  for (const r of legacy)
    push("promotion.legacy", 0, r, r.created_at, {
      promotion_id: r.id,
      claim_text: r.claim_text,
      classification: r.classification,
      status: r.status,
      evidence_hash: r.evidence_hash,
      failed_tests: parseJson(r.failed_tests_json),
      evidence: parseJson(r.evidence_json),
      promoted_at: r.promoted_at ?? null,
      sources: sourcesOf("blueprint_promotion_sources", "promotion_id", r.id),
    });
  for (const r of candidates)
    push("promotion.evaluated", 1, r, r.created_at, {
      candidate_id: r.id,
      claim_text: r.claim_text,
      classification: r.classification,
      evidence_hash: r.evidence_hash,
      failed_tests: parseJson(r.failed_tests_json),
      evidence: parseJson(r.evidence_json),
      sources: sourcesOf("promotion_candidate_sources", "candidate_id", r.id),
    });
  for (const r of records)
    push("promotion.decided", 2, r, r.created_at, {
      record_id: r.id,
      candidate_id: r.candidate_id,
      status: r.status,
      promoted: r.status === "ALLOW",
      promoted_claim: r.promoted_claim ?? null,
      evidence_hash: r.evidence_hash ?? null,
      promoted_at: r.promoted_at ?? null,
    });
  for (const r of claims)
    push("claim.created", 3, r, r.created_at, {
      claim_id: r.claim_id,
      claim_text: r.claim_text,
      classification: r.classification,
      origin: r.origin,
      promotion_record_id: r.promotion_record_id ?? null,
    });
  for (const r of transitions)
    push("claim.transition", 4, r, r.created_at, {
      event_id: r.id,
      claim_id: r.claim_id,
      old_status: r.old_status,
      new_status: r.new_status,
      reason: r.reason,
      actor: r.actor,
      superseding_claim_id: r.superseding_claim_id ?? null,
    });
  for (const r of integrityEvents)
    push("integrity.event", 5, r, r.created_at, {
      event_id: r.id,
      expected_hash: r.expected_hash,
      actual_hash: r.actual_hash,
      action: r.action,
    });
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  events.sort((a, b) => byCode(a.at, b.at) || a.order - b.order || a.id - b.id);

  // The state as the original left it: replaying the events must arrive here (#19 can check that).
  const last = [events.at(-1)?.at ?? "", ...claims.map((c) => String(c.updated_at))]
    .concat(integrity.map((i) => String(i.updated_at)))
    .sort(byCode)
    .at(-1)!;
  const checkpoint: Event = {
    type: "ledger.checkpoint",
    at: last,
    order: 9,
    id: 0,
    payload: {
      source: { tool: "idse-orchestrator", database: ".idse/idse.db" },
      claims: claims.map((c) => ({
        claim_id: c.claim_id,
        status: c.status,
        supersedes_claim_id: c.supersedes_claim_id ?? null,
        updated_at: c.updated_at,
      })),
      blueprint_integrity: integrity[0]
        ? { file_hash: integrity[0].file_hash, updated_at: integrity[0].updated_at }
        : null,
    },
  };
  const lines: string[] = [];
  let prev: string | null = null;
  for (const [i, e] of [...events, checkpoint].entries()) {
    const line = JSON.stringify({
      v: LEDGER_VERSION,
      seq: i + 1,
      type: e.type,
      at: e.at,
      prev,
      ...e.payload,
    });
    lines.push(line);
    prev = sha256(line);
  }
  return `${lines.join("\n")}\n`;
}

/** Checks a ledger's hash chain; returns the 1-based line number of the first broken link, or 0. */
export function verifyLedger(text: string): number {
  let prev: string | null = null;
  const lines = text.split("\n").filter((l) => l.length > 0);
  for (const [i, line] of lines.entries()) {
    let obj: { prev?: unknown; seq?: unknown };
    try {
      obj = JSON.parse(line);
    } catch {
      return i + 1;
    }
    if (obj.prev !== prev || obj.seq !== i + 1) return i + 1;
    prev = sha256(line);
  }
  return 0;
}
