import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idse, initShop } from "../helpers.ts";

const read = (cwd: string, f: string) => readFileSync(join(cwd, f), "utf8");

describe("idse agents install-mcp", () => {
  test("writes every IDE's file in its format, merged with what is there, and a second run changes nothing", async () => {
    const cwd = await initShop();
    mkdirSync(join(cwd, ".gemini"), { recursive: true });
    writeFileSync(
      join(cwd, ".gemini/settings.json"),
      JSON.stringify({ theme: "dark", mcpServers: { other: { command: "x" } } }),
    );
    mkdirSync(join(cwd, ".codex"), { recursive: true });
    writeFileSync(join(cwd, ".codex/config.toml"), 'model = "o4"\n\n[mcp_servers.other]\ncommand = "x"\n');

    const r = await idse(["agents", "install-mcp", "--json"], { cwd, env: { PATH: "" } });
    expect(r.code).toBe(0);
    expect(r.json!.data.files.map((f: { path: string; action: string }) => [f.path, f.action])).toEqual([
      [".mcp.json", "created"],
      [".cursor/mcp.json", "created"],
      [".codex/config.toml", "updated"],
      [".vscode/mcp.json", "created"],
      [".gemini/settings.json", "updated"],
    ]);
    expect(r.json!.diagnostics.map((d: { code: string }) => d.code)).toContain("IDSE_NOT_ON_PATH");

    expect(JSON.parse(read(cwd, ".mcp.json"))).toEqual({
      mcpServers: { idse: { type: "stdio", command: "idse", args: ["mcp", "--agent", "claude-code"] } },
    });
    expect(JSON.parse(read(cwd, ".cursor/mcp.json")).mcpServers.idse).toEqual({
      command: "idse",
      args: ["mcp", "--agent", "cursor"],
    });
    expect(JSON.parse(read(cwd, ".vscode/mcp.json")).servers.idse).toMatchObject({
      type: "stdio",
      command: "idse",
    });
    const gemini = JSON.parse(read(cwd, ".gemini/settings.json"));
    expect(gemini.theme).toBe("dark");
    expect(Object.keys(gemini.mcpServers)).toEqual(["other", "idse"]);
    expect(read(cwd, ".codex/config.toml")).toBe(
      'model = "o4"\n\n[mcp_servers.other]\ncommand = "x"\n\n[mcp_servers.idse]\ncommand = "idse"\nargs = ["mcp", "--agent", "codex"]\n',
    );
    for (const f of [
      ".mcp.json",
      ".cursor/mcp.json",
      ".vscode/mcp.json",
      ".gemini/settings.json",
      ".codex/config.toml",
    ]) {
      expect(read(cwd, f)).not.toContain(cwd);
    }

    const again = await idse(["agents", "install-mcp", "--json"], { cwd });
    expect(again.json!.data.files.every((f: { action: string }) => f.action === "unchanged")).toBe(true);
  });

  test("a changed entry is put back, the user's extra keys kept; a broken file is reported and left alone", async () => {
    const cwd = await initShop();
    writeFileSync(
      join(cwd, ".mcp.json"),
      JSON.stringify({ mcpServers: { idse: { command: "/old/idse", args: [], env: { A: "1" } } } }),
    );
    mkdirSync(join(cwd, ".codex"), { recursive: true });
    writeFileSync(
      join(cwd, ".codex/config.toml"),
      '[mcp_servers.idse]\ncommand = "old"\nenabled = true\n\n[other]\nx = 1\n',
    );
    const r = await idse(["agents", "install-mcp", "--ide", "claude-code", "--ide", "codex", "--json"], {
      cwd,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(read(cwd, ".mcp.json")).mcpServers.idse).toEqual({
      command: "idse",
      args: ["mcp", "--agent", "claude-code"],
      env: { A: "1" },
      type: "stdio",
    });
    expect(read(cwd, ".codex/config.toml")).toBe(
      '[mcp_servers.idse]\ncommand = "idse"\nargs = ["mcp", "--agent", "codex"]\nenabled = true\n\n[other]\nx = 1\n',
    );

    mkdirSync(join(cwd, ".cursor"), { recursive: true });
    writeFileSync(join(cwd, ".cursor/mcp.json"), "{ not json");
    const bad = await idse(["agents", "install-mcp", "--ide", "cursor", "--json"], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.json!.diagnostics[0].code).toBe("INVALID_FILE");
    expect(read(cwd, ".cursor/mcp.json")).toBe("{ not json");

    const usage = await idse(["agents", "install-mcp", "--ide", "emacs", "--json"], { cwd });
    expect(usage.code).toBe(2);
    expect(usage.json!.diagnostics[0].code).toBe("INVALID_ENUM");
  });

  test("agents sync-files tells the agents about the server", async () => {
    const cwd = await initShop();
    expect((await idse(["agents", "sync-files"], { cwd })).code).toBe(0);
    const claude = read(cwd, "CLAUDE.md");
    expect(claude).toContain("## MCP server");
    expect(claude).toContain("`idse agents install-mcp`");
  });
});
