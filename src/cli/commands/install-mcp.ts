import { IdseError, notice } from "../../errors.ts";
import { type InstallMcpOutput, MCP_IDES } from "../../models/mcp.ts";
import { defineCommand } from "../command.ts";

// `idse agents install-mcp`: registers `idse mcp` in each IDE's project MCP file (src/cli/mcp/install.ts).

export const agentsInstallMcp = defineCommand<{ ide: string[] }, InstallMcpOutput>({
  options: [
    {
      flags: "--ide <ide>",
      description: "Only this IDE (repeatable; default: all five)",
      choices: MCP_IDES,
      multiple: true,
    },
  ],
  examples: ["idse agents install-mcp --ide claude-code", "idse agents install-mcp"],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    const { installMcp, idseOnPath, COMMAND } = await import("../mcp/install.ts");
    const ides = o.ide.length ? MCP_IDES.filter((i) => o.ide.includes(i)) : [...MCP_IDES];
    for (const i of o.ide) {
      if (!(MCP_IDES as readonly string[]).includes(i)) {
        throw new IdseError("INVALID_ENUM", { value: i, option: "--ide", allowed: [...MCP_IDES] });
      }
    }
    const files = installMcp(ws.root, ides);
    if (!idseOnPath(ctx.io.env)) {
      ctx.report(notice("IDSE_NOT_ON_PATH"));
    }
    if (ides.includes("codex")) {
      ctx.report(notice("CODEX_TRUST"));
    }
    return { command: COMMAND, files };
  },
  text: (d) => d.files.map((f) => `  ${f.action.padEnd(9)} ${f.path}  (${f.ide})`).join("\n"),
});
