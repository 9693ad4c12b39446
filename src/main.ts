import { homedir } from "node:os";
import { runCli } from "./cli.ts";

// Entry point: wires the process to runCli. The only place that exits the process.

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  home: process.env.HOME || process.env.USERPROFILE || homedir(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
  stdinIsTTY: process.stdin.isTTY === true,
});
process.exitCode = code;
