import { createHash } from "node:crypto";
import { basename } from "node:path";
import * as v from "valibot";
import type { HostApi, RemoteEntry, SyncTransport } from "../../../src/plugins/api.ts";
import type { McpOptions } from "./contract.ts";
import { backoffMs, transportError } from "./http.ts";
import { MCP_TOOLS, type Tool, ToolError, type ToolInput, type ToolOutput } from "./mcp-contract.ts";
import { classify, type ErrorContext, toolFailure } from "./mcp-errors.ts";
import { openSession, type Session } from "./mcp-session.ts";

// artifact-core over MCP, through the official SDK (mcp-session.ts): Streamable HTTP at `url` or stdio (a
// child run from `command`). One connection per run, opened by the first call and shared by concurrent
// calls. Tool results are parsed with the models of mcp-contract.ts, hashes checked as over REST, and
// failures carry the REST client's codes (mcp-errors.ts). Calls that failed in transit are retried like
// REST requests (`retries`, exponential backoff with jitter), on a new connection when the old one is gone.

const TOKEN_VARS = ["IDSE_ARTIFACT_TOKEN", "IDSE_AGENCY_TOKEN"] as const;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failed = (r: object): r is ToolError => "error" in r;

/**
 * A success: the structured result, or JSON in the first text block (what servers without an outputSchema
 * send). A failure: the ToolError in the first text block, where the contract puts it (structuredContent
 * is for results that match the outputSchema); a structured one from an older server is still read.
 */
function payload(result: { isError?: boolean; structuredContent?: unknown; content?: unknown }): unknown {
  if (!result.isError && result.structuredContent !== undefined) return result.structuredContent;
  const first = Array.isArray(result.content)
    ? (result.content[0] as { type?: string; text?: unknown })
    : undefined;
  const text = first?.type === "text" && typeof first.text === "string" ? first.text : undefined;
  let parsed: unknown = text;
  try {
    if (text !== undefined) parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text, reported off the contract below
  }
  if (result.isError && !v.is(ToolError, parsed) && result.structuredContent !== undefined) {
    return result.structuredContent;
  }
  return parsed;
}

