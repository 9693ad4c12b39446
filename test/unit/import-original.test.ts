// biome-ignore-all lint/suspicious/noExplicitAny: tests read the JSON documents idse prints; the schemas check their shapes
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import * as v from "valibot";
import {
  ImportHashesFile,
  ImportRecordFile,
  LedgerLine,
  OriginalRowsFile,
} from "../../src/models/original.ts";
import { verifyLedger } from "../../src/original/ledger.ts";
import { STAGE_PATHS, STAGES } from "../../src/store/layout.ts";
import { idse, tempDir } from "../helpers.ts";
import { EXPECTED, sqliteFixtureCopy } from "../original-fixture.ts";

// import-original against the workspace the Python original wrote in its default SQLite mode: every fact
// of EXPECTED.json comes back, every artifact byte for byte, a second run changes nothing, and the
// database's bytes never change.

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const copy = sqliteFixtureCopy;
const dbHash = (cwd: string) => sha(readFileSync(join(cwd, ".idse", "idse.db")));
const read = (cwd: string, rel: string) => readFileSync(join(cwd, ".idse", rel), "utf8");
const readJson = (cwd: string, rel: string) => JSON.parse(read(cwd, rel));

describe("idse import-original on the original's SQLite fixture", () => {
  test("every fact of EXPECTED.json is recovered; the database is untouched; a second run is a no-op", async () => {
    const cwd = copy();
    const before = dbHash(cwd);
    const home = tempDir();

    const dry = await idse(["import-original", "--dry-run", "--json"], { cwd, home });
    expect(dry.code).toBe(0);
    expect(dry.json!.data.dry_run).toBe(true);
    expect(dry.json!.data.changed).toBeGreaterThan(0);
    expect(existsSync(join(cwd, ".idse", "original-import.json"))).toBe(false);
    expect(existsSync(join(cwd, ".idse/projects/shop/original.json"))).toBe(false);

    const r = await idse(["import-original", "--json"], { cwd, home });
    expect(r.code).toBe(0);
    expect(r.json!.data.changed).toBe(dry.json!.data.changed);
    expect(r.json!.data.recorded).toBe(true);
    expect(dbHash(cwd)).toBe(before);

    for (const [project, p] of Object.entries<any>(EXPECTED.projects)) {
      const base = `projects/${project}`;
      expect(read(cwd, `${base}/CURRENT_SESSION`).trim()).toBe(p.current_session);
      const state = readJson(cwd, `${base}/session_state.json`);
      expect(state.session_id).toBe(p.current_session);
      expect(state.stages).toEqual(p.sessions[p.current_session].state.stages);
      // Agents in routing order (the database's insertion order); stages in pipeline order.
      const reg = readJson(cwd, `${base}/agent_registry.json`).agents;
      const byId = (a: any, b: any) => (a.id < b.id ? -1 : 1);
      expect([...reg].sort(byId)).toEqual(p.agents);
      const original = readJson(cwd, `${base}/original.json`);
      expect(v.is(OriginalRowsFile, original)).toBe(true);
      expect(original.project.stack).toBe(p.stack);
      expect(original.project.owner).toBe(p.owner);

      for (const [sid, s] of Object.entries<any>(p.sessions)) {
        const meta = readJson(cwd, `${base}/sessions/${sid}/metadata/session.json`);
        expect(meta.name).toBe(s.name);
        expect(meta.description).toBe(s.description);
        expect(meta.is_blueprint).toBe(s.is_blueprint);
        expect(meta.owner).toBe(s.owner);
        expect(meta.parent_session).toBe(s.parent);
        expect(meta.session_type).toBe(s.session_type);
        expect(meta.status).toBe(s.status);
        expect(meta.tags).toEqual(s.tags);
        const collabs = meta.collaborators.map((c: any) => ({ name: c.name, role: c.role }));
        expect(collabs.sort((a: any, b: any) => (a.name < b.name ? -1 : 1))).toEqual(s.collaborators);
        const stageFile = join(cwd, ".idse", base, "sessions", sid, "metadata", "stage_state.json");
        if (s.state === null) expect(existsSync(stageFile)).toBe(false);
        else {
          const st = JSON.parse(readFileSync(stageFile, "utf8"));
          expect(st.stages).toEqual(s.state.stages);
          expect(st.validation_status).toBe(s.state.validation_status);
          expect(st.last_sync).toBe(s.state.last_sync);
        }
      }
      for (const [sid, stages] of Object.entries<any>(p.artifacts_sha256)) {
        for (const [stage, hash] of Object.entries<string>(stages)) {
          const bytes = readFileSync(
            join(cwd, ".idse", base, "sessions", sid, STAGE_PATHS[stage as "intent"]),
          );
          expect({ sid, stage, hash: sha(bytes) }).toEqual({ sid, stage, hash });
        }
      }

      // The claims ledger: every claim, event and promotion record, in an unbroken hash chain.
      const ledgerFile = join(cwd, ".idse", base, "sessions/__blueprint__/metadata/claims.jsonl");
      if (p.claims.length === 0) {
        expect(existsSync(ledgerFile)).toBe(false);
        continue;
      }
      const text = readFileSync(ledgerFile, "utf8");
      expect(verifyLedger(text)).toBe(0);
      for (const line of text.trim().split("\n")) expect(v.is(LedgerLine, JSON.parse(line))).toBe(true);
      // A changed line breaks the chain at the line after it.
      expect(verifyLedger(text.replace("Founding declaration", "Founding Declaration"))).toBeGreaterThan(1);
      const lines = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const checkpoint = lines.at(-1);
      expect(checkpoint.type).toBe("ledger.checkpoint");
      expect(checkpoint.blueprint_integrity.file_hash).toBe(p.blueprint_md_sha256);
      const created = lines.filter((l) => l.type === "claim.created");
      const claims = created.map((c) => {
        const final = checkpoint.claims.find((x: any) => x.claim_id === c.claim_id);
        return {
          claim_id: c.claim_id,
          claim_text: c.claim_text,
          classification: c.classification,
          origin: c.origin,
          promotion_record_id: c.promotion_record_id,
          status: final.status,
          supersedes_claim_id: final.supersedes_claim_id,
        };
      });
      expect(claims).toEqual(p.claims);
      const events = lines
        .filter((l) => l.type === "claim.transition")
        .map(({ actor, claim_id, new_status, old_status, reason, superseding_claim_id }) => ({
          actor,
          claim_id,
          new_status,
          old_status,
          reason,
          superseding_claim_id,
        }));
      expect(events).toEqual(p.claim_events);
      const evaluated = new Map(
        lines.filter((l) => l.type === "promotion.evaluated").map((l) => [l.candidate_id, l]),
      );
      const records = lines
        .filter((l) => l.type === "promotion.decided")
        .map((d) => {
          const c = evaluated.get(d.candidate_id);
          return {
            claim_text: c.claim_text,
            classification: c.classification,
            evidence_hash: d.evidence_hash,
            failed_tests: c.failed_tests,
            promoted: d.promoted,
            promoted_claim: d.promoted_claim,
            record_id: d.record_id,
            sources: c.sources,
            status: d.status,
          };
        });
      expect(records).toEqual(p.promotion_records);
    }

    // A second run: nothing written, nothing recorded again.
    const ledgerBefore = read(cwd, "projects/shop/sessions/__blueprint__/metadata/claims.jsonl");
    const recordBefore = read(cwd, "original-import.json");
    expect(v.is(ImportRecordFile, JSON.parse(recordBefore))).toBe(true);
    expect(v.is(ImportHashesFile, readJson(cwd, "original-import.hashes.json"))).toBe(true);
    const again = await idse(["import-original", "--json"], { cwd, home });
    expect(again.code).toBe(0);
    expect(again.json!.data.changed).toBe(0);
    expect(again.json!.data.recorded).toBe(false);
    expect(read(cwd, "original-import.json")).toBe(recordBefore);
    expect(read(cwd, "projects/shop/sessions/__blueprint__/metadata/claims.jsonl")).toBe(ledgerBefore);
    expect(dbHash(cwd)).toBe(before);

    // An edit made with idse after the import survives a later import of the same database.
    const spec = join(cwd, ".idse/projects/shop/sessions/checkout-flow/specs/spec.md");
    writeFileSync(spec, "# edited with idse\n");
    expect((await idse(["import-original", "--json"], { cwd, home })).json!.data.changed).toBe(0);
    expect(readFileSync(spec, "utf8")).toBe("# edited with idse\n");
  });

  test("the imported workspace works: validate, route --next, status --all, compile agent-spec", async () => {
    const cwd = copy();
    const home = tempDir();
    expect((await idse(["import-original"], { cwd, home })).code).toBe(0);

    const all = await idse(["status", "--all", "--json"], { cwd, home });
    expect(all.code).toBe(0);
    const row = (sid: string) =>
      all.json!.data.sessions.find((s: any) => s.project === "shop" && s.session_id === sid);
    expect(row("payment-webhooks").stages).toEqual(
      EXPECTED.projects.shop.sessions["payment-webhooks"].state.stages,
    );
    expect(row("catalog-search").progress).toBe(100);
    // No warning once imported.
    expect(all.json!.diagnostics.map((d: any) => d.code)).not.toContain("ORIGINAL_DATABASE_FOUND");

    const next = await idse(["route", "--next", "--project", "shop", "--json"], { cwd, home });
    expect(next.code).toBe(0);
    expect(next.json!.data.session).toBe("checkout-flow");
    expect(next.json!.data.stage).toBe("tasks");

    const info = await idse(["session-info", "invoice-pdf", "--project", "billing-svc", "--json"], {
      cwd,
      home,
    });
    expect(info.json!.data.stages.intent).toBe("completed");

    const v = await idse(["validate", "--project", "shop", "--json"], { cwd, home });
    expect([0, 1]).toContain(v.code);
    expect(v.json!.command).toBe("validate");
    expect(v.json!.diagnostics.map((d: any) => d.code)).not.toContain("INTERNAL");

    const c = await idse(
      ["compile", "agent-spec", "--project", "shop", "--session", "catalog-search", "--json"],
      { cwd, home },
    );
    expect(c.json!.command).toBe("compile agent-spec");
    expect(c.json!.diagnostics.map((d: any) => d.code)).not.toContain("INTERNAL");

    const doc = await idse(["doctor", "--json"], { cwd, home });
    expect(doc.json!.data.findings.map((f: any) => f.code)).not.toContain("ORIGINAL_DATABASE_FOUND");
  });

  test("any command says once that the database is there; doctor reports it until the import", async () => {
    const cwd = copy();
    const home = tempDir();
    const s = await idse(["sessions", "--project", "shop", "--json"], { cwd, home });
    const found = s.json!.diagnostics.filter((d: any) => d.code === "ORIGINAL_DATABASE_FOUND");
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe("warning");
    expect(found[0].hint).toContain("idse import-original");
    const text = await idse(["sessions", "--project", "shop"], { cwd, home });
    expect(text.stderr.match(/ORIGINAL_DATABASE_FOUND/g)).toHaveLength(1);

    const doc = await idse(["doctor", "--json"], { cwd, home });
    expect(doc.code).toBe(1);
    expect(doc.json!.data.findings.map((f: any) => f.code)).toContain("ORIGINAL_DATABASE_FOUND");
    const docText = await idse(["doctor"], { cwd, home });
    expect(docText.stdout).toContain("idse import-original");
  });

  test("a differing markdown view is reported and kept beside as *.view.md", async () => {
    const cwd = copy();
    const home = tempDir();
    const intent = join(cwd, ".idse/projects/shop/sessions/catalog-search/intents/intent.md");
    writeFileSync(intent, "# my unsynced edit\n");
    const r = await idse(["import-original", "--json"], { cwd, home });
    expect(r.code).toBe(0);
    expect(r.json!.diagnostics.map((d: any) => d.code)).toContain("ORIGINAL_VIEW_DIFFERS");
    expect(
      readFileSync(join(cwd, ".idse/projects/shop/sessions/catalog-search/intents/intent.view.md"), "utf8"),
    ).toBe("# my unsynced edit\n");
    expect(sha(readFileSync(intent))).toBe(EXPECTED.projects.shop.artifacts_sha256["catalog-search"].intent);
  });
});

