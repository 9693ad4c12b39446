import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// What running a plugin in a child process would cost (docs/security.md, "Workspace trust and plugins"):
// the start-up of a second process of the compiled binary, and one IPC round trip (a JSON line over a
// pipe, as a child that holds only the declared variables would talk to idse). Run after a build:
//   bun scripts/build.ts && bun scripts/measure-isolation.ts
// The child for the round trips is a compiled Bun program as large as idse (same runtime), since idse
// has no child mode to measure; its start-up is measured too, beside idse's own.

const BINARY = join(import.meta.dir, "..", "dist", "idse");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function startups(argv: string[], n: number): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}`);
    times.push(performance.now() - t);
  }
  return median(times);
}

const ECHO = `let buf = "";
process.stdin.on("data", (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf("\\n")) >= 0) {
    const m = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    process.stdout.write(JSON.stringify({ id: m.id, result: m.params }) + "\\n");
  }
});
`;

async function roundTrips(exe: string, payloadBytes: number, n: number): Promise<number> {
  const child = spawn(exe, [], { stdio: ["pipe", "pipe", "inherit"] });
  let buf = "";
  let waiting: (() => void) | undefined;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d: string) => {
    buf += d;
    if (buf.includes("\n")) {
      buf = buf.slice(buf.indexOf("\n") + 1);
      waiting?.();
    }
  });
  const params = "x".repeat(payloadBytes);
  const call = (id: number) =>
    new Promise<void>((r) => {
      waiting = r;
      child.stdin.write(`${JSON.stringify({ id, method: "read", params })}\n`);
    });
  await call(-1); // warm-up: the child has started
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    times.push(performance.now() - t);
  }
  child.kill();
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), "idse-iso-"));
try {
  writeFileSync(join(dir, "echo.js"), ECHO);
  const echo = join(dir, "echo");
  const b = spawnSync(process.execPath, ["build", "--compile", join(dir, "echo.js"), "--outfile", echo]);
  if (b.status !== 0) throw new Error(String(b.stderr));
  const rows = {
    "idse start-up (idse version), median of 20": startups([BINARY, "version"], 20),
    "compiled child start-up, median of 20": startups([echo], 20),
    "round trip, 1 KB payload, median of 500": await roundTrips(echo, 1024, 500),
    "round trip, 64 KB payload, median of 200": await roundTrips(echo, 65536, 200),
  };
  for (const [k, ms] of Object.entries(rows)) console.log(`${k.padEnd(46)} ${ms.toFixed(3)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
