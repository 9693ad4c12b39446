import { expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { alive } from "../../src/store/file-lock.ts";
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
