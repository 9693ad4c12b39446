import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STAGES } from "../../src/store/layout.ts";
import { idse, REPO, tempDir } from "../helpers.ts";
import { secretCorpus } from "./corpus.ts";
import {
  emptyState,
  type McpFault,
  type McpHttpServer,
  type McpServerOptions,
  type McpState,
  putDoc,
  readState,
  startMcpHttpServer,
  writeState,
} from "./mcp-server.ts";
import { outcomes, type Ws, workspace } from "./util.ts";

// The artifact-core plugin over MCP, end to end through the CLI, against the SDK-built test server in
// mcp-server.ts: over Streamable HTTP (transport "mcp") and over stdio (transport "mcp-stdio", the server
// a child process whose state is a JSON file). The same cases run on both; transport-specific ones after.

const TOKEN = ["mcp", "_", "Hq4tW9sK2vN8xB5r"].join("");
const SERVER = join(REPO, "test", "sync", "mcp-server.ts");
const PLAN = "projects/shop/sessions/__blueprint__/plans/plan.md";
const SPEC = "projects/shop/sessions/__blueprint__/specs/spec.md";

/** One MCP remote under test, whichever the transport. */
interface Remote {
  ws: Ws;
  docs(): McpState["docs"];
  /** An edit made in Artifact Core (a new version tag). */
  edit(key: string, text: string): void;
  fault(f: McpFault): void;
  /** Everything the server received, as text. */
  received(): string;
  calls(): McpState["calls"];
}

interface SetupOptions {
  sessions?: string[];
  server?: McpServerOptions;
  remote?: Record<string, unknown>;
  /** The token the server wants, when it differs from the one idse holds. */
  serverToken?: string;
}

const servers: McpHttpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A stdio remote's command is code from the repository: the user approves it, as they would. */
async function approve(ws: Ws) {
  const r = await ws.json(["trust"]);
  if (r.code !== 0) throw new Error(r.stdout);
}

