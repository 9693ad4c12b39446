import { artifactPath, readArtifact, writeArtifact } from "../../artifacts.ts";
import { IdseError, notice, toDiagnostic } from "../../errors.ts";
import { BLUEPRINT } from "../../ids.ts";
import type {
  SpineCheckOutput,
  SpineOutput,
  SpineProposal,
  SpineProposalOutput,
  SpineProposalsOutput,
} from "../../models/spine.ts";
import {
  addPrimitive,
  checkSpine,
  DEFAULT_LAYERS,
  findPrimitive,
  nameKey,
  parseSpine,
  readSpine,
} from "../../spine.ts";
import { openProposal, proposalsKey, readProposals, writeProposals } from "../../spine-proposals.ts";
import { defineCommand } from "../command.ts";
import { table } from "./shared.ts";

// `idse spine …`: the Product Spine as data, its check, and proposals. `spine accept` is the one command
// of idse that edits the Spine table (DESIGN.md §1: idse never mutates Spine entries on its own).

/** No Spine is a note here, where the error elsewhere: the catalogue's message and hint, as info. */
const notDeclared = (file: string) => ({
  ...toDiagnostic(new IdseError("SPINE_NOT_DECLARED", { file })),
  severity: "info" as const,
});

export const spine = defineCommand<Record<string, never>, SpineOutput>({
  examples: ["idse spine", "idse spine --json"],
  async run(ctx) {
    const project = await ctx.project();
    const s = await readSpine(ctx.workspace().store, project);
    if (!s.declared) ctx.report(notDeclared(s.file));
    return { project, spine: s };
  },
  text: ({ spine: s }) =>
    s.declared
      ? `${table(
          ["PRIMITIVE", "MODULE", "AREA", "LAYER", "MILESTONE", "ROLE"],
          s.primitives.map((p) => [
            p.name,
            p.module ?? "",
            p.area ?? "",
            p.layer ?? "",
            p.milestone ?? "",
            p.role ?? "",
          ]),
        )}\n${s.primitives.length} primitive(s) in ${s.file}\n`
      : `No Product Spine declared in ${s.file}.\n`,
});

export const spineCheck = defineCommand<Record<string, never>, SpineCheckOutput>({
  examples: ["idse spine check", "idse spine check --json"],
  async run(ctx) {
    const project = await ctx.project();
    const s = await readSpine(ctx.workspace().store, project);
    if (!s.declared) ctx.report(notDeclared(s.file));
    const findings = checkSpine(s);
    return {
      project,
      declared: s.declared,
      primitives: s.primitives.length,
      findings,
      passed: !findings.some((f) => f.severity === "error"),
    };
  },
  text: (d) =>
    [
      ...d.findings.map((f) => `${f.severity}[${f.code}] line ${f.line ?? "-"}: ${f.message}\n`),
      d.declared
        ? `${d.primitives} primitive(s), ${d.findings.length} finding(s): ${d.passed ? "passed" : "failed"}\n`
        : "No Product Spine declared: nothing to check.\n",
    ].join(""),
  exitCode: (d) => (d.passed ? 0 : 1),
});

export const spineProposals = defineCommand<{ all?: boolean }, SpineProposalsOutput>({
  options: [{ flags: "--all", description: "Also accepted and rejected proposals" }],
  async run(ctx, _args, o) {
    const project = await ctx.project();
    const all = await readProposals(ctx.workspace().store, project);
    return { project, proposals: o.all ? all : all.filter((p) => p.status === "proposed") };
  },
  text: (d) =>
    d.proposals.length
      ? `${table(
          ["NAME", "AREA", "LAYER", "STATUS", "BY", "REASON"],
          d.proposals.map((p) => [p.name, p.area, p.layer, p.status, p.proposed_by, p.reason]),
        )}\n`
      : "No open Spine proposals.\n",
});

const IDENT = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export const spinePropose = defineCommand<
  {
    area: string;
    layer: string;
    reason: string;
    module?: string;
    milestone?: string;
    role?: string;
    session?: string;
    actor?: string;
  },
  SpineProposalOutput
