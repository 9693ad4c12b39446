import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY } from "../helpers.ts";
import { requireBinary, shop } from "./util.ts";

// How the compiled binary reads standard input (src/main.ts reads it with readSync until its end, for the
// hook's start-up): all of it, whatever the size and however the writer paces it, and a closed standard
// input as empty, as Bun's reader did before.

beforeAll(requireBinary);

const intent = (cwd: string) =>
  readFileSync(join(cwd, ".idse/projects/shop/sessions/__blueprint__/intents/intent.md"), "utf8");

test("a document larger than one read, written in parts with pauses between, arrives whole", async () => {
  const cwd = shop();
  const text = `# Intent\n\n## Goal\n\n${"désign ".repeat(30_000)}\n`; // 210,000 bytes: several reads
  const bytes = Buffer.from(text, "utf8");
  const child = Bun.spawn([BINARY, "artifact", "write", "--stage", "intent"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  // The first part ends inside the two bytes of an "é": the text is decoded only when all of it is in.
  const cuts = [0, 70_001, 140_000, bytes.length];
  for (let i = 1; i < cuts.length; i++) {
    child.stdin.write(bytes.subarray(cuts[i - 1], cuts[i]));
    await child.stdin.flush();
    await Bun.sleep(150);
  }
  await child.stdin.end();
  expect(await child.exited, await new Response(child.stderr).text()).toBe(0);
  expect(intent(cwd)).toBe(text);
});

test("a closed standard input reads as empty: nothing is written, and the message says why", () => {
  const cwd = shop();
  const before = intent(cwd);
  // `<&-` closes descriptor 0 before idse starts.
  const r = spawnSync("sh", ["-c", 'exec "$0" artifact write --stage intent <&-', BINARY], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd },
    encoding: "utf8",
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("INPUT_REQUIRED");
  expect(intent(cwd)).toBe(before);
});
