// The MCP cases of the benchmark (issue 17), on the generated 1,001-session workspace:
//   - server ready: `idse mcp` spawned with an initialize request on stdin, then stdin closed; the time
//     runs until the process has answered and exited, an upper bound on "initialize answered" (budget 60 ms);
//   - in a running server (the binary, driven by the SDK's own Client over stdio): the round trip of the
//     `status` tool (budget 5 ms median) and of `validate` of one session (budget 15 ms median).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { expectOutput, type ProcessCase } from "./bench-case.ts";

const INIT = `${JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } },
})}\n`;

export function mcpReadyCase(cwd: string, sessions: string): ProcessCase {
  return {
    name: `\`mcp\`: server ready, initialize answered (${sessions} sessions)`,
    cwd,
    argv: ["mcp"],
    stdin: INIT,
    budgetMs: 60,
    check: (out) =>
      expectOutput(JSON.parse(out.split("\n")[0]!).result?.serverInfo?.name === "idse", "initialize result"),
  };
}

export interface RoundTripRow {
  name: string;
  kind: "in-process";
  medianMs: number;
  p95Ms: number;
  budgetMs: number;
  samples: number;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const at = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** Round trips of `status` and `validate` through a running `idse mcp` (the binary) on the big workspace. */
export async function mcpRoundTrips(
  binary: string,
  big: string,
  env: Record<string, string>,
  current: string,
  n: string,
): Promise<RoundTripRow[]> {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(
    new StdioClientTransport({ command: binary, args: ["mcp", "--agent", "claude-code"], cwd: big, env }),
  );
  try {
    await client.listTools(); // the Client now checks every result against its outputSchema, as IDEs do
    const time = async (tool: string, runs: number, args: Record<string, unknown>) => {
      for (let i = 0; i < 5; i++) await client.callTool({ name: tool, arguments: args });
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = (await client.callTool({ name: tool, arguments: args })) as {
          isError?: boolean;
          structuredContent?: { project?: string };
        };
        ms.push(performance.now() - t0);
        expectOutput(!r.isError && r.structuredContent?.project === "bench", `${tool} tool result`);
      }
      const s = sorted(ms);
      return { median: at(s, 50), p95: at(s, 95), runs };
    };
    const status = await time("status", 200, {});
    const validate = await time("validate", 100, { session: current });
    return [
      {
        name: `\`status\` tool round trip, running \`idse mcp\` (${n} sessions, SDK Client over stdio)`,
        kind: "in-process",
        medianMs: status.median,
        p95Ms: status.p95,
        budgetMs: 5,
        samples: status.runs,
      },
      {
        name: `\`validate\` tool, one session, running \`idse mcp\` (${n} sessions, SDK Client over stdio)`,
        kind: "in-process",
        medianMs: validate.median,
        p95Ms: validate.p95,
        budgetMs: 15,
        samples: validate.runs,
      },
    ];
  } finally {
    await client.close();
  }
}
