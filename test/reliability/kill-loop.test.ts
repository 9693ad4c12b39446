import { beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../e2e/util.ts";
import { tempDir } from "../helpers.ts";
import { type Audit, audit, type Exit, spawnIdse } from "./audit.ts";

// The kill -9 harness (docs/reliability.md, "Kill -9 harness"): each multi-file command is killed with
// SIGKILL at moments spread over its run, then one ordinary command (`idse status`) runs, and the
// workspace is audited from disk: no half-made session, no state files out of step, no temp file,
// journal or lock left, every JSON file whole, and the killed command works when run again.
// IDSE_KILL_RUNS sets the injections per command (default 30: 240 over the eight commands).

const RUNS = Math.max(1, Number(process.env.IDSE_KILL_RUNS ?? 30));
const STAGES = ["intent", "context", "spec", "plan", "tasks", "implementation", "feedback"];
const STATUSES = ["pending", "in_progress", "completed"];

beforeAll(requireBinary);

/** Every other attempt of validate --all on two worker threads (src/cli/commands/validate-pool.ts). */
const threadsEvery2 = (i: number): Record<string, string> => (i % 2 ? { IDSE_VALIDATE_THREADS: "2" } : {});

interface Scenario {
  name: string;
  /** Makes the workspace; returns its folder. */
  setup(): Promise<string>;
  /** The command of attempt `i`. */
  args(i: number, cwd: string): string[];
  /** The environment of attempt `i`, beyond HOME and PATH. */
  env?(i: number): Record<string, string>;
  /** After recovery: the command run again (not killed) must work; returns a problem or undefined. */
  retry?(i: number, cwd: string): Promise<string | undefined>;
}

interface Tally {
  injections: number;
  completed: number;
  recovered: number;
  problems: string[];
}

async function ok(args: string[], cwd: string): Promise<Exit> {
  const r = await spawnIdse(args, cwd);
  if (r.code !== 0) throw new Error(`idse ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

async function shop(): Promise<string> {
  const cwd = tempDir("idse-killloop-");
  await ok(["init", "shop", "--no-create-agent-files"], cwd);
  return cwd;
}

const storeOf = (cwd: string): string => {
  try {
    return JSON.parse(readFileSync(join(cwd, ".idse", "config.json"), "utf8")).store?.plugin ?? "filesystem";
  } catch {
    return "filesystem";
  }
};

const SCENARIOS: Scenario[] = [
  {
    name: "session create",
    setup: shop,
    args: (i) => ["session", "create", `k${i}`],
    async retry(i, cwd) {
      // Finished by recovery: SESSION_EXISTS (it is whole, the audit says so); rolled back: created now.
      const r = await spawnIdse(["session", "create", `k${i}`, "--json"], cwd);
      const code = JSON.parse(r.stdout).diagnostics[0]?.code;
      if (r.code === 0 || code === "SESSION_EXISTS") return undefined;
      return `session create k${i} again: exit ${r.code} ${code}`;
    },
  },
  {
    name: "init",
    setup: shop,
    args: (i) => ["init", `p${i}`, "--no-create-agent-files"],
    async retry(i, cwd) {
      // Finished by recovery: PROJECT_EXISTS (the audit says it is whole); rolled back: made now.
      const r = await spawnIdse(["init", `p${i}`, "--no-create-agent-files", "--json"], cwd);
      const code = JSON.parse(r.stdout).diagnostics[0]?.code;
      if (r.code === 0 || code === "PROJECT_EXISTS") return undefined;
      return `init p${i} again: exit ${r.code} ${code}`;
    },
  },
  {
    name: "session set-stage",
    async setup() {
      const cwd = await shop();
      await ok(["session", "create", "a"], cwd);
      return cwd;
    },
    args: (i) => ["session", "set-stage", "a", "--stage", STAGES[i % 7]!, "--status", STATUSES[i % 3]!],
  },
  {
    name: "session switch",
    async setup() {
      const cwd = await shop();
      await ok(["session", "create", "a"], cwd);
      return cwd;
    },
    args: (i) => ["session", "switch", i % 2 ? "a" : "__blueprint__"],
  },
  {
    name: "config set",
    setup: shop,
    args: (i) => ["config", "set", i % 2 ? "owner" : "stack", `v${i}`],
  },
  {
    name: "remote add",
    setup: shop,
    args: (i) => ["remote", "add", `r${i}`, `../r${i}`],
    async retry(i, cwd) {
      const r = await spawnIdse(["remote", "add", `r${i}`, `../r${i}`, "--json"], cwd);
      const code = JSON.parse(r.stdout).diagnostics[0]?.code;
      if (r.code === 0 || code === "REMOTE_EXISTS") return undefined;
      return `remote add r${i} again: exit ${r.code} ${code}`;
    },
  },
  {
    name: "store migrate",
    async setup() {
      const cwd = await shop();
      for (const s of ["a", "b", "c"]) await ok(["session", "create", s], cwd);
      // Installs the bundled plugin once, outside the loop (plugin add has its own crash tests).
      await ok(["store", "migrate", "--to", "sqlite-store"], cwd);
      await ok(["store", "migrate", "--to", "filesystem"], cwd);
      return cwd;
    },
    args: (_i, cwd) => [
      "store",
      "migrate",
      "--to",
      storeOf(cwd) === "filesystem" ? "sqlite-store" : "filesystem",
    ],
    async retry(_i, cwd) {
      // Whichever store config.json names holds all four sessions, and the export manifest is there
      // exactly when the store is the plugin.
      const r = await spawnIdse(["sessions", "--json"], cwd);
      const ids = (JSON.parse(r.stdout).data?.sessions ?? []).map(
        (s: { session_id: string }) => s.session_id,
      );
      if (ids.length !== 4) return `${storeOf(cwd)} lists ${ids.length} sessions after recovery`;
      const manifest = existsSync(join(cwd, ".idse", "store-export.json"));
      if (manifest !== (storeOf(cwd) !== "filesystem")) {
        return `export manifest ${manifest ? "present" : "missing"} with store ${storeOf(cwd)}`;
      }
      return undefined;
    },
  },
  {
    // The findings cache (src/validation/findings-cache.ts): a run killed while it appends reports or
    // writes the index must never leave the cache able to serve a report the documents no longer make.
    name: "validate --all",
    async setup() {
      const cwd = await shop();
      for (const s of ["a", "b", "c", "d"]) await ok(["session", "create", s], cwd);
      return cwd;
    },
    args: (i) => ["validate", "--all", ...(i % 3 === 2 ? [] : ["--json"])],
    // Every other attempt on worker threads (src/cli/commands/validate-pool.ts): killed with them running.
    env: threadsEvery2,
    async retry(i, cwd) {
      // One session's document changes between attempts, so a stale report would show.
      writeFileSync(
        join(cwd, `.idse/projects/shop/sessions/${"abcd"[i % 4]}/intents/intent.md`),
        `# Intent ${i}\n`,
      );
      const cached = await spawnIdse(["validate", "--all", "--json"], cwd, { env: threadsEvery2(i) });
      const fresh = await spawnIdse(["validate", "--all", "--json", "--no-cache"], cwd);
      if (cached.stdout !== fresh.stdout || cached.code !== fresh.code)
        return `validate --all after kill ${i}: the cached document differs from a fresh one`;
      return undefined;
    },
  },
];

