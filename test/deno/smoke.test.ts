import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../helpers.ts";

// The same source must run on Deno (DESIGN.md §3): node:* built-ins, embedded text imports, npm packages.
const DENO = join(REPO, "node_modules", ".bin", "deno");

function deno(args: string[], cwd: string) {
  const r = spawnSync(DENO, ["run", "-A", "--quiet", join(REPO, "src/main.ts"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, HOME: cwd, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("deno is installed from the npm registry", () => {
  expect(existsSync(DENO)).toBe(true);
});

test("idse runs from source on Deno: init, session create, status --json, artifact read", () => {
  const cwd = tempDir("idse-deno-");
  const v = deno(["version", "--json"], cwd);
  expect(v.code).toBe(0);
  expect(JSON.parse(v.stdout).data.runtime).toStartWith("deno ");
  expect(deno(["init", "shop", "--no-create-agent-files"], cwd).code).toBe(0);
  expect(deno(["session", "create", "auth"], cwd).code).toBe(0);
  const status = deno(["status", "--json"], cwd);
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout).data).toMatchObject({ project: "shop", session: "auth" });
  const spec = deno(["artifact", "read", "--stage", "spec"], cwd);
  expect(spec.stdout).toContain("## Agent Profile");
  const bad = deno(["session", "create", "../x", "--json"], cwd);
  expect(bad.code).toBe(2);
  expect(JSON.parse(bad.stdout).diagnostics[0].code).toBe("INVALID_ID");
}, 120_000);
