import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, tempDir } from "../helpers.ts";
import { startServer, type TestServer } from "../sync/server.ts";
import { artifactsUnder } from "../sync/util.ts";
import { assertEnvelope, ok, requireBinary, run } from "./util.ts";

// The compiled binary: the README's walk-through against a filesystem remote (set up a remote, push,
// edit remotely, pull, resolve a conflict), Artifact Core over HTTP with a token, and a push killed
// midway then run again.

beforeAll(requireBinary);

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const spec = (cwd: string, s = "__blueprint__") =>
  join(cwd, ".idse/projects/shop/sessions", s, "specs/spec.md");

/** Runs the binary without blocking this process (the test server lives here). */
async function spawn(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const p = Bun.spawn([BINARY, ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  const r = { code, stdout, stderr, json: undefined };
  if (argv.includes("--json")) assertEnvelope(argv, r);
  return { ...r, json: argv.includes("--json") ? JSON.parse(stdout) : undefined };
}

describe("the README walk-through, filesystem remote", () => {
  test("set up, push, edit remotely, pull, resolve a conflict", () => {
    const cwd = tempDir();
    const remote = join(tempDir(), "design-backup");
    ok(["init", "shop", "--no-create-agent-files"], { cwd });
    expect(ok(["remote", "add", "backup", remote], { cwd }).stdout).toContain("Added remote backup");
    expect(ok(["sync", "status"], { cwd }).stdout).toContain("7 to push");
    expect(ok(["sync", "push", "--dry-run"], { cwd }).stdout).toContain("7 would move");
    expect(existsSync(remote)).toBe(false);
    expect(ok(["sync", "push"], { cwd }).stdout).toContain("7 moved, 0 failed");

    // Someone edits the remote copy; pull brings it back.
    const remoteSpec = join(remote, "projects/shop/sessions/__blueprint__/specs/spec.md");
    writeFileSync(remoteSpec, `${readFileSync(remoteSpec, "utf8")}\nEdited remotely.\n`);
    expect(ok(["sync", "pull"], { cwd }).stdout).toMatch(/pulled\s+__blueprint__\/specs\/spec\.md/);
    expect(readFileSync(spec(cwd), "utf8")).toContain("Edited remotely.");

    // Both sides edit: a conflict, reported, never overwritten; the remote text lands beside ours.
    writeFileSync(remoteSpec, "# Spec\n\ntheirs\n");
    writeFileSync(spec(cwd), "# Spec\n\nours\n");
    const st = run(["sync", "status", "--json"], { cwd });
    expect(st.code).toBe(1);
    expect(st.env.data.counts.conflict).toBe(1);
    const pull = run(["sync", "pull"], { cwd });
    expect(pull.code).toBe(1);
    expect(pull.stderr).toContain("error[SYNC_CONFLICT]");
    expect(readFileSync(spec(cwd), "utf8")).toBe("# Spec\n\nours\n");
    const beside = spec(cwd).replace("spec.md", "spec.remote.md");
    expect(readFileSync(beside, "utf8")).toBe("# Spec\n\ntheirs\n");
    // Resolve: merge, delete the copy, push.
    writeFileSync(spec(cwd), "# Spec\n\nours\ntheirs\n");
    rmSync(beside);
    expect(ok(["sync", "push"], { cwd }).stdout).toContain("1 moved, 0 failed");
    expect(readFileSync(remoteSpec, "utf8")).toBe("# Spec\n\nours\ntheirs\n");
    expect(ok(["sync", "status", "--json"], { cwd }).env.data.entries).toEqual([]);
    expect(ok(["status", "--json"], { cwd }).env.data.last_sync).toMatch(/^\d{4}-/);
  });
});

describe("a store plugin as a remote", () => {
  test("a sqlite file: the bundled plugin is unpacked into the user's cache and pinned by its bytes", () => {
    const cwd = tempDir();
    const db = join(tempDir(), "team.db");
    ok(["init", "shop", "--no-create-agent-files"], { cwd });
    ok(["remote", "add", "team", db, "--plugin", "sqlite-store"], { cwd });
    expect(ok(["sync", "push"], { cwd }).stdout).toContain("7 moved, 0 failed");
    expect(existsSync(db)).toBe(true);
    // A second checkout whose own store is that file sees the pushed documents, edits one, and the
    // first pulls it back.
    const mate = tempDir();
    ok(
      ["init", "other", "--no-create-agent-files", "--store", "sqlite-store", "--store-option", `path=${db}`],
      {
        cwd: mate,
      },
    );
    ok(["artifact", "write", "--stage", "plan", "--project", "shop", "--session", "__blueprint__"], {
      cwd: mate,
      stdin: "# Plan\n\nfrom the teammate's store\n",
    });
    expect(ok(["sync", "pull"], { cwd }).stdout).toMatch(/pulled\s+__blueprint__\/plans\/plan\.md/);
    expect(readFileSync(join(cwd, ".idse/projects/shop/sessions/__blueprint__/plans/plan.md"), "utf8")).toBe(
      "# Plan\n\nfrom the teammate's store\n",
    );
    expect(existsSync(join(cwd, ".idse", "plugins.json"))).toBe(false);
    // A tampered unpacked copy is replaced from the binary before it is imported, never run.
    const cache = join(cwd, ".cache/idse/bundled");
    const [dir] = readdirSync(cache).filter((d) => d.startsWith("sqlite-store-"));
    writeFileSync(join(cache, dir!, "index.js"), "throw new Error('tampered')\n");
    expect(ok(["sync", "status", "--json"], { cwd }).env.data.entries).toEqual([]);
    expect(readFileSync(join(cache, dir!, "index.js"), "utf8")).not.toContain("tampered");
  });
});

test("several idse processes unpacking the bundled plugin at once all run it", async () => {
  const cwd = tempDir();
  ok(["init", "shop", "--no-create-agent-files"], { cwd });
  ok(["remote", "add", "team", join(tempDir(), "team.db"), "--plugin", "sqlite-store"], { cwd });
  rmSync(join(cwd, ".cache"), { recursive: true, force: true });
  const runs = await Promise.all(Array.from({ length: 6 }, () => spawn(["sync", "status", "--json"], cwd)));
  for (const r of runs) {
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.data.counts.push).toBe(7);
  }
  // One unpacked copy, no scratch or replaced folder left behind.
  expect(readdirSync(join(cwd, ".cache/idse/bundled"))).toHaveLength(1);
});

describe("Artifact Core over HTTP", () => {
  const TOKEN = ["e2e", "_", "Jw3Kp8Ls2Mn6Qr4T"].join("");

  test("push and pull with a bearer token from the environment; the token is never printed", async () => {
    const server = await startServer({ token: TOKEN });
    servers.push(server);
    const cwd = tempDir();
    expect((await spawn(["init", "shop", "--no-create-agent-files", "-q"], cwd)).code).toBe(0);
    expect((await spawn(["remote", "add", "core", server.url], cwd)).code).toBe(0);
    const env = { IDSE_ARTIFACT_TOKEN: TOKEN };
    const push = await spawn(["sync", "push", "--json"], cwd, env);
    expect(push.code, push.stdout + push.stderr).toBe(0);
    expect(server.docs.size).toBe(7);
    server.put("projects/shop/sessions/__blueprint__/plans/plan.md", "# Plan\n\nfrom Artifact Core\n");
    const pull = await spawn(["sync", "pull", "--json"], cwd, env);
    expect(pull.json.data.moved).toBe(1);
    server.faults.push({ times: Number.POSITIVE_INFINITY, kind: { echoToken: true, status: 400 } });
    const echoed = await spawn(["sync", "status"], cwd, env);
    expect(echoed.code).toBe(1);
    for (const r of [push, pull, echoed]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
    const refused = await spawn(["sync", "status", "--json"], cwd, {});
    expect(refused.code).toBe(1);
  });

  test("a push killed midway, run again, ends with every document there exactly once", async () => {
    const server = await startServer({ token: TOKEN });
    servers.push(server);
    const cwd = tempDir();
    expect((await spawn(["init", "shop", "--no-create-agent-files", "-q"], cwd)).code).toBe(0);
    for (const s of ["a", "b", "c"])
      expect((await spawn(["spawn", "--plan", "feature", s], cwd)).code).toBe(0);
    expect((await spawn(["remote", "add", "core", server.url], cwd)).code).toBe(0);
    // Nine writes land, every later one waits for good: the kill always comes midway, however slow the
    // machine (a fixed 40 ms per write let a loaded machine finish all 28 before the kill).
    server.faults.push({ method: "PUT", times: 9, kind: { delayMs: 0 } });
    server.faults.push({ method: "PUT", times: Number.POSITIVE_INFINITY, kind: { delayMs: 600_000 } });
    const p = Bun.spawn([BINARY, "sync", "push", "--all-sessions"], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, IDSE_ARTIFACT_TOKEN: TOKEN },
      stdout: "ignore",
      stderr: "ignore",
    });
    const deadline = Date.now() + 60_000;
    while (server.docs.size < 9 && Date.now() < deadline) await Bun.sleep(5);
    p.kill(9);
    await p.exited;
    expect(server.docs.size).toBeGreaterThan(0);
    expect(server.docs.size).toBeLessThan(28);
    server.faults.length = 0;
    const again = await spawn(["sync", "push", "--all-sessions", "--json"], cwd, {
      IDSE_ARTIFACT_TOKEN: TOKEN,
    });
    expect(again.code, again.stdout).toBe(0);
    const local = artifactsUnder(join(cwd, ".idse/projects/shop/sessions"));
    expect(server.docs.size).toBe(Object.keys(local).length);
    for (const [rel, text] of Object.entries(local)) {
      expect(server.docs.get(`projects/shop/sessions/${rel}`)?.text).toBe(text);
    }
    const st = await spawn(["sync", "status", "--all-sessions", "--json"], cwd, {
      IDSE_ARTIFACT_TOKEN: TOKEN,
    });
    expect(st.json.data.entries).toEqual([]);
  });
});