>({
  options: [
    { flags: "--area <area>", description: "Area or group of the primitive (e.g. Platform)", required: true },
    { flags: "--layer <layer>", description: "Layer of the primitive (one the Spine knows)", required: true },
    { flags: "--reason <text>", description: "Why the system needs this component", required: true },
    { flags: "--module <module>", description: "Its module or file, when known" },
    { flags: "--milestone <milestone>", description: "Its milestone (default when accepted: Concept)" },
    { flags: "--role <role>", description: "Its system role (default when accepted: Primitive)" },
    { flags: "--session <id>", description: "The feature session that needs it" },
    { flags: "--actor <name>", description: "Who proposes it (default: the configured owner)" },
  ],
  examples: [
    'idse spine propose QuotaKeeper --area Platform --layer Governance --reason "limits per tenant"',
  ],
  async run(ctx, [name], o) {
    const project = await ctx.project();
    if (!IDENT.test(name!)) throw new IdseError("SPINE_INVALID_NAME", { name, reason: "not an identifier" });
    for (const [flag, value] of [
      ["--area", o.area],
      ["--layer", o.layer],
      ["--reason", o.reason],
    ] as const)
      if (!value.trim() || /[|\n]/.test(value))
        throw new IdseError("USAGE", { reason: `${flag} must be non-empty text without | or line breaks` });
    return ctx.mutate(project, async (ws) => {
      const s = await readSpine(ws.store, project);
      const have = findPrimitive(s, name!);
      if (have) throw new IdseError("SPINE_PRIMITIVE_EXISTS", { name: have.name, line: have.line });
      const layers = s.layers ?? DEFAULT_LAYERS;
      if (!layers.some((l) => nameKey(l) === nameKey(o.layer))) {
        if (s.layers) throw new IdseError("SPINE_UNKNOWN_LAYER", { layer: o.layer, layers });
        ctx.report(notice("SPINE_UNKNOWN_LAYER", { layer: o.layer, defaults: [...DEFAULT_LAYERS] }));
      }
      const proposals = await readProposals(ws.store, project);
      if (openProposal(proposals, name!, nameKey)) throw new IdseError("SPINE_PROPOSAL_EXISTS", { name });
      const proposal: SpineProposal = {
        name: name!,
        area: o.area.trim(),
        layer: o.layer.trim(),
        module: o.module?.trim() || null,
        milestone: o.milestone?.trim() || null,
        role: o.role?.trim() || null,
        reason: o.reason.trim(),
        session: o.session ?? null,
        status: "proposed",
        proposed_by: o.actor ?? ws.config.values.owner ?? "unknown",
        proposed_at: ctx.now,
        decided_by: null,
        decided_at: null,
        decision_reason: null,
      };
      await writeProposals(ws.store, project, [...proposals, proposal]);
      return { project, proposal, spine_changed: false, file: `.idse/${proposalsKey(project)}` };
    });
  },
  text: (d) =>
    `Proposed ${d.proposal.name} for the Product Spine (${d.proposal.area}, ${d.proposal.layer}).\nA person accepts it with \`idse spine accept ${d.proposal.name}\` or rejects it with \`idse spine reject ${d.proposal.name}\`.\n`,
});

async function decide(
  ctx: Parameters<typeof spinePropose.run>[0],
  name: string,
  status: "accepted" | "rejected",
  o: { actor?: string; reason?: string },
): Promise<SpineProposalOutput> {
  const project = await ctx.project();
  return ctx.mutate(project, async (ws) => {
    const proposals = await readProposals(ws.store, project);
    const open = openProposal(proposals, name, nameKey);
    if (!open) throw new IdseError("SPINE_PROPOSAL_NOT_FOUND", { name });
    const decided: SpineProposal = {
      ...open,
      status,
      decided_by: o.actor ?? ws.config.values.owner ?? "unknown",
      decided_at: ctx.now,
      decision_reason: o.reason?.trim() || null,
    };
    let file = `.idse/${proposalsKey(project)}`;
    if (status === "accepted") {
      const text = (await readArtifact(ws.store, project, BLUEPRINT, "spec")) ?? "";
      const s = parseSpine(text, artifactPath(project, BLUEPRINT, "spec"));
      const have = findPrimitive(s, open.name);
      if (have) throw new IdseError("SPINE_PRIMITIVE_EXISTS", { name: have.name, line: have.line });
      const next = addPrimitive(text, s, { ...open, area: open.area, layer: open.layer });
      // The edit must read back as exactly one more primitive, or nothing is written.
      const after = parseSpine(next, s.file);
      if (!findPrimitive(after, open.name) || after.primitives.length !== s.primitives.length + 1)
        throw new IdseError("SPINE_MALFORMED", {
          line: s.line,
          reason: "the new row could not be added cleanly",
        });
      await writeArtifact(ws.store, project, BLUEPRINT, "spec", next);
      file = s.file;
    }
    await writeProposals(
      ws.store,
      project,
      proposals.map((p) => (p === open ? decided : p)),
    );
    return { project, proposal: decided, spine_changed: status === "accepted", file };
  });
}

export const spineAccept = defineCommand<{ actor?: string; reason?: string }, SpineProposalOutput>({
  options: [
    { flags: "--actor <name>", description: "Who accepts it (default: the configured owner)" },
    { flags: "--reason <text>", description: "Why it is accepted" },
  ],
  examples: ["idse spine accept QuotaKeeper"],
  run: (ctx, [name], o) => decide(ctx, name!, "accepted", o),
  text: (d) => `Accepted ${d.proposal.name}: added to the Product Spine in ${d.file}.\n`,
});

export const spineReject = defineCommand<{ actor?: string; reason?: string }, SpineProposalOutput>({
  options: [
    { flags: "--actor <name>", description: "Who rejects it (default: the configured owner)" },
    { flags: "--reason <text>", description: "Why it is rejected" },
  ],
  examples: ['idse spine reject QuotaKeeper --reason "DesignStore covers it"'],
  run: (ctx, [name], o) => decide(ctx, name!, "rejected", o),
  text: (d) => `Rejected ${d.proposal.name}; the Product Spine is unchanged.\n`,
});
