import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "../../src/claims-ledger.ts";
import { canonicalJson } from "../../src/promotion-gate.ts";
import { idse, initShop } from "../helpers.ts";

// `idse blueprint …` end to end in-process: the ledger, the gate through the CLI, views, explain.

const BP = ".idse/projects/shop/sessions/__blueprint__";
const LEDGER = `${BP}/metadata/claims.jsonl`;
const CLAIM = "Prices are stored as integer minor units, never as floating point numbers.";
const DAY = 86_400_000;
const T0 = new Date("2026-03-01T09:00:00Z");

async function ok(cwd: string, argv: string[], o: { now?: Date; stdin?: string } = {}) {
  const r = await idse([...argv, "--json"], { cwd, ...o });
  if (r.code !== 0) throw new Error(`idse ${argv.join(" ")} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.json!.data;
}
const write = (cwd: string, session: string, stage: string, text: string) =>
  ok(cwd, ["artifact", "write", "--stage", stage, "--session", session], { stdin: text });

/** Two feature sessions, 20 days apart, that both state CLAIM, with written feedback. */
async function converging(): Promise<string> {
  const cwd = await initShop();
  await ok(cwd, ["session", "create", "checkout"], { now: T0 });
  await ok(cwd, ["session", "create", "catalog"], { now: new Date(T0.getTime() + 20 * DAY) });
  await write(
    cwd,
    "checkout",
    "spec",
    `# Spec\n\n## Overview\n\n${CLAIM}\n\nCheckout totals are computed on the server.\n`,
  );
  await write(
    cwd,
    "catalog",
    "plan",
    `# Plan\n\n## Architecture\n\n${CLAIM}\n\nThe catalog shows prices from the price table.\n`,
  );
  await write(
    cwd,
    "checkout",
    "feedback",
    "# Feedback\n\nInteger cents removed every rounding bug we had.\n",
  );
  await write(cwd, "catalog", "feedback", "# Feedback\n\nNo surprises in the catalog.\n");
  return cwd;
}
const PROMOTE = [
  "blueprint",
  "promote",
  "--claim",
  CLAIM,
  "--classification",
  "invariant",
  "--source",
  "checkout:spec",
  "--source",
  "catalog:plan",
];

