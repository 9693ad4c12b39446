import { beforeAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, idseBinary, tempDir } from "../helpers.ts";

beforeAll(() => {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run npm run build first`);
});

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(dir, f));
}

// A process killed at any moment leaves each file either old or new: every JSON file still parses and the
// workspace still opens. Kill times are spread over the whole run of a command that writes many files.
test("SIGKILL at any moment never leaves a half-written file", async () => {
  const cwd = tempDir("idse-kill-");
  expect(idseBinary(["init", "shop", "--no-create-agent-files"], { cwd }).code).toBe(0);
  for (let i = 0; i < 24; i++) {
    const child = spawn(BINARY, ["spawn", "--plan", "feature", `f${i}`], {
      cwd,
      env: { HOME: cwd },
      stdio: "ignore",
    });
    const done = new Promise((r) => child.on("exit", r));
    setTimeout(() => child.kill("SIGKILL"), i % 12);
    await done;
    for (const file of jsonFiles(join(cwd, ".idse"))) {
      expect(() => JSON.parse(readFileSync(file, "utf8"))).not.toThrow();
    }
  }
  // Whatever survived, the workspace opens; doctor --fix completes half-created sessions.
  expect(idseBinary(["status", "--json"], { cwd }).code).toBe(0);
  const fix = idseBinary(["doctor", "--fix", "--json"], { cwd });
  expect(fix.json?.data.remaining).toBe(0);
  expect(idseBinary(["doctor"], { cwd }).code).toBe(0);
}, 60_000);
