import { expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IdseError } from "../../src/errors.ts";
import { hostname } from "../../src/host-name.ts";
import { acquireFileLock, alive } from "../../src/store/file-lock.ts";
import { tempDir } from "../helpers.ts";

// A lock's holder is alive only while it can still run: a zombie (exited, not yet reaped) answers
// kill(pid, 0) but holds nothing, so a lock it left is stale (src/store/file-lock.ts).

const state = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.charAt(stat.lastIndexOf(") ") + 2);
};

test("a running process is alive; one that exited and was not reaped is not", async () => {
  expect(alive(process.pid)).toBe(true);
  // A background `cat` of a FIFO, then the shell becomes `sleep 30` (exec), which never reaps it. The
  // `cat` ends only when the test opens and closes the FIFO, after the exec: the shell cannot reap it first.
  const fifo = join(tempDir("idse-zombie-"), "f");
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const sh = spawn("sh", ["-c", `cat "${fifo}" >/dev/null & echo $!; exec sleep 30`], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  try {
    const zombie = Number(
      await new Promise<string>((resolve) => sh.stdout!.once("data", (d) => resolve(String(d)))),
    );
    const comm = () => readFileSync(`/proc/${sh.pid}/comm`, "utf8").trim();
    for (let i = 0; i < 500 && comm() !== "sleep"; i++) await Bun.sleep(10);
    expect(comm()).toBe("sleep");
    closeSync(openSync(fifo, "w")); // waits for `cat` to open it; `cat` then reads the end and exits
    for (let i = 0; i < 500 && state(zombie) !== "Z"; i++) await Bun.sleep(10);
    expect(state(zombie)).toBe("Z");
    expect(() => process.kill(zombie, 0)).not.toThrow(); // the signal test alone calls it alive
    expect(alive(zombie)).toBe(false);
    expect(alive(sh.pid!)).toBe(true);
  } finally {
    sh.kill("SIGKILL");
  }
});

test("a lock of another host is not taken over: LOCKED names the host and how to remove the lock", async () => {
  const file = join(tempDir("idse-lock-"), ".idse.lock");
  writeFileSync(file, "999999 otherhost 2020-01-01T00:00:00Z");
  const err = await acquireFileLock(file, 50).then(
    () => undefined,
    (e: IdseError) => e,
  );
  expect(err?.code).toBe("LOCKED");
  expect(err?.message).toContain("pid 999999 on host otherhost");
  expect(err?.hint).toContain(`\`rm ${file}\``);
  expect(readFileSync(file, "utf8")).toStartWith("999999 otherhost");
  // A lock of this host whose process is alive: wait, it is taken over once the process is gone.
  writeFileSync(file, `${process.pid} ${hostname()} now`);
  const mine = await acquireFileLock(file, 50).then(
    () => undefined,
    (e: IdseError) => e,
  );
  expect(mine?.hint).toContain("taken over automatically");
});
