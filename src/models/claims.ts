import * as v from "valibot";
import { d, Id } from "./common.ts";

// Blueprint claims (`idse blueprint …`): the views of the claims ledger the commands print.

export const ClaimView = d(
  v.object({
    claim_id: d(v.number(), "The claim's id (the original's claim_id for imported claims)."),
    claim_text: d(v.string(), "The statement."),
    classification: d(v.string(), "invariant, boundary, ownership_rule or non_negotiable_constraint."),
    origin: d(v.string(), "declared (by the blueprint) or converged (promoted through the gate)."),
    status: d(v.string(), "active, superseded or invalidated."),
    sources: d(v.array(v.string()), "session:stage references the claim was declared or promoted from."),
    created_at: d(v.string(), "When the claim was created (the ledger's `at`)."),
    updated_at: d(v.string(), "When its status last changed."),
    promotion_record_id: d(
      v.nullable(v.number()),
      "The gate decision that promoted it, for converged claims.",
    ),
    superseded_by: d(v.nullable(v.number()), "The claim that superseded it."),
    reinforcements: d(v.number(), "How often it was reinforced."),
    section: d(v.string(), "The blueprint.md section an active claim is placed in."),
  }),
  "A blueprint claim as the ledger leaves it.",
);
export type ClaimView = v.InferOutput<typeof ClaimView>;

const Ledger = d(v.string(), "The claims ledger, relative to the repository root.");

export const ClaimsOutput = d(
  v.object({ project: Id, ledger: Ledger, claims: d(v.array(ClaimView), "The claims, by id.") }),
  "Result of `idse blueprint claims`.",
);
export type ClaimsOutput = v.InferOutput<typeof ClaimsOutput>;

export const ClaimChangeOutput = d(
  v.object({
    project: Id,
    ledger: Ledger,
    claim: ClaimView,
    events: d(v.array(v.number()), "The ledger lines (seq) this command appended."),
  }),
  "Result of `idse blueprint declare|reinforce|demote`.",
);
export type ClaimChangeOutput = v.InferOutput<typeof ClaimChangeOutput>;

const Evidence = d(v.record(v.string(), v.unknown()), "The evidence, as hashed (canonical JSON).");

export const PromoteOutput = d(
  v.object({
    project: Id,
    ledger: Ledger,
    decision: d(v.picklist(["ALLOW", "DENY"]), "The gate's decision."),
    failed_tests: d(v.array(v.string()), "The gate's failed tests, by code."),
    evidence_hash: d(v.string(), "sha256 of the evidence's canonical JSON (sorted keys, compact)."),
    evidence: Evidence,
    dry_run: d(v.boolean(), "True with --dry-run: nothing was recorded."),
    deduplicated: d(
      v.boolean(),
      "True when the same claim and evidence were decided before: nothing new recorded.",
    ),
    candidate_id: d(v.nullable(v.number()), "The evaluation in the ledger (null for a dry run)."),
    record_id: d(v.nullable(v.number()), "The decision in the ledger (null for a dry run)."),
    claim: d(v.nullable(ClaimView), "The claim created on ALLOW."),
    events: d(v.array(v.number()), "The ledger lines (seq) appended."),
  }),
  "Result of `idse blueprint promote`.",
);
export type PromoteOutput = v.InferOutput<typeof PromoteOutput>;

export const VerifyOutput = d(
  v.object({
    project: Id,
    file: d(v.string(), "blueprint.md, relative to the repository root."),
    actual_hash: d(v.nullable(v.string()), "sha256 of blueprint.md now (null when missing)."),
    accepted_hash: d(
      v.nullable(v.string()),
      "The hash last accepted (`verify --accept`, or the original's).",
    ),
    generated: d(v.boolean(), "True when blueprint.md is exactly what idse renders from the ledger."),
    match: d(v.boolean(), "True when blueprint.md is the generated view or the accepted one."),
    accepted: d(v.boolean(), "True when this run accepted the current hash."),
    events: d(v.array(v.number()), "The ledger lines (seq) appended."),
  }),
  "Result of `idse blueprint verify`.",
);
export type VerifyOutput = v.InferOutput<typeof VerifyOutput>;

export const CandidatesOutput = d(
  v.object({
    project: Id,
    stages: d(v.array(v.string()), "The stages read."),
    candidates: d(
      v.array(
        v.object({
          claim_text: d(v.string(), "The statement, as first written."),
          classification: d(v.string(), "The class its words suggest."),
          sources: d(v.array(v.string()), "session:stage documents that state it."),
          sessions: d(v.array(v.string()), "Their sessions."),
          stages: d(v.array(v.string()), "Their stages."),
          support: d(v.number(), "How many stage documents state it."),
          evaluation: v.optional(
            d(
              v.object({
                decision: d(v.picklist(["ALLOW", "DENY"]), "The gate's decision."),
                failed_tests: d(v.array(v.string()), "Its failed tests."),
                evidence_hash: d(v.string(), "The evidence hash a promotion would record."),
              }),
              "With --evaluate: the gate's decision (nothing recorded).",
            ),
          ),
        }),
      ),
      "Candidates, most supported first.",
    ),
  }),
  "Result of `idse blueprint extract-candidates`.",
);
export type CandidatesOutput = v.InferOutput<typeof CandidatesOutput>;

export const ExplainOutput = d(
  v.object({
    project: Id,
    ledger: Ledger,
    claim: ClaimView,
    events: d(
      v.array(
        v.object({
          seq: d(v.number(), "The ledger line."),
          at: d(v.string(), "When."),
          type: d(v.string(), "The event type."),
          summary: d(v.string(), "What happened."),
        }),
      ),
      "Every ledger line about the claim, in order.",
    ),
    promotion: d(
      v.nullable(
        v.object({
          candidate_id: d(v.number(), "The evaluation in the ledger."),
          record_id: d(v.nullable(v.number()), "The decision in the ledger."),
          decision: d(v.string(), "ALLOW or DENY."),
          failed_tests: d(v.array(v.string()), "Its failed tests."),
          evidence_hash: d(v.string(), "The stored evidence hash."),
          evidence: d(v.unknown(), "The stored evidence."),
          evidence_reproducible: d(
            v.boolean(),
            "True when hashing the stored evidence gives the stored evidence hash.",
          ),
        }),
      ),
      "The gate decision that promoted the claim (null for a declared claim).",
    ),
  }),
  "Result of `idse blueprint explain`.",
);
export type ExplainOutput = v.InferOutput<typeof ExplainOutput>;
