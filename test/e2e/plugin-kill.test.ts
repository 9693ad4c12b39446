import { beforeAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, tempDir } from "../helpers.ts";
import { json, ok, readJson, requireBinary } from "./util.ts";

// Crash consistency of `plugin add` and `plugin remove` (src/plugins/journal.ts): a kill -9 at any moment
// leaves .idse/plugins.json and .idse/plugins/<name>/ agreeing once the next idse command has run, and
// no staging folder of a dead process stays behind. Kills come two ways: at each named point between two
// writes (IDSE_TEST_KILL_AT, deterministic), and after spread-out delays (what a user's kill -9 does).
// IDSE_KILL_RUNS sets the number of delayed kills (default 50, each one a run really killed midway).

beforeAll(requireBinary);

const POINTS = [
  "add:journal",
  "add:old-aside",
  "add:new-in-place",
  "add:committed",
  "remove:journal",
  "remove:old-aside",
  "remove:committed",
];

function pluginSource(version: string): string {
  const dir = join(tempDir("idse-plugin-src-"), "kill-store");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "kill-store",
      version,
      type: "module",
      idse: { name: "kill-store", kind: "store", apiVersion: 1, entry: "index.js", capabilities: [] },
    }),
  );
  writeFileSync(
    join(dir, "index.js"),
    `// version ${version}\nexport default () => ({ kind: "store", createStore() { throw new Error("unused"); } });\n`,
  );
  writeFileSync(join(dir, "README.md"), `# kill-store ${version}\n`);
  return dir;
}

/** Runs the binary and kills it (SIGKILL) after `delayMs`, or lets it kill itself at a point. */
async function killed(cwd: string, argv: string[], o: { delayMs?: number; point?: string; home: string }) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: o.home };
  if (o.point) env.IDSE_TEST_KILL_AT = o.point;
  const child = spawn(BINARY, argv, { cwd, env, stdio: "ignore" });
  const done = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  if (o.delayMs !== undefined) setTimeout(() => child.kill("SIGKILL"), o.delayMs);
  return done;
}

/** After any command: plugins.json and the folders agree, every installed file checks, nothing is left. */
function assertConsistent(cwd: string, home: string): string[] {
  const verify = json(["plugin", "verify"], { cwd, env: { HOME: home } });
  expect({ code: verify.code, diagnostics: verify.env.diagnostics }).toEqual({ code: 0, diagnostics: [] });
  const idse = join(cwd, ".idse");
  const names = readJson(join(idse, "plugins.json")).plugins.map((p: { name: string }) => p.name);
  const dirs = existsSync(join(idse, "plugins")) ? readdirSync(join(idse, "plugins")).sort() : [];
  expect(dirs).toEqual(names);
  const left = readdirSync(idse).filter(
    (n) => n.startsWith(".plugin-") || /^plugins\.json\..*\.tmp$/.test(n),
  );
  expect(left).toEqual([]);
  return names;
}

test("kill -9 at every step of plugin add/remove: the next command leaves plugins.json and the folder agreeing", async () => {
  const cwd = tempDir("idse-pkill-");
  const home = tempDir("idse-home-");
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env: { HOME: home } });
  writeFileSync(join(cwd, ".idse", "plugins.json"), '{"plugins":[]}\n');
  const v1 = pluginSource("1.0.0");
  const v2 = pluginSource("2.0.0");
  let kills = 0;
  for (let round = 0; round < 3; round++) {
    for (const point of POINTS) {
      const installed = assertConsistent(cwd, home);
      const isRemove = point.startsWith("remove:");
      // A remove needs an installed plugin; an add alternates between a first install and an update.
      if (isRemove && !installed.length) ok(["plugin", "add", v1, "--yes"], { cwd, env: { HOME: home } });
      const argv = isRemove
        ? ["plugin", "remove", "kill-store"]
        : ["plugin", "add", round % 2 ? v2 : v1, "--yes"];
      if (!isRemove && round === 2 && installed.length)
        ok(["plugin", "remove", "kill-store"], { cwd, env: { HOME: home } });
      const code = await killed(cwd, argv, { point, home });
      // It really was killed at that point (an add that changes nothing never reaches it: skip those).
      if (code === null) kills++;
      const after = assertConsistent(cwd, home);
      // A kill after the commit point keeps the change; a kill before it undoes it.
      if (code === null && point.endsWith(":committed")) {
        expect(after).toEqual(isRemove ? [] : ["kill-store"]);
      }
      if (code === null && isRemove && !point.endsWith(":committed")) expect(after).toEqual(["kill-store"]);
    }
  }
  expect(kills).toBeGreaterThanOrEqual(POINTS.length * 2);
  console.log(`plugin kill points: ${kills} kills at ${POINTS.length} points, 0 disagreements`);
}, 600_000);

test("kill -9 after spread-out delays during plugin add/remove, then any command recovers", async () => {
  const cwd = tempDir("idse-pkill-");
  const home = tempDir("idse-home-");
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env: { HOME: home } });
  const versions = [pluginSource("1.0.0"), pluginSource("2.0.0")];
  // How long an add takes on this machine, so the kills land across the whole run (not a fixed budget).
  const t0 = performance.now();
  ok(["plugin", "add", versions[0]!, "--yes"], { cwd, env: { HOME: home } });
  const span = Math.max(20, Math.ceil((performance.now() - t0) * 1.3));
  // Until `target` runs were really killed midway (a delay past the end kills nothing), at most 8× as many.
  const target = Number(process.env.IDSE_KILL_RUNS) > 0 ? Number(process.env.IDSE_KILL_RUNS) : 50;
  let killedMidway = 0;
  let runs = 0;
  for (let i = 0; killedMidway < target && i < target * 8; i++, runs++) {
    const installed = assertConsistent(cwd, home);
    const argv =
      installed.length && i % 3 === 2
        ? ["plugin", "remove", "kill-store"]
        : ["plugin", "add", versions[i % 2]!, "--yes"];
    const code = await killed(cwd, argv, { delayMs: Math.floor((((i * 37) % 101) / 100) * span), home });
    if (code === null) killedMidway++;
  }
  assertConsistent(cwd, home);
  expect(killedMidway).toBeGreaterThanOrEqual(target);
  console.log(
    `plugin kill delays: ${runs} runs, ${killedMidway} killed before they finished, 0 disagreements`,
  );
}, 600_000);