/** Median duration of a few unkilled runs: kill moments are spread over this. */
async function calibrate(s: Scenario, cwd: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await spawnIdse(s.args(-1 - i, cwd), cwd, { env: s.env?.(-1 - i) ?? {} });
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1]!;
}

function describeAudit(a: Audit): string[] {
  return [
    ...a.halfMade.map((x) => `half-made session ${x}`),
    ...a.disagreeing.map((x) => `disagreeing state ${x}`),
    ...a.leftovers.map((x) => `left over ${x}`),
    ...a.corrupt.map((x) => `corrupt ${x}`),
  ];
}

async function runScenario(s: Scenario): Promise<Tally> {
  const cwd = await s.setup();
  let span = await calibrate(s, cwd);
  const t: Tally = { injections: 0, completed: 0, recovered: 0, problems: [] };
  // Stops after RUNS injections; an attempt the process outran (it finished first) does not count.
  for (let i = 0; t.injections < RUNS && i < RUNS * 4; i++) {
    // Spread over the whole run, from the first instant (a fraction of the median run time).
    const at = span * (((i * 7) % RUNS) / RUNS);
    const started = performance.now();
    const r = await spawnIdse(s.args(i, cwd), cwd, { killAfterMs: at, env: s.env?.(i) ?? {} });
    if (r.signal === "SIGKILL") t.injections++;
    else {
      // It outran its kill: runs are this fast now (a busy machine's speed changes), so aim within it.
      t.completed++;
      span = Math.min(span, performance.now() - started);
    }
    // Recovery is the next run of any command.
    const status = await spawnIdse(["status", "--json"], cwd);
    if (status.code !== 0) t.problems.push(`status after kill ${i}: exit ${status.code} ${status.stdout}`);
    else {
      const diags = JSON.parse(status.stdout).diagnostics as { code: string }[];
      t.recovered += diags.filter((d) => d.code === "RECOVERED").length;
      t.problems.push(...diags.filter((d) => d.code === "RECOVERY_FAILED").map((d) => JSON.stringify(d)));
    }
    if (storeOf(cwd) === "filesystem") t.problems.push(...describeAudit(audit(cwd)));
    const again = await s.retry?.(i, cwd);
    if (again) t.problems.push(again);
  }
  // A problem that stays is seen again after every later attempt: count it once.
  t.problems = [...new Set(t.problems)];
  // Every command still works afterwards.
  for (const args of [["doctor"], ["sessions"], ["validate"], ["config", "list"], ["remote", "list"]]) {
    const r = await spawnIdse(args, cwd);
    if (r.code !== 0 && !(args[0] === "validate" && r.code === 1)) {
      t.problems.push(`idse ${args.join(" ")} after the loop: exit ${r.code}\n${r.stdout}${r.stderr}`);
    }
  }
  return t;
}

test(
  "kill -9 at any moment of a multi-file command: after the next run, nothing half made, out of step or left over",
  async () => {
    const lines: string[] = [];
    let injections = 0;
    const all: string[] = [];
    for (const s of SCENARIOS) {
      const t = await runScenario(s);
      injections += t.injections;
      all.push(...t.problems.map((p) => `${s.name}: ${p}`));
      lines.push(
        `  ${s.name.padEnd(18)} ${t.injections} injections (${t.completed} runs finished first), ${t.recovered} recoveries, ${t.problems.length} problems`,
      );
    }
    const half = all.filter((p) => p.includes("half-made")).length;
    const disagree = all.filter((p) => p.includes("disagreeing")).length;
    const left = all.filter((p) => p.includes("left over")).length;
    console.log(
      `kill -9 harness: ${injections} injections, ${half} half-made sessions, ${disagree} disagreeing state files, ${left} leftover files, ${all.length} problems in all\n${lines.join("\n")}`,
    );
    expect(all).toEqual([]);
    expect(injections).toBe(RUNS * SCENARIOS.length);
  },
  // Generous: about 30 s on a busy 2-core machine at the default count; scales with IDSE_KILL_RUNS.
  Math.max(300_000, RUNS * 15_000),
);
