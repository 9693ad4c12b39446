import { expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { requireBinary } from "../e2e/util.ts";
import { BINARY, initShop } from "../helpers.ts";

// `idse mcp` typed at a prompt: the stdio server says what it is and how to stop it, instead of waiting
// in silence. util-linux's `script` gives the compiled binary a real terminal as its stdin.

test("idse mcp at a terminal says it is a server waiting for an IDE; piped, it prints nothing", async () => {
  requireBinary();
  const cwd = await initShop();
  const child = spawn("script", ["-qfec", `${BINARY} mcp --agent claude-code`, "/dev/null"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd, TERM: "dumb" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let seen = "";
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", () => resolve());
    child.stdout.on("data", (b: Buffer) => {
      seen += b.toString();
      if (seen.includes("Ctrl-C")) child.stdin.end("\u0004"); // EOF on the terminal: the server ends
    });
  });
  expect(seen).toContain("idse mcp: an MCP server on stdin/stdout, waiting for an IDE");
  expect(seen).toContain("idse agents install-mcp");

  // As an IDE starts it (stdin a pipe): not a byte besides the protocol, on either stream.
  const piped = Bun.spawnSync([BINARY, "mcp", "--agent", "claude-code"], { cwd, stdin: new Uint8Array() });
  expect(piped.stderr.toString()).toBe("");
  expect(piped.stdout.toString()).toBe("");
});
