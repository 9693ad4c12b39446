import { statSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { JsonSchemaValidator, jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { HostApi } from "../../../src/plugins/api.ts";
import type { McpOptions } from "./contract.ts";
import { transportError } from "./http.ts";
import type { Tool } from "./mcp-contract.ts";

// Opens one MCP connection: the SDK's client over Streamable HTTP (through host.fetch, so the host's
// origin restriction holds, with the bearer token) or over stdio (a child run from `command`), then
// checks that the server offers the tools the remote names.

export interface Session {
  client: Client;
  /** Over HTTP, to end the server's session on dispose. */
  http?: StreamableHTTPClientTransport;
}

export interface SessionContext {
  /** Token variables that are set: sent to a stdio child; the token also as a bearer header over HTTP. */
  env: Record<string, string>;
  token: string | undefined;
  names: Record<Tool, string>;
  /** How messages name the server. */
  server: string;
  /** One line of a stdio child's stderr. */
  onStderr(line: string): void;
  /** The connection ended (a child exited, the client closed). */
  onClose(): void;
}

// The models in mcp-contract.ts judge every result; the SDK's own check against the schema a server
// declares is skipped, so an answer off the contract is always REMOTE_PROTOCOL, from one place.
const trustModels: jsonSchemaValidator = {
  getValidator<T>(): JsonSchemaValidator<T> {
    return (input) => ({ valid: true, data: input as T, errorMessage: undefined });
  },
};

function stdioTransport(
  host: HostApi,
  o: Extract<McpOptions, { transport: "mcp-stdio" }>,
  c: SessionContext,
) {
  const [program, ...args] = o.command;
  const cwd = resolve(host.workspace?.root ?? process.cwd(), o.cwd ?? ".");
  // A missing cwd fails the spawn with the same ENOENT as a missing program: say which it is.
  if (!statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw transportError("REMOTE_CONFIG", `the MCP server's cwd ${JSON.stringify(o.cwd)} is not a directory`);
  }
  const child = new StdioClientTransport({
    command: program!,
    args,
    cwd,
    env: c.env, // added to the SDK's default environment (PATH, HOME, …), nothing else of idse's
    stderr: "pipe",
  });
  // The server's stderr is its log: a line at a time, never printed raw.
  createInterface({ input: child.stderr as Readable }).on("line", (line) => {
    if (line.trim()) c.onStderr(line);
  });
  return child;
}

export async function openSession(host: HostApi, o: McpOptions, c: SessionContext): Promise<Session> {
  const http =
    o.transport === "mcp"
      ? new StreamableHTTPClientTransport(new URL(o.url), {
          fetch: (url, init) => host.fetch(url, init),
          requestInit: {
            headers: {
              "user-agent": `idse/${host.idseVersion} artifact-core/0.1.0`,
              ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
            },
          },
        })
      : undefined;
  const child = o.transport === "mcp-stdio" ? stdioTransport(host, o, c) : undefined;
  const client = new Client(
    { name: "idse", version: host.idseVersion },
    { capabilities: {}, jsonSchemaValidator: trustModels },
  );
  client.onclose = c.onClose;
  try {
    await client.connect((http ?? child)!, { timeout: o.timeout_ms });
    const offered = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: o.timeout_ms });
      for (const t of page.tools) offered.add(t.name);
      cursor = page.nextCursor;
    } while (cursor);
    const missing = Object.values(c.names).filter((n) => !offered.has(n));
    if (missing.length) {
      const has = [...offered].sort().slice(0, 12).join(", ") || "none";
      throw transportError(
        "REMOTE_CONFIG",
        `the MCP server has no tool ${missing.map((n) => `"${n}"`).join(", ")} (its tools: ${has}); ` +
          "set the remote's `tools` option to the names it uses",
        { server: c.server },
      );
    }
    return { client, http };
  } catch (err) {
    await client.close().catch(() => {});
    const errno = err as NodeJS.ErrnoException;
    if (child && errno?.syscall?.startsWith("spawn")) {
      // A program that cannot start will not start on a retry either.
      const what =
        errno.code === "ENOENT" ? "no such program" : errno.code === "EACCES" ? "not executable" : errno.code;
      const program = (o as { command: string[] }).command[0];
      throw transportError(
        "REMOTE_UNREACHABLE",
        `cannot start the MCP server ${JSON.stringify(program)}: ${what}`,
        {
          server: c.server,
        },
      );
    }
    throw err;
  }
}
