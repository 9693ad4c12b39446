import { readArtifact } from "../../artifacts.ts";
import { blueprintKey, renderBlueprint } from "../../blueprint-views.ts";
import { extractCandidates } from "../../claim-candidates.ts";
import { CLAIM_STATUSES, CLASSES, readLedger, replay, sameText, sha256 } from "../../claims-ledger.ts";
import { type ErrorCode, IdseError } from "../../errors.ts";
import type {
  CandidatesOutput,
  ClaimChangeOutput,
  ClaimsOutput,
  ExplainOutput,
  PromoteOutput,
  VerifyOutput,
} from "../../models/claims.ts";
import { STAGES } from "../../models/common.ts";
import { canonicalJson, normalise, runGate } from "../../promotion-gate.ts";
import { listSessionIds } from "../../session-graph.ts";
import { render, STAGE_TEMPLATES } from "../../templates.ts";
import { defineCommand } from "../command.ts";
import {
  BLUEPRINT,
  changeText,
  claimId,
  feedbackOf,
  loadSource,
  parseSource,
  record,
  requireClaim,
  view,
} from "./blueprint-shared.ts";
import { table } from "./shared.ts";

// `idse blueprint …`: the Python original's claim governance (declare, promote through the evidence gate,
// reinforce, demote, list, verify, extract candidates) on the hash-chained ledger, plus `explain`.

const SOURCE = {
  flags: "--source <session:stage>",
  description: "A source document (repeatable)",
  multiple: true,
};

export const blueprintDeclare = defineCommand<
  { claim: string; classification: string; source: string[]; actor?: string },
  ClaimChangeOutput
>({
  options: [
    { flags: "--claim <text>", description: "The claim", required: true },
    { flags: "--classification <class>", description: `One of ${CLASSES.join(", ")}`, required: true },
    { ...SOURCE, required: true },
    { flags: "--actor <name>", description: "Who declares it (default: architect)" },
  ],
  examples: [
    'idse blueprint declare --claim "Card data never touches our servers" --classification non_negotiable_constraint --source __blueprint__:spec',
  ],
  async run(ctx, _a, o) {
    const project = await ctx.project();
    if (!(CLASSES as readonly string[]).includes(o.classification))
      throw new IdseError("CLAIM_CLASS_UNKNOWN", { classification: o.classification });
    if (!o.claim.trim()) throw new IdseError("USAGE", { reason: "--claim must not be empty" });
    for (const ref of o.source)
      if (parseSource(ref).session !== BLUEPRINT)
        throw new IdseError("CLAIM_SOURCE_NOT_BLUEPRINT", { source: ref });
    const actor = o.actor ?? "architect";
    let id = 0;
    const r = await record(ctx, project, async (state, store) => {
      const sources = await Promise.all(o.source.map((ref) => loadSource(store, project, ref)));
      const same = [...state.claims.values()].find(
        (c) => c.status === "active" && sameText(c.claim_text, o.claim),
      );
      if (same) throw new IdseError("CLAIM_EXISTS", { claim_id: same.claim_id });
      id = state.next.claim;
      const at = ctx.now;
      return [
        {
          type: "claim.created",
          at,
          claim_id: id,
          claim_text: o.claim.trim(),
          classification: o.classification,
          origin: "declared",
          promotion_record_id: null,
          sources: sources.map((s) => s.ref),
          actor,
        },
        {
          type: "claim.transition",
          at,
          event_id: state.next.transition,
          claim_id: id,
          old_status: "",
          new_status: "active",
          reason: "Declared",
          actor,
          superseding_claim_id: null,
        },
      ];
    });
    return { project, ledger: r.ledger.file, claim: view(r.state.claims.get(id)!), events: r.appended };
  },
  text: changeText("Declared"),
});

export const blueprintPromote = defineCommand<
  { claim: string; classification: string; source: string[]; minDays?: string; dryRun?: boolean },
  PromoteOutput
