import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ListToolsResultSchema } from "@modelcontextprotocol/sdk/types.js";
import Ajv2020 from "ajv/dist/2020.js";
import * as v from "valibot";
import artifactCore from "../../plugins/artifact-core/src/index.ts";
import { MCP_TOOLS, type Tool, ToolError } from "../../plugins/artifact-core/src/mcp-contract.ts";
import type { HostApi, SyncTransport } from "../../src/plugins/api.ts";
import { REPO, tempDir } from "../helpers.ts";
import {
  createMcpServer,
  emptyState,
  type McpHttpServer,
  type McpServerOptions,
  type McpState,
  putDoc,
  readState,
  startMcpHttpServer,
  writeState,
} from "./mcp-server.ts";

// schemas/artifact-core.mcp.json is generated from the plugin's models (scripts/gen-schemas.ts checks it
// is current). This holds the test server to it — every result and error it returns — and the plugin's
// requests too, and checks the transport's plumbing below the CLI: every HTTP request through host.fetch,
// one connection for concurrent calls, and dispose ending a stdio server.

// biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by key
type Json = any;
const DOC: Json = JSON.parse(readFileSync(join(REPO, "schemas", "artifact-core.mcp.json"), "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
const byName = new Map<string, Json>(DOC.tools.map((t: Json) => [t.name, t]));
const TOOLS = Object.keys(MCP_TOOLS) as Tool[];
const docTool = (tool: Tool) => byName.get(MCP_TOOLS[tool].name);
const validate = {
  input: (tool: Tool) => ajv.compile(docTool(tool).inputSchema),
  output: (tool: Tool) => ajv.compile(docTool(tool).outputSchema),
  error: ajv.compile(DOC.errorSchema),
};
const T = 20_000;

const servers: McpHttpServer[] = [];
const transports: SyncTransport[] = [];
afterEach(async () => {
  for (const t of transports.splice(0)) await t.dispose?.();
  for (const s of servers.splice(0)) await s.close();
});

test("the document is a tools/list result, with the plugin's default names and compiling schemas", () => {
  expect(ListToolsResultSchema.safeParse({ tools: DOC.tools }).success).toBe(true);
  expect(DOC.tools.map((t: Json) => t.name)).toEqual([
    "list_documents",
    "get_document",
    "put_document",
    "delete_document",
  ]);
  for (const tool of TOOLS) {
    expect(() => validate.input(tool)).not.toThrow();
    expect(() => validate.output(tool)).not.toThrow();
    expect(docTool(tool).inputSchema.type).toBe("object");
  }
  expect(DOC.errorSchema.properties.error.properties.code.enum).toEqual([
    "not_found",
    "stale",
    "unauthorized",
    "invalid",
    "internal",
  ]);
});

/** Calls the test server in-process and checks every result against the document and the models. */
async function exercise(o: McpServerOptions) {
  const state = emptyState();
  const server = createMcpServer(state, o);
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: "contract-test", version: "1" });
  await client.connect(a);
  // Listed first, as the inspector and IDE clients do: the Client then checks every structuredContent
  // against the outputSchema, and a tool error must still arrive as a tool error.
  await client.listTools();
  const seen: string[] = [];
  const call = async (tool: Tool, args: Record<string, unknown>) => {
    const r = await client.callTool({ name: MCP_TOOLS[tool].name, arguments: args });
    const first = (r.content as { type: string; text: string }[])[0]!;
    const body = r.isError ? JSON.parse(first.text) : (r.structuredContent ?? JSON.parse(first.text));
    // An error is never structuredContent: that is checked against the success outputSchema.
    if (o.textOnly || r.isError) expect(r.structuredContent).toBeUndefined();
    else expect(JSON.parse(first.text)).toEqual(body);
    if (r.isError) {
      expect(validate.error(body), JSON.stringify(validate.error.errors)).toBe(true);
      expect(v.safeParse(ToolError, body).success).toBe(true);
      seen.push(`${tool}:${body.error.code}`);
    } else {
      const out = validate.output(tool);
      expect(out(body), JSON.stringify(out.errors)).toBe(true);
      expect(v.safeParse(MCP_TOOLS[tool].output, body).success).toBe(true);
      seen.push(tool);
    }
    return body;
  };
  const keys = [1, 2, 3, 4, 5].map((i) => `projects/p/sessions/s/doc${i}.md`);
  for (const key of keys) await call("put", { key, text: `# ${key}\n`, if_none_match: "*" });
  const created = await call("put", { key: keys[0], text: "again", if_none_match: "*" });
  expect(created.error.code).toBe("stale");
  let page = await call("list", { prefix: "projects/p" });
  const listed = [...page.documents];
  while (page.next_cursor) {
    page = await call("list", { prefix: "projects/p", cursor: page.next_cursor });
    listed.push(...page.documents);
  }
  expect(listed.map((d: { key: string }) => d.key)).toEqual(keys);
  const doc = await call("get", { key: keys[0] });
  await call("put", { key: keys[0], text: "new", if_match: doc.etag });
  await call("put", { key: keys[0], text: "newer", if_match: doc.etag }); // stale now
  await call("get", { key: "projects/p/none.md" });
  await call("remove", { key: keys[1], if_match: '"nope"' });
  await call("remove", { key: keys[1] });
  await call("remove", { key: keys[1] });
  state.faults.push({ tool: "get", times: 1, kind: "internal" }, { times: 1, kind: "unauthorized" });
  await call("get", { key: keys[2] });
  await call("list", { prefix: "" });
  await client.close();
  return seen;
}

