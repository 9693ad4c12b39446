import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import { expectFail, json, ok, requireBinary } from "./util.ts";

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
});
