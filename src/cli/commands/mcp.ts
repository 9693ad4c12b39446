import { IdseError } from "../../errors.ts";
import { normalJit } from "../../jit-policy.ts";
import type { McpServeOutput } from "../../models/mcp.ts";
import { defineCommand } from "../command.ts";

// `idse mcp`: the MCP server IDE agents talk to (src/cli/mcp/). Loaded only when this command runs, so no
// other command pays for the SDK. stdout belongs to the protocol: the command prints nothing itself.

interface Options {
  agent?: string;
  http?: string;
}

export const mcp = defineCommand<Options, McpServeOutput>({
  options: [
    {
      flags: "--agent <id>",
      description:
        "The agent served (an agent id or an IDE name); default: the name the client declares. Decides what it may write",
    },
    {
      flags: "--http <port>",
      description:
        "Serve Streamable HTTP on 127.0.0.1:<port>/mcp with a bearer token (IDSE_MCP_TOKEN) instead of stdio",
    },
  ],
  examples: ["idse mcp --agent claude-code", "IDSE_MCP_TOKEN=… idse mcp --http 7357 --agent cursor"],
  async run(ctx, _args, o) {
    let port: number | undefined;
    if (o.http !== undefined) {
      port = Number(o.http);
      if (!/^\d+$/.test(o.http) || port > 65535) {
        throw new IdseError("USAGE", { reason: `--http needs a port number (0-65535), not "${o.http}"` });
      }
    } else if (ctx.global.json) {
      throw new IdseError("USAGE", {
        reason: "--json cannot be used with stdio: stdout carries the protocol",
      });
    }
    // Fail before serving when there is no workspace, rather than at the first call.
    ctx.workspace();
    // A server runs for long: the JIT held back for a command's start-up is given back (jit-policy.ts).
    normalJit();
    const { mcpEnv } = await import("../mcp/context.ts");
    const env = mcpEnv(ctx.io, ctx.global.cwd, ctx.global.project);
    const log = (line: string) => ctx.io.stderr(line);
    if (port !== undefined) {
      const { serveHttp } = await import("../mcp/http.ts");
      await serveHttp(env, { agent: o.agent, log, port, env: ctx.io.env, stderr: log });
      return { transport: "http" };
    }
    // Started by hand at a prompt, a stdio server would wait in silence for a client that never comes.
    if (ctx.io.stdinIsTTY && !ctx.global.quiet)
      log(
        "idse mcp: an MCP server on stdin/stdout, waiting for an IDE to speak the protocol (Ctrl-C stops it). IDEs start it themselves: `idse agents install-mcp` registers it.\n",
      );
    const { serveStdio } = await import("../mcp/stdio.ts");
    await serveStdio(env, { agent: o.agent, log });
    return { transport: "stdio" };
  },
  // Nothing on stdout after the protocol ended.
  text: () => "",
});