>({
  options: [
    { flags: "--claim <text>", description: "The claim", required: true },
    { flags: "--classification <class>", description: `One of ${CLASSES.join(", ")}`, required: true },
    { ...SOURCE, required: true },
    { flags: "--min-days <n>", description: "Days the sources must span (default 7)" },
    { flags: "--dry-run", description: "Run the gate, record nothing" },
  ],
  examples: [
    'idse blueprint promote --claim "Prices are integer cents" --classification invariant --source checkout:spec --source catalog:plan',
  ],
  async run(ctx, _a, o) {
    const project = await ctx.project();
    const minDays = o.minDays === undefined ? 7 : Number(o.minDays);
    if (!Number.isFinite(minDays) || minDays < 0)
      throw new IdseError("USAGE", { reason: "--min-days must be a number ≥ 0" });
    const claimText = o.claim.trim();
    if (!claimText) throw new IdseError("USAGE", { reason: "--claim must not be empty" });
    let out!: Omit<PromoteOutput, "events" | "claim" | "ledger"> & { claimId: number | null };
    const r = await record(ctx, project, async (state, store) => {
      const sources = await Promise.all(o.source.map((ref) => loadSource(store, project, ref)));
      const sessions = [...new Set(sources.map((s) => s.session))].sort();
      const gate = runGate(
        claimText,
        o.classification,
        sources,
        await feedbackOf(store, project, sessions),
        minDays,
      );
      for (const code of gate.failed_tests) {
        const err = IdseError.of(code as ErrorCode, gate.details[code]);
        ctx.report({
          severity: "error",
          code: err.code,
          message: err.message,
          ...(err.hint ? { hint: err.hint } : {}),
          ...gate.details[code],
        });
      }
      const prior = [...state.candidates.values()].find(
        (e) => e.evidence_hash === gate.evidence_hash && sameText(String(e.claim_text), claimText),
      );
      const base = {
        project,
        decision: gate.decision,
        failed_tests: gate.failed_tests,
        evidence_hash: gate.evidence_hash,
        evidence: gate.evidence,
        dry_run: !!o.dryRun,
      };
      if (o.dryRun || prior) {
        const rec = prior
          ? [...state.records.values()].find((x) => x.candidate_id === prior.candidate_id)
          : undefined;
        const claim = rec
          ? [...state.claims.values()].find((c) => c.promotion_record_id === rec.record_id)
          : undefined;
        out = {
          ...base,
          deduplicated: !!prior,
          candidate_id: prior ? Number(prior.candidate_id) : null,
          record_id: rec ? Number(rec.record_id) : null,
          claimId: claim?.claim_id ?? null,
        };
        return [];
      }
      const at = ctx.now;
      const candidate_id = state.next.candidate;
      const record_id = state.next.record;
      const allow = gate.decision === "ALLOW";
      const claim_id = allow ? state.next.claim : null;
      out = { ...base, deduplicated: false, candidate_id, record_id, claimId: claim_id };
      return [
        {
          type: "promotion.evaluated",
          at,
          candidate_id,
          claim_text: claimText,
          classification: o.classification,
          evidence_hash: gate.evidence_hash,
          failed_tests: gate.failed_tests,
          evidence: gate.evidence,
          sources: sources.map((s) => s.ref),
        },
        {
          type: "promotion.decided",
          at,
          record_id,
          candidate_id,
          status: gate.decision,
          promoted: allow,
          promoted_claim: allow ? claimText : null,
          evidence_hash: gate.evidence_hash,
          promoted_at: allow ? at : null,
        },
        ...(allow
          ? [
              {
                type: "claim.created",
                at,
                claim_id,
                claim_text: claimText,
                classification: o.classification,
                origin: "converged",
                promotion_record_id: record_id,
                sources: sources.map((s) => s.ref),
                actor: "promotion-gate",
              },
              {
                type: "claim.transition",
                at,
                event_id: state.next.transition,
                claim_id,
                old_status: "",
                new_status: "active",
                reason: `Promoted (record ${record_id})`,
                actor: "promotion-gate",
                superseding_claim_id: null,
              },
            ]
          : []),
      ];
    });
    const { claimId: id, ...rest } = out;
    const claim = id === null ? undefined : r.state.claims.get(id);
    return { ...rest, ledger: r.ledger.file, claim: claim ? view(claim) : null, events: r.appended };
  },
  text: (d) =>
    `${d.decision}${d.dry_run ? " (dry run, nothing recorded)" : d.deduplicated ? " (decided before, nothing new recorded)" : ""}: ${d.failed_tests.join(", ") || "every test passed"}\nevidence ${d.evidence_hash}\n${d.claim ? `claim ${d.claim.claim_id} is active in ${d.claim.section}\n` : ""}`,
  exitCode: (d) => (d.decision === "ALLOW" ? 0 : 1),
});

export const blueprintReinforce = defineCommand<
  { claimId: string; source: string; actor?: string },
  ClaimChangeOutput