describe("import-original refuses bad input and changes nothing", () => {
  /** Runs `sql` on the copy's database, then imports; expects the code and an unchanged workspace. */
  async function refused(sql: string, code: string) {
    const cwd = copy();
    const home = tempDir();
    const db = new DatabaseSync(join(cwd, ".idse", "idse.db"));
    db.exec("PRAGMA foreign_keys = OFF");
    db.exec(sql);
    db.close();
    const before = dbHash(cwd);
    const meta = read(cwd, "projects/shop/sessions/checkout-flow/metadata/session.json");
    const r = await idse(["import-original", "--json"], { cwd, home });
    expect(r.code).toBe(1);
    expect(r.json!.diagnostics.map((d: any) => d.code)).toContain(code);
    expect(dbHash(cwd)).toBe(before);
    expect(read(cwd, "projects/shop/sessions/checkout-flow/metadata/session.json")).toBe(meta);
    expect(existsSync(join(cwd, ".idse", "original-import.json"))).toBe(false);
    expect(existsSync(join(cwd, ".idse/projects/shop/original.json"))).toBe(false);
  }

  test("another version: a missing table", () =>
    refused("DROP TABLE session_state", "ORIGINAL_SCHEMA_UNSUPPORTED"));
  test("another version: a missing column", () =>
    refused("ALTER TABLE sessions DROP COLUMN description", "ORIGINAL_SCHEMA_UNSUPPORTED"));
  test("another version: an unknown table with rows", () =>
    refused("CREATE TABLE notes (id INTEGER); INSERT INTO notes VALUES (1)", "ORIGINAL_SCHEMA_UNSUPPORTED"));
  test("times idse cannot read", () =>
    refused(
      "UPDATE sessions SET created_at = 'yesterday' WHERE session_id = 'gift-cards'",
      "ORIGINAL_VALUE_UNSUPPORTED",
    ));
  test("orphans: sessions of a missing project", () =>
    refused("DELETE FROM projects WHERE name = 'billing-svc'", "ORIGINAL_ORPHAN_ROWS"));
  test("values idse cannot keep", () =>
    refused(
      "UPDATE sessions SET status = 'paused' WHERE session_id = 'gift-cards'",
      "ORIGINAL_VALUE_UNSUPPORTED",
    ));

  test("a corrupt database", async () => {
    const cwd = copy();
    const file = join(cwd, ".idse", "idse.db");
    const bytes = readFileSync(file);
    bytes.fill(0xee, 4096, bytes.length); // header intact, every page after the first destroyed
    writeFileSync(file, bytes);
    const r = await idse(["import-original", "--json"], { cwd, home: tempDir() });
    expect(r.code).toBe(1);
    expect(r.json!.diagnostics.map((d: any) => d.code)).toContain("ORIGINAL_DATABASE_CORRUPT");
    expect(existsSync(join(cwd, ".idse", "original-import.json"))).toBe(false);
  });

  test("a locked database", async () => {
    const cwd = copy();
    const holder = new DatabaseSync(join(cwd, ".idse", "idse.db"));
    holder.exec("BEGIN EXCLUSIVE");
    try {
      const r = await idse(["import-original", "--json"], { cwd, home: tempDir() });
      expect(r.code).toBe(1);
      expect(r.json!.diagnostics.map((d: any) => d.code)).toContain("ORIGINAL_DATABASE_LOCKED");
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    expect(existsSync(join(cwd, ".idse", "original-import.json"))).toBe(false);
  });

  test("a write that fails while staging leaves every file as it was, and no temp file", async () => {
    const cwd = copy();
    const { rmSync, readdirSync } = await import("node:fs");
    const session = join(cwd, ".idse/projects/shop/sessions/order-history");
    rmSync(session, { recursive: true });
    mkdirSync(session);
    writeFileSync(join(session, "specs"), "a file where the import needs a folder\n");
    const before = read(cwd, "projects/shop/sessions/checkout-flow/metadata/session.json");
    const r = await idse(["import-original", "--json"], { cwd, home: tempDir() });
    expect(r.code).toBe(1);
    expect(r.json!.diagnostics[0].code).toBe("IO_ERROR");
    expect(read(cwd, "projects/shop/sessions/checkout-flow/metadata/session.json")).toBe(before);
    const all = readdirSync(join(cwd, ".idse"), { recursive: true }) as string[];
    expect(all.filter((f) => f.endsWith(".tmp") || f.endsWith("stage_state.json"))).toEqual([]);
    expect(existsSync(join(cwd, ".idse", "original-import.json"))).toBe(false);
  });

  test("temp files a killed import left are removed by the next one", async () => {
    const cwd = copy();
    const left = join(cwd, ".idse/projects/shop/sessions/checkout-flow/metadata/session.json.999999.1.tmp");
    writeFileSync(left, "half");
    const r = await idse(["import-original", "--json"], { cwd, home: tempDir() });
    expect(r.code).toBe(0);
    expect(existsSync(left)).toBe(false);
  });

  test("--project is refused: the import is all or nothing", async () => {
    const cwd = copy();
    const r = await idse(["import-original", "--project", "shop", "--json"], { cwd, home: tempDir() });
    expect(r.code).toBe(2);
    expect(r.json!.diagnostics[0].code).toBe("USAGE");
    expect(existsSync(join(cwd, ".idse", "original-import.json"))).toBe(false);
  });

  test("no database, or idse's own store", async () => {
    const cwd = tempDir();
    const home = tempDir();
    await idse(["init", "demo"], { cwd, home });
    const r = await idse(["import-original", "--json"], { cwd, home });
    expect(r.code).toBe(1);
    expect(r.json!.diagnostics[0].code).toBe("ORIGINAL_DATABASE_NOT_FOUND");

    // An empty SQLite file is not the original's database either.
    const empty = new DatabaseSync(join(cwd, ".idse", "idse.db"));
    empty.exec("PRAGMA user_version = 0");
    empty.close();
    const e = await idse(["import-original", "--json"], { cwd, home });
    expect(e.json!.diagnostics[0]).toMatchObject({
      code: "ORIGINAL_DATABASE_NOT_FOUND",
      reason: "it is an empty SQLite file",
    });
    expect(
      (await idse(["sessions", "--json"], { cwd, home })).json!.diagnostics.map((d: any) => d.code),
    ).not.toContain("ORIGINAL_DATABASE_FOUND");

    // An older idse's own sqlite store at .idse/idse.db is told apart by its header: no warning, no import.
    const own = tempDir();
    const init = await idse(
      ["init", "shop", "--store", "sqlite-store", "--store-option", "path=.idse/idse.db", "--json"],
      { cwd: own, home },
    );
    expect(init.code, init.stdout).toBe(0);
    const s = await idse(["sessions", "--json"], { cwd: own, home });
    expect(s.json!.diagnostics.map((d: any) => d.code)).not.toContain("ORIGINAL_DATABASE_FOUND");
    const mine = await idse(["import-original", "--json"], { cwd: own, home });
    expect(mine.json!.diagnostics[0]).toMatchObject({
      code: "ORIGINAL_DATABASE_NOT_FOUND",
      reason: "it is idse's own sqlite store",
    });
  });

  test("a database the original kept elsewhere (sqlite.db_path) is imported with --database", async () => {
    const cwd = copy();
    const home = tempDir();
    const outside = join(tempDir("idse-db-"), "idse.db");
    renameSync(join(cwd, ".idse", "idse.db"), outside);
    const missing = await idse(["import-original", "--json"], { cwd, home });
    expect(missing.json!.diagnostics[0].code).toBe("ORIGINAL_DATABASE_NOT_FOUND");
    expect(missing.json!.diagnostics[0].hint).toContain("`idse import-original --database <file>`");
    const before = sha(readFileSync(outside));
    const r = await idse(["import-original", "--database", outside, "--json"], { cwd, home });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json!.data.database).toBe(outside);
    expect(r.json!.data.projects.map((p: { project: string }) => p.project).sort()).toEqual(
      Object.keys(EXPECTED.projects).sort(),
    );
    expect(readJson(cwd, "original-import.json").database).toBe(outside);
    expect(sha(readFileSync(outside))).toBe(before);
    // Inside the repository, it is named relative to it.
    const again = copy();
    mkdirSync(join(again, "db"));
    renameSync(join(again, ".idse", "idse.db"), join(again, "db", "idse.db"));
    const rel = await idse(["import-original", "--database", "db/idse.db", "--json"], { cwd: again, home });
    expect([rel.code, rel.json!.data.database]).toEqual([0, "db/idse.db"]);
  });

  test("a session folder without a database row is left as it is, and reported", async () => {
    const cwd = copy();
    const extra = join(cwd, ".idse/projects/shop/sessions/scratch/intents");
    mkdirSync(extra, { recursive: true });
    writeFileSync(join(extra, "intent.md"), "# only here\n");
    const r = await idse(["import-original", "--json"], { cwd, home: tempDir() });
    expect(r.code).toBe(0);
    expect(r.json!.diagnostics.map((d: any) => d.code)).toContain("ORIGINAL_VIEW_ONLY");
    expect(readFileSync(join(extra, "intent.md"), "utf8")).toBe("# only here\n");
  });

  test("rows the views lack are created from the database", async () => {
    const cwd = copy();
    const { rmSync } = await import("node:fs");
    rmSync(join(cwd, ".idse/projects/shop/sessions/order-history"), { recursive: true });
    const r = await idse(["import-original", "--json"], { cwd, home: tempDir() });
    expect(r.code).toBe(0);
    expect(r.json!.diagnostics.map((d: any) => d.code)).toContain("ORIGINAL_ROW_WITHOUT_VIEW");
    for (const stage of STAGES) {
      const hash = EXPECTED.projects.shop.artifacts_sha256["order-history"][stage];
      const f = join(cwd, ".idse/projects/shop/sessions/order-history", STAGE_PATHS[stage]);
      expect(sha(readFileSync(f))).toBe(hash);
    }
  });
});
