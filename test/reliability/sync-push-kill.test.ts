import { beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { generateWorkspace } from "../../scripts/bench-workspace.ts";
import { alive } from "../../src/store/file-lock.ts";
import { STAGE_PATHS } from "../../src/store/layout.ts";
import { requireBinary } from "../e2e/util.ts";
import { tempDir } from "../helpers.ts";
import { spawnIdse } from "./audit.ts";

// kill -9 during a batched `sync push` to a filesystem remote (src/sync/store-transport.ts putMany, the
// batch writer of src/store/atomic-files.ts): at any moment, every document on the remote is either absent or
// exactly one of the local documents, byte for byte (never cut short), and an ordinary push afterwards
// converges: every document on the remote, nothing left over (no temp file, no lock), `sync status` all
// unchanged. 80 sessions make 560 documents of about 6 KB: more than one batch of 512.
// IDSE_KILL_RUNS sets the number of kills (default 8).

const RUNS = Math.max(1, Number(process.env.IDSE_KILL_RUNS ?? 8));
const SESSIONS = 80;

beforeAll(requireBinary);

/** Every file below `dir`, as paths relative to it. */
function files(dir: string): string[] {
  try {
    return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

test("kill -9 during a batched sync push: no document half-written on the remote, and a re-push converges", async () => {
  // The remote beside the repository, both inside one temporary folder, so the cleanup takes both.
  const ws = await generateWorkspace(join(tempDir("idse-pushkill-"), "repo"), SESSIONS);
  const idse = join(ws.dir, ".idse");
  // Distinct, larger documents: a copy cut short, or one document's bytes under another's name, shows.
  const stagePaths = new Set(Object.values(STAGE_PATHS));
  const docs = files(join(idse, "projects")).filter((f) => stagePaths.has(f.split("/").slice(-2).join("/")));
  expect(docs.length).toBeGreaterThanOrEqual(SESSIONS * 7);
  for (const f of docs) writeFileSync(join(idse, "projects", f), `# ${f}\n\n${`${f} `.repeat(120)}\n`);
  const local = new Map(docs.map((f) => [f, readFileSync(join(idse, "projects", f), "utf8")]));

  const remote = join(ws.dir, "..", `${ws.dir.split("/").at(-1)}-remote`);
  const state = join(idse, "projects", ws.project, "sync", "fs.json");
  const reset = () => {
    rmSync(remote, { recursive: true, force: true });
    rmSync(state, { force: true });
  };
  const push = ["sync", "push", "fs", "--all-sessions", "--json"];
  expect((await spawnIdse(["remote", "add", "fs", remote], ws.dir)).code).toBe(0);

  // The length of an unkilled push: kill moments are spread over it.
  reset();
  const t0 = performance.now();
  const full = await spawnIdse(push, ws.dir);
  const span = performance.now() - t0;
  expect(full.code).toBe(0);

  const problems: string[] = [];
  let kills = 0;
  let partial = 0;
  let staleLocks = 0;
  for (let i = 0; i < RUNS; i++) {
    reset();
    // Start-up and the plan take the first part of a run; the writes are in the rest.
    const r = await spawnIdse(push, ws.dir, { killAfterMs: span * (0.3 + (0.8 * (i + 0.5)) / RUNS) });
    if (r.signal === "SIGKILL") kills++;
    const there = files(join(remote, "projects"));
    const landed = there.filter((f) => local.has(f));
    if (landed.length > 0 && landed.length < local.size) partial++;
    for (const f of landed) {
      if (readFileSync(join(remote, "projects", f), "utf8") !== local.get(f))
        problems.push(`kill ${i}: ${f} differs`);
    }
    for (const f of there) {
      if (!local.has(f) && !/\.\d+\.\d+\.tmp$/.test(f)) problems.push(`kill ${i}: unexpected ${f}`);
    }

    const again = await spawnIdse(push, ws.dir);
    if (again.code !== 0)
      problems.push(`kill ${i}: re-push exit ${again.code} ${again.stdout.slice(0, 400)}`);
    const status = await spawnIdse(["sync", "status", "fs", "--all-sessions", "--json"], ws.dir);
    const counts = JSON.parse(status.stdout).data?.counts;
    if (counts?.unchanged !== local.size) problems.push(`kill ${i}: after re-push ${JSON.stringify(counts)}`);
    let after = files(remote);
    // A push killed after its last write but before it released the remote's lock leaves the lock file
    // of a dead process; a re-push that finds every document already there writes nothing and so takes
    // no lock. That lock is the killed run's (its pid is gone) and the next push that writes takes it
    // over: proved here by pushing one edited document.
    if (after.includes(".sync.lock")) {
      const pid = Number(readFileSync(join(remote, ".sync.lock"), "utf8").split(" ")[0]);
      if (alive(pid)) problems.push(`kill ${i}: the remote's lock belongs to a live process ${pid}`);
      staleLocks++;
      const [first, text] = [...local][0]!;
      const edited = `${text}edited after kill ${i}\n`;
      writeFileSync(join(idse, "projects", first), edited);
      const takeover = await spawnIdse(push, ws.dir);
      if (takeover.code !== 0) problems.push(`kill ${i}: push after a stale lock: exit ${takeover.code}`);
      if (readFileSync(join(remote, "projects", first), "utf8") !== edited)
        problems.push(`kill ${i}: the push after a stale lock did not land`);
      writeFileSync(join(idse, "projects", first), text);
      if ((await spawnIdse(push, ws.dir)).code !== 0) problems.push(`kill ${i}: push back failed`);
      after = files(remote);
    }
    const extra = after.filter((f) => !(f.startsWith("projects/") && local.has(f.slice("projects/".length))));
    if (extra.length) problems.push(`kill ${i}: left on the remote after re-push: ${extra.join(", ")}`);
    for (const [f, text] of local) {
      if (readFileSync(join(remote, "projects", f), "utf8") !== text)
        problems.push(`kill ${i}: ${f} not pushed`);
    }
  }
  console.log(
    `sync push kill -9: ${kills} kills of ${RUNS}, ${partial} left a partial remote, ${staleLocks} a stale lock taken over; unkilled push ${span.toFixed(0)} ms`,
  );
  expect(problems).toEqual([]);
  expect(kills).toBeGreaterThan(0);
}, 600_000);

test("kill -9 at each step of a batch (IDSE_TEST_KILL_AT): every remote document old or new, and a re-push completes", async () => {
  // The batch writer's steps (src/store/atomic-files.ts): temp files written, flushed (syncfs or fsyncs),
  // half of the renames done, all done (before the folders are flushed). The remote holds an old text
  // of every document; the killed push sends a new text of every one, in batches of 512.
  const ws = await generateWorkspace(join(tempDir("idse-batchkill-"), "repo"), SESSIONS);
  const idse = join(ws.dir, ".idse");
  const stagePaths = new Set(Object.values(STAGE_PATHS));
  const docs = files(join(idse, "projects")).filter((f) => stagePaths.has(f.split("/").slice(-2).join("/")));
  const version = (tag: string) => new Map(docs.map((f) => [f, `# ${f} ${tag}\n\n${`${f} `.repeat(60)}\n`]));
  const [oldText, newText] = [version("old"), version("new")];
  const setLocal = (texts: Map<string, string>) => {
    for (const [f, text] of texts) writeFileSync(join(idse, "projects", f), text);
  };
  const remote = join(ws.dir, "..", "remote");
  const push = ["sync", "push", "fs", "--all-sessions", "--json"];
  expect((await spawnIdse(["remote", "add", "fs", remote], ws.dir)).code).toBe(0);
  const seen: Record<string, number> = {};
  const leftTemps: Record<string, boolean> = {};
  for (const point of ["batch:written", "batch:flushed", "batch:renaming", "batch:renamed"]) {
    setLocal(oldText);
    expect((await spawnIdse(push, ws.dir)).code).toBe(0);
    setLocal(newText);
    const killed = await spawnIdse(push, ws.dir, { env: { IDSE_TEST_KILL_AT: point } });
    expect(killed.signal).toBe("SIGKILL");
    let fresh = 0;
    for (const f of docs) {
      const text = readFileSync(join(remote, "projects", f), "utf8");
      if (text === newText.get(f)) fresh++;
      else expect(text).toBe(oldText.get(f)!);
    }
    seen[point] = fresh;
    leftTemps[point] = files(remote).some((f) => /\.\d+\.\d+\.tmp$/.test(f));
    // The re-push finds the temp files and the lock of a dead process, and finishes the change.
    const again = await spawnIdse(push, ws.dir);
    expect(again.code, again.stdout.slice(0, 400)).toBe(0);
    for (const f of docs) expect(readFileSync(join(remote, "projects", f), "utf8")).toBe(newText.get(f)!);
    expect(files(remote).filter((f) => !f.startsWith("projects/") || !newText.has(f.slice(9)))).toEqual([]);
  }
  // Nothing renamed before the renames; half of the first batch after "renaming"; all of it after.
  expect(seen).toEqual({
    "batch:written": 0,
    "batch:flushed": 0,
    "batch:renaming": 256,
    "batch:renamed": 512,
  });
}, 300_000);

test("a remote's lock left by a killed push is taken over by the next push that writes, and released", async () => {
  const ws = await generateWorkspace(join(tempDir("idse-stalelock-"), "repo"), 2);
  const remote = join(ws.dir, "..", `${ws.dir.split("/").at(-1)}-remote`);
  expect((await spawnIdse(["remote", "add", "fs", remote], ws.dir)).code).toBe(0);
  const push = ["sync", "push", "fs", "--all-sessions", "--json"];
  expect((await spawnIdse(push, ws.dir)).code).toBe(0);
  // The lock a push killed between its last write and its release leaves: a pid that no longer runs.
  const dead = Bun.spawnSync(["true"]).pid;
  expect(alive(dead)).toBe(false);
  writeFileSync(join(remote, ".sync.lock"), `${dead} ${hostname()} 2026-01-01T00:00:00.000Z`);
  // Nothing to write: no lock taken, the dead one stays (harmless: nobody waits on it).
  expect((await spawnIdse(push, ws.dir)).code).toBe(0);
  expect(files(remote)).toContain(".sync.lock");
  // The next push that writes takes it over, writes, and releases it.
  const doc = join(ws.dir, ".idse", "projects", ws.project, "sessions", "__blueprint__", "specs", "spec.md");
  writeFileSync(doc, "# Spec\n\nEdited after a killed push.\n");
  const r = await spawnIdse(push, ws.dir);
  expect(r.code, r.stdout).toBe(0);
  expect(
    readFileSync(
      join(remote, "projects", ws.project, "sessions", "__blueprint__", "specs", "spec.md"),
      "utf8",
    ),
  ).toBe("# Spec\n\nEdited after a killed push.\n");
  expect(files(remote)).not.toContain(".sync.lock");
}, 120_000);
