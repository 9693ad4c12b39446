import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { McpEnv } from "./context.ts";
import { createServer, type ServerOptions } from "./server.ts";

// `idse mcp --http <port>`: Streamable HTTP at http://127.0.0.1:<port>/mcp, on loopback only. Every
// request carries `Authorization: Bearer <token>`: the token comes from IDSE_MCP_TOKEN, else a random one
// is printed once on stderr. Host headers other than 127.0.0.1/localhost are refused (DNS rebinding).
// One MCP session per initialize, each with its own Server; SIGTERM/SIGINT close them all.

export const TOKEN_VAR = "IDSE_MCP_TOKEN";
const MAX_BODY = 8 * 1024 * 1024;

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}
const rpcError = (code: number, message: string) => ({ jsonrpc: "2.0", id: null, error: { code, message } });

function authorized(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error("request body too large");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export interface HttpOptions extends ServerOptions {
  port: number;
  env: Record<string, string | undefined>;
  stderr(text: string): void;
  /** Called with the bound port once listening (tests pass port 0). */
  listening?: (port: number) => void;
}

export async function serveHttp(env: McpEnv, o: HttpOptions): Promise<void> {
  const fromEnv = o.env[TOKEN_VAR];
  const token = fromEnv || randomBytes(24).toString("base64url");
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let port = o.port;

  const http = createHttpServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      if (path !== "/mcp") return reply(res, 404, rpcError(-32600, "not found: the MCP endpoint is /mcp"));
      if (!authorized(req, token)) {
        return reply(res, 401, rpcError(-32001, "missing or wrong bearer token"), {
          "www-authenticate": 'Bearer realm="idse"',
        });
      }
      const id = req.headers["mcp-session-id"];
      const known = typeof id === "string" ? sessions.get(id) : undefined;
      if (req.method !== "POST") {
        if (!known) return reply(res, 400, rpcError(-32600, "no such MCP session"));
        return await known.handleRequest(req, res);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(await body(req));
      } catch (err) {
        return reply(res, 400, rpcError(-32700, `Parse error: ${(err as Error).message}`));
      }
      if (known) return await known.handleRequest(req, res, parsed);
      if (id !== undefined || !isInitializeRequest(parsed)) {
        return reply(
          res,
          id === undefined ? 400 : 404,
          rpcError(-32600, "no such MCP session: initialize first"),
        );
      }
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => {
          sessions.set(sid, transport);
        },
        enableDnsRebindingProtection: true,
        allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
      });
      const server = createServer(env, {
        ...o,
        onclose: () => {
          if (transport.sessionId) sessions.delete(transport.sessionId);
        },
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, parsed);
    } catch (err) {
      o.log?.(`idse mcp: ${(err as Error).message}\n`);
      if (!res.headersSent) reply(res, 500, rpcError(-32603, "internal error"));
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(o.port, "127.0.0.1", () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  // One write, so a reader that sees the address also sees how to authenticate.
  o.stderr(
    `idse mcp: listening on http://127.0.0.1:${port}/mcp\n${
      fromEnv
        ? `idse mcp: bearer token from ${TOKEN_VAR}\n`
        : `idse mcp: bearer token (shown once; set ${TOKEN_VAR} to choose it): ${token}\n`
    }`,
  );
  o.listening?.(port);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      for (const t of sessions.values()) void t.close().catch(() => {});
      sessions.clear();
      http.close(() => resolve());
      http.closeAllConnections?.();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
