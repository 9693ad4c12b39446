import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

// A small Artifact Core over MCP for tests, built with the official SDK: the four tools of
// schemas/artifact-core.mcp.json over an in-memory map, with the REST test server's semantics (version
// tags, if_match, if_none_match, paging) and fault injection. Streamable HTTP on 127.0.0.1 (stateless: a
// server per request, all sharing one state), or stdio, where the state lives in a JSON file the test
// reads and edits between runs: `bun test/sync/mcp-server.ts --stdio --state FILE [--page-size N]
// [--tools list=a,get=b,put=c,remove=d] [--text-only]`.

export type Tool = "list" | "get" | "put" | "remove";

export interface McpDoc {
  text: string;
  hash: string;
  etag: string;
}

export interface McpFault {
  /** The contract's tool (whatever the server calls it); any when absent. */
  tool?: Tool;
  /** A substring of the key (or the listed prefix). */
  key?: string;
  times: number;
  /**
   * internal: an error result with code "internal"; unauthorized: code "unauthorized"; race: another
   * writer edits the document just before this call is served; badhash: a result whose hash is not its
   * text's; crash: the stdio server exits without answering; hang: never answers; delayMs: answers late.
   */
  kind: "internal" | "unauthorized" | "race" | "badhash" | "crash" | "hang" | { delayMs: number };
}

export interface McpState {
  version: number;
  docs: Record<string, McpDoc>;
  faults: McpFault[];
  /** The token a caller must hold (stdio: in IDSE_ARTIFACT_TOKEN; HTTP: the bearer header). */
  token?: string;
  /** Every call served, in order, with its arguments. */
  calls: { tool: Tool; args: Record<string, unknown> }[];
  /** The stdio server's process ids, one per start. */
  pids?: number[];
}

export interface McpServerOptions {
  tools?: Partial<Record<Tool, string>>;
  pageSize?: number;
  /** Results only as JSON text, no structuredContent (and no outputSchema): the fallback path. */
  textOnly?: boolean;
}

export const DEFAULT_TOOLS: Record<Tool, string> = {
  list: "list_documents",
  get: "get_document",
  put: "put_document",
  remove: "delete_document",
};

const sha256 = (t: string) => createHash("sha256").update(t, "utf8").digest("hex");

export function emptyState(token?: string): McpState {
  return { version: 0, docs: {}, faults: [], calls: [], ...(token ? { token } : {}) };
}

/** Stores a document as the server would (a new version tag), e.g. an edit made in Artifact Core. */
export function putDoc(state: McpState, key: string, text: string): McpDoc {
  const hash = sha256(text);
  const doc = { text, hash, etag: `"v${++state.version}-${hash.slice(0, 8)}"` };
  state.docs[key] = doc;
  return doc;
}

const Key = z.string().min(1).max(1024);
const Hash = z.string().regex(/^[0-9a-f]{64}$/);
const Entry = z.object({ key: Key, hash: Hash, etag: z.string().optional() });
const SHAPES = {
  list: {
    input: { prefix: z.string(), cursor: z.string().optional() },
    output: { documents: z.array(Entry), next_cursor: z.string().nullable().optional() },
  },
  get: {
    input: { key: Key },
    output: { key: Key, text: z.string(), hash: Hash, etag: z.string().optional() },
  },
  put: {
    input: {
      key: Key,
      text: z.string(),
      if_match: z.string().min(1).optional(),
      if_none_match: z.literal("*").optional(),
    },
    output: { key: Key, hash: Hash, etag: z.string().optional() },
  },
  remove: { input: { key: Key, if_match: z.string().min(1).optional() }, output: { deleted: z.boolean() } },
};

/**
 * An McpServer serving `state`. `changed` runs after every call that changed it (stdio persists then);
 * `exit` ends the process (the crash fault, stdio only).
 */