>({
  options: [
    { flags: "--claim-id <id>", description: "The claim", required: true },
    { flags: "--source <session:stage>", description: "The document that reinforces it", required: true },
    { flags: "--actor <name>", description: "Who records it (default: system)" },
  ],
  async run(ctx, _a, o) {
    const project = await ctx.project();
    const id = claimId(o.claimId);
    const r = await record(ctx, project, async (state, store) => {
      const c = requireClaim(state, id);
      if (c.status !== "active") throw new IdseError("CLAIM_NOT_ACTIVE", { claim_id: id, status: c.status });
      const src = await loadSource(store, project, o.source);
      return [
        {
          type: "claim.transition",
          at: ctx.now,
          event_id: state.next.transition,
          claim_id: id,
          old_status: "active",
          new_status: "active",
          reason: `Reinforced by ${src.ref}`,
          actor: o.actor ?? "system",
          superseding_claim_id: null,
          source: src.ref,
        },
      ];
    });
    return { project, ledger: r.ledger.file, claim: view(r.state.claims.get(id)!), events: r.appended };
  },
  text: changeText("Reinforced"),
});

export const blueprintDemote = defineCommand<
  { claimId: string; reason?: string; status?: string; supersedingClaimId?: string; actor?: string },
  ClaimChangeOutput
>({
  options: [
    { flags: "--claim-id <id>", description: "The claim", required: true },
    { flags: "--reason <text>", description: "Why (required)" },
    { flags: "--status <status>", description: "superseded or invalidated (default)" },
    { flags: "--superseding-claim-id <id>", description: "The claim that replaces it (for superseded)" },
    { flags: "--actor <name>", description: "Who demotes it (default: operator)" },
  ],
  async run(ctx, _a, o) {
    const project = await ctx.project();
    // The original's order of checks: status, reason, superseding id; then the claims themselves.
    const status = o.status ?? "invalidated";
    if (status !== "superseded" && status !== "invalidated")
      throw new IdseError("INVALID_ENUM", {
        value: status,
        option: "--status",
        allowed: ["superseded", "invalidated"],
      });
    if (!o.reason?.trim()) throw new IdseError("DEMOTE_REASON_REQUIRED");
    if (status === "superseded" && o.supersedingClaimId === undefined)
      throw new IdseError("SUPERSEDING_CLAIM_REQUIRED");
    const id = claimId(o.claimId);
    const by =
      o.supersedingClaimId === undefined ? null : claimId(o.supersedingClaimId, "--superseding-claim-id");
    const r = await record(ctx, project, async (state) => {
      const c = requireClaim(state, id);
      if (c.status !== "active") throw new IdseError("CLAIM_NOT_ACTIVE", { claim_id: id, status: c.status });
      if (by !== null) {
        const s = requireClaim(state, by);
        if (s.status !== "active" || by === id)
          throw new IdseError("CLAIM_NOT_ACTIVE", {
            claim_id: by,
            status: by === id ? "the claim itself" : s.status,
          });
      }
      return [
        {
          type: "claim.transition",
          at: ctx.now,
          event_id: state.next.transition,
          claim_id: id,
          old_status: "active",
          new_status: status,
          reason: o.reason!.trim(),
          actor: o.actor ?? "operator",
          superseding_claim_id: status === "superseded" ? by : null,
        },
      ];
    });
    return { project, ledger: r.ledger.file, claim: view(r.state.claims.get(id)!), events: r.appended };
  },
  text: changeText("Demoted"),
});

export const blueprintClaims = defineCommand<{ status?: string; all?: boolean }, ClaimsOutput>({
  options: [
    {
      flags: "--status <status>",
      description: "Only claims with this status (default: active)",
      choices: CLAIM_STATUSES,
    },
    { flags: "--all", description: "Every claim, whatever its status" },
  ],
  async run(ctx, _a, o) {
    const project = await ctx.project();
    const ledger = await readLedger(ctx.workspace().store, project);
    const want = o.all ? undefined : (o.status ?? "active");
    const claims = [...replay(ledger.events).claims.values()]
      .filter((c) => !want || c.status === want)
      .sort((a, b) => a.claim_id - b.claim_id);
    return { project, ledger: ledger.file, claims: claims.map(view) };
  },
  text: (d) =>
    d.claims.length
      ? `${table(
          ["ID", "STATUS", "CLASS", "ORIGIN", "CLAIM"],
          d.claims.map((c) => [String(c.claim_id), c.status, c.classification, c.origin, c.claim_text]),
        )}\n`
      : "No claims.\n",
});