describe("every result of the test server follows the document and the plugin's models", () => {
  for (const textOnly of [false, true]) {
    test(textOnly ? "as JSON text" : "as structured content", async () => {
      const seen = await exercise({ pageSize: 2, textOnly });
      // Every tool, and every error the server can give, was seen and checked.
      expect(new Set(seen)).toEqual(
        new Set([
          "put",
          "put:stale",
          "list",
          "get",
          "get:not_found",
          "remove:stale",
          "remove",
          "get:internal",
          "list:unauthorized",
        ]),
      );
      expect(seen.filter((s) => s === "list").length).toBe(3); // paged: 5 documents, 2 a page
    });
  }

  test("the checks have teeth", () => {
    const ok = {
      key: "a.md",
      text: "x",
      hash: "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
    };
    expect(validate.output("get")(ok)).toBe(true);
    for (const bad of [
      { ...ok, hash: "XYZ" },
      { text: "x", hash: ok.hash },
      { ...ok, key: "" },
    ]) {
      expect(validate.output("get")(bad)).toBe(false);
      expect(v.safeParse(MCP_TOOLS.get.output, bad).success).toBe(false);
    }
    expect(validate.error({ error: { code: "gone", message: "x" } })).toBe(false);
    expect(v.safeParse(ToolError, { error: { code: "gone", message: "x" } }).success).toBe(false);
    expect(validate.input("put")({ key: "a", text: "x", if_none_match: "etag" })).toBe(false);
  });
});

function fakeHost(options: Record<string, unknown>, env: Record<string, string> = {}, cwd = REPO) {
  const fetched: string[] = [];
  const logs: string[] = [];
  const host: HostApi = {
    apiVersion: 1,
    idseVersion: "0.0.0-test",
    plugin: { name: "artifact-core", options },
    fetch(input, init) {
      fetched.push(String(input));
      return fetch(input, init);
    },
    env: (name) => env[name],
    log: (_level, message) => {
      logs.push(message);
    },
    workspace: { root: cwd, idseDir: join(cwd, ".idse") },
  };
  return { host, fetched, logs };
}

async function open(options: Record<string, unknown>, env?: Record<string, string>) {
  const f = fakeHost(options, env);
  // The plugin parses its options itself; the host's validation is not what is under test here.
  const t = await artifactCore(f.host as Parameters<typeof artifactCore>[0]).createTransport();
  transports.push(t);
  return { t, ...f };
}

describe("the MCP transport below the CLI", () => {
  test(
    "over HTTP: every request through host.fetch; one connection for concurrent calls; requests follow the document",
    async () => {
      const server = await startMcpHttpServer({ pageSize: 3 });
      servers.push(server);
      const { t, fetched } = await open({ transport: "mcp", url: server.url });
      expect(fetched).toEqual([]); // connects on the first call, not before
      const keys = Array.from({ length: 8 }, (_, i) => `projects/p/sessions/s/d${i}.md`);
      const puts = await Promise.all(keys.map((k) => t.put(k, `# ${k}\n`, { ifNoneMatch: "*" } as never)));
      const listed = await t.list("projects/p");
      expect(listed.map((e) => e.key)).toEqual(keys);
      expect(await t.get(keys[0]!)).toEqual({ text: `# ${keys[0]}\n`, etag: puts[0]!.etag! });
      expect(await t.get("projects/p/none.md")).toBeUndefined();
      await t.put(keys[0]!, "new\n", { ifMatch: puts[0]!.etag! });
      await expect(t.put(keys[1]!, "x", { ifMatch: '"old"' })).rejects.toMatchObject({
        code: "REMOTE_STALE",
      });
      await t.remove!(keys[2]!, { ifMatch: puts[2]!.etag! });
      await t.remove!(keys[2]!); // already gone: not an error
      expect(server.state.docs[keys[2]!]).toBeUndefined();

      expect(fetched.length).toBe(server.requests.length);
      expect(fetched.every((u) => u === server.url)).toBe(true);
      expect(server.raw.filter((r) => r.includes('"method":"initialize"'))).toHaveLength(1);
      // What the plugin sent follows the published input schemas.
      for (const c of server.state.calls) {
        const check = validate.input(c.tool);
        expect(check(c.args), `${c.tool} ${JSON.stringify(check.errors)}`).toBe(true);
      }
      const sent = server.state.calls.map((c) => Object.keys(c.args).sort().join(","));
      expect(sent).toContain("if_none_match,key,text");
      expect(sent).toContain("if_match,key,text");
      expect(sent).toContain("cursor,prefix");
    },
    T,
  );

  test(
    "over stdio: one child for the run, ended by dispose; the token in its environment",
    async () => {
      const file = join(tempDir("idse-mcp-"), "state.json");
      const state: McpState = emptyState("tok-unit-1234");
      putDoc(state, "projects/p/a.md", "a\n");
      writeState(file, state);
      const server = join(REPO, "test", "sync", "mcp-server.ts");
      const { t, logs } = await open(
        { transport: "mcp-stdio", command: [process.execPath, server, "--stdio", "--state", file] },
        { IDSE_ARTIFACT_TOKEN: "tok-unit-1234" },
      );
      const results = await Promise.all(Array.from({ length: 8 }, () => t.get("projects/p/a.md")));
      expect(results.every((r) => r?.text === "a\n")).toBe(true);
      const { pids } = readState(file);
      expect(pids).toHaveLength(1);
      expect(() => process.kill(pids![0]!, 0)).not.toThrow();
      await t.dispose!();
      expect(() => process.kill(pids![0]!, 0)).toThrow();
      expect(logs.some((l) => l.includes("artifact-core-test: serving 1 documents"))).toBe(true);
      await expect(t.list("projects")).rejects.toThrow("disposed");
    },
    T,
  );
});