export function createMcpServer(
  state: McpState,
  o: McpServerOptions & { changed?: () => void; exit?: () => void; caller?: () => string | undefined } = {},
): McpServer {
  const names = { ...DEFAULT_TOOLS, ...o.tools };
  const server = new McpServer({ name: "artifact-core-test", version: "1.0.0" });
  // A failed call carries its ToolError only as JSON text: a client checks structuredContent against the
  // tool's outputSchema, which describes success, so an error there would turn into a protocol error.
  const result = (payload: Record<string, unknown>, isError = false): CallToolResult => ({
    content: [{ type: "text" as const, text: JSON.stringify(payload) }],
    ...(o.textOnly || isError ? {} : { structuredContent: payload }),
    ...(isError ? { isError: true } : {}),
  });
  const error = (code: string, message: string) => result({ error: { code, message } }, true);

  const takeFault = (tool: Tool, key: string) => {
    const f = state.faults.find(
      (x) => x.times > 0 && (!x.tool || x.tool === tool) && (x.key === undefined || key.includes(x.key)),
    );
    if (f) f.times--;
    return f;
  };

  const handlers: Record<Tool, (a: Record<string, string | undefined>) => CallToolResult> = {
    list({ prefix = "", cursor }) {
      const under = prefix === "" ? "" : `${prefix}/`;
      const all = Object.keys(state.docs)
        .filter((k) => k === prefix || k.startsWith(under))
        .sort();
      const start = Number(cursor ?? 0);
      const size = o.pageSize ?? 1000;
      const documents = all.slice(start, start + size).map((key) => {
        const d = state.docs[key]!;
        return { key, hash: d.hash, etag: d.etag };
      });
      return result({ documents, next_cursor: start + size < all.length ? String(start + size) : null });
    },
    get({ key }) {
      const d = state.docs[key!];
      if (!d) return error("not_found", `no document ${key}`);
      return result({ key, text: d.text, hash: d.hash, etag: d.etag });
    },
    put({ key, text, if_match, if_none_match }) {
      const current = state.docs[key!];
      if ((if_match !== undefined && current?.etag !== if_match) || (if_none_match === "*" && current)) {
        return error("stale", "the document changed");
      }
      const doc = putDoc(state, key!, text!);
      return result({ key, hash: doc.hash, etag: doc.etag });
    },
    remove({ key, if_match }) {
      const current = state.docs[key!];
      if (!current) return result({ deleted: false });
      if (if_match !== undefined && current.etag !== if_match) return error("stale", "the document changed");
      delete state.docs[key!];
      return result({ deleted: true });
    },
  };

  for (const tool of Object.keys(handlers) as Tool[]) {
    server.registerTool(
      names[tool],
      {
        description: `The contract's ${tool} tool (test server)`,
        inputSchema: SHAPES[tool].input,
        ...(o.textOnly ? {} : { outputSchema: SHAPES[tool].output }),
      },
      async (args: Record<string, string | undefined>) => {
        state.calls.push({ tool, args });
        try {
          const key = args.key ?? args.prefix ?? "";
          if (state.token !== undefined && o.caller && o.caller() !== state.token) {
            return error("unauthorized", "a valid token is required");
          }
          const fault = takeFault(tool, key);
          if (fault?.kind === "crash") {
            o.changed?.();
            o.exit?.();
            return await new Promise<never>(() => {});
          }
          if (fault?.kind === "hang") return await new Promise<never>(() => {});
          if (typeof fault?.kind === "object")
            await new Promise((r) => setTimeout(r, (fault.kind as { delayMs: number }).delayMs));
          if (fault?.kind === "internal") return error("internal", "injected fault");
          if (fault?.kind === "unauthorized") return error("unauthorized", "injected fault");
          if (fault?.kind === "race" && args.key)
            putDoc(state, args.key, `${state.docs[args.key]?.text ?? ""}raced\n`);
          const r = handlers[tool](args);
          if (fault?.kind === "badhash" && r.structuredContent && "hash" in r.structuredContent) {
            const bad = { ...r.structuredContent, hash: "0".repeat(64) };
            return {
              ...r,
              structuredContent: bad,
              content: [{ type: "text" as const, text: JSON.stringify(bad) }],
            };
          }
          return r;
        } finally {
          o.changed?.();
        }
      },
    );
  }
  return server;
}