describe("idse blueprint", () => {
  test("promote: ALLOW through the gate creates a converged claim, placed in blueprint.md, recorded in meta.md", async () => {
    const cwd = await converging();
    const d = await ok(cwd, PROMOTE);
    expect(d.decision).toBe("ALLOW");
    expect(d.claim).toMatchObject({
      claim_id: 1,
      origin: "converged",
      status: "active",
      section: "Core Invariants",
    });
    expect(d.evidence_hash).toBe(sha256(canonicalJson(d.evidence)));
    const bp = readFileSync(join(cwd, BP, "metadata/blueprint.md"), "utf8");
    expect(bp).toContain(`## Core Invariants\n\n- ${CLAIM} (claim 1)`);
    const meta = readFileSync(join(cwd, BP, "metadata/meta.md"), "utf8");
    expect(meta).toContain(`  Evidence Hash: ${d.evidence_hash}`);
    // The same claim and evidence again: deduplicated, nothing appended.
    const lines = readFileSync(join(cwd, LEDGER), "utf8");
    const again = await ok(cwd, PROMOTE);
    expect(again.deduplicated).toBe(true);
    expect(readFileSync(join(cwd, LEDGER), "utf8")).toBe(lines);
    // explain: the evidence hash reproduces from the stored evidence.
    const ex = await ok(cwd, ["blueprint", "explain", "1"]);
    expect(ex.promotion).toMatchObject({ decision: "ALLOW", evidence_reproducible: true, failed_tests: [] });
    expect(ex.events.map((e: { type: string }) => e.type)).toEqual([
      "promotion.evaluated",
      "promotion.decided",
      "claim.created",
      "claim.transition",
    ]);
  });

  test("promote: DENY is recorded, exits 1, names each failed test as a diagnostic", async () => {
    const cwd = await converging();
    const r = await idse([...PROMOTE, "--min-days", "30", "--json"], { cwd });
    expect(r.code).toBe(1);
    expect(r.json!.data.decision).toBe("DENY");
    expect(r.json!.diagnostics.map((x: { code: string }) => x.code)).toEqual([
      "INSUFFICIENT_TEMPORAL_STABILITY",
    ]);
    expect(readFileSync(join(cwd, LEDGER), "utf8")).toContain('"status":"DENY"');
    const dry = await idse([...PROMOTE, "--min-days", "40", "--dry-run", "--json"], { cwd });
    expect(dry.json!.data.events).toEqual([]);
  });

  test("unknown source references are errors, nothing is recorded", async () => {
    const cwd = await converging();
    for (const [src, code, exit] of [
      ["ghost:spec", "CLAIM_SOURCE_UNKNOWN", 1],
      ["checkout:nope", "CLAIM_SOURCE_INVALID", 2],
      ["checkout", "CLAIM_SOURCE_INVALID", 2],
    ] as const) {
      const r = await idse(
        [
          "blueprint",
          "promote",
          "--claim",
          CLAIM,
          "--classification",
          "invariant",
          "--source",
          src,
          "--source",
          "catalog:plan",
          "--json",
        ],
        { cwd },
      );
      expect([r.code, r.json!.diagnostics[0].code]).toEqual([exit, code]);
    }
    expect(() => readFileSync(join(cwd, LEDGER), "utf8")).toThrow();
  });

  test("declare, reinforce, demote with the original's order of checks", async () => {
    const cwd = await converging();
    const a = await ok(cwd, [
      "blueprint",
      "declare",
      "--claim",
      "Card data never touches shop servers.",
      "--classification",
      "non_negotiable_constraint",
      "--source",
      "__blueprint__:spec",
    ]);
    expect(a.claim).toMatchObject({ claim_id: 1, origin: "declared", status: "active" });
    const dup = await idse(
      [
        "blueprint",
        "declare",
        "--claim",
        "card data never touches  shop servers.",
        "--classification",
        "invariant",
        "--source",
        "__blueprint__:spec",
        "--json",
      ],
      { cwd },
    );
    expect([dup.code, dup.json!.diagnostics[0].code]).toEqual([1, "CLAIM_EXISTS"]);
    const notBp = await idse(
      [
        "blueprint",
        "declare",
        "--claim",
        "x",
        "--classification",
        "invariant",
        "--source",
        "checkout:spec",
        "--json",
      ],
      { cwd },
    );
    expect(notBp.json!.diagnostics[0].code).toBe("CLAIM_SOURCE_NOT_BLUEPRINT");
    const r = await ok(cwd, ["blueprint", "reinforce", "--claim-id", "1", "--source", "checkout:spec"]);
    expect(r.claim.reinforcements).toBe(1);
    await ok(cwd, [
      "blueprint",
      "declare",
      "--claim",
      "Payments are tokenised by the provider.",
      "--classification",
      "non_negotiable_constraint",
      "--source",
      "__blueprint__:spec",
    ]);
    const code = async (argv: string[]) =>
      (await idse([...argv, "--json"], { cwd })).json!.diagnostics[0]?.code;
    // status first, then reason, then the superseding id, then the claims.
    expect(await code(["blueprint", "demote", "--claim-id", "99", "--status", "gone"])).toBe("INVALID_ENUM");
    expect(await code(["blueprint", "demote", "--claim-id", "99"])).toBe("DEMOTE_REASON_REQUIRED");
    expect(
      await code(["blueprint", "demote", "--claim-id", "99", "--reason", "r", "--status", "superseded"]),
    ).toBe("SUPERSEDING_CLAIM_REQUIRED");
    expect(await code(["blueprint", "demote", "--claim-id", "99", "--reason", "r"])).toBe("CLAIM_NOT_FOUND");
    const d = await ok(cwd, [
      "blueprint",
      "demote",
      "--claim-id",
      "1",
      "--reason",
      "replaced",
      "--status",
      "superseded",
      "--superseding-claim-id",
      "2",
    ]);
    expect(d.claim).toMatchObject({ status: "superseded", superseded_by: 2 });
    expect(await code(["blueprint", "demote", "--claim-id", "1", "--reason", "again"])).toBe(
      "CLAIM_NOT_ACTIVE",
    );
    expect(
      (await ok(cwd, ["blueprint", "claims"])).claims.map((c: { claim_id: number }) => c.claim_id),
    ).toEqual([2]);
    expect((await ok(cwd, ["blueprint", "claims", "--all"])).claims).toHaveLength(2);
    const meta = readFileSync(join(cwd, BP, "metadata/meta.md"), "utf8");
    expect(meta).toContain(
      "  Transition: active -> superseded\n  Reason: replaced\n  Actor: operator\n  Superseded by: claim 2",
    );
    expect(readFileSync(join(cwd, BP, "metadata/blueprint.md"), "utf8")).not.toContain(
      "- Card data never touches shop servers. (claim 1)",
    );
  });

  test("a ledger whose chain breaks: LEDGER_TAMPERED with the line, nothing rewritten", async () => {
    const cwd = await converging();
    for (const c of [
      "First claim about the shop is here.",
      "Second claim about the shop is here.",
      "Third claim about the shop is here.",
    ])
      await ok(cwd, [
        "blueprint",
        "declare",
        "--claim",
        c,
        "--classification",
        "invariant",
        "--source",
        "__blueprint__:spec",
      ]);
    const file = join(cwd, LEDGER);
    const good = readFileSync(file, "utf8");
    const lines = good.trimEnd().split("\n");
    const cases: [string, string, number][] = [
      [
        "an edited line",
        [...lines.slice(0, 2), lines[2]!.replace("Second", "Fourth"), ...lines.slice(3)].join("\n"),
        4,
      ],
      ["a removed line", [...lines.slice(0, 2), ...lines.slice(3)].join("\n"), 3],
      ["reordered lines", [lines[1]!, lines[0]!, ...lines.slice(2)].join("\n"), 1],
      ["a line that is not JSON", [...lines.slice(0, 4), "{oops", ...lines.slice(4)].join("\n"), 5],
    ];
    for (const [name, text, line] of cases) {
      writeFileSync(file, `${text}\n`);
      for (const argv of [
        ["blueprint", "claims"],
        [
          "blueprint",
          "declare",
          "--claim",
          "Another claim of the shop.",
          "--classification",
          "invariant",
          "--source",
          "__blueprint__:spec",
        ],
      ]) {
        const r = await idse([...argv, "--json"], { cwd });
        expect([name, r.code, r.json!.diagnostics[0].code, r.json!.diagnostics[0].line]).toEqual([
          name,
          1,
          "LEDGER_TAMPERED",
          line,
        ]);
      }
      expect(readFileSync(file, "utf8")).toBe(`${text}\n`);
    }
    // The last line has no successor to carry its hash: blueprint.md records the ledger's head instead.
    const last = lines.at(-1)!;
    writeFileSync(
      file,
      `${[...lines.slice(0, -1), last.replace('"reason":"Declared"', '"reason":"Invented"')].join("\n")}\n`,
    );
    const verify = await idse(["blueprint", "verify", "--json"], { cwd });
    expect([verify.code, verify.json!.data.generated, verify.json!.diagnostics[0].code]).toEqual([
      1,
      false,
      "BLUEPRINT_HASH_MISMATCH",
    ]);
    writeFileSync(file, good);
    expect((await idse(["blueprint", "verify", "--json"], { cwd })).code).toBe(0);
  });

  test("a ledger written by import-original (with its checkpoint) is read and appended to", async () => {
    const cwd = await initShop();
    // The shape idse import-original writes (docs/migrating.md): claim 1 superseded by claim 2 per the checkpoint.
    const events = [
      {
        type: "claim.created",
        at: "2026-01-01T10:00:00",
        claim_id: 1,
        claim_text: "Prices are decimal strings.",
        classification: "invariant",
        origin: "declared",
        promotion_record_id: null,
      },
      {
        type: "claim.transition",
        at: "2026-01-01T10:00:00",
        event_id: 1,
        claim_id: 1,
        old_status: "",
        new_status: "active",
        reason: "Declared",
        actor: "architect",
        superseding_claim_id: null,
      },
      {
        type: "claim.created",
        at: "2026-01-02T10:00:00",
        claim_id: 2,
        claim_text: "Prices are integer cents.",
        classification: "invariant",
        origin: "converged",
        promotion_record_id: null,
      },
      {
        type: "ledger.checkpoint",
        at: "2026-01-03T10:00:00",
        source: { tool: "idse-orchestrator", database: ".idse/idse.db" },
        claims: [
          { claim_id: 1, status: "superseded", supersedes_claim_id: null, updated_at: "2026-01-03T10:00:00" },
          { claim_id: 2, status: "active", supersedes_claim_id: 1, updated_at: "2026-01-02T10:00:00" },
        ],
        blueprint_integrity: null,
      },
    ];
    let prev: string | null = null;
    const lines = events.map((e, i) => {
      const { type, at, ...rest } = e;
      const line = JSON.stringify({ v: 1, seq: i + 1, type, at, prev, ...rest });
      prev = sha256(line);
      return line;
    });
    writeFileSync(join(cwd, LEDGER), `${lines.join("\n")}\n`);
    const all = await ok(cwd, ["blueprint", "claims", "--all"]);
    expect(all.claims.map((c: { claim_id: number; status: string }) => [c.claim_id, c.status])).toEqual([
      [1, "superseded"],
      [2, "active"],
    ]);
    const d = await ok(cwd, [
      "blueprint",
      "declare",
      "--claim",
      "Card data never touches shop servers.",
      "--classification",
      "non_negotiable_constraint",
      "--source",
      "__blueprint__:spec",
    ]);
    expect(d.claim.claim_id).toBe(3);
    expect(d.events).toEqual([5, 6]);
    const text = readFileSync(join(cwd, LEDGER), "utf8");
    expect(text.startsWith(`${lines.join("\n")}\n`)).toBe(true);
    expect(JSON.parse(text.trimEnd().split("\n")[4]!).prev).toBe(sha256(lines[3]!));
  });

  test("extract-candidates: statements repeated across sessions and stages, none hard-coded", async () => {
    const cwd = await converging();
    await write(cwd, "catalog", "context", `# Context\n\n${CLAIM}\n`);
    const d = await ok(cwd, [
      "blueprint",
      "extract-candidates",
      "--stage",
      "spec",
      "--stage",
      "plan",
      "--stage",
      "context",
    ]);
    expect(d.candidates.map((c: { claim_text: string }) => c.claim_text)).toEqual([CLAIM]);
    expect(d.candidates[0]).toMatchObject({
      classification: "invariant",
      sessions: ["catalog", "checkout"],
      support: 3,
    });
    const fresh = await initShop();
    expect((await ok(fresh, ["blueprint", "extract-candidates"])).candidates).toEqual([]);
    const ev = await ok(cwd, [
      "blueprint",
      "extract-candidates",
      "--stage",
      "spec",
      "--stage",
      "plan",
      "--evaluate",
      "--min-days",
      "0",
    ]);
    expect(ev.candidates[0].evaluation.decision).toBe("ALLOW");
    expect(readFileSync(join(cwd, BP, "metadata/meta.md"), "utf8")).not.toContain("Promoted Claim");
  });
});
