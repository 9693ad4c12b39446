// The import benchmark (issue 18): a generated database in the Python original's format (its default
// SQLite mode, the schema of fixtures/python-original-sqlite-workspace/SCHEMA.md) with 1,001 sessions,
// imported by the compiled binary into a workspace that holds nothing else. Budget: ≤ 2 s.
// scripts/bench.ts adds the case to its table; `bun scripts/bench-import.ts <dir> [sessions]` only
// generates the database (for trying it by hand); `bun scripts/bench-import.ts --time [runs]` times
// this case alone through dist/idse.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { STAGES } from "../src/store/layout.ts";
import { expectOutput, type ProcessCase } from "./bench-case.ts";

/** The original's tables, as its last published version creates them (the columns idse imports). */
const SCHEMA = `
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, stack TEXT, owner TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, current_session_id TEXT);
CREATE TABLE sessions (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, session_id TEXT NOT NULL,
  name TEXT NOT NULL, session_type TEXT NOT NULL, description TEXT, is_blueprint INTEGER NOT NULL DEFAULT 0,
  parent_session TEXT, owner TEXT, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE(project_id, session_id));
CREATE TABLE artifacts (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, session_id INTEGER NOT NULL,
  stage TEXT NOT NULL, idse_id TEXT UNIQUE, content TEXT NOT NULL, content_hash TEXT NOT NULL,
  semantic_fingerprint TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE(session_id, stage));
CREATE TABLE project_state (project_id INTEGER PRIMARY KEY, state_json TEXT NOT NULL, current_session_id TEXT,
  updated_at TEXT NOT NULL);
CREATE TABLE session_state (session_id INTEGER PRIMARY KEY, state_json TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE agents (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, agent_id TEXT NOT NULL, role TEXT,
  mode TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE(project_id, agent_id));
CREATE TABLE agent_stages (id INTEGER PRIMARY KEY, agent_id INTEGER NOT NULL, stage TEXT NOT NULL,
  UNIQUE(agent_id, stage));
CREATE TABLE collaborators (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, name TEXT NOT NULL,
  role TEXT NOT NULL, joined_at TEXT NOT NULL, UNIQUE(session_id, name));
CREATE TABLE session_tags (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, tag TEXT NOT NULL,
  UNIQUE(session_id, tag));
CREATE TABLE blueprint_claims (claim_id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, claim_text TEXT NOT NULL,
  classification TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'active', supersedes_claim_id INTEGER,
  promotion_record_id INTEGER, origin TEXT NOT NULL DEFAULT 'converged', created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL, UNIQUE(project_id, claim_text));
CREATE TABLE claim_lifecycle_events (id INTEGER PRIMARY KEY, claim_id INTEGER NOT NULL, project_id INTEGER NOT NULL,
  old_status TEXT NOT NULL, new_status TEXT NOT NULL, reason TEXT NOT NULL, actor TEXT NOT NULL DEFAULT 'system',
  superseding_claim_id INTEGER, created_at TEXT NOT NULL);
`;

const STATUSES = ["draft", "in_progress", "review", "complete", "archived"] as const;
const OWNERS = ["alice", "bob", "carol", "dave", "erin"];
const at = (i: number) =>
  new Date(Date.parse("2026-01-05T09:00:00Z") + i * 60_000).toISOString().slice(0, 23);

