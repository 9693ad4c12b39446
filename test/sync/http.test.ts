import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STAGES } from "../../src/store/layout.ts";
import { secretCorpus } from "./corpus.ts";
import { startServer, type TestServer } from "./server.ts";
import { outcomes, workspace } from "./util.ts";

// The artifact-core transport against the test server: bearer auth, pagination, retries with backoff on
// 5xx, 429 (with Retry-After), timeouts and dropped connections, stale writes, bounded concurrency, and
// the secret guard (no secret of the ruleset's corpus reaches the server).

const TOKEN = ["tok", "_", "Zq8xR2vN5mK7pL3w"].join("");
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function setup(o: { sessions?: string[]; pageSize?: number; remote?: Record<string, unknown> } = {}) {
  const server = await startServer({ token: TOKEN, pageSize: o.pageSize });
  servers.push(server);
  const ws = await workspace(o.sessions ?? [], { IDSE_ARTIFACT_TOKEN: TOKEN });
  expect((await ws.run(["remote", "add", "core", server.url])).code).toBe(0);
  // Fast retries for tests; the defaults (250 ms base, 30 s timeout) are for people.
  const file = join(ws.cwd, ".idse", "config.json");
  const config = JSON.parse(readFileSync(file, "utf8"));
  Object.assign(config.remotes.core, { retry_base_ms: 5, timeout_ms: 2000, ...o.remote });
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { server, ws };
}

const puts = (s: TestServer) => s.requests.filter((r) => r.method === "PUT");

describe("a remote URL from the repository's config", () => {
  test("gets no request, and no token, until this user approves it; a changed URL needs approval again", async () => {
    const server = await startServer({ token: TOKEN });
    servers.push(server);
    const ws = await workspace([], { IDSE_ARTIFACT_TOKEN: TOKEN });
    // As a cloned repository's committed config would name it: never `remote add`ed by this user.
    const file = join(ws.cwd, ".idse", "config.json");
    const remote = { plugin: "artifact-core", url: server.url, default: true, retry_base_ms: 5 };
    writeFileSync(file, JSON.stringify({ remotes: { core: remote } }));
    for (const argv of [
      ["sync", "status"],
      ["sync", "push"],
      ["sync", "pull", "--yes"],
    ]) {
      const r = await ws.json(argv);
      expect([argv, r.code, r.json.diagnostics[0].code]).toEqual([argv, 1, "WORKSPACE_UNTRUSTED"]);
      expect(r.json.diagnostics[0].message).toContain(new URL(server.url).origin);
    }
    expect(server.requests).toEqual([]);
    const shown = await ws.run(["trust", "--show"]);
    expect(shown.stdout).toContain(`NOT APPROVED remote core reaches: ${new URL(server.url).origin}`);
    expect((await ws.json(["trust"])).code).toBe(0);
    expect((await ws.json(["sync", "status"])).code).toBe(0);
    expect(server.requests.length).toBeGreaterThan(0);
    // A pull that changes the URL (to another server) is not approved with the old one.
    const other = await startServer({ token: TOKEN });
    servers.push(other);
    writeFileSync(file, JSON.stringify({ remotes: { core: { ...remote, url: other.url } } }));
    expect((await ws.json(["sync", "status"])).json.diagnostics[0].code).toBe("WORKSPACE_UNTRUSTED");
    expect(other.requests).toEqual([]);
  });
});

