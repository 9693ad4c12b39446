// In-process benchmarks of the SQL store plugins, on the generated 1,001-session workspace
// (scripts/bench-workspace.ts). scripts/bench.ts adds these rows to its table; run alone it prints them:
//   bun scripts/bench-stores.ts
// Budgets (issue 8): sqlite-store reads or writes one artifact in ≤ 1 ms and runs `status` over 1,001
// sessions in ≤ 40 ms; postgres-store takes every key of the workspace (a migration) in ≤ 10 s on a
// loopback server. The postgres rows need IDSE_BENCH_POSTGRES_URL (or IDSE_TEST_POSTGRES_URL); without
// one they are left out, with a note on stderr.
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { Bench } from "tinybench";
import { createPostgresStore } from "../plugins/postgres-store/src/store.ts";
import { createSqliteStore } from "../plugins/sqlite-store/src/store.ts";
import { runCli } from "../src/cli/cli.ts";
import type { DesignStore } from "../src/store/contract.ts";
import { keys } from "../src/store/layout.ts";
import { BENCH_PROJECT, generateWorkspace, quietIo } from "./bench-workspace.ts";

export interface StoreRow {
  name: string;
  kind: "in-process";
  medianMs: number;
  p95Ms: number;
  samples: number;
  budgetMs?: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;

/** Every document of a workspace's `.idse/` folder, as store entries (the lock file is no document). */
export function workspaceEntries(idseDir: string): [string, string][] {
  const out: [string, string][] = [];
  for (const rel of readdirSync(idseDir, { recursive: true }) as string[]) {
    const key = rel.split("\\").join("/");
    if (key.endsWith(".idse.lock") || !statSync(join(idseDir, rel)).isFile()) continue;
    out.push([key, readFileSync(join(idseDir, rel), "utf8")]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

async function timeOnce(runs: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

function row(name: string, sorted: number[], budgetMs?: number): StoreRow {
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    name,
    kind: "in-process",
    medianMs: median,
    p95Ms: percentile(sorted, 95),
    samples: sorted.length,
    budgetMs,
  };
}

async function sqliteRows(big: string, entries: [string, string][], current: string): Promise<StoreRow[]> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "idse-bench-sqlite-")));
  try {
    const path = join(dir, "idse.db");
    let store: DesignStore = createSqliteStore({ path });
    const copy = await timeOnce(1, () => store.writeMany!(entries));
    await store.dispose!();
    store = createSqliteStore({ path }); // a fresh handle, as a new idse process would have
    const artifact = keys.artifact(BENCH_PROJECT, current, "spec");
    const text = (await store.read(artifact))!;
    const io = { ...quietIo(big, new Date("2026-03-01T12:00:00.000Z")), store };
    const n = entries.length.toLocaleString("en");
    const bench = new Bench({
      time: 1000,
      iterations: 30,
      warmupIterations: 5,
      retainSamples: true,
      throws: true,
    });
    let i = 0;
    bench
      .add("sqlite-store: read one artifact", async () => {
        await store.read(artifact);
      })
      .add("sqlite-store: write one artifact", async () => {
        await store.write(artifact, `${text}\n<!-- ${i++} -->\n`);
      })
      .add("sqlite-store: runCli status (1,001 sessions)", async () => {
        if ((await runCli(["status"], io)) !== 0) throw new Error("status failed");
      })
      .add("sqlite-store: runCli status --all (1,001 sessions)", async () => {
        if ((await runCli(["status", "--all"], io)) !== 0) throw new Error("status --all failed");
      })
      .add("sqlite-store: runCli sessions --json (1,001 sessions)", async () => {
        if ((await runCli(["sessions", "--json"], io)) !== 0) throw new Error("sessions failed");
      });
    await bench.run();
    const budgets: Record<string, number> = {
      "sqlite-store: read one artifact": 1,
      "sqlite-store: write one artifact": 1,
      "sqlite-store: runCli status (1,001 sessions)": 40,
      "sqlite-store: runCli status --all (1,001 sessions)": 40,
    };
    const rows = bench.tasks.map((t) => {
      const r = t.result;
      if (r.state !== "completed") throw new Error(`${t.name}: ${r.state}`);
      return row(
        t.name,
        [...(r.latency.samples ?? [])].sort((a, b) => a - b),
        budgets[t.name],
      );
    });
    await store.dispose!();
    return [row(`sqlite-store: copy the workspace in (${n} keys, one writeMany)`, copy), ...rows];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRows(url: string, entries: [string, string][], current: string): Promise<StoreRow[]> {
  const schema = `idse_bench_${process.pid}`;
  const n = entries.length.toLocaleString("en");
  try {
    const open = (tenant: string) => createPostgresStore({ url, schema, tenant });
    const copy = await timeOnce(5, async (i) => {
      const store = await open(`bench-${i}`);
      await store.writeMany!(entries);
      await store.dispose!();
    });
    const store = await open("bench-0");
    const artifact = keys.artifact(BENCH_PROJECT, current, "spec");
    const reads = await timeOnce(200, async () => {
      await store.read(artifact);
    });
    const lists = await timeOnce(30, async () => {
      await store.list(keys.sessions(BENCH_PROJECT));
    });
    await store.dispose!();
    return [
      row(`postgres-store: migrate the workspace in (${n} keys, open + writeMany)`, copy, 10_000),
      row("postgres-store: read one artifact (loopback)", reads),
      row("postgres-store: list 1,001 sessions (loopback)", lists),
    ];
  } finally {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
    await sql.end();
  }
}

/** The store rows for scripts/bench.ts, on its generated workspace (`big`, current session `current`). */
export async function storeRows(big: string, current: string): Promise<StoreRow[]> {
  const entries = workspaceEntries(join(big, ".idse"));
  const rows = await sqliteRows(big, entries, current);
  const url = process.env.IDSE_BENCH_POSTGRES_URL ?? process.env.IDSE_TEST_POSTGRES_URL;
  if (url) rows.push(...(await postgresRows(url, entries, current)));
  else console.error("  (postgres-store rows left out: set IDSE_BENCH_POSTGRES_URL to a loopback server)");
  return rows;
}

if (import.meta.main) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "idse-bench-")));
  try {
    const ws = await generateWorkspace(join(root, "big"));
    const rows = await storeRows(ws.dir, ws.current);
    const fmt = (v: number) => (v < 0.1 ? v.toFixed(4) : v < 10 ? v.toFixed(2) : v.toFixed(1));
    for (const r of rows) {
      const verdict =
        r.budgetMs === undefined
          ? ""
          : r.medianMs <= r.budgetMs
            ? `pass (≤ ${r.budgetMs} ms)`
            : `FAIL (> ${r.budgetMs} ms)`;
      console.log(
        `${r.name.padEnd(72)} median ${fmt(r.medianMs).padStart(8)} ms  p95 ${fmt(r.p95Ms).padStart(8)} ms  n=${r.samples}  ${verdict}`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