export function mcpTransport(host: HostApi, o: McpOptions): SyncTransport {
  const names: Record<Tool, string> = o.tools;
  const env: Record<string, string> = {};
  for (const name of TOKEN_VARS) {
    const value = host.env(name);
    if (value) env[name] = value;
  }
  const token = env.IDSE_ARTIFACT_TOKEN || env.IDSE_AGENCY_TOKEN;
  // Defence in depth: idse redacts output too, but nothing this plugin builds holds the token.
  const scrub = (s: string) => (token ? s.split(token).join("[REDACTED]") : s);
  const snippet = (s: string) => scrub(s).replace(/\s+/g, " ").trim().slice(0, 200);
  const stdio = o.transport === "mcp-stdio";
  const server = o.transport === "mcp" ? o.url : basename(o.command[0]!);
  const ctx = (tool: Tool, connected = true): ErrorContext => ({
    server,
    tool: names[tool],
    timeoutMs: o.timeout_ms,
    stdio,
    token,
    connected,
    lastStderr,
    snippet,
  });
  let lastStderr = "";
  let current: Promise<Session> | undefined;
  let disposed = false;

  const connect = (): Promise<Session> => {
    if (disposed) return Promise.reject(transportError("REMOTE_ERROR", "the transport was disposed"));
    if (!current) {
      const opening: Promise<Session> = openSession(host, o, {
        env,
        token,
        names,
        server,
        onStderr(line) {
          lastStderr = snippet(line);
          host.log("info", `${server}: ${scrub(line)}`);
        },
        onClose() {
          if (current === opening) current = undefined;
        },
      });
      current = opening;
      opening.catch(() => {
        if (current === opening) current = undefined;
      });
    }
    return current;
  };

  /** Forgets a broken connection (unless another call replaced it already), so the next call reconnects. */
  const drop = (s: Promise<Session>) => {
    if (current !== s) return;
    current = undefined;
    s.then((x) => x.client.close()).catch(() => {});
  };

  async function call<T extends Tool>(tool: T, args: ToolInput<T>): Promise<ToolOutput<T> | ToolError> {
    const name = names[tool];
    let result: { isError?: boolean; structuredContent?: unknown; content?: unknown };
    for (let attempt = 0; ; attempt++) {
      const s = connect();
      let connected = false;
      try {
        const { client } = await s;
        connected = true;
        // A result of the protocol's old `toolResult` form has no content: off the contract, below.
        result = (await client.callTool({ name, arguments: args }, undefined, {
          timeout: o.timeout_ms,
        })) as typeof result;
        break;
      } catch (err) {
        const c = classify(err, ctx(tool, connected));
        if (!c.retry || attempt >= o.retries || disposed) throw c.error;
        if (c.reconnect) drop(s);
        if (attempt === 0) host.log("info", `${name}: ${c.error.message}; retrying`);
        await sleep(backoffMs(attempt, o));
      }
    }
    const body = payload(result);
    const where = { server, tool: name };
    if (result.isError) {
      const e = v.safeParse(ToolError, body);
      if (e.success) return e.output;
      const text = typeof body === "string" ? body : JSON.stringify(body ?? null);
      throw transportError("REMOTE_PROTOCOL", `"${name}" failed off the contract: ${snippet(text)}`, where);
    }
    const r = v.safeParse(MCP_TOOLS[tool].output, body);
    if (!r.success) {
      throw transportError("REMOTE_PROTOCOL", `the result of "${name}" does not follow the contract`, where);
    }
    return r.output as ToolOutput<T>;
  }

  return {
    async list(prefix) {
      const out: RemoteEntry[] = [];
      const seen = new Set<string>();
      let cursor: string | null | undefined;
      do {
        const page = await call("list", cursor ? { prefix, cursor } : { prefix });
        if (failed(page)) throw toolFailure(page, ctx("list"));
        for (const d of page.documents) out.push(d.etag ? d : { key: d.key, hash: d.hash });
        cursor = page.next_cursor;
        // A server that hands back a cursor it gave before would page forever.
        if (cursor && seen.has(cursor)) {
          throw transportError("REMOTE_PROTOCOL", "the document list repeats a cursor", { server });
        }
        if (cursor) seen.add(cursor);
      } while (cursor);
      return out;
    },

    async get(key) {
      const doc = await call("get", { key });
      if (failed(doc)) {
        if (doc.error.code === "not_found") return undefined;
        throw toolFailure(doc, ctx("get"), key);
      }
      if (sha256(doc.text) !== doc.hash) {
        throw transportError("REMOTE_PROTOCOL", "the document's hash does not match its text", { key });
      }
      return doc.etag ? { text: doc.text, etag: doc.etag } : { text: doc.text };
    },

    async put(key, text, opts?: { ifMatch?: string; ifNoneMatch?: "*" }) {
      const cond =
        opts?.ifMatch !== undefined
          ? { if_match: opts.ifMatch }
          : opts?.ifNoneMatch === "*"
            ? { if_none_match: "*" as const }
            : {};
      const stored = await call("put", { key, text, ...cond });
      if (failed(stored)) throw toolFailure(stored, ctx("put"), key);
      if (stored.hash !== sha256(text)) {
        throw transportError("REMOTE_PROTOCOL", "the remote stored different text than was sent", { key });
      }
      return stored.etag ? { etag: stored.etag } : {};
    },

    async remove(key, opts) {
      const r = await call("remove", opts?.ifMatch !== undefined ? { key, if_match: opts.ifMatch } : { key });
      // Already gone is what was asked for (REST treats a 404 the same).
      if (failed(r) && r.error.code !== "not_found") throw toolFailure(r, ctx("remove"), key);
    },

    async dispose() {
      disposed = true;
      const s = current;
      current = undefined;
      const session = await s?.catch(() => undefined);
      if (!session) return;
      // Ends the server's session over HTTP; closing a stdio client ends the child's stdin, then kills it.
      await session.http?.terminateSession().catch(() => {});
      await session.client.close().catch(() => {});
    },
  };
}
