import { describe, expect, test } from "bun:test";
import { sha256 } from "../../src/claims-ledger.ts";
import {
  canonicalJson,
  contradiction,
  type GateSource,
  runGate,
  similarity,
} from "../../src/promotion-gate.ts";

// The promotion gate, one case per code (GOVERNANCE.md's table), plus the evidence hash.

const CLAIM = "Prices are stored as integer minor units, never as floating point numbers.";
const src = (session: string, stage: string, created: string, text?: string): GateSource => ({
  ref: `${session}:${stage}`,
  session,
  stage,
  created_at: created,
  text:
    text ??
    `# ${stage} of ${session}\n\n${CLAIM}\n\nSession ${session} also says its own things about ${stage}.\n`,
});
const GOOD = [
  src("checkout", "spec", "2026-01-01T00:00:00Z"),
  src("catalog", "plan", "2026-01-20T00:00:00Z"),
];
const FEEDBACK = [
  { session: "checkout", text: "# Feedback\n\nWorked well in production.\n" },
  { session: "catalog", text: "# Feedback\n\nNo surprises.\n" },
];

const gate = (
  o: Partial<{ sources: GateSource[]; feedback: typeof FEEDBACK; cls: string; minDays: number }> = {},
) => runGate(CLAIM, o.cls ?? "invariant", o.sources ?? GOOD, o.feedback ?? FEEDBACK, o.minDays ?? 7);

describe("promotion gate", () => {
  test("ALLOW when every test passes", () => {
    const r = gate();
    expect(r.decision).toBe("ALLOW");
    expect(r.failed_tests).toEqual([]);
  });

  const CASES: [string, Parameters<typeof gate>[0]][] = [
    [
      "INSUFFICIENT_SESSION_DIVERSITY",
      {
        sources: [
          src("checkout", "spec", "2026-01-01T00:00:00Z"),
          src("checkout", "plan", "2026-01-20T00:00:00Z", "other text entirely about plans"),
        ],
      },
    ],
    [
      "INSUFFICIENT_STAGE_DIVERSITY",
      {
        sources: [
          src("checkout", "spec", "2026-01-01T00:00:00Z"),
          src("catalog", "spec", "2026-01-20T00:00:00Z"),
        ],
      },
    ],
    [
      "DUPLICATE_STATEMENT",
      {
        sources: [
          src("checkout", "spec", "2026-01-01T00:00:00Z", "same"),
          src("catalog", "plan", "2026-01-20T00:00:00Z", "same"),
        ],
      },
    ],
    ["NOT_CONSTITUTIONAL", { cls: "preference" }],
    [
      "NO_FEEDBACK_EVIDENCE",
      {
        feedback: [
          { session: "checkout", text: undefined as unknown as string },
          { session: "catalog", text: undefined as unknown as string },
        ],
      },
    ],
    [
      "CONTRADICTED_BY_FEEDBACK",
      { feedback: [{ session: "checkout", text: "This contradicts what we learned." }, FEEDBACK[1]!] },
    ],
    ["INSUFFICIENT_TEMPORAL_STABILITY", { minDays: 30 }],
  ];
  for (const [code, o] of CASES)
    test(`DENY with ${code}`, () => {
      const r = gate(o);
      expect(r.decision).toBe("DENY");
      expect(r.failed_tests).toEqual([code]);
      expect(r.details[code]).toBeDefined();
    });

  test("the evidence hash is the sha256 of the evidence's canonical JSON, and stable", () => {
    const a = gate();
    expect(a.evidence_hash).toBe(sha256(canonicalJson(a.evidence)));
    expect(gate().evidence_hash).toBe(a.evidence_hash);
    // Key order does not matter; a changed source does.
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(
      gate({ sources: [GOOD[0]!, src("catalog", "plan", "2026-01-20T00:00:00Z", `${CLAIM} changed`)] })
        .evidence_hash,
    ).not.toBe(a.evidence_hash);
  });

  test("contradiction markers and phrases", () => {
    for (const t of [
      "[contradiction] x",
      "contradicted_by_feedback",
      "an unresolved contradiction",
      "Promotion denied.",
      "the claim contradicts",
      "it was rejected",
      "we rejected this claim",
    ])
      expect(contradiction(t), t).toBeDefined();
    expect(contradiction("all good, nothing to add")).toBeUndefined();
  });

  test("similarity: identical 1, unrelated low, near-identical above 0.82", () => {
    expect(similarity(CLAIM, CLAIM)).toBe(1);
    expect(similarity(CLAIM, "The catalog search uses a trigram index on product titles.")).toBeLessThan(0.4);
    expect(
      similarity(CLAIM, "Prices are stored as integer minor units and never as floating point numbers"),
    ).toBeGreaterThan(0.82);
  });
});
