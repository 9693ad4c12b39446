import { expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { alive } from "../../src/store/file-lock.ts";

// A lock's holder is alive only while it can still run: a zombie (exited, not yet reaped) answers
// kill(pid, 0) but holds nothing, so a lock it left is stale (src/store/file-lock.ts).

const state = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.charAt(stat.lastIndexOf(") ") + 2);
};

test("a running process is alive; one that exited and was not reaped is not", async () => {
  expect(alive(process.pid)).toBe(true);
  // `sleep 0` exits at once, and its parent becomes `sleep 30` (exec), which never reaps it.
  const sh = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
  const zombie = Number(
    await new Promise<string>((resolve) => sh.stdout!.once("data", (d) => resolve(String(d)))),
  );
  try {
    for (let i = 0; i < 500 && state(zombie) !== "Z"; i++) await Bun.sleep(10);
    expect(state(zombie)).toBe("Z");
    expect(() => process.kill(zombie, 0)).not.toThrow(); // the signal test alone calls it alive
    expect(alive(zombie)).toBe(false);
    expect(alive(sh.pid!)).toBe(true);
  } finally {
    sh.kill("SIGKILL");
  }
});
