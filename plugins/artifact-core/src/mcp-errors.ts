import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError, ErrorCode as RpcCode } from "@modelcontextprotocol/sdk/types.js";
import { type TransportCode, transportError } from "./http.ts";
import type { ToolError } from "./mcp-contract.ts";

// What an MCP failure means for sync: the transport codes of docs/sync.md "Transports", the same as the
// REST client's, and whether the call may be tried again (every call is safe to repeat: reads, and
// conditional writes) and on a new connection.

export type Failure = Error & { code: TransportCode; data: Record<string, unknown> };
export type ToolFailure = ToolError;

export interface ErrorContext {
  server: string;
  tool: string;
  timeoutMs: number;
  stdio: boolean;
  token: string | undefined;
  /** Whether the connection was up when the call failed (else it failed while connecting). */
  connected: boolean;
  /** The stdio child's last stderr line (its last words, when it exits), already scrubbed. */
  lastStderr: string;
  /** Scrubs the token and trims a server-supplied text to one short line. */
  snippet(s: string): string;
}

export interface Classified {
  error: Failure;
  retry: boolean;
  reconnect: boolean;
}

const isFailure = (e: unknown): e is Failure =>
  e instanceof Error && typeof (e as Failure).code === "string" && /^REMOTE_/.test((e as Failure).code);

const authHint = (token: string | undefined) =>
  token ? "the token was refused" : "no token: set IDSE_ARTIFACT_TOKEN";

/** A thrown error (from the SDK, the network or a child process) as a transport error. */
export function classify(err: unknown, c: ErrorContext): Classified {
  const fail = (code: TransportCode, message: string, retry = false, reconnect = retry): Classified => ({
    error: transportError(code, message, { server: c.server, tool: c.tool }),
    retry,
    reconnect,
  });
  // Ours already (a missing tool, a program that cannot start) or the host's (a refused origin).
  if (isFailure(err))
    return { error: Object.assign(err, { message: c.snippet(err.message) }), retry: false, reconnect: false };
  if (err instanceof McpError) {
    if (err.code === RpcCode.RequestTimeout)
      return fail("REMOTE_TIMEOUT", `no answer within ${c.timeoutMs} ms`, true, false);
    if (err.code === RpcCode.ConnectionClosed) {
      const last = c.lastStderr ? ` (its last stderr line: ${c.lastStderr})` : "";
      return fail(
        "REMOTE_UNREACHABLE",
        c.stdio ? `the MCP server exited${last}` : "the MCP server closed the connection",
        true,
      );
    }
    const code = err.code === RpcCode.InternalError ? "REMOTE_ERROR" : "REMOTE_PROTOCOL";
    return fail(code, `the MCP server answered an error: ${c.snippet(err.message)}`);
  }
  if (err instanceof StreamableHTTPError) {
    const status = err.code ?? 0;
    // The body is left out: a careless server echoes the Authorization header there.
    if (status === 401 || status === 403) return fail("REMOTE_AUTH", `${status} (${authHint(c.token)})`);
    if (status === 429 || (status >= 500 && status !== 501 && status !== 505)) {
      // Each Streamable HTTP request stands alone: the session survives a 5xx, so only the call is redone.
      return fail("REMOTE_UNAVAILABLE", `the MCP endpoint answered ${status}`, true, false);
    }
    // 404 on a session we hold: the server forgot it, and MCP says to start a new one.
    if (status === 404 && c.connected) return fail("REMOTE_ERROR", "the MCP session expired", true);
    if (status === -1)
      return fail("REMOTE_PROTOCOL", `the MCP endpoint answered off the protocol: ${c.snippet(err.message)}`);
    return fail("REMOTE_ERROR", `the MCP endpoint answered ${status}: ${c.snippet(err.message)}`);
  }
  const name = (err as Error)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return fail("REMOTE_TIMEOUT", `no answer within ${c.timeoutMs} ms`, true, false);
  }
  // A failed write to a stdio child means it is gone; over HTTP the next request may well get through.
  const message = c.snippet((err as Error)?.message ?? String(err));
  return fail("REMOTE_UNREACHABLE", `cannot reach the MCP server: ${message}`, true, c.stdio);
}

/** A contract error result the calling method does not handle itself. */
export function toolFailure(
  f: ToolFailure,
  c: Pick<ErrorContext, "server" | "tool" | "token" | "snippet">,
  key?: string,
): Failure {
  const data = { server: c.server, tool: c.tool, ...(key ? { key } : {}) };
  const why = `${f.error.code}: ${c.snippet(f.error.message)}`;
  if (f.error.code === "stale")
    return transportError("REMOTE_STALE", `the remote document changed (${why})`, data);
  if (f.error.code === "unauthorized")
    return transportError("REMOTE_AUTH", `${why} (${authHint(c.token)})`, data);
  return transportError("REMOTE_ERROR", `"${c.tool}" failed: ${why}`, data);
}
