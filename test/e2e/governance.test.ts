import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import { expectFail, json, ok, requireBinary, run } from "./util.ts";

// The governance commands through the compiled binary: the Spine, a proposal accepted, a claim declared,
// and a tampered ledger refused (the lazily imported modules must be inside the binary).

beforeAll(requireBinary);

const BP = ".idse/projects/shop/sessions/__blueprint__";

describe("spine and blueprint (binary)", () => {
  test("declare a Spine, propose and accept a component, declare a claim, detect tampering", () => {
    const cwd = tempDir();
    ok(["init", "shop", "--no-create-agent-files"], { cwd });
    expect(json(["spine"], { cwd }).env.data.spine.declared).toBe(false);
    ok(["spine", "propose", "Catalog", "--area", "Core", "--layer", "Storage", "--reason", "products"], {
      cwd,
    });
    ok(["spine", "accept", "Catalog"], { cwd });
    const spine = json(["spine"], { cwd }).env.data.spine;
    expect(spine.primitives.map((p: { name: string }) => p.name)).toEqual(["Catalog"]);
    const d = json(
      [
        "blueprint",
        "declare",
        "--claim",
        "Card data never touches shop servers.",
        "--classification",
        "non_negotiable_constraint",
        "--source",
        "__blueprint__:spec",
      ],
      { cwd },
    );
    expect([d.code, d.env.data.claim.claim_id]).toEqual([0, 1]);
    const ledger = join(cwd, BP, "metadata/claims.jsonl");
    writeFileSync(ledger, readFileSync(ledger, "utf8").replace("Card data", "Card numbers"));
    const r = expectFail(json(["blueprint", "claims"], { cwd }), 1, "LEDGER_TAMPERED");
    expect(r.env.diagnostics[0].line).toBe(2); // line 2 no longer carries the hash of line 1
  });

  test("docs/governance.md in CI: a session that invents a component fails with a precise finding, the component proposed and accepted clears it, a lesson is promoted through the gate", () => {
    const cwd = tempDir();
    ok(["init", "shop", "--no-create-agent-files"], { cwd });
    const session = (id: string) => join(cwd, ".idse/projects/shop/sessions", id);
    // 1. The team declares its Spine in the blueprint spec.
    const spec = `${readFileSync(join(cwd, BP, "specs/spec.md"), "utf8")}
## Product Spine

| #   | Primitive | Module      | Area | Layer   | Milestone | System Role |
| --- | --------- | ----------- | ---- | ------- | --------- | ----------- |
| 1   | Catalog   | catalog.ts  | Core | Storage | MVP       | Primitive   |
| 2   | Checkout  | checkout.ts | Core | Sync    | MVP       | Primitive   |
`;
    writeFileSync(join(cwd, BP, "specs/spec.md"), spec);
    expect(json(["spine", "check"], { cwd }).code).toBe(0);
    // 2. A feature session's plan invents a component; CI's validate fails on its line.
    ok(["session", "create", "gift-cards"], { cwd });
    const plan =
      "# Plan\n\n## Overview\n\nGift cards for the shop.\n\n## New component: GiftCardLedger\n\nBalances per card.\n";
    writeFileSync(join(session("gift-cards"), "plans/plan.md"), plan);
    const sarifRun = run(["validate", "--all", "--format", "sarif"], { cwd });
    expect(sarifRun.code).toBe(1);
    const results = JSON.parse(sarifRun.stdout).runs[0].results as {
      ruleId: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    }[];
    const invented = results.filter((r) => r.ruleId === "idse/spine-components");
    expect(invented).toHaveLength(1);
    expect(invented[0]!.message.text).toContain("GiftCardLedger");
    expect(invented[0]!.message.text).toContain("idse spine propose GiftCardLedger");
    const where = invented[0]!.locations[0]!.physicalLocation;
    expect(where.artifactLocation.uri).toBe(".idse/projects/shop/sessions/gift-cards/plans/plan.md");
    expect(where.region.startLine).toBe(plan.split("\n").indexOf("## New component: GiftCardLedger") + 1);
    // The completion gate refuses the session while it invents a component.
    expectFail(
      json(["session", "set-status", "gift-cards", "--status", "complete"], { cwd }),
      1,
      "COMPLETION_GATE_FAILED",
    );
    // 3. Proposed by the session, accepted by a person: the finding is gone, the table has the row.
    ok(
      [
        "spine",
        "propose",
        "GiftCardLedger",
        "--area",
        "Core",
        "--layer",
        "Storage",
        "--reason",
        "balances",
        "--session",
        "gift-cards",
      ],
      { cwd },
    );
    expect(readFileSync(join(cwd, BP, "specs/spec.md"), "utf8")).toBe(spec); // a proposal edits nothing
    ok(["spine", "accept", "GiftCardLedger"], { cwd });
    expect(json(["spine"], { cwd }).env.data.spine.primitives.map((p: { name: string }) => p.name)).toEqual([
      "Catalog",
      "Checkout",
      "GiftCardLedger",
    ]);
    const after = json(["validate", "--all"], { cwd }).env.data.reports as {
      findings: { rule_id: string }[];
    }[];
    expect(after.flatMap((r) => r.findings).filter((f) => f.rule_id === "idse/spine-components")).toEqual([]);
    // 4. A lesson two sessions reached weeks apart is promoted through the evidence gate.
    const claim = "Prices are stored as integer cents, never as floating point numbers.";
    ok(["session", "create", "checkout"], { cwd });
    ok(["session", "create", "catalog"], { cwd });
    // The two sessions were started three weeks apart (what the gate's temporal test reads).
    const meta = join(session("checkout"), "metadata/session.json");
    const m = JSON.parse(readFileSync(meta, "utf8"));
    m.created_at = new Date(Date.parse(m.created_at) - 21 * 86_400_000).toISOString();
    writeFileSync(meta, `${JSON.stringify(m, null, 2)}\n`);
    writeFileSync(
      join(session("checkout"), "specs/spec.md"),
      `# Spec\n\n## Overview\n\n${claim}\n\nTotals on the server.\n`,
    );
    writeFileSync(
      join(session("catalog"), "plans/plan.md"),
      `# Plan\n\n## Architecture\n\n${claim}\n\nPrices from the price table.\n`,
    );
    writeFileSync(
      join(session("checkout"), "feedback/feedback.md"),
      "# Feedback\n\nInteger cents removed every rounding bug.\n",
    );
    writeFileSync(join(session("catalog"), "feedback/feedback.md"), "# Feedback\n\nNo surprises.\n");
    const promote = [
      "blueprint",
      "promote",
      "--claim",
      claim,
      "--classification",
      "invariant",
      "--source",
      "checkout:spec",
      "--source",
      "catalog:plan",
    ];
    // Held to a longer window, the same evidence is denied, with the failed test named.
    const denied = json([...promote, "--min-days", "30"], { cwd });
    expect(denied.code).toBe(1);
    expect(denied.env.data.decision).toBe("DENY");
    expect(denied.env.diagnostics.map((d) => d.code)).toEqual(["INSUFFICIENT_TEMPORAL_STABILITY"]);
    const allowed = json(promote, { cwd });
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.env.data).toMatchObject({
      decision: "ALLOW",
      claim: { origin: "converged", status: "active" },
    });
    expect(readFileSync(join(cwd, BP, "metadata/blueprint.md"), "utf8")).toContain(claim);
    ok(["blueprint", "verify"], { cwd });
    const explained = json(["blueprint", "explain", String(allowed.env.data.claim.claim_id)], { cwd });
    expect(explained.env.data.promotion).toMatchObject({ decision: "ALLOW", evidence_reproducible: true });
  });
});