export const blueprintVerify = defineCommand<{ accept?: boolean; actor?: string }, VerifyOutput>({
  options: [
    { flags: "--accept", description: "Accept blueprint.md as it is now (records its hash)" },
    { flags: "--actor <name>", description: "Who accepts it (default: operator)" },
  ],
  async run(ctx, _a, o) {
    const project = await ctx.project();
    let out!: VerifyOutput;
    const r = await record(
      ctx,
      project,
      async (state, store) => {
        const ledger = await readLedger(store, project);
        const text = await store.read(blueprintKey(project));
        const actual = text === undefined ? null : sha256(text);
        const generated = text !== undefined && text === renderBlueprint(project, state, ledger.events);
        const match = generated || (actual !== null && actual === state.accepted_hash);
        out = {
          project,
          file: `.idse/${blueprintKey(project)}`,
          actual_hash: actual,
          accepted_hash: state.accepted_hash,
          generated,
          match,
          accepted: false,
          events: [],
        };
        if (o.accept && actual !== null && actual !== state.accepted_hash) {
          out.accepted = true;
          out.match = true;
          return [
            {
              type: "integrity.event",
              at: ctx.now,
              event_id: state.next.integrity,
              expected_hash: state.accepted_hash,
              actual_hash: actual,
              action: "accept",
              actor: o.actor ?? "operator",
            },
          ];
        }
        if (!match && actual !== null) {
          const err = new IdseError("BLUEPRINT_HASH_MISMATCH", {
            file: out.file,
            expected: state.accepted_hash ?? "(none)",
            actual,
          });
          ctx.report({ severity: "warning", code: err.code, message: err.message, hint: err.hint });
          // A warning event, as the original records one; not again for the same unaccepted text.
          const last = [...ledger.events].reverse().find((e) => e.type === "integrity.event");
          if (last?.action !== "warning" || last.actual_hash !== actual)
            return [
              {
                type: "integrity.event",
                at: ctx.now,
                event_id: state.next.integrity,
                expected_hash: state.accepted_hash,
                actual_hash: actual,
                action: "warning",
              },
            ];
        }
        return [];
      },
      { views: false },
    ); // an integrity event is about blueprint.md: it must not rewrite it
    return { ...out, events: r.appended };
  },
  text: (d) =>
    d.actual_hash === null
      ? `${d.file} does not exist yet (it is written with the first claim).\n`
      : `${d.file}: ${d.accepted ? "accepted" : d.generated ? "matches the ledger" : d.match ? "matches the accepted hash" : "CHANGED since accepted"} (${d.actual_hash})\n`,
  exitCode: (d) => (d.match || d.actual_hash === null ? 0 : 1),
});

export const blueprintExtractCandidates = defineCommand<
  {
    stage: string[];
    minSources?: string;
    minSessions?: string;
    minStages?: string;
    limit?: string;
    evaluate?: boolean;
    minDays?: string;
  },
  CandidatesOutput
