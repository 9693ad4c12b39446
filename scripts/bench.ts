// Performance budgets of idse, measured two ways (docs/benchmarks.md explains both):
//   - whole process: the compiled binary dist/idse, spawned with Bun.spawnSync; wall time around the
//     spawn, and peak RSS from the child's resource usage (ResourceUsage.maxRSS, in bytes);
//   - in-process: key functions timed with tinybench inside this process, to see where the time goes.
// Usage: bun scripts/build.ts && bun scripts/bench.ts [--write] [--strict] [--runs 30] [--warmup 3]
//                                                      [--only TEXT …]
//   --write   also rewrite the results between the markers in docs/benchmarks.md
//   --only    time only the cases whose name contains TEXT (case-insensitive, repeatable); the set-up of
//             groups none of whose words TEXT matches is skipped. With --write, only those rows of the
//             recorded table are replaced (or added), the others kept as they were.
//   --strict  exit 1 when a budget is exceeded (default: report only, so a slow CI box stays green)
//   --scale N[,N…]  instead of the table above, the scaling table of issue 16 (scripts/bench-scale.ts) at
//             those session counts; --write and --strict apply to it (`npm run bench -- --scale 10001`)
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { access, readdir, readFile } from "node:fs/promises";
import { availableParallelism, loadavg, release, tmpdir, totalmem, type } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Bench, type Task } from "tinybench";
import { regenerateMeta } from "../src/blueprint-meta.ts";
import { runCli } from "../src/cli/cli.ts";
import { readAllSessions } from "../src/session-graph.ts";
import { assertKey, type DesignStore, type StoreEntry } from "../src/store/contract.ts";
import { createFilesystemStore } from "../src/store/fs.ts";
import { expectOutput, type ProcessCase } from "./bench-case.ts";
import { compileCases, writerRows } from "./bench-compile.ts";
import { FLOOR_NAME, hookCases } from "./bench-hook.ts";
import { importCase } from "./bench-import.ts";
import { mcpReadyCase, mcpRoundTrips } from "./bench-mcp.ts";
import { secretRows } from "./bench-secrets.ts";
import { spineCases } from "./bench-spine.ts";
import { storeRows } from "./bench-stores.ts";
import { syncCases } from "./bench-sync.ts";
import { BENCH_PROJECT, generateWorkspace, quietIo } from "./bench-workspace.ts";

const REPO = resolve(import.meta.dir, "..");
const BINARY = join(REPO, "dist", process.platform === "win32" ? "idse.exe" : "idse");
const DOC = join(REPO, "docs", "benchmarks.md");
export const START_MARKER = "<!-- bench:start -->";
export const END_MARKER = "<!-- bench:end -->";
const MB = 1024 * 1024;
const RSS_BUDGET_MB = 60;
const SESSIONS = 1001;

interface Row {
  name: string;
  kind: "process" | "in-process";
  medianMs: number;
  p95Ms: number;
  /** Peak RSS over all runs, in MB; undefined for in-process rows (the bench process is not idse). */
  rssMb?: number;
  /** The median of the case's interleaved floor (ProcessCase.interleave), timed in the same rounds. */
  pairMedianMs?: number;
  budgetMs?: number;
  /** Timed runs (whole process) or tinybench samples (in-process). */
  samples: number;
  rssBudgetMb?: number;
}

