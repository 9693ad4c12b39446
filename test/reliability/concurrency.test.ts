import { beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../e2e/util.ts";
import { tempDir } from "../helpers.ts";
import { audit, type Exit, problems, spawnIdse } from "./audit.ts";

// The concurrency harness (docs/reliability.md, "Concurrency harness"): N idse processes (default 20,
// IDSE_CONCURRENCY to change) started at once on one workspace, per scenario; every change must land.
// The lock timeout is raised so that a slow machine queues the processes rather than failing them.

const N = Math.max(2, Number(process.env.IDSE_CONCURRENCY ?? 20));
const ENV = { IDSE_LOCK_TIMEOUT_MS: "600000" };
const STAGES = ["intent", "context", "spec", "plan", "tasks", "implementation", "feedback"];

beforeAll(requireBinary);

const figures: string[] = [];

async function shop(): Promise<string> {
  const cwd = tempDir("idse-concurrency-");
  const r = await spawnIdse(["init", "shop", "--no-create-agent-files"], cwd);
  expect(r.code).toBe(0);
  return cwd;
}

/** Starts every command at once; returns their exits. */
const together = (cwd: string, commands: string[][]): Promise<Exit[]> =>
  Promise.all(commands.map((args) => spawnIdse(args, cwd, { env: ENV })));

const failures = (exits: Exit[]) => exits.filter((e) => e.code !== 0).map((e) => `${e.code}: ${e.stderr}`);
const config = (cwd: string) => JSON.parse(readFileSync(join(cwd, ".idse", "config.json"), "utf8"));
const readJson = (cwd: string, rel: string) =>
  JSON.parse(readFileSync(join(cwd, ".idse", "projects", "shop", rel), "utf8"));

function record(name: string, processes: number, lost: number, half = 0): void {
  figures.push(
    `  ${name.padEnd(34)} ${processes} processes, ${lost} lost updates, ${half} half-made objects`,
  );
}

test(`${N} concurrent remote adds leave ${N} remotes`, async () => {
  const cwd = await shop();
  const exits = await together(
    cwd,
    Array.from({ length: N }, (_, i) => ["remote", "add", `r${i}`, `../r${i}`]),
  );
  expect(failures(exits)).toEqual([]);
  const remotes = Object.keys(config(cwd).remotes ?? {});
  record("remote add ×N", N, N - remotes.length);
  expect(remotes.sort()).toEqual(Array.from({ length: N }, (_, i) => `r${i}`).sort());
  // Exactly one of them is the default (the first to land).
  expect(Object.values(config(cwd).remotes).filter((r) => (r as { default?: boolean }).default)).toHaveLength(
    1,
  );
}, 300_000);

test("config set mixed with remote add loses nothing", async () => {
  const cwd = await shop();
  const sets: [string, string, unknown][] = [
    ["owner", "ada", "ada"],
    ["stack", "go", "go"],
    ["stages.auto_detect", "true", true],
    ["agent_files.create", "false", false],
    ["lock.timeout_ms", "600000", 600000],
  ];
  const adds = N - sets.length;
  const exits = await together(cwd, [
    ...sets.map(([k, v]) => ["config", "set", k, v]),
    ...Array.from({ length: adds }, (_, i) => ["remote", "add", `m${i}`, `../m${i}`]),
  ]);
  expect(failures(exits)).toEqual([]);
  const c = config(cwd);
  const get = (key: string) =>
    key.split(".").reduce((o, k) => (o as Record<string, unknown>)?.[k], c as unknown);
  const lostSets = sets.filter(([k, , want]) => get(k) !== want).length;
  const lostAdds = adds - Object.keys(c.remotes ?? {}).length;
  record("config set + remote add", N, lostSets + lostAdds);
  expect({ lostSets, lostAdds }).toEqual({ lostSets: 0, lostAdds: 0 });
}, 300_000);

test(`${N} concurrent session creates of distinct ids are all there, whole`, async () => {
  const cwd = await shop();
  const exits = await together(
    cwd,
    Array.from({ length: N }, (_, i) => ["session", "create", `c${i}`]),
  );
  expect(failures(exits)).toEqual([]);
  const r = await spawnIdse(["sessions", "--json"], cwd);
  const ids = new Set(JSON.parse(r.stdout).data.sessions.map((s: { session_id: string }) => s.session_id));
  const missing = Array.from({ length: N }, (_, i) => `c${i}`).filter((id) => !ids.has(id));
  const a = audit(cwd);
  record("session create ×N", N, missing.length, a.halfMade.length);
  expect(missing).toEqual([]);
  expect(problems(a)).toBe(0);
}, 300_000);

test("concurrent set-stage on three sessions keeps every stage change", async () => {
  const cwd = await shop();
  for (const s of ["x", "y", "z"]) expect((await spawnIdse(["session", "create", s], cwd)).code).toBe(0);
  // z is current: its changes are mirrored into session_state.json, under the same lock.
  const commands = ["x", "y", "z"].flatMap((s) =>
    STAGES.map((stage) => ["session", "set-stage", s, "--stage", stage, "--status", "completed"]),
  );
  const exits = await together(cwd, commands);
  expect(failures(exits)).toEqual([]);
  let lost = 0;
  for (const s of ["x", "y", "z"]) {
    const own = readJson(cwd, `sessions/${s}/metadata/stage_state.json`);
    lost += STAGES.filter((stage) => own.stages[stage] !== "completed").length;
  }
  const a = audit(cwd);
  record("session set-stage ×21", commands.length, lost, a.disagreeing.length);
  expect(lost).toBe(0);
  expect(problems(a)).toBe(0);
  expect(readJson(cwd, "session_state.json").stages).toEqual(
    Object.fromEntries(STAGES.map((s) => [s, "completed"])),
  );
}, 300_000);

test("concurrent store migrations: one moves the documents, the others refuse with a clear code", async () => {
  const cwd = await shop();
  for (const s of ["x", "y"]) expect((await spawnIdse(["session", "create", s], cwd)).code).toBe(0);
  // Installs the bundled plugin first (plugin add has its own tests), and comes back.
  expect((await spawnIdse(["store", "migrate", "--to", "sqlite-store"], cwd)).code).toBe(0);
  expect((await spawnIdse(["store", "migrate", "--to", "filesystem"], cwd)).code).toBe(0);
  const exits = await together(
    cwd,
    Array.from({ length: 4 }, () => ["store", "migrate", "--to", "sqlite-store", "--json"]),
  );
  const outcomes = exits.map((e) => (e.code === 0 ? "ok" : JSON.parse(e.stdout).diagnostics[0].code)).sort();
  // One migrates; one that waited finds the store switched (STORE_CHANGED) or already the target.
  expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
  for (const o of outcomes.filter((x) => x !== "ok")) expect(["STORE_CHANGED", "STORE_SAME"]).toContain(o);
  expect(config(cwd).store).toEqual({ plugin: "sqlite-store" });
  const r = await spawnIdse(["sessions", "--json"], cwd);
  const lost = 3 - JSON.parse(r.stdout).data.sessions.length;
  record("store migrate ×4", 4, lost);
  expect(lost).toBe(0);
}, 300_000);

test("concurrent validate --all runs, with documents changing beneath them, leave no stale cached report", async () => {
  const cwd = await shop();
  const sessions = ["v0", "v1", "v2", "v3"];
  for (const s of sessions) expect((await spawnIdse(["session", "create", s], cwd)).code).toBe(0);
  const intent = (s: string) => join(cwd, ".idse", "projects", "shop", "sessions", s, "intents", "intent.md");
  // The findings cache (src/validation/findings-cache.ts) is read and written by each run under the
  // project's lock, while this process rewrites documents at moments spread over the runs.
  // Half of them on worker threads (src/cli/commands/validate-pool.ts), which walk and read in parallel.
  const runs = Promise.all(
    Array.from({ length: N }, (_, i) =>
      spawnIdse(["validate", "--all", ...(i % 2 ? ["--json"] : [])], cwd, {
        env: { ...ENV, ...(i % 4 < 2 ? { IDSE_VALIDATE_THREADS: "2" } : {}) },
      }),
    ),
  );
  for (let i = 0; i < 20; i++) {
    writeFileSync(intent(sessions[i % 4]!), `# Intent ${i}\n\n${"x".repeat(i)}\n`);
    await Bun.sleep(10);
  }
  const exits = await runs;
  expect(exits.filter((e) => e.code !== 0 && e.code !== 1).map((e) => e.stderr)).toEqual([]);
  const cached = await spawnIdse(["validate", "--all", "--json"], cwd, { env: ENV });
  const fresh = await spawnIdse(["validate", "--all", "--json", "--no-cache"], cwd, { env: ENV });
  const stale = cached.stdout === fresh.stdout ? 0 : 1;
  record("validate --all ×N, docs changing", N, stale);
  expect(cached.stdout).toBe(fresh.stdout);
  expect(problems(audit(cwd))).toBe(0);
}, 300_000);

test("figures", () => {
  console.log(`concurrency harness:\n${figures.join("\n")}`);
  expect(figures.length).toBe(6);
});
