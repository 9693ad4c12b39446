import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { IdseError } from "../../errors.ts";
import type { ImportOriginalOutput } from "../../models/original.ts";
import { commitImport } from "../../original/commit.ts";
import {
  IMPORT_HASHES,
  IMPORT_RECORD,
  type ImportRecord,
  ORIGINAL_DB,
  readImportHashes,
  readImportRecord,
  sqliteKind,
} from "../../original/detect.ts";
import { planImport } from "../../original/plan.ts";
import { readOriginalDb } from "../../original/read.ts";
import { writeFileAtomic } from "../../store/atomic-file.ts";
import { boundaryFor, guardRead } from "../../store/path-guard.ts";
import { withProjectLock } from "../../workspace.ts";
import { defineCommand } from "../command.ts";

// `idse import-original`: the Python original's SQLite database (.idse/idse.db) into idse's workspace,
// losslessly (docs/migrating.md). The database is opened read-only and never written. Everything is
// planned first; then every document is staged and committed with renames (one transaction in a plugin
// store), so a refused import changes nothing, and a second import of the same database changes nothing.

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

export const importOriginal = defineCommand<{ dryRun?: boolean; database?: string }, ImportOriginalOutput>({
  options: [
    { flags: "--dry-run", description: "Print what would change; write nothing" },
    {
      flags: "--database <file>",
      description:
        "The original's database where its config kept it elsewhere (`sqlite.db_path`); every project it holds is imported (default: .idse/idse.db)",
    },
  ],
  examples: ["idse import-original --dry-run", "idse import-original --json"],
  async run(ctx, _args, o) {
    // All or nothing: a partial import would be recorded as the database's import.
    if (ctx.global.project !== undefined)
      throw new IdseError("USAGE", {
        reason: "import-original imports every project of the database at once; run it without --project",
      });
    const ws = ctx.workspace();
    const path = o.database ? resolve(ctx.global.cwd, o.database) : join(ws.idseDir, ORIGINAL_DB);
    const inside = boundaryFor(ws.root, path) !== null;
    // For messages and the record: relative to the repository when it is inside, else as given.
    const file = inside ? relative(ws.root, path).split(sep).join("/") : path;
    // The database is read (and its WAL beside it) only where it really is: inside the repository, not
    // through a link that leads out of it. One named outside it by --database is the user's own choice.
    if (inside) guardRead(ws.root, path);
    const kind = sqliteKind(path);
    if (kind === "missing") throw new IdseError("ORIGINAL_DATABASE_NOT_FOUND", { file });
    if (kind === "idse-store")
      throw new IdseError("ORIGINAL_DATABASE_NOT_FOUND", { file, reason: "it is idse's own sqlite store" });
    if (kind === "empty")
      throw new IdseError("ORIGINAL_DATABASE_NOT_FOUND", { file, reason: "it is an empty SQLite file" });
    if (kind === "not-sqlite")
      throw new IdseError("ORIGINAL_DATABASE_CORRUPT", { file, reason: "it is not an SQLite database" });
    const bytes = readFileSync(path);
    const digest = sha256(bytes);
    const st = statSync(path);
    const snap = await readOriginalDb(path, file);
    const previous = readImportRecord(ws.idseDir);
    const hashes = readImportHashes(ws.idseDir);

    const projects = [...new Set(snap.projects!.map((p) => String(p.name)))].sort();
    // Every project's lock, so no other idse command writes while the import plans and commits.
    const locked = async <T>(fn: () => Promise<T>, i = 0): Promise<T> =>
      i >= projects.length || o.dryRun ? fn() : withProjectLock(ws, projects[i]!, () => locked(fn, i + 1));

    return locked(async () => {
      const plan = await planImport(snap, ws.store, hashes, file);
      for (const d of plan.diagnostics) ctx.report(d);
      const out: ImportOriginalOutput = {
        database: file,
        sha256: digest,
        dry_run: o.dryRun === true,
        changed: plan.writes.length,
        changes: plan.changes,
        projects: plan.projects,
        recorded: false,
      };
      if (o.dryRun) return out;
      if (plan.writes.length) {
        await commitImport(ws.store, ws.idseDir, plan.writes);
      }
      // Every key's text as the database has it, written now or already there: a later import leaves a
      // key alone while the database still says the same, so an edit made with idse meanwhile stays.
      const written = { ...hashes, ...plan.established };
      const sameHashes = JSON.stringify(hashes) === JSON.stringify(written);
      const sameDb =
        previous?.sha256 === digest &&
        previous.size === st.size &&
        previous.mtime_ms === Math.trunc(st.mtimeMs);
      if (plan.writes.length || !sameDb || !sameHashes) {
        // The hashes first, the record last: the record is what says "imported".
        if (!sameHashes)
          writeFileAtomic(
            join(ws.idseDir, IMPORT_HASHES),
            `${JSON.stringify({ $schema: "./schemas/original-import-hashes.schema.json", written })}\n`,
          );
        const record: ImportRecord = {
          $schema: "./schemas/original-import.schema.json",
          tool: "idse-orchestrator",
          database: file,
          sha256: digest,
          size: st.size,
          mtime_ms: Math.trunc(st.mtimeMs),
          imported_at: ctx.now,
        };
        writeFileAtomic(join(ws.idseDir, IMPORT_RECORD), `${JSON.stringify(record, null, 2)}\n`);
        out.recorded = true;
      }
      return out;
    });
  },
  text(d) {
    const lines = d.projects.map(
      (p) =>
        `  ${p.project}: ${p.sessions} session(s), ${p.artifacts} document(s), ${p.agents} agent(s), ${p.claims} claim(s)`,
    );
    const head = d.dry_run
      ? `Dry run: importing ${d.database} would write ${d.changed} document(s):`
      : d.changed
        ? `Imported ${d.database}: ${d.changed} document(s) written:`
        : `${d.database} is already imported: nothing to change.`;
    // A first import of a large database writes thousands of documents: people get the first ones and
    // the count per action; --json lists every one.
    const SHOWN = 40;
    const changes = d.changes
      .slice(0, SHOWN)
      .map((c) => `  ${c.action.padEnd(9)} .idse/${c.key}${c.of ? ` (the view of .idse/${c.of})` : ""}`);
    if (d.changes.length > SHOWN) {
      const count = (a: string) => d.changes.filter((c) => c.action === a).length;
      changes.push(
        `  … ${d.changes.length - SHOWN} more (in all: ${count("create")} created, ${count("update")} updated, ${count("keep-view")} view(s) kept; --json lists every one)`,
      );
    }
    const tail = d.dry_run
      ? ["Run `idse import-original` to import it."]
      : ["The database was only read; delete it when satisfied (docs/migrating.md)."];
    return [head, ...changes, "Database contents:", ...lines, ...tail].join("\n");
  },
});