/** Nearest-rank percentile of ascending-sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---- whole process -------------------------------------------------------------------------------------

// Peak RSS needs care: Bun spawns with vfork semantics (the child shares the parent's memory until exec),
// and Linux then records the *parent's* peak RSS as the child's starting maxRSS. Spawned straight from this
// process (60-70 MB once it holds the workspace and tinybench) every case would report that size. So
// the timed runs happen in a tiny launcher process (a bare `bun -e`, ~20 MB) that collects garbage and
// resets its own peak (/proc/self/clear_refs) before each spawn; a child's maxRSS is then its own unless
// it is below the launcher's RSS, which is reported as the floor. Timing happens in the launcher too.
const LAUNCHER = `
const fs = require("node:fs");
const spec = JSON.parse(await Bun.stdin.text());
const out = { first: "", times: [], rss: [], floor: 0, pairTimes: [] };
function once(s) {
  Bun.gc(true);
  try { fs.writeFileSync("/proc/self/clear_refs", "5"); } catch {}
  if (s.before) Bun.spawnSync(s.before, { cwd: s.cwd, env: spec.env, stdout: "ignore", stderr: "ignore" });
  out.floor = Math.max(out.floor, process.memoryUsage.rss());
  const t0 = performance.now();
  const stdin = s.stdin === undefined ? "ignore" : Buffer.from(s.stdin);
  const r = Bun.spawnSync([s.bin, ...s.argv], { cwd: s.cwd, env: spec.env, stdin, stdout: "pipe", stderr: "pipe" });
  const ms = performance.now() - t0;
  if (!(s.okCodes ?? [0]).includes(r.exitCode)) {
    console.error("exit " + r.exitCode + ": " + r.stderr.toString().slice(0, 500));
    process.exit(1);
  }
  return { ms, rss: r.resourceUsage.maxRSS, stdout: r.stdout };
}
out.first = once(spec).stdout.toString();
for (let i = 1; i < spec.warmup; i++) once(spec);
if (spec.pair) once(spec.pair);
for (let i = 0; i < spec.runs; i++) {
  // With a pair (the floor it is judged against), the two alternate, each first every other round.
  if (spec.pair && i % 2 === 0) out.pairTimes.push(once(spec.pair).ms);
  const r = once(spec);
  out.times.push(r.ms);
  out.rss.push(r.rss);
  if (spec.pair && i % 2 === 1) out.pairTimes.push(once(spec.pair).ms);
}
process.stdout.write(JSON.stringify(out));
`;

interface LauncherOutput {
  first: string;
  times: number[];
  rss: number[];
  floor: number;
  /** The pair's times (ProcessCase.interleave), run for run. */
  pairTimes: number[];
}

/** Largest RSS of the launcher itself before a spawn, in MB: peak RSS figures below it are not exact. */
let launcherFloorMb = 0;

