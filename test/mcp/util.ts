import { expect } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { mcpEnv } from "../../src/cli/mcp/context.ts";
import { createServer } from "../../src/cli/mcp/server.ts";
import { idse, initShop } from "../helpers.ts";

// Shared pieces of the MCP tests: a workspace with a feature session, and the SDK's own Client talking to
// the server in-process (the stdio and HTTP tests spawn the binary instead).

export async function shopWithSession(): Promise<string> {
  const cwd = await initShop();
  expect((await idse(["session", "create", "auth"], { cwd })).code).toBe(0);
  return cwd;
}

export async function connect(cwd: string, o: { agent?: string; clientName?: string } = {}) {
  const env = mcpEnv(
    {
      cwd,
      env: {},
      home: cwd,
      stdout: () => {},
      stderr: () => {},
      readStdin: async () => "",
      stdinIsTTY: false,
    },
    cwd,
    undefined,
  );
  const server = createServer(env, { agent: o.agent });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: o.clientName ?? "idse-test", version: "1.0.0" });
  await client.connect(a);
  // Listing first makes the SDK Client check every structuredContent against the tool's outputSchema.
  await client.listTools();
  return { client, server, close: () => client.close() };
}

export type Result = {
  isError?: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: tests read tool data; the Client checked it against the schema
  structuredContent?: any;
  content: { type: string; text: string }[];
};

export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<Result> {
  return (await client.callTool({ name, arguments: args })) as Result;
}
