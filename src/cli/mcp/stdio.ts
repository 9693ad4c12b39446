import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { IdseError } from "../../errors.ts";
import { realStdout } from "../../plugins/stdout-guard.ts";
import type { McpEnv } from "./context.ts";
import { createServer, type ServerOptions } from "./server.ts";

// `idse mcp` over stdio: newline-delimited JSON-RPC on stdin/stdout, logs on stderr. The server ends when
// the client closes stdin, or on SIGTERM/SIGINT, and then the command returns (exit 0).

/** Serves until stdin closes or a signal arrives. */
export async function serveStdio(env: McpEnv, o: ServerOptions): Promise<void> {
  let finish!: () => void;
  const closed = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const server = createServer(env, { ...o, onclose: () => finish() });
  // The real standard output stream, even when a plugin loaded earlier has led it to stderr.
  const transport = new StdioServerTransport(process.stdin, realStdout());
  await server.connect(transport);
  // The SDK drops a line it cannot parse with no answer; JSON-RPC answers it with an error and id null
  // (-32700 for text that is not JSON, -32600 for JSON that is not a JSON-RPC message).
  const onerror = transport.onerror;
  let tooLarge = false;
  transport.onerror = (err) => {
    // A line longer than the SDK's read buffer (10 MB) ends the transport: the client gets an answer
    // (JSON-RPC's "invalid request", id null, since the line was never read) and the command fails.
    if (/ReadBuffer exceeded maximum size/.test(String((err as Error)?.message))) {
      tooLarge = true;
      const reply = {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: `Invalid Request: a message over ${MAX_MB} MB` },
      };
      transport.send(reply as unknown as JSONRPCMessage).catch(() => {});
      onerror?.(err);
      return;
    }
    const parse = err instanceof SyntaxError;
    const invalid = !parse && (err as { name?: string })?.name === "ZodError";
    if (parse || invalid) {
      const message = parse ? `Parse error: ${err.message}` : "Invalid Request: not a JSON-RPC 2.0 message";
      const reply = { jsonrpc: "2.0", id: null, error: { code: parse ? -32700 : -32600, message } };
      transport.send(reply as unknown as JSONRPCMessage).catch(() => {});
    }
    onerror?.(err);
  };
  const stop = () => {
    void server.close().catch(() => finish());
  };
  // A client may write its last request and close stdin at once (`echo … | idse mcp`): requests already
  // read are answered before the server closes.
  const inflight = new Set<string | number>();
  let ended = false;
  const onmessage = transport.onmessage;
  transport.onmessage = (msg: JSONRPCMessage) => {
    if ("method" in msg && "id" in msg) inflight.add(msg.id);
    onmessage?.(msg);
  };
  const send = transport.send.bind(transport);
  transport.send = async (msg: JSONRPCMessage) => {
    await send(msg);
    const id = "method" in msg ? undefined : (msg as { id?: string | number | null }).id;
    if (id != null && inflight.delete(id) && ended && inflight.size === 0) stop();
  };
  const end = () => {
    ended = true;
    if (inflight.size === 0) stop();
  };
  process.stdin.once("end", end);
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  try {
    await closed;
  } finally {
    process.stdin.off("end", end);
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    // Nothing more will be read: let the process exit.
    process.stdin.pause();
    process.stdin.unref?.();
  }
  if (tooLarge) throw new IdseError("MCP_MESSAGE_TOO_LARGE", { max_mb: MAX_MB });
}

/** The SDK's stdio read buffer (STDIO_DEFAULT_MAX_BUFFER_SIZE): one JSON-RPC line may not be longer. */
const MAX_MB = 10;