export interface McpHttpServer {
  url: string;
  state: McpState;
  /** Authorization header of every HTTP request. */
  requests: { method: string; authorization?: string }[];
  /** Every request body, raw (to check nothing secret reached the server). */
  raw: string[];
  /** Answer the next N POSTs with this HTTP status (before MCP sees them). */
  httpFaults: { status: number; times: number }[];
  close(): Promise<void>;
}

/** Streamable HTTP on 127.0.0.1 at /mcp; with `token`, a request without that bearer token gets 401. */
export async function startMcpHttpServer(
  o: McpServerOptions & { token?: string } = {},
): Promise<McpHttpServer> {
  const state = emptyState();
  const requests: McpHttpServer["requests"] = [];
  const raw: string[] = [];
  const httpFaults: McpHttpServer["httpFaults"] = [];
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    requests.push({ method: req.method ?? "", authorization: req.headers.authorization });
    raw.push(`${JSON.stringify(req.headers)}\n${body}`);
    if (new URL(req.url ?? "/", "http://127.0.0.1").pathname !== "/mcp")
      return json(res, 404, { error: "not found" });
    if (o.token !== undefined && req.headers.authorization !== `Bearer ${o.token}`) {
      // Echoes what it got, as careless servers do: the client must not repeat it.
      return json(
        res,
        401,
        { error: `unauthorized: ${req.headers.authorization}` },
        { "www-authenticate": "Bearer" },
      );
    }
    const fault = req.method === "POST" ? httpFaults.find((f) => f.times > 0) : undefined;
    if (fault) {
      fault.times--;
      return json(res, fault.status, { error: "injected" });
    }
    // Stateless: a server and a transport per request, sharing the state.
    const server = createMcpServer(state, o);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on("close", () => {
      transport.close().catch(() => {});
      server.close().catch(() => {});
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body ? JSON.parse(body) : undefined);
  }

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch((err) => {
        if (!res.headersSent) json(res, 500, { error: String(err) });
      });
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    state,
    requests,
    raw,
    httpFaults,
    close: () =>
      new Promise<void>((r) => {
        http.closeAllConnections?.();
        http.close(() => r());
      }),
  };
}

/** The stdio server's state; a file that does not exist yet is an empty Artifact Core. */
export function readState(file: string): McpState {
  if (!existsSync(file)) return { version: 0, docs: {}, faults: [], calls: [] };
  return JSON.parse(readFileSync(file, "utf8"));
}

export function writeState(file: string, state: McpState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const file = arg("--state");
  if (!process.argv.includes("--stdio") || !file) {
    process.stderr.write(
      "usage: bun test/sync/mcp-server.ts --stdio --state FILE [--page-size N] [--tools list=a,…]\n",
    );
    process.exit(2);
  }
  const tools = Object.fromEntries(
    (arg("--tools") ?? "")
      .split(",")
      .filter(Boolean)
      .map((p) => p.split("=")),
  );
  const state = readState(file);
  state.pids = [...(state.pids ?? []), process.pid];
  writeState(file, state);
  const server = createMcpServer(state, {
    tools,
    pageSize: arg("--page-size") ? Number(arg("--page-size")) : undefined,
    textOnly: process.argv.includes("--text-only"),
    changed: () => writeState(file, state),
    exit: () => process.exit(3),
    caller: () => process.env.IDSE_ARTIFACT_TOKEN,
  });
  // Its log goes to stderr, which the plugin forwards through the host.
  process.stderr.write(`artifact-core-test: serving ${Object.keys(state.docs).length} documents\n`);
  // The client closes stdin to stop the server: exit then, rather than wait to be killed.
  process.stdin.on("end", () => process.exit(0));
  await server.connect(new StdioServerTransport());
}
