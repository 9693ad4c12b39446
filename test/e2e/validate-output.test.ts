import { beforeAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { BINARY, tempDir } from "../helpers.ts";
import { ok, requireBinary, run } from "./util.ts";

// `validate --output` to a pipe, a FIFO or a device writes through it, as a shell's redirection would:
// a temp file renamed over it replaced the FIFO with a regular file, and `/dev/stdout` (a link to
// `pipe:[N]`) left a stray file of that name in the working folder while the pipe got nothing.

beforeAll(requireBinary);

function shop(): string {
  const cwd = tempDir();
  ok(["init", "shop", "--no-create-agent-files"], { cwd });
  return cwd;
}

test("--output /dev/stdout: the report alone on stdout, the summary on stderr, no stray file", () => {
  const cwd = shop();
  const before = readdirSync(cwd).sort();
  const r = run(["validate", "--format", "sarif", "--output", "/dev/stdout"], { cwd });
  expect(r.code).toBe(1); // the fresh session's templates fail
  expect(JSON.parse(r.stdout).version).toBe("2.1.0");
  expect(r.stderr).toContain("1 session(s) checked");
  expect(readdirSync(cwd).sort()).toEqual(before);
});

test("--output to a FIFO: its reader gets the report, and the FIFO stays a FIFO", async () => {
  const cwd = shop();
  const fifo = join(tempDir("idse-fifo-"), "report");
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
  let got = "";
  reader.stdout.on("data", (b) => {
    got += b;
  });
  const done = new Promise((resolve) => reader.on("close", resolve));
  const r = Bun.spawn([BINARY, "validate", "--format", "junit", "--output", fifo], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(await r.exited).toBe(1);
  await done;
  expect(got).toContain("<testsuites");
  expect(got.trim().endsWith("</testsuites>")).toBe(true);
  expect(statSync(fifo).isFIFO()).toBe(true);
});

test("--output /dev/full: IO_ERROR, and the device is left as it is", () => {
  const cwd = shop();
  const r = run(["validate", "--format", "sarif", "--output", "/dev/full"], { cwd });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("error[IO_ERROR]: cannot write /dev/full: ENOSPC");
  expect(statSync("/dev/full").isCharacterDevice()).toBe(true);
  expect(existsSync(join(cwd, "full"))).toBe(false);
});
