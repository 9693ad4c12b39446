import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { STAGE_PATHS, STAGES } from "../../src/store/layout.ts";
import { idseDeno } from "../helpers.ts";
import { EXPECTED, sqliteFixtureCopy } from "../original-fixture.ts";

// import-original on Deno reads the database through Deno's node:sqlite (read-only) and writes the same
// bytes as on Bun.

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test("import-original runs from source on Deno: every artifact matches, the database is untouched", () => {
  const cwd = sqliteFixtureCopy();
  const db = join(cwd, ".idse", "idse.db");
  const before = sha(readFileSync(db));
  const r = idseDeno(["import-original", "--json"], cwd);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).data.changed).toBeGreaterThan(0);
  expect(sha(readFileSync(db))).toBe(before);
  for (const stage of STAGES) {
    const file = join(cwd, ".idse/projects/shop/sessions/checkout-flow", STAGE_PATHS[stage]);
    expect(sha(readFileSync(file))).toBe(EXPECTED.projects.shop.artifacts_sha256["checkout-flow"][stage]);
  }
  const again = idseDeno(["import-original", "--json"], cwd);
  expect(JSON.parse(again.stdout).data.changed).toBe(0);
}, 120_000);
