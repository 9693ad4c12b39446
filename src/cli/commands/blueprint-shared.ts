import { readArtifact } from "../../artifacts.ts";
import { sectionOf, writeViews } from "../../blueprint-views.ts";
import { appendEvents, type Claim, type LedgerState, readLedger, replay } from "../../claims-ledger.ts";
import { IdseError } from "../../errors.ts";
import { BLUEPRINT } from "../../ids.ts";
import type { ClaimChangeOutput, ClaimView } from "../../models/claims.ts";
import { STAGES, type Stage } from "../../models/common.ts";
import type { GateFeedback, GateSource } from "../../promotion-gate.ts";
import { listSessionIds, readSession } from "../../session-graph.ts";
import type { DesignStore } from "../../store/contract.ts";
import { isUntouched, STAGE_TEMPLATES } from "../../templates.ts";
import type { Context } from "../command.ts";

// Shared by the `idse blueprint …` commands (blueprint.ts): sources, the claim view, and the one
// path every change takes (append to the ledger, then regenerate blueprint.md and meta.md's records).

/** `session:stage` → its parts; anything else is a usage error. */
export function parseSource(ref: string): { session: string; stage: Stage } {
  const m = /^([^:\s]+):([a-z]+)$/.exec(ref.trim());
  if (!m || !(STAGES as readonly string[]).includes(m[2]!))
    throw new IdseError("CLAIM_SOURCE_INVALID", { source: ref });
  return { session: m[1]!, stage: m[2] as Stage };
}

/** A source that exists: its session and its stage document. Unknown references are errors. */
export async function loadSource(store: DesignStore, project: string, ref: string): Promise<GateSource> {
  const { session, stage } = parseSource(ref);
  const ids = await listSessionIds(store, project);
  if (!ids.includes(session))
    throw new IdseError("CLAIM_SOURCE_UNKNOWN", { source: ref, reason: `no session "${session}"` });
  const text = await readArtifact(store, project, session, stage);
  if (text === undefined)
    throw new IdseError("CLAIM_SOURCE_UNKNOWN", {
      source: ref,
      reason: `session "${session}" has no ${stage} document`,
    });
  const { meta } = await readSession(store, project, session);
  return { ref: `${session}:${stage}`, session, stage, text, created_at: meta.created_at };
}

/** The feedback of each source session: its text, or undefined when missing or still the template. */
export async function feedbackOf(
  store: DesignStore,
  project: string,
  sessions: string[],
): Promise<GateFeedback[]> {
  return Promise.all(
    sessions.map(async (session) => {
      const text = await readArtifact(store, project, session, "feedback");
      const written = text !== undefined && !isUntouched(STAGE_TEMPLATES.feedback, text);
      return { session, text: written ? text : undefined };
    }),
  );
}

export function view(c: Claim): ClaimView {
  const { seqs: _seqs, ...rest } = c;
  return { ...rest, status: String(c.status), section: sectionOf(c) };
}

export function requireClaim(state: LedgerState, id: number): Claim {
  const c = Number.isInteger(id) ? state.claims.get(id) : undefined;
  if (!c) throw new IdseError("CLAIM_NOT_FOUND", { claim_id: id });
  return c;
}

export function claimId(raw: string | number | undefined, flag = "--claim-id"): number {
  const n = Number(raw);
  if (raw === undefined || raw === "" || !Number.isInteger(n) || n < 1)
    throw new IdseError("USAGE", { reason: `${flag} must be a claim id (a positive integer)` });
  return n;
}

/** Appends events under the project lock, then regenerates the views. */
export async function record(
  ctx: Context,
  project: string,
  build: (
    state: LedgerState,
    store: DesignStore,
  ) => Promise<{ type: string; at: string; [k: string]: unknown }[]>,
  o: { views?: boolean } = {},
) {
  return ctx.mutate(project, async (ws) => {
    const ledger = await readLedger(ws.store, project);
    const before = replay(ledger.events);
    const add = await build(before, ws.store);
    const appended = add.length ? await appendEvents(ws.store, ledger, add) : [];
    const state = replay(ledger.events);
    if (appended.length && o.views !== false) await writeViews(ws.store, project, state, ledger.events);
    return { ledger, state, appended: appended.map((e) => e.seq) };
  });
}

export const changeText = (verb: string) => (d: ClaimChangeOutput) =>
  `${verb} claim ${d.claim.claim_id} (${d.claim.classification}, ${d.claim.status}): ${d.claim.claim_text}\n`;

export { BLUEPRINT };
