import * as v from "valibot";
import { d, Id, Timestamp } from "./common.ts";

// The Product Spine as data (`idse spine`), its checks, and the proposals a human accepts or rejects.

const text = (about: string) => d(v.nullable(v.string()), about);

export const SpinePrimitive = d(
  v.object({
    name: d(v.string(), "The primitive's name, e.g. ProjectWorkspace."),
    module: text("Its module or file; null when the Spine has no such column."),
    area: text("Its area or group (Foundation, Core Loop; the group label in the list form)."),
    layer: text("Its layer (Workspace, Governance, …)."),
    milestone: text("Its milestone (Concept, MVP, …)."),
    role: text("Its system role (Primitive, …; the note in parentheses in the list form)."),
    extra: d(v.record(v.string(), v.string()), "Columns idse does not know, by snake_case header."),
    line: d(v.number(), "1-based line in the blueprint spec."),
  }),
  "One primitive of the Product Spine.",
);
export type SpinePrimitive = v.InferOutput<typeof SpinePrimitive>;

export const SpineFinding = d(
  v.object({
    severity: d(v.picklist(["error", "warning", "info"]), "error fails `spine check`; warning does not."),
    code: d(v.string(), "SPINE_MALFORMED, SPINE_DUPLICATE, SPINE_EMPTY_CELL or SPINE_UNKNOWN_LAYER."),
    message: d(v.string(), "What is wrong."),
    line: d(v.nullable(v.number()), "1-based line in the blueprint spec."),
    primitive: d(v.nullable(v.string()), "The primitive the finding is about."),
    column: v.optional(d(v.string(), "For SPINE_EMPTY_CELL: the empty column.")),
  }),
  "A problem of the Spine table itself.",
);
export type SpineFinding = v.InferOutput<typeof SpineFinding>;

export const Spine = d(
  v.object({
    declared: d(v.boolean(), "False when the blueprint spec has no Product Spine (nothing is checked then)."),
    file: d(v.string(), "The blueprint spec, relative to the repository root."),
    format: d(v.nullable(v.picklist(["table", "list"])), "How the Spine is written; null when undeclared."),
    heading: d(v.nullable(v.string()), "The heading of the Spine section."),
    line: d(v.nullable(v.number()), "1-based line of that heading."),
    columns: d(v.array(v.string()), "The table's header cells, as written."),
    layers: d(v.nullable(v.array(v.string())), "Layers the Spine declares (`Layers: A, B`); null: defaults."),
    active_milestones: d(v.array(v.string()), "Milestones the Spine marks active (`Active milestone: M`)."),
    primitives: d(v.array(SpinePrimitive), "Every primitive, in document order."),
    problems: d(v.array(SpineFinding), "Rows that could not be read."),
  }),
  "The Product Spine of a project.",
);
export type Spine = v.InferOutput<typeof Spine>;

export const SpineOutput = d(v.object({ project: Id, spine: Spine }), "Result of `idse spine`.");
export type SpineOutput = v.InferOutput<typeof SpineOutput>;

export const SpineCheckOutput = d(
  v.object({
    project: Id,
    declared: d(v.boolean(), "False when there is no Spine to check."),
    primitives: d(v.number(), "How many primitives were read."),
    findings: d(v.array(SpineFinding), "Problems of the table, by line."),
    passed: d(v.boolean(), "True when no finding is an error."),
  }),
  "Result of `idse spine check`.",
);
export type SpineCheckOutput = v.InferOutput<typeof SpineCheckOutput>;

export const PROPOSAL_STATUSES = ["proposed", "accepted", "rejected"] as const;

export const SpineProposal = d(
  v.object({
    name: d(v.string(), "The proposed primitive."),
    area: d(v.string(), "Area or group of the primitive."),
    layer: d(v.string(), "Layer of the primitive."),
    module: d(v.nullable(v.string()), "Its module or file, when known."),
    milestone: d(v.nullable(v.string()), "Its milestone (Concept when accepted without one)."),
    role: d(v.nullable(v.string()), "Its system role (Primitive when accepted without one)."),
    reason: d(v.string(), "Why the system needs it."),
    session: d(v.nullable(v.string()), "The session it came from, when given."),
    status: d(v.picklist(PROPOSAL_STATUSES), "proposed until a person accepts or rejects it."),
    proposed_by: d(v.string(), "Who proposed it."),
    proposed_at: Timestamp,
    decided_by: d(v.nullable(v.string()), "Who accepted or rejected it."),
    decided_at: d(v.nullable(Timestamp), "When it was accepted or rejected."),
    decision_reason: d(v.nullable(v.string()), "Why, when given."),
  }),
  "A component proposed for the Product Spine.",
);
export type SpineProposal = v.InferOutput<typeof SpineProposal>;

export const SpineProposalsFile = d(
  v.object({ proposals: d(v.array(SpineProposal), "Every proposal, oldest first.") }),
  "Proposals for the Product Spine, kept in the blueprint session; only `idse spine accept` edits the table.",
);
export type SpineProposalsFile = v.InferOutput<typeof SpineProposalsFile>;

export const SpineProposalOutput = d(
  v.object({
    project: Id,
    proposal: SpineProposal,
    spine_changed: d(v.boolean(), "True only for `spine accept`: the table gained the primitive."),
    file: d(v.string(), "The document written."),
  }),
  "Result of `idse spine propose|accept|reject`.",
);
export type SpineProposalOutput = v.InferOutput<typeof SpineProposalOutput>;

export const SpineProposalsOutput = d(
  v.object({ project: Id, proposals: d(v.array(SpineProposal), "The proposals listed.") }),
  "Result of `idse spine proposals`.",
);
export type SpineProposalsOutput = v.InferOutput<typeof SpineProposalsOutput>;
