import { createHash } from "node:crypto";
import { IdseError } from "./errors.ts";
import { BLUEPRINT } from "./ids.ts";
import type { DesignStore } from "./store/contract.ts";
import { keys } from "./store/layout.ts";

// BlueprintClaims: the append-only ledger of the blueprint's claims, `metadata/claims.jsonl` in the
// blueprint session. One JSON object per line: `v`, `seq` (1, 2, …), `type`, `at`, `prev` (sha256 hex of
// the previous line's exact text; null on line 1), then the event's fields. The format is the one
// `idse import-original` writes from the Python original's database (docs/migrating.md), so imported
// claims and claims made here live in one chain. A line changed, removed or reordered breaks the chain:
// idse then refuses to append (LEDGER_TAMPERED with the line) and rewrites nothing.

export const LEDGER_VERSION = 1;
export const CLASSES = ["invariant", "boundary", "ownership_rule", "non_negotiable_constraint"] as const;
export type ClaimClass = (typeof CLASSES)[number];
export const CLAIM_STATUSES = ["active", "superseded", "invalidated"] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const ledgerKey = (project: string) => `${keys.metadataDir(project, BLUEPRINT)}/claims.jsonl`;
export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export interface LedgerEvent {
  v: number;
  seq: number;
  type: string;
  at: string;
  prev: string | null;
  [field: string]: unknown;
}

export interface Ledger {
  file: string;
  key: string;
  events: LedgerEvent[];
  /** The exact text of each line, for explain (line numbers are seq numbers). */
  lines: string[];
  /** The hash the next line must carry as `prev`. */
  head: string | null;
}

/** Reads and verifies the ledger; an absent ledger is an empty one. */
export async function readLedger(store: DesignStore, project: string): Promise<Ledger> {
  const key = ledgerKey(project);
  const file = `.idse/${key}`;
  const text = (await store.read(key)) ?? "";
  return { ...verifyLedgerText(text, file), key };
}

export function verifyLedgerText(text: string, file: string): Omit<Ledger, "key"> {
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text ? text.split("\n") : [];
  const events: LedgerEvent[] = [];
  let prev: string | null = null;
  for (const [i, line] of lines.entries()) {
    const broken = (reason: string) => new IdseError("LEDGER_TAMPERED", { file, line: i + 1, reason });
    let e: LedgerEvent;
    try {
      e = JSON.parse(line) as LedgerEvent;
    } catch {
      throw broken("the line is not JSON");
    }
    if (!e || typeof e !== "object" || Array.isArray(e)) throw broken("the line is not an object");
    if (e.prev !== prev) throw broken("its prev is not the hash of the line before");
    if (e.seq !== i + 1) throw broken(`its seq is ${String(e.seq)}, expected ${i + 1}`);
    if (typeof e.type !== "string") throw broken("it has no type");
    events.push(e);
    prev = sha256(line);
  }
  return { file, events, lines, head: prev };
}

/** Appends events (in order) and writes the ledger atomically; returns them with seq and prev filled. */
export async function appendEvents(
  store: DesignStore,
  ledger: Ledger,
  add: { type: string; at: string; [field: string]: unknown }[],
): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  const lines = [...ledger.lines];
  let prev = ledger.head;
  for (const { type, at, ...fields } of add) {
    const e: LedgerEvent = { v: LEDGER_VERSION, seq: lines.length + 1, type, at, prev, ...fields };
    const line = JSON.stringify(e);
    lines.push(line);
    out.push(e);
    prev = sha256(line);
  }
  await store.write(ledger.key, `${lines.join("\n")}\n`);
  ledger.lines = lines;
  ledger.events.push(...out);
  ledger.head = prev;
  return out;
}

export interface Claim {
  claim_id: number;
  claim_text: string;
  classification: string;
  origin: string;
  status: ClaimStatus | string;
  sources: string[];
  created_at: string;
  updated_at: string;
  promotion_record_id: number | null;
  superseded_by: number | null;
  reinforcements: number;
  /** Ledger lines (seq) about this claim. */
  seqs: number[];
}

export interface LedgerState {
  claims: Map<number, Claim>;
  /** promotion.evaluated events by candidate_id. */
  candidates: Map<number, LedgerEvent>;
  /** promotion.decided events by record_id. */
  records: Map<number, LedgerEvent>;
  /** The blueprint.md hash a person accepted (`verify --accept`), or the original's stored hash. */
  accepted_hash: string | null;
  next: { claim: number; candidate: number; record: number; transition: number; integrity: number };
}

const num = (x: unknown) => (typeof x === "number" ? x : Number(x));

/** Replays the ledger into the claims' current state. */
export function replay(events: LedgerEvent[]): LedgerState {
  const s: LedgerState = {
    claims: new Map(),
    candidates: new Map(),
    records: new Map(),
    accepted_hash: null,
    next: { claim: 1, candidate: 1, record: 1, transition: 1, integrity: 1 },
  };
  const bump = (k: keyof LedgerState["next"], id: unknown) => {
    if (Number.isFinite(num(id))) s.next[k] = Math.max(s.next[k], num(id) + 1);
  };
  for (const e of events) {
    if (e.type === "claim.created") {
      const id = num(e.claim_id);
      bump("claim", id);
      s.claims.set(id, {
        claim_id: id,
        claim_text: String(e.claim_text ?? ""),
        classification: String(e.classification ?? ""),
        origin: String(e.origin ?? "declared"),
        status: typeof e.status === "string" ? e.status : "active",
        sources: Array.isArray(e.sources) ? e.sources.map(String) : [],
        created_at: e.at,
        updated_at: e.at,
        promotion_record_id: e.promotion_record_id == null ? null : num(e.promotion_record_id),
        superseded_by: null,
        reinforcements: 0,
        seqs: [e.seq],
      });
    } else if (e.type === "claim.transition") {
      bump("transition", e.event_id);
      const c = s.claims.get(num(e.claim_id));
      if (!c) continue;
      c.seqs.push(e.seq);
      c.updated_at = e.at;
      if (e.old_status === "active" && e.new_status === "active") c.reinforcements++;
      if (typeof e.new_status === "string" && e.new_status) c.status = e.new_status;
      if (e.superseding_claim_id != null) c.superseded_by = num(e.superseding_claim_id);
    } else if (e.type === "promotion.evaluated" || e.type === "promotion.legacy") {
      bump("candidate", e.candidate_id ?? e.promotion_id);
      s.candidates.set(num(e.candidate_id ?? e.promotion_id), e);
    } else if (e.type === "promotion.decided") {
      bump("record", e.record_id);
      s.records.set(num(e.record_id), e);
    } else if (e.type === "integrity.event") {
      bump("integrity", e.event_id);
      if (e.action === "accept" && typeof e.actual_hash === "string") s.accepted_hash = e.actual_hash;
    } else if (e.type === "ledger.checkpoint") {
      // The state the Python original left: authoritative for the claims it lists.
      for (const c of (e.claims as { claim_id: unknown; status: string; updated_at?: string }[]) ?? []) {
        const claim = s.claims.get(num(c.claim_id));
        if (!claim) continue;
        claim.status = c.status;
        if (c.updated_at) claim.updated_at = c.updated_at;
      }
      const integrity = e.blueprint_integrity as { file_hash?: string } | null;
      if (integrity?.file_hash) s.accepted_hash = integrity.file_hash;
    }
  }
  return s;
}

/** Text compared for "the same claim": case and spacing ignored. */
export const sameText = (a: string, b: string) =>
  a.trim().replace(/\s+/g, " ").toLowerCase() === b.trim().replace(/\s+/g, " ").toLowerCase();
