// biome-ignore-all lint/suspicious/noExplicitAny: tests read the JSON documents idse prints; the schemas check their shapes
import { beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { STAGE_PATHS } from "../../src/store/layout.ts";
import { EXPECTED, sqliteFixtureCopy } from "../original-fixture.ts";
import { json, ok, requireBinary, run } from "./util.ts";

// The main migration path through the compiled binary (node:sqlite inside it): detect, dry run, import,
// verify, no-op rerun; the original's database is never changed.

beforeAll(requireBinary);

/** The claims as the original's database holds them, read with SQLite itself. */
function originalClaims(db: string): [number, string][] {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    const rows = conn.prepare("SELECT claim_id, status FROM blueprint_claims ORDER BY claim_id").all();
    return rows.map((r) => [Number(r.claim_id), String(r.status)]);
  } finally {
    conn.close();
  }
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("migrating from the Python original's SQLite mode (compiled binary)", () => {
  test("detect, dry run, import, verify, import again", () => {
    const cwd = sqliteFixtureCopy();
    const db = join(cwd, ".idse", "idse.db");
    const before = sha(readFileSync(db));

    const status = run(["status", "--project", "shop"], { cwd });
    expect(status.stderr.match(/warning\[ORIGINAL_DATABASE_FOUND\]/g)).toHaveLength(1);
    expect(status.stderr).toContain("idse import-original");
    const doctor = json(["doctor"], { cwd });
    expect(doctor.code).toBe(1);
    expect(doctor.env.data.findings.map((f: { code: string }) => f.code)).toContain(
      "ORIGINAL_DATABASE_FOUND",
    );

    const dry = json(["import-original", "--dry-run"], { cwd });
    expect(dry.code).toBe(0);
    expect(dry.env.data.dry_run).toBe(true);
    const changed = dry.env.data.changed;
    expect(changed).toBeGreaterThan(0);

    const imported = ok(["import-original"], { cwd });
    expect(imported.stdout).toContain(`Imported .idse/idse.db: ${changed} document(s) written`);
    expect(sha(readFileSync(db))).toBe(before);

    for (const [sid, stages] of Object.entries<Record<string, string>>(
      EXPECTED.projects.shop.artifacts_sha256,
    )) {
      for (const [stage, hash] of Object.entries(stages)) {
        const file = join(cwd, ".idse/projects/shop/sessions", sid, STAGE_PATHS[stage as "spec"]);
        expect(sha(readFileSync(file))).toBe(hash);
      }
    }
    const info = json(["session-info", "payment-webhooks", "--project", "shop"], { cwd });
    expect(info.env.data.stages).toEqual(EXPECTED.projects.shop.sessions["payment-webhooks"].state.stages);
    const next = json(["route", "--next", "--project", "shop"], { cwd });
    expect(next.env.data).toMatchObject({ session: "checkout-flow", stage: "tasks" });
    // Every claim the original held, with the status it left it in, and the blueprint hash it accepted.
    const claims = json(["blueprint", "claims", "--all", "--project", "shop"], { cwd });
    expect(
      claims.env.data.claims.map((c: { claim_id: number; status: string }) => [c.claim_id, c.status]),
    ).toEqual(originalClaims(db));
    expect(json(["blueprint", "verify", "--project", "shop"], { cwd }).code).toBe(0);
    expect(json(["doctor"], { cwd }).code).toBe(0);
    expect(run(["sessions", "--project", "shop"], { cwd }).stderr).not.toContain("ORIGINAL_DATABASE_FOUND");

    const again = json(["import-original"], { cwd });
    expect(again.env.data).toMatchObject({ changed: 0, recorded: false });
    expect(sha(readFileSync(db))).toBe(before);

    // With stages.auto_detect, the original's untouched templates (.idse/kb/templates/) are pending, as
    // idse's own are: payment-webhooks' feedback is that template, every line a TODO.
    ok(["config", "set", "stages.auto_detect", "true"], { cwd });
    ok(["session", "switch", "payment-webhooks", "--project", "shop"], { cwd });
    // session_state.json mirrors the session switched to, its creation time included.
    const shopDir = join(cwd, ".idse", "projects", "shop");
    const own = JSON.parse(
      readFileSync(join(shopDir, "sessions/payment-webhooks/metadata/stage_state.json"), "utf8"),
    );
    expect(JSON.parse(readFileSync(join(shopDir, "session_state.json"), "utf8")).created_at).toBe(
      own.created_at,
    );
    const detected = json(["status", "--project", "shop"], { cwd });
    const feedback = detected.env.data.stages.find((x: { stage: string }) => x.stage === "feedback");
    expect(feedback.status).toBe("pending");
    ok(["config", "unset", "stages.auto_detect"], { cwd });
    ok(["session", "switch", "checkout-flow", "--project", "shop"], { cwd });

    // A clone, a copy or a `touch` gives the same bytes a new time: still the imported database.
    utimesSync(db, new Date(), new Date(Date.now() + 60_000));
    expect(json(["doctor"], { cwd }).code).toBe(0);
    expect(run(["sessions", "--project", "shop"], { cwd }).stderr).not.toContain("ORIGINAL_DATABASE_FOUND");
    // Changed bytes of the same size are a change.
    const bytes = readFileSync(db);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    writeFileSync(db, bytes);
    expect(run(["sessions", "--project", "shop"], { cwd }).stderr).toContain("changed after it was imported");
  });
});