/** Writes the remote into the repository's config, as a teammate's commit would, and approves it (`idse trust`). */
async function writeRemote(ws: Ws, remote: Record<string, unknown>) {
  const file = join(ws.cwd, ".idse", "config.json");
  const config = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  // Fast retries for tests; the defaults (250 ms base, 30 s timeout) are for people.
  config.remotes = {
    core: { plugin: "artifact-core", default: true, retry_base_ms: 5, timeout_ms: 5000, ...remote },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  await approve(ws);
}

async function overHttp(o: SetupOptions = {}): Promise<Remote> {
  const server = await startMcpHttpServer({ token: o.serverToken ?? TOKEN, pageSize: 3, ...o.server });
  servers.push(server);
  const ws = await workspace(o.sessions ?? [], { IDSE_ARTIFACT_TOKEN: TOKEN });
  await writeRemote(ws, { transport: "mcp", url: server.url, ...o.remote });
  return {
    ws,
    docs: () => server.state.docs,
    edit: (key, text) => putDoc(server.state, key, text),
    fault: (f) => server.state.faults.push(f),
    received: () => server.raw.join("\n"),
    calls: () => server.state.calls,
  };
}

/** The stdio server's argv for a state file and server options. */
function stdioCommand(file: string, o: McpServerOptions = {}): string[] {
  const tools = Object.entries(o.tools ?? {}).map(([k, v]) => `${k}=${v}`);
  return [
    process.execPath, // bun, under bun test
    SERVER,
    "--stdio",
    "--state",
    file,
    "--page-size",
    String(o.pageSize ?? 3),
    ...(tools.length ? ["--tools", tools.join(",")] : []),
    ...(o.textOnly ? ["--text-only"] : []),
  ];
}

async function overStdio(o: SetupOptions = {}): Promise<Remote> {
  const file = join(tempDir("idse-mcp-"), "state.json");
  writeState(file, emptyState(o.serverToken ?? TOKEN));
  const ws = await workspace(o.sessions ?? [], { IDSE_ARTIFACT_TOKEN: TOKEN });
  await writeRemote(ws, { transport: "mcp-stdio", command: stdioCommand(file, o.server), ...o.remote });
  await approve(ws);
  const change = (f: (s: McpState) => void) => {
    const s = readState(file);
    f(s);
    writeState(file, s);
  };
  return {
    ws,
    docs: () => readState(file).docs,
    edit: (key, text) => change((s) => putDoc(s, key, text)),
    fault: (f) => change((s) => s.faults.push(f)),
    received: () => JSON.stringify(readState(file).calls),
    calls: () => readState(file).calls,
  };
}

const T = 30_000;

describe.each([
  ["mcp", overHttp],
  ["mcp-stdio", overStdio],
] as const)("artifact-core over MCP (%s)", (_transport, setup) => {
  test(
    "push then pull is the identity, byte for byte; an edit in Artifact Core comes back",
    async () => {
      const r = await setup({ sessions: ["auth"] });
      const odd = "# Plan\r\n\r\nünïcødé ✓ 漢字 🚀\ttab  \n\n\n";
      r.ws.write("auth", "plan", odd);
      const push = await r.ws.json(["sync", "push", "--all-sessions"]);
      expect(push.code, push.stdout).toBe(0);
      const docs = r.docs();
      expect(Object.keys(docs)).toHaveLength(14);
      expect(docs["projects/shop/sessions/auth/plans/plan.md"]!.text).toBe(odd);
      const local = Object.entries(r.ws.artifacts());
      expect(local).toHaveLength(14);
      for (const [path, text] of local) expect(docs[`projects/shop/sessions/${path}`]?.text, path).toBe(text);

      const edited = "# Plan\n\nedited in Artifact Core — ✓\n";
      r.edit(PLAN, edited);
      const pull = await r.ws.json(["sync", "pull", "--all-sessions"]);
      expect(pull.code, pull.stdout).toBe(0);
      expect(outcomes(pull)).toEqual({ "__blueprint__/plan": "pulled" });
      expect(readFileSync(r.ws.path("__blueprint__", "plan"))).toEqual(Buffer.from(edited, "utf8"));
      const status = await r.ws.json(["sync", "status", "--all-sessions"]);
      expect(status.json.data.entries).toEqual([]);
      // 14 documents listed 3 at a time: the cursor was followed to the end.
      const cursors = r.calls().flatMap((c) => (c.tool === "list" && c.args.cursor ? [c.args.cursor] : []));
      expect(cursors.slice(-4)).toEqual(["3", "6", "9", "12"]);
    },
    T,
  );

  test(
    "an edit on both sides is a conflict: exit 1, SYNC_CONFLICT, nothing overwritten",
    async () => {
      const r = await setup();
      expect((await r.ws.json(["sync", "push"])).code).toBe(0);
      r.ws.write("__blueprint__", "plan", "# Plan\n\nmine\n");
      r.edit(PLAN, "# Plan\n\ntheirs\n");
      for (const cmd of ["pull", "push"]) {
        const res = await r.ws.json(["sync", cmd]);
        expect(res.code, cmd).toBe(1);
        expect(outcomes(res)).toEqual({ "__blueprint__/plan": "conflict" });
        expect(res.json.diagnostics.map((d: { code: string }) => d.code)).toEqual(["SYNC_CONFLICT"]);
      }
      expect(r.ws.read("__blueprint__", "plan")).toBe("# Plan\n\nmine\n");
      expect(r.docs()[PLAN]!.text).toBe("# Plan\n\ntheirs\n");
    },
    T,
  );

  test(
    "a remote edit after the plan makes the write stale: a conflict, the other edit kept",
    async () => {
      const r = await setup();
      expect((await r.ws.json(["sync", "push"])).code).toBe(0);
      const before = r.docs()[PLAN]!.text;
      r.ws.write("__blueprint__", "plan", "# Plan\n\nmine\n");
      r.fault({ tool: "put", key: "plans/plan.md", times: 1, kind: "race" });
      const res = await r.ws.json(["sync", "push"]);
      expect(res.code).toBe(1);
      expect(outcomes(res)).toEqual({ "__blueprint__/plan": "conflict" });
      expect(r.docs()[PLAN]!.text).toBe(`${before}raced\n`);
      // The put carried the version tag from the plan, which the race had made stale.
      const put = r
        .calls()
        .find((c) => c.tool === "put" && c.args.key === PLAN && c.args.text === "# Plan\n\nmine\n");
      expect(put?.args.if_match).toBeString();
    },
    T,
  );

  test(
    "a document with a secret never reaches the server; the others do",
    async () => {
      const corpus = secretCorpus().slice(0, 6);
      const r = await setup({ sessions: corpus.map((_, i) => `s${i}`) });
      corpus.forEach((c, i) => {
        r.ws.write(`s${i}`, STAGES[i % STAGES.length]!, `# Notes\n\n${c.text}\n`);
      });
      const res = await r.ws.json(["sync", "push", "--all-sessions"]);
      expect(res.code).toBe(1);
      const blocked = res.json.data.results.filter((x: { outcome: string }) => x.outcome === "blocked");
      expect(blocked).toHaveLength(corpus.length);
      expect(Object.keys(r.docs())).toHaveLength((corpus.length + 1) * 7 - corpus.length);
      const everything = r.received();
      for (const c of corpus) {
        expect(everything.includes(c.secret), c.rule).toBe(false);
        expect(res.stdout.includes(c.secret), c.rule).toBe(false);
      }
    },
    T,
  );

  test(
    "tool names are configurable; a server without the configured names is a clear REMOTE_CONFIG",
    async () => {
      const tools = {
        list: "artifacts.list",
        get: "artifacts.read",
        put: "artifacts.write",
        remove: "artifacts.rm",
      };
      const r = await setup({ server: { tools } });
      const wrong = await r.ws.json(["sync", "push"]);
      expect(wrong.code).toBe(1);
      expect(wrong.json.diagnostics[0]).toMatchObject({
        code: "REMOTE_ERROR",
        transport_code: "REMOTE_CONFIG",
      });
      expect(wrong.json.diagnostics[0].message).toContain('no tool "list_documents"');
      expect(wrong.json.diagnostics[0].message).toContain("artifacts.list");
      const file = join(r.ws.cwd, ".idse", "config.json");
      const config = JSON.parse(readFileSync(file, "utf8"));
      config.remotes.core.tools = tools;
      writeFileSync(file, JSON.stringify(config));
      const ok = await r.ws.json(["sync", "push"]);
      expect(ok.code, ok.stdout).toBe(0);
      expect(Object.keys(r.docs())).toHaveLength(7);
      r.ws.remove("__blueprint__", "plan");
      const removed = await r.ws.json(["sync", "push", "--yes"]);
      expect(outcomes(removed)).toEqual({ "__blueprint__/plan": "removed" });
      expect(r.docs()[PLAN]).toBeUndefined();
    },
    T,
  );

  test(
    "results given only as JSON text (no structuredContent) are read the same",
    async () => {
      const r = await setup({ server: { textOnly: true } });
      expect((await r.ws.json(["sync", "push"])).code).toBe(0);
      r.edit(SPEC, "# Spec\n\nfrom text\n");
      const pull = await r.ws.json(["sync", "pull"]);
      expect(outcomes(pull)).toEqual({ "__blueprint__/spec": "pulled" });
      expect(r.ws.read("__blueprint__", "spec")).toBe("# Spec\n\nfrom text\n");
    },
    T,
  );

  test(
    "a refused token is REMOTE_AUTH, exit 1, and the token is never printed",
    async () => {
      const r = await setup({ serverToken: "another-token-entirely" });
      r.ws.write("__blueprint__", "plan", `# Plan\n\n${TOKEN}\n`);
      for (const json of [true, false]) {
        const res = json ? await r.ws.json(["sync", "push"]) : await r.ws.run(["sync", "push"]);
        expect(res.code).toBe(1);
        if (json) expect(res.json!.diagnostics[0]).toMatchObject({ code: "REMOTE_AUTH", remote: "core" });
        else expect(res.stderr).toContain("REMOTE_AUTH");
        expect(res.stdout + res.stderr).not.toContain(TOKEN);
      }
      expect(Object.keys(r.docs())).toHaveLength(0);
    },
    T,
  );

  test(
    "an injected internal error fails that artifact only (REMOTE_ERROR); a bad hash is REMOTE_PROTOCOL",
    async () => {
      const r = await setup();
      r.fault({ tool: "put", key: "tasks", times: 1, kind: "internal" });
      const res = await r.ws.json(["sync", "push"]);
      expect(res.code).toBe(1);
      const failed = res.json.data.results.filter((x: { outcome: string }) => x.outcome === "failed");
      expect(failed).toMatchObject([{ stage: "tasks", error: { code: "REMOTE_ERROR" } }]);
      expect(Object.keys(r.docs())).toHaveLength(6);
      expect(outcomes(await r.ws.json(["sync", "push"]))).toEqual({ "__blueprint__/tasks": "pushed" });

      r.edit(SPEC, "# Spec\n\nnew\n");
      r.fault({ tool: "get", key: "spec", times: 1, kind: "badhash" });
      const pull = await r.ws.json(["sync", "pull"]);
      expect(pull.code).toBe(1);
      expect(pull.json.data.results).toMatchObject([{ stage: "spec", error: { code: "REMOTE_PROTOCOL" } }]);
      expect(r.ws.read("__blueprint__", "spec")).not.toBe("# Spec\n\nnew\n");
    },
    T,
  );

  test(
    "an answer that never comes is REMOTE_TIMEOUT after timeout_ms (retries: 0)",
    async () => {
      // A server that never answers and a budget far above a cold start on a busy machine: the result
      // does not depend on how fast anything runs (a 300 ms budget failed whenever the server started late).
      const r = await setup({ remote: { timeout_ms: 10_000, retries: 0 } });
      r.fault({ tool: "put", key: "intent", times: 1, kind: "hang" });
      const res = await r.ws.json(["sync", "push"]);
      expect(res.code).toBe(1);
      expect(res.json.data.results.filter((x: { outcome: string }) => x.outcome === "failed")).toMatchObject([
        { stage: "intent", error: { code: "REMOTE_TIMEOUT" } },
      ]);
    },
    T,
  );
});

describe("artifact-core over MCP: transport specifics", () => {
  test(
    "Streamable HTTP: bearer token on every request; a 503 is retried",
    async () => {
      const server = await startMcpHttpServer({ token: TOKEN });
      servers.push(server);
      const ws = await workspace([], { IDSE_ARTIFACT_TOKEN: TOKEN });
      await writeRemote(ws, { transport: "mcp", url: server.url });
      server.httpFaults.push({ status: 503, times: 2 });
      const res = await ws.json(["sync", "push"]);
      expect(res.code, res.stdout).toBe(0);
      expect(Object.keys(server.state.docs)).toHaveLength(7);
      expect(server.httpFaults[0]!.times).toBe(0);
      expect(server.requests.length).toBeGreaterThan(7);
      expect(server.requests.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
    },
    T,
  );

  test(
    "Streamable HTTP: no server listening is REMOTE_UNREACHABLE",
    async () => {
      const server = await startMcpHttpServer();
      const url = server.url;
      await server.close();
      const ws = await workspace([], { IDSE_ARTIFACT_TOKEN: TOKEN });
      await writeRemote(ws, { transport: "mcp", url, retries: 1 });
      const res = await ws.json(["sync", "push"]);
      expect(res.code).toBe(1);
      expect(res.json.diagnostics[0]).toMatchObject({
        code: "REMOTE_UNREACHABLE",
        transport_code: "REMOTE_UNREACHABLE",
      });
    },
    T,
  );

  test(
    "stdio: a command that does not exist is REMOTE_UNREACHABLE, naming the program",
    async () => {
      const ws = await workspace([], { IDSE_ARTIFACT_TOKEN: TOKEN });
      await writeRemote(ws, { transport: "mcp-stdio", command: ["idse-no-such-mcp-server", "--stdio"] });
      await approve(ws);
      const res = await ws.json(["sync", "status"]);
      expect(res.code).toBe(1);
      expect(res.json.diagnostics[0]).toMatchObject({ code: "REMOTE_UNREACHABLE", remote: "core" });
      expect(res.json.diagnostics[0].message).toContain(
        'cannot start the MCP server "idse-no-such-mcp-server": no such program',
      );
      await writeRemote(ws, {
        transport: "mcp-stdio",
        command: [process.execPath, "--version"],
        cwd: "no/such/dir",
      });
      await approve(ws);
      const cwd = await ws.json(["sync", "status"]);
      expect(cwd.json.diagnostics[0].message).toContain('cwd "no/such/dir" is not a directory');
    },
    T,
  );

  test(
    "stdio: a server that exits at start is REMOTE_UNREACHABLE, with its last stderr line",
    async () => {
      const ws = await workspace([], { IDSE_ARTIFACT_TOKEN: TOKEN });
      const crash = `process.stderr.write("boom: no config for ${TOKEN}\\n"); process.exit(3)`;
      await writeRemote(ws, { transport: "mcp-stdio", command: [process.execPath, "-e", crash], retries: 1 });
      await approve(ws);
      const res = await ws.json(["sync", "push"]);
      expect(res.code).toBe(1);
      expect(res.json.diagnostics[0]).toMatchObject({ code: "REMOTE_UNREACHABLE", remote: "core" });
      expect(res.json.diagnostics[0].message).toContain(
        "the MCP server exited (its last stderr line: boom: no config for [REDACTED])",
      );
      expect(res.stdout + res.stderr).not.toContain(TOKEN);
    },
    T,
  );

  test(
    "stdio: `remote add --option` records the transport and checks its options",
    async () => {
      const file = join(tempDir("idse-mcp-"), "state.json");
      writeState(file, emptyState(TOKEN));
      const ws = await workspace([], { IDSE_ARTIFACT_TOKEN: TOKEN });
      const bad = await ws.json([
        "remote",
        "add",
        "core",
        "--plugin",
        "artifact-core",
        "--option",
        "transport=mcp-stdio",
      ]);
      expect(bad.code).toBe(1);
      expect(bad.json.diagnostics[0].message).toContain('command: required with transport "mcp-stdio"');
      const add = await ws.json([
        "remote",
        "add",
        "core",
        "--plugin",
        "artifact-core",
        "--option",
        "transport=mcp-stdio",
        "--option",
        `command=${JSON.stringify(stdioCommand(file))}`,
      ]);
      expect(add.code, add.stdout).toBe(0);
      expect((await ws.json(["sync", "push"])).code).toBe(0);
      expect(Object.keys(readState(file).docs)).toHaveLength(7);
    },
    T,
  );

  test(
    "stdio: a server that exits mid-call is restarted and the call retried; its stderr is forwarded",
    async () => {
      const r = await overStdio();
      r.fault({ tool: "put", key: "spec", times: 1, kind: "crash" });
      const res = await idse(["sync", "push", "--json"], {
        cwd: r.ws.cwd,
        env: r.ws.env,
        io: { stderrIsTTY: true },
      });
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(Object.keys(r.docs())).toHaveLength(7);
      // The server's log lines came through the host, prefixed with the plugin's and the program's names.
      expect(res.stderr).toMatch(
        /artifact-core\] info: bun(\.exe)?: artifact-core-test: serving 0 documents/,
      );
      expect(res.stderr).toMatch(/put_document: the MCP server exited .*; retrying/);
      expect(res.stderr).not.toContain(TOKEN);
    },
    T,
  );

  test(
    "stdio: the child gets the token in its environment and nothing else of idse's",
    async () => {
      const r = await overStdio();
      r.ws.env = { ...r.ws.env, IDSE_SOME_OTHER_VAR: "x" };
      expect((await r.ws.json(["sync", "push"])).code).toBe(0); // the server checks the variable
      r.ws.env = {};
      const res = await r.ws.json(["sync", "push"]);
      expect(res.json.diagnostics[0].code).toBe("REMOTE_AUTH");
      expect(res.json.diagnostics[0].message).toContain("no token");
    },
    T,
  );

  test(
    "options: each transport requires its own keys, with a clear message",
    async () => {
      const ws = await workspace([], { IDSE_ARTIFACT_TOKEN: TOKEN });
      const cases: [Record<string, unknown>, string, string][] = [
        [{ transport: "mcp" }, "url", 'required with transport "mcp"'],
        [{ transport: "mcp-stdio" }, "command", 'required with transport "mcp-stdio"'],
        [{ transport: "mcp-stdio", command: [] }, "command", "must name the program"],
        [{ transport: "grpc", url: "http://127.0.0.1:1" }, "transport", '"mcp" or "mcp-stdio"'],
        [
          { transport: "mcp", url: "http://127.0.0.1:1", tools: { delete: "x" } },
          "tools.delete",
          "list, get, put and remove",
        ],
      ];
      for (const [remote, key, reason] of cases) {
        await writeRemote(ws, remote);
        const res = await ws.json(["sync", "status"]);
        expect(res.code, JSON.stringify(remote)).toBe(1);
        expect(res.json.diagnostics[0]).toMatchObject({ code: "PLUGIN_OPTIONS_INVALID" });
        expect(res.json.diagnostics[0].message).toContain(`${key}: `);
        expect(res.json.diagnostics[0].message).toContain(reason);
      }
    },
    T,
  );
});