>({
  options: [
    {
      flags: "--stage <stage>",
      description: "Stages to read (repeatable; default intent, context, spec, implementation, feedback)",
      multiple: true,
      choices: STAGES,
    },
    { flags: "--min-sources <n>", description: "Documents that must state it (default 2)" },
    { flags: "--min-sessions <n>", description: "Sessions that must state it (default 2)" },
    { flags: "--min-stages <n>", description: "Stages that must state it (default 2)" },
    { flags: "--limit <n>", description: "At most this many candidates (default 20)" },
    { flags: "--evaluate", description: "Run the promotion gate on each candidate (nothing recorded)" },
    { flags: "--min-days <n>", description: "For --evaluate: days the sources must span (default 7)" },
  ],
  async run(ctx, _a, o) {
    const project = await ctx.project();
    const store = ctx.workspace().store;
    const n = (raw: string | undefined, dflt: number, flag: string) => {
      const x = raw === undefined ? dflt : Number(raw);
      if (!Number.isInteger(x) || x < 0)
        throw new IdseError("USAGE", { reason: `${flag} must be a whole number` });
      return x;
    };
    const stages = o.stage.length ? o.stage : ["intent", "context", "spec", "implementation", "feedback"];
    const opts = {
      minSources: n(o.minSources, 2, "--min-sources"),
      minSessions: n(o.minSessions, 2, "--min-sessions"),
      minStages: n(o.minStages, 2, "--min-stages"),
      limit: n(o.limit, 20, "--limit"),
    };
    // Template boilerplate: every line of every stage template, normalised.
    const boilerplate = new Set(
      STAGES.flatMap((s) =>
        render(STAGE_TEMPLATES[s], { project, session: "", stack: "", date: "", owner: "" }).split("\n"),
      ).map((l) => normalise(l.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, "").replace(/\*\*|__|`/g, ""))),
    );
    const docs = [];
    for (const session of await listSessionIds(store, project))
      for (const stage of stages) {
        const text = await readArtifact(store, project, session, stage as (typeof STAGES)[number]);
        if (text !== undefined) docs.push({ session, stage, text });
      }
    const active = [...replay((await readLedger(store, project)).events).claims.values()].filter(
      (c) => c.status === "active",
    );
    const found = extractCandidates(docs, boilerplate, opts).filter(
      (c) => !active.some((a) => sameText(a.claim_text, c.claim_text)),
    );
    const candidates: CandidatesOutput["candidates"] = [];
    for (const c of found) {
      if (!o.evaluate) {
        candidates.push(c);
        continue;
      }
      const sources = await Promise.all(c.sources.map((ref) => loadSource(store, project, ref)));
      const g = runGate(
        c.claim_text,
        c.classification,
        sources,
        await feedbackOf(store, project, c.sessions),
        n(o.minDays, 7, "--min-days"),
      );
      candidates.push({
        ...c,
        evaluation: { decision: g.decision, failed_tests: g.failed_tests, evidence_hash: g.evidence_hash },
      });
    }
    return { project, stages, candidates };
  },
  text: (d) =>
    d.candidates.length
      ? d.candidates
          .map(
            (c) =>
              `[${c.classification}] ${c.claim_text}\n  sources: ${c.sources.join(", ")}${c.evaluation ? `\n  gate: ${c.evaluation.decision} ${c.evaluation.failed_tests.join(", ")}` : ""}\n`,
          )
          .join("")
      : "No candidates: no statement repeats across enough sessions and stages.\n",
});

export const blueprintExplain = defineCommand<Record<string, never>, ExplainOutput>({
  examples: ["idse blueprint explain 3"],
  async run(ctx, [raw]) {
    const project = await ctx.project();
    const ledger = await readLedger(ctx.workspace().store, project);
    const state = replay(ledger.events);
    const c = requireClaim(state, claimId(raw, "<id>"));
    const rec = c.promotion_record_id === null ? undefined : state.records.get(c.promotion_record_id);
    const cand = rec ? state.candidates.get(Number(rec.candidate_id)) : undefined;
    const related = new Set(c.seqs);
    if (rec) related.add(rec.seq);
    if (cand) related.add(cand.seq);
    const events = ledger.events
      .filter((e) => related.has(e.seq))
      .map((e) => ({ seq: e.seq, at: e.at, type: e.type, summary: summary(e) }));
    return {
      project,
      ledger: ledger.file,
      claim: view(c),
      events,
      promotion: cand
        ? {
            candidate_id: Number(cand.candidate_id ?? cand.promotion_id),
            record_id: rec ? Number(rec.record_id) : null,
            decision: String(rec?.status ?? cand.status ?? ""),
            failed_tests: Array.isArray(cand.failed_tests) ? cand.failed_tests.map(String) : [],
            evidence_hash: String(cand.evidence_hash ?? ""),
            evidence: cand.evidence ?? null,
            evidence_reproducible: sha256(canonicalJson(cand.evidence ?? null)) === cand.evidence_hash,
          }
        : null,
    };
  },
  text: (d) =>
    [
      `claim ${d.claim.claim_id} (${d.claim.classification}, ${d.claim.origin}, ${d.claim.status}): ${d.claim.claim_text}`,
      ...d.events.map((e) => `  line ${e.seq} ${e.at} ${e.type}: ${e.summary}`),
      d.promotion
        ? `  gate: ${d.promotion.decision}, evidence ${d.promotion.evidence_hash} (${d.promotion.evidence_reproducible ? "reproducible from the stored evidence" : "NOT reproducible from the stored evidence"})`
        : "  declared by the blueprint: no gate decision",
      "",
    ].join("\n"),
});

function summary(e: Record<string, unknown>): string {
  if (e.type === "claim.transition")
    return `${e.old_status || "(new)"} → ${e.new_status} by ${e.actor}: ${e.reason}`;
  if (e.type === "claim.created")
    return `${e.origin} from ${((e.sources as string[]) ?? []).join(", ") || "(no sources recorded)"}`;
  if (e.type === "promotion.decided") return `${e.status}`;
  if (e.type === "promotion.evaluated")
    return `failed: ${((e.failed_tests as string[]) ?? []).join(", ") || "none"}`;
  return String(e.type);
}