/** Writes an original-format database with `sessions` sessions (the blueprint included) at `path`. */
export function generateOriginalDb(path: string, sessions = 1001): void {
  const db = new DatabaseSync(path);
  db.exec(SCHEMA);
  db.exec("BEGIN");
  const current = `feature-${String(sessions - 1).padStart(4, "0")}`;
  db.prepare("INSERT INTO projects VALUES (1, 'bench', 'python', 'system', ?, ?, ?)").run(
    at(0),
    at(0),
    current,
  );
  db.prepare("INSERT INTO project_state VALUES (1, '{}', ?, ?)").run(current, at(0));
  const addSession = db.prepare("INSERT INTO sessions VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const addArtifact = db.prepare("INSERT INTO artifacts VALUES (NULL, 1, ?, ?, ?, ?, ?, NULL, ?, ?)");
  const addState = db.prepare("INSERT INTO session_state VALUES (?, ?, ?)");
  const addCollab = db.prepare("INSERT INTO collaborators VALUES (NULL, ?, ?, ?, ?)");
  for (let i = 0; i < sessions; i++) {
    const sid = i === 0 ? "__blueprint__" : `feature-${String(i).padStart(4, "0")}`;
    const status = STATUSES[i % STATUSES.length]!;
    addSession.run(
      i + 1,
      sid,
      i === 0 ? "bench" : sid,
      i === 0 ? "blueprint" : "feature",
      i === 0 ? null : `Feature ${i}: café, 東京, 🚀`,
      i === 0 ? 1 : 0,
      i === 0 ? null : "__blueprint__",
      OWNERS[i % OWNERS.length]!,
      status,
      at(i),
      at(i + 1),
    );
    const done = i % 8;
    const stages = Object.fromEntries(
      STAGES.map((s, k) => [s, k < done ? "completed" : k === done ? "in_progress" : "pending"]),
    );
    addState.run(
      i + 1,
      JSON.stringify({
        project_name: "bench",
        session_id: sid,
        is_blueprint: i === 0,
        stages,
        last_sync: null,
        validation_status: "unknown",
        created_at: at(i),
      }),
      at(i + 1),
    );
    addCollab.run(i + 1, OWNERS[(i + 1) % OWNERS.length]!, "reviewer", at(i));
    for (const stage of STAGES) {
      const content = `# ${stage[0]!.toUpperCase()}${stage.slice(1)}: ${sid}\n\n${"Design text with accents (é), kana (かな) and more words. ".repeat(24)}\n`;
      const hash = createHash("sha256").update(content).digest("hex");
      addArtifact.run(i + 1, stage, `bench::${sid}::${stage}`, content, hash, at(i), at(i));
    }
  }
  db.exec(`INSERT INTO agents VALUES (1, 1, 'claude-code', 'orchestrator', 'planning', '${at(0)}', '${at(0)}');
    INSERT INTO agent_stages VALUES (1, 1, 'intent'), (2, 1, 'spec'), (3, 1, 'plan');
    INSERT INTO blueprint_claims VALUES (1, 1, 'Sessions are stored as files.', 'invariant', 'active', NULL, NULL, 'declared', '${at(1)}', '${at(1)}');
    INSERT INTO claim_lifecycle_events VALUES (1, 1, 1, '', 'active', 'Founding declaration', 'architect', NULL, '${at(1)}');`);
  db.exec("COMMIT");
  db.close();
}

/** The import case: `idse import-original` into a workspace reset to the database alone before each run. */
export function importCase(root: string, sessions: number): ProcessCase {
  const dir = join(root, "original-db");
  mkdirSync(join(dir, ".idse"), { recursive: true });
  generateOriginalDb(join(dir, ".idse", "idse.db"), sessions);
  const reset =
    "const fs=require('node:fs');for(const n of fs.readdirSync('.idse'))if(n!=='idse.db')fs.rmSync('.idse/'+n,{recursive:true,force:true})";
  return {
    name: `\`import-original\` (${sessions.toLocaleString("en")} sessions, original's SQLite database)`,
    cwd: dir,
    argv: ["import-original"],
    budgetMs: 2000,
    // Every row and document text is held at once (about 15 MB of text here): 145 MB measured.
    rssBudgetMb: 200,
    runs: 5,
    before: [process.execPath, "-e", reset],
    check: (out) => expectOutput(out.includes(`bench: ${sessions} session(s)`), "import-original"),
  };
}

if (import.meta.main) {
  if (process.argv[2] === "--time") {
    // This case alone, through the compiled binary: median and worst of N fresh imports.
    const runs = Number(process.argv[3] ?? 5);
    const root = realpathSync(mkdtempSync(join(tmpdir(), "idse-bench-import-")));
    try {
      const c = importCase(root, 1001);
      const bin = resolve(import.meta.dir, "..", "dist", process.platform === "win32" ? "idse.exe" : "idse");
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        Bun.spawnSync(c.before!, { cwd: c.cwd });
        const t0 = performance.now();
        const r = Bun.spawnSync([bin, ...c.argv], { cwd: c.cwd, stdout: "pipe", stderr: "pipe" });
        times.push(performance.now() - t0);
        if (r.exitCode !== 0) throw new Error(r.stderr.toString());
        c.check(r.stdout.toString());
      }
      times.sort((a, b) => a - b);
      console.log(
        `${c.name}: median ${times[runs >> 1]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms (${runs} runs; budget ${c.budgetMs} ms)`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  } else {
    const dir = resolve(process.argv[2] ?? ".");
    mkdirSync(join(dir, ".idse"), { recursive: true });
    generateOriginalDb(join(dir, ".idse", "idse.db"), Number(process.argv[3] ?? 1001));
    console.log(`wrote ${join(dir, ".idse", "idse.db")}`);
  }
}
