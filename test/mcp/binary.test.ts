import { beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { requireBinary } from "../e2e/util.ts";
import { BINARY, REPO, tempDir } from "../helpers.ts";
import { shopWithSession } from "./util.ts";

// The compiled binary driven by clients nobody here wrote: the SDK's Client over stdio and Streamable
// HTTP, and @modelcontextprotocol/inspector in CLI mode.

beforeAll(requireBinary);

const env = (cwd: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? "",
  HOME: cwd,
  ...extra,
});

describe("idse mcp, the binary", () => {
  test("stdio: the SDK Client lists and calls tools; a planning agent's implementation write is refused", async () => {
    const cwd = await shopWithSession();
    const transport = new StdioClientTransport({
      command: BINARY,
      args: ["mcp", "--agent", "claude-code"],
      cwd,
      env: env(cwd),
      stderr: "pipe",
    });
    const client = new Client({ name: "sdk-e2e", version: "1" });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        "artifact_read",
        "artifact_write",
        "compile_agent_spec",
        "next",
        "route",
        "session_create",
        "session_info",
        "session_switch",
        "sessions",
        "set_stage",
        "status",
        "validate",
      ].sort(),
    );
    const status = (await client.callTool({ name: "status", arguments: {} })) as unknown as {
      structuredContent: { session: string };
    };
    expect(status.structuredContent.session).toBe("auth");
    const denied = (await client.callTool({
      name: "artifact_write",
      arguments: { stage: "implementation", content: "# no\n" },
    })) as { isError?: boolean; content: { text: string }[] };
    expect(denied.isError).toBe(true);
    expect(denied.content[0]!.text).toContain("MCP_MODE_DENIED");
    await client.close();
  });

  test("the user's path: install-mcp --ide claude-code, then the agent Claude Code starts asks, reads, writes, validates", async () => {
    const cwd = await shopWithSession();
    // idse on PATH, as the README's install puts it there: a folder holding only a link to the binary.
    const bin = tempDir();
    symlinkSync(BINARY, join(bin, "idse"));
    const PATH = `${bin}:${process.env.PATH ?? ""}`;
    const install = spawnSync(BINARY, ["agents", "install-mcp", "--ide", "claude-code", "--json"], {
      cwd,
      env: env(cwd, { PATH }),
      encoding: "utf8",
    });
    expect(install.status).toBe(0);
    expect(JSON.parse(install.stdout).diagnostics).toEqual([]);
    // Start the server exactly as Claude Code does: the command and args of .mcp.json, in the repository.
    const server = JSON.parse(readFileSync(join(cwd, ".mcp.json"), "utf8")).mcpServers.idse;
    const transport = new StdioClientTransport({
      command: server.command,
      args: server.args,
      cwd,
      env: env(cwd, { PATH }),
      stderr: "pipe",
    });
    const client = new Client({ name: "claude-code", version: "1" });
    await client.connect(transport);
    // Listing first: the SDK Client then checks every structuredContent against the tool's outputSchema.
    const { tools } = await client.listTools();
    for (const t of tools) expect(t.outputSchema?.type).toBe("object");
    type Result = { isError?: boolean; structuredContent: Record<string, unknown> };
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      const r = (await client.callTool({ name, arguments: args })) as unknown as Result;
      expect({ name, isError: r.isError ?? false }).toEqual({ name, isError: false });
      return r.structuredContent;
    };
    expect((await call("next")).stage).toBe("intent");
    const text = "# Intent\n\nLet customers sign in with a passkey.\n";
    await call("artifact_write", { stage: "intent", content: text });
    expect((await call("artifact_read", { stage: "intent" })).content).toBe(text);
    expect(readFileSync(join(cwd, ".idse/projects/shop/sessions/auth/intents/intent.md"), "utf8")).toBe(text);
    const validated = await call("validate", {});
    const [report] = validated.reports as {
      session: string;
      findings: { rule_id: string; file: string }[];
    }[];
    expect(report!.session).toBe("auth");
    // The other six documents are still templates: their findings come back as data, each with its rule.
    expect(report!.findings.length).toBeGreaterThan(0);
    for (const f of report!.findings) expect(f.rule_id).toMatch(/^idse\//);
    await client.close();
  }, 60_000);

  test("stdio: exits 0 when stdin closes, and on SIGTERM", async () => {
    const cwd = await shopWithSession();
    const init = `${JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    })}\n`;
    const closed = spawnSync(BINARY, ["mcp"], { cwd, env: env(cwd), input: init, encoding: "utf8" });
    expect(closed.status).toBe(0);
    expect(JSON.parse(closed.stdout.split("\n")[0]!).result.serverInfo.name).toBe("idse");

    const child = spawn(BINARY, ["mcp"], { cwd, env: env(cwd), stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const answered = new Promise<void>((resolve) => {
      child.stdout.on("data", (c) => {
        out += c;
        if (out.includes("\n")) resolve();
      });
    });
    child.stdin.write(init);
    await answered;
    // Malformed input gets JSON-RPC errors, and the server goes on serving.
    const lines = () =>
      out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
    const until = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (lines().length >= n ? resolve() : setTimeout(check, 20));
        check();
      });
    child.stdin.write('not json\n{"foo":1}\n{"jsonrpc":"2.0","id":7,"method":"no/such"}\n');
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: "2.0", id: 8, method: "tools/call", params: { arguments: {} } })}\n`,
    );
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" })}\n`);
    await until(6);
    const got = lines().slice(1);
    const byId = (id: number | null) => got.filter((l) => l.id === id);
    // Answers to unreadable lines carry id null, in the order the lines came.
    expect(byId(null).map((l) => l.error.code)).toEqual([-32700, -32600]);
    expect(byId(7)[0].error.code).toBe(-32601);
    // Params that are not a tools/call: an error (the SDK answers -32603 with the validation message).
    expect(byId(8)[0].error.code).toBeLessThan(-32000);
    expect(byId(8)[0].error.message).toContain("name");
    expect(byId(9)[0]).toEqual({ jsonrpc: "2.0", id: 9, result: {} });
    // serving: now the signal
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  test("stdio: a message over 10 MB gets a JSON-RPC error, and the server stops with MCP_MESSAGE_TOO_LARGE", async () => {
    const cwd = await shopWithSession();
    const spec = readFileSync(join(cwd, ".idse/projects/shop/sessions/auth/specs/spec.md"), "utf8");
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    };
    const big = {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "artifact_write", arguments: { stage: "spec", content: "x".repeat(11 << 20) } },
    };
    const r = spawnSync(BINARY, ["mcp", "--agent", "claude-code"], {
      cwd,
      env: env(cwd),
      input: `${JSON.stringify(init)}\n${JSON.stringify(big)}\n`,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    expect(r.status).toBe(1);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ id: null, error: { code: -32600 } });
    expect(r.stderr).toContain("error[MCP_MESSAGE_TOO_LARGE]");
    expect(r.stderr).toContain("`idse artifact write --file`");
    // Nothing was written.
    expect(readFileSync(join(cwd, ".idse/projects/shop/sessions/auth/specs/spec.md"), "utf8")).toBe(spec);
  });

  test("Streamable HTTP on 127.0.0.1 with a bearer token", async () => {
    const cwd = await shopWithSession();
    const token = "test-token-0123456789";
    const child = spawn(BINARY, ["mcp", "--http", "0", "--agent", "gpt-codex"], {
      cwd,
      env: env(cwd, { IDSE_MCP_TOKEN: token }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on("data", (c) => {
        err += c;
        const m = /127\.0\.0\.1:(\d+)\/mcp/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", () => reject(new Error(`exited: ${err}`)));
    });
    expect(err).toContain("bearer token from IDSE_MCP_TOKEN");
    expect(err).not.toContain(token);
    const url = new URL(`http://127.0.0.1:${port}/mcp`);

    const denied = await fetch(url, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(denied.status).toBe(401);
    // A page in a browser that rebinds a name to 127.0.0.1 sends its own Host: refused before MCP.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          method: "POST",
          headers: {
            host: `evil.example:${port}`,
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      const params = {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "x", version: "1" },
      };
      req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params }));
    });
    expect(rebound).toBe(403);

    const client = new Client({ name: "sdk-http", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    await client.listTools();
    const w = (await client.callTool({
      name: "artifact_write",
      arguments: { stage: "implementation", content: "# Impl\n" },
    })) as unknown as { isError?: boolean; structuredContent: { bytes: number } };
    expect(w.isError).toBeUndefined();
    expect(w.structuredContent.bytes).toBe(7);
    await client.close();

    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

describe("@modelcontextprotocol/inspector --cli against the binary", () => {
  const INSPECTOR = join(REPO, "node_modules", ".bin", "mcp-inspector");
  const inspect = (cwd: string, ...args: string[]) => {
    const r = spawnSync(INSPECTOR, ["--cli", BINARY, "mcp", "--agent", "claude-code", ...args], {
      cwd,
      env: { ...process.env, HOME: cwd },
      encoding: "utf8",
    });
    let json: unknown;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      throw new Error(`inspector printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
    // biome-ignore lint/suspicious/noExplicitAny: the inspector's JSON, checked field by field below
    return { code: r.status, json: json as any };
  };

  test("tools/list, tools/call (a result and a tool error), resources/read, prompts/get", async () => {
    const cwd = await shopWithSession();
    const list = inspect(cwd, "--method", "tools/list");
    expect(list.code).toBe(0);
    const status = list.json.tools.find((t: { name: string }) => t.name === "status");
    expect(status.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(status.outputSchema.type).toBe("object");

    const call = inspect(cwd, "--method", "tools/call", "--tool-name", "next");
    expect(call.code).toBe(0);
    expect(call.json.structuredContent.stage).toBe("intent");

    // A tool error stays a tool error (the inspector validates structuredContent against the outputSchema).
    const missing = inspect(
      cwd,
      "--method",
      "tools/call",
      "--tool-name",
      "artifact_read",
      "--tool-arg",
      "stage=spec",
      "--tool-arg",
      "session=nope",
    );
    expect(missing.json.isError).toBe(true);
    expect(missing.json.content[0].text).toContain("SESSION_NOT_FOUND");

    const res = inspect(cwd, "--method", "resources/read", "--uri", "idse://shop/auth/spec");
    expect(res.json.contents[0].uri).toBe("idse://shop/auth/spec");

    const prompt = inspect(
      cwd,
      "--method",
      "prompts/get",
      "--prompt-name",
      "idse-plan",
      "--prompt-args",
      "session=auth",
    );
    expect(prompt.json.messages[0].content.text).toContain("Write the plan (plan) for session auth");
  }, 120_000);

  test("the artifact-core test server's tool errors stay tool errors under the inspector", () => {
    const dir = tempDir();
    const state = join(dir, "state.json");
    writeFileSync(state, JSON.stringify({ version: 0, docs: {}, faults: [], calls: [] }));
    const r = spawnSync(
      INSPECTOR,
      [
        "--cli",
        process.execPath,
        join(REPO, "test/sync/mcp-server.ts"),
        "--stdio",
        "--state",
        state,
        "--method",
        "tools/call",
        "--tool-name",
        "get_document",
        "--tool-arg",
        "key=projects/p/none.md",
      ],
      { cwd: dir, encoding: "utf8" },
    );
    const out = JSON.parse(r.stdout);
    expect(out.isError).toBe(true);
    expect(JSON.parse(out.content[0].text)).toEqual({
      error: { code: "not_found", message: "no document projects/p/none.md" },
    });
  }, 120_000);

  test("without IDSE_MCP_TOKEN a random token is printed once on stderr, and it is the one that works", async () => {
    const cwd = await shopWithSession();
    const child = spawn(BINARY, ["mcp", "--http", "0"], {
      cwd,
      env: env(cwd),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    const [port, token] = await new Promise<[number, string]>((resolve, reject) => {
      child.stderr.on("data", (c) => {
        err += c;
        const m = /127\.0\.0\.1:(\d+)\/mcp\n.*: (\S+)\n/.exec(err);
        if (m) resolve([Number(m[1]), m[2]!]);
      });
      child.on("exit", () => reject(new Error(`exited: ${err}`)));
    });
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(err.split(token).length).toBe(2);
    const client = new Client({ name: "sdk-http", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    expect((await client.listPrompts()).prompts.length).toBe(7);
    await client.close();
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
