import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { closeSync, constants, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { BINARY, tempDir } from "../helpers.ts";
import { requireBinary, shop } from "./util.ts";

// How the compiled binary writes its output (src/main.ts writes straight to the descriptors): all of it,
// in order, to a non-blocking pipe that holds one page and is read slowly (every write is partial or
// answers EAGAIN), and nothing at all, without an error, to a reader that went away.

beforeAll(requireBinary);

const env = (cwd: string) => ({ PATH: process.env.PATH ?? "", HOME: cwd });

/** fcntl(2) from the C library: Linux's F_SETPIPE_SZ has no node:fs counterpart. */
async function fcntl(fd: number, cmd: number, arg: number): Promise<number> {
  const ffi = await import("bun:ffi");
  const libc = ffi.dlopen("libc.so.6", { fcntl: { args: ["i32", "i32", "i32"], returns: "i32" } });
  return libc.symbols.fcntl(fd, cmd, arg) as number;
}
const F_GETFL = 3;
const F_SETFL = 4;
const F_SETPIPE_SZ = 1031;

test("a non-blocking pipe of one page, read slowly, gets the whole output in order", async () => {
  const cwd = shop();
  const argv = ["validate", "--json"];
  const expected = spawnSync(BINARY, argv, { cwd, env: env(cwd), encoding: "utf8" });
  expect(expected.stdout.length).toBeGreaterThan(16_384); // many pages: many partial writes
  const fifo = join(tempDir("idse-stdout-"), "out");
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  expect(await fcntl(writer, F_SETPIPE_SZ, 4096)).toBe(4096);
  const child = Bun.spawn([BINARY, ...argv], { cwd, env: env(cwd), stdout: writer, stderr: "pipe" });
  // Bun.spawn makes the descriptor blocking; the flag belongs to the pipe's open file, which the child
  // shares, so setting it again here reaches the child (which starts writing milliseconds later).
  expect(await fcntl(writer, F_SETFL, (await fcntl(writer, F_GETFL, 0)) | constants.O_NONBLOCK)).toBe(0);
  closeSync(writer);
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1024);
  let exited: number | undefined;
  void child.exited.then((code) => {
    exited = code;
  });
  for (;;) {
    let n = 0;
    try {
      n = readSync(reader, buf, 0, buf.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      n = -1;
    }
    if (n > 0) chunks.push(Buffer.from(buf.subarray(0, n)));
    if (n === 0 && exited !== undefined) break; // end of file: the writer has exited and closed it
    await Bun.sleep(n > 0 ? 1 : 5);
  }
  closeSync(reader);
  expect(await new Response(child.stderr).text()).toBe("");
  expect(exited).toBe(expected.status!);
  expect(Buffer.concat(chunks).toString("utf8")).toBe(expected.stdout);
});

test("a reader that went away: idse writes nothing, without an error, and exits as it would have", async () => {
  const cwd = shop();
  const full = spawnSync(BINARY, ["validate"], { cwd, env: env(cwd), encoding: "utf8" });
  expect(full.stdout).not.toBe("");
  const fifo = join(tempDir("idse-stdout-"), "out");
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  closeSync(reader); // no reader left: every write answers EPIPE
  const child = Bun.spawn([BINARY, "validate"], { cwd, env: env(cwd), stdout: writer, stderr: "pipe" });
  closeSync(writer);
  expect(await child.exited).toBe(full.status!);
  expect(child.signalCode).toBeNull();
  expect(await new Response(child.stderr).text()).toBe("");
});

test("a standard output that cannot be written (a full disk: /dev/full) fails the run in idse's words", () => {
  const cwd = shop();
  for (const argv of [["status", "--json"], ["status"], ["--version"], ["validate", "--all", "--json"]]) {
    const out = openSync("/dev/full", constants.O_WRONLY);
    try {
      const r = spawnSync(BINARY, argv, {
        cwd,
        env: env(cwd),
        stdio: ["ignore", out, "pipe"],
        encoding: "utf8",
      });
      expect({ argv, code: r.status }).toEqual({ argv, code: 1 });
      // One line, no runtime stack trace.
      expect(r.stderr).toBe("error[IO_ERROR]: cannot write standard output: ENOSPC\n");
    } finally {
      closeSync(out);
    }
  }
});