describe("artifact-core over HTTP", () => {
  test("push, remote edit, pull: bearer token on every request, ETags honoured", async () => {
    const { server, ws } = await setup();
    const push = await ws.json(["sync", "push"]);
    expect(push.code, push.stdout).toBe(0);
    expect(server.docs.size).toBe(7);
    expect(server.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const key = "projects/shop/sessions/__blueprint__/plans/plan.md";
    server.put(key, "# Plan\n\nedited in Artifact Core\n");
    const pull = await ws.json(["sync", "pull"]);
    expect(outcomes(pull)).toEqual({ "__blueprint__/plan": "pulled" });
    expect(ws.read("__blueprint__", "plan")).toBe("# Plan\n\nedited in Artifact Core\n");
    ws.write("__blueprint__", "plan", "# Plan\n\nedited here\n");
    expect(outcomes(await ws.json(["sync", "push"]))).toEqual({ "__blueprint__/plan": "pushed" });
    expect(server.docs.get(key)!.text).toBe("# Plan\n\nedited here\n");
  });

  test("no token: every request is refused, exit 1 with REMOTE_AUTH and nothing changed", async () => {
    const { ws } = await setup();
    ws.env = {};
    const r = await ws.json(["sync", "push"]);
    expect(r.code).toBe(1);
    expect(r.json.diagnostics[0]).toMatchObject({ code: "REMOTE_AUTH", remote: "core" });
    expect(r.json.data).toBeNull();
  });

  test("the token may come from the credentials file, by remote name or URL origin", async () => {
    const { server, ws } = await setup();
    ws.env = { XDG_CONFIG_HOME: join(ws.cwd, "cfg") };
    // Another config directory: the remote's approval (trust.json) is kept beside the credentials.
    expect((await ws.json(["trust"])).code).toBe(0);
    const file = join(ws.cwd, "cfg", "idse", "credentials.json");
    (await import("node:fs")).mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, JSON.stringify({ remotes: { [server.url]: { IDSE_ARTIFACT_TOKEN: TOKEN } } }), {
      mode: 0o600,
    });
    expect((await ws.json(["sync", "push"])).code).toBe(0);
    writeFileSync(file, JSON.stringify({ remotes: { core: { IDSE_ARTIFACT_TOKEN: TOKEN } } }), {
      mode: 0o600,
    });
    const st = await ws.json(["sync", "status"]);
    expect(st.code).toBe(0);
    expect(st.json.diagnostics).toEqual([]);
  });

  test("the most specific credentials win: by name over the environment, the environment over by origin", async () => {
    const { server, ws } = await setup();
    const wrong = ["wrong", "_", "Tk5Lq2Xw8Rz4Vn"].join("");
    const file = join(ws.cwd, "cfg", "idse", "credentials.json");
    (await import("node:fs")).mkdirSync(join(file, ".."), { recursive: true });
    ws.env = { XDG_CONFIG_HOME: join(ws.cwd, "cfg"), IDSE_ARTIFACT_TOKEN: wrong };
    expect((await ws.json(["trust"])).code).toBe(0); // approved in that config directory
    writeFileSync(file, JSON.stringify({ remotes: { [server.url]: { IDSE_ARTIFACT_TOKEN: TOKEN } } }), {
      mode: 0o600,
    });
    const env = await ws.json(["sync", "status"]);
    expect(env.json.diagnostics[0]).toMatchObject({ code: "REMOTE_AUTH" });
    writeFileSync(file, JSON.stringify({ remotes: { core: { IDSE_ARTIFACT_TOKEN: TOKEN } } }), {
      mode: 0o600,
    });
    const named = await ws.json(["sync", "status"]);
    expect(named.code, named.stdout).toBe(0);
    for (const r of [env, named]) expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  test("lists page by page", async () => {
    const { server, ws } = await setup({ sessions: ["auth", "billing"], pageSize: 4 });
    expect((await ws.json(["sync", "push", "--all-sessions"])).code).toBe(0);
    server.requests.length = 0;
    const st = await ws.json(["sync", "status", "--all-sessions"]);
    expect(st.json.data.counts.unchanged).toBe(21);
    expect(server.requests.filter((r) => r.path === "/documents")).toHaveLength(6);
  });

  test("retries 500 and 503, then succeeds", async () => {
    const { server, ws } = await setup();
    server.faults.push({ method: "PUT", times: 2, kind: { status: 500 } });
    server.faults.push({ method: "GET", times: 1, kind: { status: 503 } });
    const r = await ws.json(["sync", "push"]);
    expect(r.code, r.stdout).toBe(0);
    expect(server.docs.size).toBe(7);
    expect(puts(server).filter((p) => p.status === 500)).toHaveLength(2);
  });

  test("honours Retry-After on 429", async () => {
    const { server, ws } = await setup();
    server.faults.push({ method: "GET", times: 1, kind: { status: 429, retryAfter: "1" } });
    const t0 = performance.now();
    expect((await ws.json(["sync", "status"])).code).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
  });

  test("retries a timeout and a dropped connection", async () => {
    // An answer that never comes in time, and a budget far above any answer on a busy machine.
    const { server, ws } = await setup({ remote: { timeout_ms: 2_000 } });
    server.faults.push({ method: "PUT", key: /intent/, times: 1, kind: { delayMs: 600_000 } });
    server.faults.push({ method: "PUT", key: /spec/, times: 1, kind: { drop: "before" } });
    const r = await ws.json(["sync", "push"]);
    expect(r.code, r.stdout).toBe(0);
    expect(server.docs.size).toBe(7);
  });

  test("a write that landed but whose answer was lost counts once: no duplicate, no loss", async () => {
    const { server, ws } = await setup({ sessions: ["auth"] });
    server.faults.push({ method: "PUT", times: 3, kind: { drop: "after" } });
    const r = await ws.json(["sync", "push", "--all-sessions"]);
    expect(r.code, r.stdout).toBe(0);
    expect(server.docs.size).toBe(14);
    expect(new Set(r.json.data.results.map((x: { outcome: string }) => x.outcome))).toEqual(
      new Set(["pushed"]),
    );
    expect((await ws.json(["sync", "status", "--all-sessions"])).json.data.entries).toEqual([]);
  });

  test("persistent failures fail that artifact only, with a per-artifact result and exit 1", async () => {
    const { server, ws } = await setup({ remote: { retries: 2 } });
    server.faults.push({
      method: "PUT",
      key: /tasks/,
      times: Number.POSITIVE_INFINITY,
      kind: { status: 502 },
    });
    const r = await ws.json(["sync", "push"]);
    expect(r.code).toBe(1);
    const failed = r.json.data.results.filter((x: { outcome: string }) => x.outcome === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ stage: "tasks", error: { code: "REMOTE_UNAVAILABLE" } });
    expect(r.json.diagnostics).toMatchObject([{ code: "SYNC_FAILED", error_code: "REMOTE_UNAVAILABLE" }]);
    expect(server.docs.size).toBe(6);
    expect(puts(server).filter((p) => p.key?.includes("tasks"))).toHaveLength(3);
    server.faults.length = 0;
    expect(outcomes(await ws.json(["sync", "push"]))).toEqual({ "__blueprint__/tasks": "pushed" });
  });

  test("an unreachable remote fails the whole run before anything moves", async () => {
    const { server, ws } = await setup({ remote: { retries: 1 } });
    server.faults.push({
      method: "GET",
      times: Number.POSITIVE_INFINITY,
      kind: { status: 503, retryAfter: "0" },
    });
    const r = await ws.json(["sync", "push"]);
    expect(r.code).toBe(1);
    expect(r.json.diagnostics[0].code).toBe("REMOTE_UNREACHABLE");
    await server.close();
    const gone = await ws.json(["sync", "status"]);
    expect(gone.code).toBe(1);
    expect(gone.json.diagnostics[0].code).toBe("REMOTE_UNREACHABLE");
  });

  test("a remote edit racing the push is a conflict, never overwritten", async () => {
    const { server, ws } = await setup();
    await ws.run(["sync", "push"]);
    ws.write("__blueprint__", "plan", "# mine\n");
    server.faults.push({ method: "PUT", times: 1, kind: { status: 409 } });
    const r = await ws.json(["sync", "push"]);
    expect(r.code).toBe(1);
    expect(outcomes(r)).toEqual({ "__blueprint__/plan": "conflict" });
    expect(server.docs.get("projects/shop/sessions/__blueprint__/plans/plan.md")!.text).not.toBe("# mine\n");
  });

  test("concurrency is bounded by the remote's setting", async () => {
    const { server, ws } = await setup({ sessions: ["a", "b", "c"], remote: { concurrency: 3 } });
    server.faults.push({ method: "PUT", times: Number.POSITIVE_INFINITY, kind: { delayMs: 15 } });
    expect((await ws.json(["sync", "push", "--all-sessions"])).code).toBe(0);
    expect(server.maxInFlight).toBe(3);
  });

  test("no secret of the ruleset's corpus reaches the server; the clean documents do", async () => {
    // A PEM key first, then every eighth format of the corpus (test/sync/secret-rules.test.ts has them all).
    const all = secretCorpus();
    const corpus = [all.find((c) => c.format === "private-key-rsa")!, ...all.filter((_, i) => i % 8 === 0)];
    const sessions = corpus.map((_, i) => `s${i}`);
    const { server, ws } = await setup({ sessions });
    corpus.forEach((c, i) => {
      ws.write(`s${i}`, STAGES[i % STAGES.length]!, `# Notes\n\nBackground.\n\n${c.text}\n`);
    });
    const r = await ws.json(["sync", "push", "--all-sessions"]);
    expect(r.code).toBe(1);
    const blocked = r.json.data.results.filter((x: { outcome: string }) => x.outcome === "blocked");
    expect(blocked).toHaveLength(corpus.length);
    expect(server.docs.size).toBe((corpus.length + 1) * 7 - corpus.length);
    const everything = server.raw.join("\n");
    for (const c of corpus) {
      expect(everything.includes(c.secret), c.rule).toBe(false);
      expect(r.stdout.includes(c.secret), `stdout: ${c.rule}`).toBe(false);
    }
    const finding = blocked[0].findings[0];
    expect(finding).toMatchObject({ line: 7, column: 1, rule: "secretlint-privatekey", masked: "********" });
    // An allowlisted fingerprint goes through on purpose.
    const file = join(ws.cwd, ".idse", "config.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    config.sync = { secret_allowlist: [{ fingerprint: finding.fingerprint, note: "test key" }] };
    writeFileSync(file, JSON.stringify(config));
    const again = await ws.json(["sync", "push", "--session", "s0"]);
    expect(outcomes(again)[`s0/${STAGES[0]}`]).toBe("pushed");
  });
});