export function timeProcess(c: ProcessCase, env: Record<string, string>, runs: number, warmup: number): Row {
  runs = c.runs ?? runs;
  const spec = {
    bin: c.bin ?? BINARY,
    argv: c.argv,
    cwd: c.cwd,
    env,
    runs,
    warmup,
    okCodes: c.okCodes,
    before: c.before,
    stdin: c.stdin,
    pair: c.interleave,
  };
  const r = Bun.spawnSync([process.execPath, "-e", LAUNCHER], {
    cwd: c.cwd,
    env,
    stdin: Buffer.from(JSON.stringify(spec)),
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`\`idse ${c.argv.join(" ")}\` failed: ${r.stderr.toString()}`);
  const out = JSON.parse(r.stdout.toString()) as LauncherOutput;
  c.check(out.first);
  launcherFloorMb = Math.max(launcherFloorMb, out.floor / MB);
  const times = out.times.sort((a, b) => a - b);
  return {
    name: c.name,
    kind: "process",
    medianMs: median(times),
    ...(c.interleave ? { pairMedianMs: median(out.pairTimes.sort((a, b) => a - b)) } : {}),
    p95Ms: percentile(times, 95),
    rssMb: Math.max(...out.rss) / MB,
    budgetMs: c.budgetMs,
    rssBudgetMb: c.rssBudgetMb,
    samples: runs,
  };
}

// ---- in-process ----------------------------------------------------------------------------------------

function taskRow(task: Task): Row {
  const result = task.result;
  if (result.state === "errored") throw result.error;
  if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
  const samples = [...(result.latency.samples ?? [])];
  return {
    name: task.name,
    kind: "in-process",
    medianMs: result.latency.p50,
    p95Ms: samples.length ? percentile(samples, 95) : result.latency.p99,
    samples: result.latency.samplesCount,
  };
}

/**
 * The filesystem store as it would be with promise-based I/O (node:fs/promises) for the methods a listing
 * uses. Only here to measure what src/store/fs.ts gains by doing sync I/O inside its async methods.
 */
function promiseStore(idseDir: string): DesignStore {
  const path = (key: string) => join(idseDir, assertKey(key));
  const missing = (err: unknown) => ["ENOENT", "ENOTDIR"].includes((err as NodeJS.ErrnoException).code ?? "");
  return {
    ...createFilesystemStore(idseDir),
    async read(key) {
      try {
        return await readFile(path(key), "utf8");
      } catch (err) {
        if (missing(err)) return undefined;
        throw err;
      }
    },
    async has(key) {
      return access(path(key)).then(
        () => true,
        () => false,
      );
    },
    async list(prefix) {
      try {
        const dirents = await readdir(path(prefix), { withFileTypes: true });
        const out: StoreEntry[] = dirents
          .filter((e) => e.isDirectory() || e.isFile())
          .map((e) => ({ name: e.name, kind: e.isDirectory() ? "dir" : "file" }));
        return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (err) {
        if (missing(err)) return [];
        throw err;
      }
    },
  };
}

async function timeInProcess(big: string): Promise<Row[]> {
  const store = createFilesystemStore(join(big, ".idse"));
  const slowStore = promiseStore(join(big, ".idse"));
  const now = "2026-03-01T12:00:00.000Z";
  const io = quietIo(big, new Date(now));
  expectOutput((await readAllSessions(store, BENCH_PROJECT)).length === SESSIONS, "readAllSessions count");
  expectOutput((await readAllSessions(slowStore, BENCH_PROJECT)).length === SESSIONS, "promise store count");

  const bench = new Bench({
    time: 1000,
    iterations: 30,
    warmupIterations: 5,
    retainSamples: true,
    throws: true,
  });
  bench
    .add(`readAllSessions (${SESSIONS.toLocaleString("en")} sessions)`, () =>
      readAllSessions(store, BENCH_PROJECT),
    )
    .add(`readAllSessions, promise-based fs store (${SESSIONS.toLocaleString("en")})`, () =>
      readAllSessions(slowStore, BENCH_PROJECT),
    )
    .add(`runCli sessions --json (${SESSIONS.toLocaleString("en")})`, async () => {
      const code = await runCli(["sessions", "--json"], io);
      if (code !== 0) throw new Error(`runCli sessions --json exited ${code}`);
    })
    .add(`regenerateMeta (${SESSIONS.toLocaleString("en")} sessions)`, () =>
      regenerateMeta(store, BENCH_PROJECT, now),
    );
  await bench.run();
  return bench.tasks.map(taskRow);
}

// ---- report --------------------------------------------------------------------------------------------

function verdict(r: Row): { text: string; ok: boolean } {
  if (r.kind === "in-process") {
    // In-process rows are for seeing where time goes, except the store budgets (scripts/bench-stores.ts).
    if (r.budgetMs === undefined) return { text: "—", ok: true };
    return r.medianMs <= r.budgetMs ? { text: "pass", ok: true } : { text: "**FAIL** (time)", ok: false };
  }
  const slow = r.budgetMs !== undefined && r.medianMs > r.budgetMs;
  const fat = r.rssMb !== undefined && r.rssMb > (r.rssBudgetMb ?? RSS_BUDGET_MB);
  if (!slow && !fat) return { text: "pass", ok: true };
  return { text: `**FAIL** (${[slow && "time", fat && "RSS"].filter(Boolean).join(", ")})`, ok: false };
}

const ms = (n: number) => (n < 0.1 ? n.toFixed(4) : n < 10 ? n.toFixed(2) : n.toFixed(1));

/** A markdown table with padded columns, laid out as the formatter (biome) would, so --write is stable. */
export function markdownTable(headers: string[], right: boolean[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = widths.map((w, i) => (right[i] ? `${"-".repeat(w - 1)}:` : "-".repeat(w)));
  return [line(headers), line(rule), ...rows.map(line)].join("\n");
}

export function renderTable(rows: Row[]): string {
  const headers = ["Case", "How", "Runs", "Median (ms)", "p95 (ms)", "Peak RSS (MB)", "Budget", "Result"];
  const right = [false, false, true, true, true, true, false, false];
  const cells = rows.map((r) => [
    r.name,
    r.kind,
    String(r.samples),
    ms(r.medianMs),
    ms(r.p95Ms),
    r.rssMb === undefined ? "—" : r.rssMb.toFixed(1),
    r.kind === "in-process"
      ? r.budgetMs === undefined
        ? "—"
        : `≤ ${r.budgetMs} ms`
      : [
          r.budgetMs !== undefined ? `≤ ${r.budgetMs} ms` : undefined,
          `≤ ${r.rssBudgetMb ?? RSS_BUDGET_MB} MB`,
        ]
          .filter(Boolean)
          .join(", "),
    verdict(r).text,
  ]);
  return markdownTable(headers, right, cells);
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return "unknown CPU";
}

function machine(): string {
  return [
    `${cpuModel()}, ${availableParallelism()} CPUs (nproc)`,
    `${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM`,
    `${type()} ${release()}`,
    `Bun ${Bun.version}`,
  ].join(", ");
}

/** Whether `text` (a case name or a group's words) is selected by --only (nothing given: everything). */
export function selected(only: readonly string[], text: string): boolean {
  const t = text.toLowerCase();
  return only.length === 0 || only.some((o) => t.includes(o.toLowerCase()));
}

/** The cells of each row of a markdown table (header and rule lines left out). */
function tableCells(table: string): string[][] {
  return table
    .split("\n")
    .filter((l) => l.startsWith("| "))
    .slice(2)
    .map((l) =>
      l
        .slice(2, -2)
        .split(" | ")
        .map((c) => c.trim()),
    );
}

/**
 * The recorded table with some rows measured again: a row of the same case name is replaced in place, a
 * new one goes after the last whole-process row (where a full run would put it, near enough).
 */
export function mergeTable(recorded: string, measured: string): string {
  const headers = recorded.split("\n").find((l) => l.startsWith("| "))!;
  const names = headers
    .slice(2, -2)
    .split(" | ")
    .map((c) => c.trim());
  const rows = tableCells(recorded);
  const fresh = tableCells(measured);
  for (const row of fresh) {
    const at = rows.findIndex((r) => r[0] === row[0]);
    if (at >= 0) rows[at] = row;
    else {
      const lastProcess = rows.findLastIndex((r) => r[1] === "process");
      rows.splice(row[1] === "process" ? lastProcess + 1 : rows.length, 0, row);
    }
  }
  const right = [false, false, true, true, true, true, false, false];
  return markdownTable(names, right, rows);
}

export function replaceBetweenMarkers(doc: string, body: string): string {
  const start = doc.indexOf(START_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`${DOC} has no ${START_MARKER} … ${END_MARKER} section`);
  return `${doc.slice(0, start + START_MARKER.length)}\n${body}\n${doc.slice(end)}`;
}

/** A fresh project with three routing plugins installed: the bundled windsurf and two from folders. */
function pluggedWorkspace(root: string, env: Record<string, string>): string {
  const dir = join(root, "plugged");
  mkdirSync(dir);
  const idse = (...argv: string[]) => {
    const r = Bun.spawnSync([BINARY, ...argv], { cwd: dir, env });
    if (r.exitCode !== 0) throw new Error(`idse ${argv.join(" ")} failed: ${r.stderr.toString()}`);
  };
  idse("init", "bench", "--quiet");
  idse("plugin", "add", "windsurf", "--yes", "--quiet");
  for (const name of ["bench-a", "bench-b"]) {
    const folder = join(root, name);
    mkdirSync(folder);
    const idseKey = { name, kind: "routing", apiVersion: 1, capabilities: ["files"] };
    writeFileSync(
      join(folder, "package.json"),
      JSON.stringify({ name, version: "1.0.0", main: "index.js", idse: idseKey }),
    );
    writeFileSync(
      join(folder, "index.js"),
      `export default (host) => ({ name: "${name}", label: "${name}", aliases: [], paths: ["${name}.md"],
        renderFiles: (ctx) => [{ path: "${name}.md", body: host.instructions(ctx, { title: "${name}", intro: "" }) }] });\n`,
    );
    idse("plugin", "add", folder, "--yes", "--quiet");
  }
  idse("agents", "sync-files", "--quiet");
  return dir;
}

// ---- main ----------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      write: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      runs: { type: "string", default: "30" },
      warmup: { type: "string", default: "3" },
      only: { type: "string", multiple: true, default: [] },
      scale: { type: "string" },
    },
  });
  if (values.scale !== undefined) {
    // The scaling table is its own script (slow, opt-in); run in a child with the counts it expects.
    if (!/^\d+(,\d+)*$/.test(values.scale)) {
      console.error("--scale takes session counts, e.g. --scale 1001,10001");
      return 2;
    }
    const flags = [...(values.write ? ["--write"] : []), ...(values.strict ? ["--strict"] : [])];
    const child = Bun.spawnSync([process.execPath, join(import.meta.dir, "bench-scale.ts"), ...flags], {
      env: { ...process.env, IDSE_BENCH_SCALE: values.scale },
      stdio: ["ignore", "inherit", "inherit"],
    });
    return child.exitCode ?? 1;
  }
  const only = values.only;
  const want = (text: string) => selected(only, text);
  const runs = Number(values.runs);
  const warmup = Math.max(1, Number(values.warmup));
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup)) {
    console.error("--runs and --warmup take positive integers");
    return 2;
  }
  if (!existsSync(BINARY)) {
    console.error(`${BINARY} is missing: run \`bun scripts/build.ts\` first (npm run bench does).`);
    return 2;
  }

  const root = realpathSync(mkdtempSync(join(tmpdir(), "idse-bench-")));
  const stops: (() => void)[] = [];
  try {
    // A home without ~/.idseconfig.json and no IDSE_* variables: every run sees the same configuration.
    const env = { PATH: process.env.PATH ?? "", HOME: root };
    const small = join(root, "small");
    const big = join(root, "big");
    mkdirSync(small);
    const init = Bun.spawnSync([BINARY, "init", "bench", "--quiet"], { cwd: small, env });
    if (init.exitCode !== 0) throw new Error(`idse init failed: ${init.stderr.toString()}`);

    const t0 = performance.now();
    const ws = await generateWorkspace(big, SESSIONS);
    const genSecs = ((performance.now() - t0) / 1000).toFixed(1);
    console.error(
      `generated ${ws.sessions.length} sessions in ${genSecs} s; timing ${BINARY} (${runs} runs)`,
    );
    const probe = ws.sessions[Math.floor(ws.sessions.length / 3)]!;

    const n = SESSIONS.toLocaleString("en");
    const cases: ProcessCase[] = [
      {
        name: "`--version`",
        cwd: small,
        argv: ["--version"],
        budgetMs: 10,
        check: (out) => expectOutput(/^idse \d/.test(out), "idse --version"),
      },
      {
        name: "`status` (fresh init)",
        cwd: small,
        argv: ["status"],
        budgetMs: 15,
        check: (out) => expectOutput(out.includes("Pipeline Stages:"), "status"),
      },
      {
        name: `\`sessions --json\` (${n} sessions)`,
        cwd: big,
        argv: ["sessions", "--json"],
        budgetMs: 40,
        check: (out) =>
          expectOutput(JSON.parse(out).data.sessions.length === SESSIONS, "sessions --json count"),
      },
      {
        name: `\`status --all\` (${n} sessions)`,
        cwd: big,
        argv: ["status", "--all"],
        budgetMs: 60,
        check: (out) => expectOutput(out.trimEnd().split("\n").length === SESSIONS + 2, "status --all rows"),
      },
      {
        name: `\`next --all-projects --json\` (${n} sessions)`,
        cwd: big,
        argv: ["next", "--all-projects", "--json"],
        budgetMs: 60,
        check: (out) => {
          const data = JSON.parse(out).data;
          expectOutput(data.total > 0 && data.items.length === data.total, "next --all-projects items");
        },
      },
      {
        name: `\`report\` (${n} sessions; the page ≤ 5 MB)`,
        cwd: big,
        argv: ["report", "--json"],
        budgetMs: 500,
        rssBudgetMb: 150,
        check: (out) => {
          const data = JSON.parse(out).data;
          expectOutput(data.sessions === SESSIONS, "report sessions");
          expectOutput(data.bytes <= 5 * MB, `report size ${data.bytes} bytes over 5 MB`);
        },
      },
      {
        name: `\`session-info ${probe}\` (${n} sessions)`,
        cwd: big,
        argv: ["session-info", probe],
        check: (out) => expectOutput(out.startsWith(`Session: ${probe}`), "session-info"),
      },
      {
        name: "`validate` (one session, fresh init)",
        cwd: small,
        argv: ["validate"],
        budgetMs: 20,
        okCodes: [1],
        check: (out) => expectOutput(/1 session\(s\) checked: \d+ error/.test(out), "validate one session"),
      },
      {
        // Every session checked (--no-cache): issue 4's budget is on validation itself.
        name: `\`validate --all\` (${n} sessions)`,
        cwd: big,
        argv: ["validate", "--all", "--no-cache"],
        budgetMs: 500,
        rssBudgetMb: 150,
        okCodes: [1],
        check: (out) => expectOutput(out.includes(`${SESSIONS} session(s) checked`), "validate --all"),
      },
      {
        // The findings cache (src/validation/findings-cache.ts), filled by the untimed runs before the timed
        // ones: a second run with nothing changed.
        name: `\`validate --all\` (${n} sessions), second run (findings cache)`,
        cwd: big,
        argv: ["validate", "--all"],
        rssBudgetMb: 150,
        okCodes: [1],
        check: (out) =>
          expectOutput(out.includes(`${SESSIONS} session(s) checked`), "validate --all, cached"),
      },
      {
        name: `\`artifact read --stage spec\` (${n} sessions)`,
        cwd: big,
        argv: ["artifact", "read", "--stage", "spec"],
        check: (out) => expectOutput(out.includes(ws.current), "artifact read of the current session's spec"),
      },
    ];

    // Issue 17: the MCP server's start-up (its round trips are timed below, in a running server).
    if (want("idse mcp initialize")) cases.push(mcpReadyCase(big, n));

    // Issue 5: the same command with no plugin and with three routing plugins installed (each one's
    // lockfile entry read, entry file hashed, imported and instantiated): the difference is the cost of
    // loading three plugins (budget: 15 ms).
    const synced = (out: string) =>
      expectOutput(out.includes("Agent files are current."), "sync-files --check");
    if (want("agents sync-files --check plugins")) {
      const plugged = pluggedWorkspace(root, env);
      cases.push(
        {
          name: "`agents sync-files --check` (no plugin)",
          cwd: small,
          argv: ["agents", "sync-files", "--check"],
          check: synced,
        },
        {
          name: "`agents sync-files --check` (3 plugins)",
          cwd: plugged,
          argv: ["agents", "sync-files", "--check"],
          check: synced,
        },
      );
    }

    // Issue 8: `status` of the same workspace with its documents in sqlite-store (migrated by the binary,
    // the files removed): the process loads the plugin through the host and opens the database.
    if (want("`status` sqlite-store")) {
      const inSqlite = join(root, "big-sqlite");
      cpSync(big, inSqlite, { recursive: true });
      const migrated = Bun.spawnSync([BINARY, "store", "migrate", "--to", "sqlite-store", "--quiet"], {
        cwd: inSqlite,
        env,
      });
      if (migrated.exitCode !== 0) throw new Error(`store migrate failed: ${migrated.stderr.toString()}`);
      rmSync(join(inSqlite, ".idse", "projects"), { recursive: true, force: true });
      cases.push({
        name: `\`status\` (${n} sessions, sqlite-store)`,
        cwd: inSqlite,
        argv: ["status"],
        budgetMs: 40,
        check: (out) => expectOutput(out.includes(`Session: ${ws.current}`), "status on sqlite-store"),
      });
    }

    // Issue 18: importing a generated database of the Python original (1,001 sessions) into a workspace
    // that holds only that database, reset before every run.
    if (want("import-original")) cases.push(importCase(root, SESSIONS));

    // Compile, sync, the Spine and the profiled validate share the copy with Agent Profiles.
    let compile: Awaited<ReturnType<typeof compileCases>> | undefined;
    if (want("compile agent-spec sync status push spine validate --all agent profile")) {
      // Issue 7: `compile agent-spec --all` on a copy of the workspace with Agent Profile blocks, copied
      // before the sync cases add remotes to it. Its rows come last.
      compile = await compileCases(root, ws, BINARY, env);

      // Issue 9: sync status against a filesystem remote, and a push of every artifact over HTTP.
      const sync = await syncCases(root, big, BINARY, env, SESSIONS);
      stops.push(sync.stop);
      // Issue 19: the Spine rules on the same filled workspace, with and without a Spine (≤ 10 % more).
      const dir = compile.dir;
      const spine = await spineCases(root, dir, ws);
      cases.push(...sync.cases, ...compile.cases, ...spine, {
        // The same command on filled-in specs: no document is the untouched template, so nothing is served
        // from the per-stage cache and every Agent Profile block is parsed. No budget of its own (issue 4's
        // is on the generated workspace above); here so the cost of a realistic workspace stays visible.
        name: `\`validate --all\` (${n} sessions, every spec with an Agent Profile)`,
        cwd: dir,
        argv: ["validate", "--all", "--no-cache"],
        rssBudgetMb: 150,
        okCodes: [1],
        check: (out) =>
          expectOutput(out.includes(`${SESSIONS} session(s) checked`), "validate --all (profiles)"),
      });
    }

    // Issue 16: the Claude Code hook, against an empty compiled binary timed in the same run.
    if (want("hook claude-pre-tool-use floor")) cases.push(...hookCases(root, big, SESSIONS));

    // The floor is kept whenever a case measured against it is: its budget is a multiple of the floor.
    const timed = cases.filter(
      (c) => want(c.name) || (c.name === FLOOR_NAME && cases.some((x) => x.floorRatio && want(x.name))),
    );
    const rows: Row[] = [];
    for (const c of timed) {
      console.error(`  ${c.name}`);
      rows.push(timeProcess(c, env, runs, warmup));
    }
    const floorRow = rows.find((r) => r.name === FLOOR_NAME);
    timed.forEach((c, i) => {
      // Against the floor timed round for round with the row when it has one (ProcessCase.interleave).
      const floorMs = rows[i]!.pairMedianMs ?? floorRow?.medianMs;
      if (c.floorRatio && floorMs !== undefined)
        rows[i]!.budgetMs = Number((c.floorRatio * floorMs).toFixed(2));
    });
    const inProcess: [words: string, run: () => Promise<Row[]>][] = [
      ["idse mcp round trips tool", () => mcpRoundTrips(BINARY, big, env, ws.current, n)],
      ["in-process readAllSessions runCli sessions regenerateMeta", () => timeInProcess(big)],
      ["store plugins sqlite-store postgres-store", () => storeRows(big, ws.current)],
      ["secret guard secrets", () => secretRows(big, ws.project, ws.sessions)],
    ];
    if (compile) {
      const dir = compile.dir;
      inProcess.splice(3, 0, [
        "compile writers write compiled profiles",
        () => writerRows(root, dir, ws.project),
      ]);
    }
    for (const [words, run] of inProcess) {
      if (!want(words)) continue;
      console.error(`  ${words.split(" ").slice(0, 3).join(" ")}`);
      rows.push(...(await run()).filter((r) => want(`${words} ${r.name}`)));
    }

    const table = renderTable(rows);
    const failed = rows.filter((r) => !verdict(r).ok);
    const floor = `Peak RSS figures are exact above the launcher's own RSS, at most ${launcherFloorMb.toFixed(1)} MB here; at or below it they are upper bounds.`;
    console.log(table);
    console.log(`\n${floor}`);
    console.log(
      failed.length
        ? `\n${failed.length} budget${failed.length === 1 ? "" : "s"} exceeded${values.strict ? "" : " (not fatal without --strict)"}.`
        : "\nAll budgets met.",
    );

    if (values.write && only.length) {
      // Only some rows were measured: replace those in the recorded table, keep the rest and say which.
      const date = new Date().toISOString().slice(0, 10);
      const doc = readFileSync(DOC, "utf8");
      const start = doc.indexOf(START_MARKER) + START_MARKER.length;
      const recorded = doc.slice(start, doc.indexOf(END_MARKER));
      const tableStart = recorded.indexOf("\n| ");
      const tableEnd = recorded.indexOf("\n\n", tableStart + 1);
      const note = `Re-measured on ${date} with \`npm run bench -- --only … --write\` (${runs} runs, machine: ${machine()}, 1-minute load average ${loadavg()[0]!.toFixed(1)} at the end): ${rows.map((r) => r.name).join("; ")}.`;
      const before = recorded.slice(0, tableStart).replace(/\n*$/, "");
      const body = [
        `${before.trim()}\n\n${note}`,
        mergeTable(recorded.slice(tableStart + 1, tableEnd), table),
        recorded.slice(tableEnd).trim(),
      ].join("\n\n");
      writeFileSync(DOC, replaceBetweenMarkers(doc, body));
      console.error(`wrote ${rows.length} row(s) into ${DOC}`);
    } else if (values.write) {
      const date = new Date().toISOString().slice(0, 10);
      const body = [
        `Recorded on ${date} with \`npm run bench -- --write\`: ${runs} runs per whole-process case after ${warmup} warm-up run${warmup === 1 ? "" : "s"}.`,
        "",
        `Machine: ${machine()}.`,
        "",
        table,
        "",
        floor,
      ].join("\n");
      writeFileSync(DOC, replaceBetweenMarkers(readFileSync(DOC, "utf8"), body));
      console.error(`wrote the results into ${DOC}`);
    }
    return failed.length && values.strict ? 1 : 0;
  } finally {
    for (const stop of stops) stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exit(await main());
