import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { closeSync, constants, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { BINARY, tempDir } from "../helpers.ts";
import { ok, requireBinary, shop } from "./util.ts";

// A `validate --all` on worker threads runs itself again with JavaScriptCore's FTL tier off
// (src/rerun.ts). Its output and exit code are a plain run's; the child dies with its parent, and a
// signal sent to the parent reaches it. The child is held in place by its output: standard output is a
// FIFO nobody reads yet, so it blocks once the pipe is full (the report is several pipes long).

beforeAll(requireBinary);

function workspace(): { cwd: string; env: Record<string, string> } {
  const cwd = shop();
  ok(["session", "create", "one"], { cwd });
  ok(["session", "create", "two"], { cwd });
  // Worker threads below the size that would choose them: the runs that take the rerun.
  return { cwd, env: { PATH: process.env.PATH ?? "", HOME: cwd, IDSE_VALIDATE_THREADS: "2" } };
}

const ARGV = ["validate", "--all", "--json", "--no-cache"];

/** A process's children, from /proc (Linux): their pids, space-separated ("" for none). */
function children(pid: number): string {
  const file = `/proc/${pid}/task/${pid}/children`;
  return existsSync(file) ? readFileSync(file, "utf8").trim() : "";
}

/** The parent's child, waiting until there is one. */
async function childOf(pid: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const found = children(pid);
    if (found) return Number(found.split(" ")[0]);
    await Bun.sleep(20);
  }
  throw new Error(`process ${pid} started no child`);
}

/** A held rerun whose parent is sent `signal`; resolves once the parent has ended, with its child's pid. */
async function signalHeld(signal: NodeJS.Signals) {
  const { cwd, env } = workspace();
  const held = startHeld(cwd, env);
  const child = await childOf(held.parent.pid);
  held.parent.kill(signal);
  await held.parent.exited;
  return { cwd, env, held, child };
}

/** Whether `pid` has ended (gone, or a zombie waiting to be reaped). */
function ended(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
  } catch {
    return true;
  }
}

async function waitEnded(pid: number): Promise<boolean> {
  for (let i = 0; i < 500 && !ended(pid); i++) await Bun.sleep(20);
  return ended(pid);
}

/** Starts the binary with standard output into a FIFO that is read only when `drain` is called. */
function startHeld(cwd: string, env: Record<string, string>, argv = ARGV) {
  const fifo = join(tempDir("idse-rerun-"), "out");
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  const parent = Bun.spawn([BINARY, ...argv], { cwd, env, stdout: writer, stderr: "pipe" });
  closeSync(writer);
  const buf = Buffer.alloc(65_536);
  /** Bytes read now: undefined while the pipe is empty, an empty buffer at its end. */
  const readNow = (): Buffer | undefined => {
    try {
      return Buffer.from(buf.subarray(0, readSync(reader, buf, 0, buf.length, null)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      return undefined;
    }
  };
  /** Waits for the first output (as text; the test's outputs are ASCII, so no character is cut). */
  const firstBytes = async () => {
    for (let i = 0; i < 1500; i++) {
      const got = readNow();
      if (got?.length) return got.toString("utf8");
      await Bun.sleep(20);
    }
    throw new Error("no output");
  };
  const drain = async () => {
    const chunks: Buffer[] = [];
    for (;;) {
      const got = readNow();
      if (got === undefined) await Bun.sleep(5);
      else if (got.length === 0)
        break; // every writer has closed it
      else chunks.push(got);
    }
    closeSync(reader);
    return Buffer.concat(chunks).toString("utf8");
  };
  return { parent, firstBytes, drain, close: () => closeSync(reader) };
}

test("it runs again with FTL off, and prints what a run in one process prints", async () => {
  const { cwd, env } = workspace();
  const plain = spawnSync(BINARY, ARGV, { cwd, env: { ...env, BUN_JSC_useFTLJIT: "1" }, encoding: "utf8" });
  expect(plain.stdout.length).toBeGreaterThan(2 * 65_536); // more than a pipe holds
  const held = startHeld(cwd, env);
  const child = await childOf(held.parent.pid);
  // Between fork and exec the child still shows its parent's environment: wait for the exec.
  let environ: string[] = [];
  for (let i = 0; i < 500 && !environ.includes("BUN_JSC_useFTLJIT=0"); i++) {
    environ = readFileSync(`/proc/${child}/environ`, "utf8").split("\0");
    if (!environ.includes("BUN_JSC_useFTLJIT=0")) await Bun.sleep(10);
  }
  expect(environ).toContain("BUN_JSC_useFTLJIT=0");
  expect(environ).toContain(`IDSE_RERUN_PARENT=${held.parent.pid}`);
  const out = await held.drain();
  expect(await held.parent.exited).toBe(plain.status!);
  expect(await new Response(held.parent.stderr).text()).toBe(plain.stderr);
  expect(out).toBe(plain.stdout);
  // Setting the option yourself keeps the run in one process: once output arrives (the run is done and
  // blocked on the full pipe), the process writing it has no child.
  const own = startHeld(cwd, { ...env, BUN_JSC_useFTLJIT: "1" });
  const first = await own.firstBytes();
  expect(existsSync(`/proc/${own.parent.pid}/task/${own.parent.pid}/children`)).toBe(true);
  expect(children(own.parent.pid)).toBe("");
  expect(first + (await own.drain())).toBe(plain.stdout);
  expect(await own.parent.exited).toBe(plain.status!);
});

test("a run the findings cache will serve stays in one process (copying cached reports wants FTL)", async () => {
  const { cwd, env } = workspace();
  const args = ["validate", "--all", "--json"]; // with the cache
  const first = spawnSync(BINARY, args, { cwd, env, encoding: "utf8" }); // a first run: it reruns, and fills the cache
  expect(existsSync(join(cwd, ".idse/.cache/findings/shop.json.index"))).toBe(true);
  const held = startHeld(cwd, env, args);
  const start = await held.firstBytes();
  expect(existsSync(`/proc/${held.parent.pid}/task/${held.parent.pid}/children`)).toBe(true);
  expect(children(held.parent.pid)).toBe("");
  expect(start + (await held.drain())).toBe(first.stdout);
  expect(await held.parent.exited).toBe(first.status!);
});

test("a parent killed with SIGKILL takes the child with it, and the project lock is free", async () => {
  const { cwd, env, held, child } = await signalHeld("SIGKILL");
  expect(await waitEnded(child)).toBe(true);
  held.close();
  const again = spawnSync(BINARY, ["validate", "--all", "--json"], { cwd, env, encoding: "utf8" });
  expect(again.status).toBe(1); // the templates' findings: it ran, nothing was locked
  expect(JSON.parse(again.stdout).data.reports).toHaveLength(3);
});

test("SIGTERM sent to the parent reaches the child; the parent ends as the child did", async () => {
  const { held, child } = await signalHeld("SIGTERM");
  expect(await waitEnded(child)).toBe(true);
  const status = held.parent.signalCode ?? held.parent.exitCode;
  expect([143, "SIGTERM"]).toContain(status!);
  held.close();
});
