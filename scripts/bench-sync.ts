// The sync cases of the benchmark (issue 9), set up on the generated 1,001-session workspace:
//   - `sync status --all-sessions` with nothing to do against a filesystem remote (budget 300 ms): the
//     remote is filled by one untimed `sync push`, so the sync base is there too, as in real use;
//   - `sync push --all-sessions` of all 7,007 artifacts to the HTTP test server on loopback (budget 5 s):
//     before each run (untimed) the server is emptied and the sync base deleted, so every run pushes all.
// The test server (test/sync/server.ts) runs as its own process, listening on 127.0.0.1 only.
import { join } from "node:path";
import { expectOutput, type ProcessCase } from "./bench-case.ts";

const REPO = join(import.meta.dir, "..");

export async function syncCases(
  root: string,
  big: string,
  binary: string,
  env: Record<string, string>,
  sessions: number,
): Promise<{ cases: ProcessCase[]; stop(): void }> {
  const idse = (argv: string[]) => {
    const r = Bun.spawnSync([binary, ...argv], { cwd: big, env, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`idse ${argv.join(" ")}: ${r.stderr.toString()}`);
  };
  idse(["remote", "add", "fs", join(root, "sync-remote"), "-q"]);
  idse(["sync", "push", "fs", "--all-sessions", "-q"]);

  const server = Bun.spawn([process.execPath, join(REPO, "test", "sync", "server.ts")], {
    cwd: REPO,
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = server.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const url = new TextDecoder().decode(value).trim();
  if (!url.startsWith("http://127.0.0.1:")) throw new Error(`the test server did not start: ${url}`);
  idse(["remote", "add", "core", url, "-q"]);
  const state = join(big, ".idse", "projects", "bench", "sync", "core.json");
  const reset = `await fetch(${JSON.stringify(`${url}/__reset`)}, { method: "POST" }); require("node:fs").rmSync(${JSON.stringify(state)}, { force: true });`;

  const artifacts = sessions * 7;
  const n = sessions.toLocaleString("en");
  return {
    cases: [
      {
        name: `\`sync status --all-sessions\`, nothing to do (${n} sessions, filesystem remote)`,
        cwd: big,
        argv: ["sync", "status", "fs", "--all-sessions"],
        budgetMs: 300,
        rssBudgetMb: 100,
        check: (out) =>
          expectOutput(out.includes(`${artifacts} unchanged`), "sync status: everything unchanged"),
      },
      {
        name: `\`sync push --all-sessions\`, ${artifacts.toLocaleString("en")} artifacts to the HTTP test server`,
        cwd: big,
        argv: ["sync", "push", "core", "--all-sessions"],
        budgetMs: 5000,
        rssBudgetMb: 120,
        runs: 5,
        before: [process.execPath, "-e", reset],
        check: (out) =>
          expectOutput(out.includes(`${artifacts} moved, 0 failed`), "sync push: everything moved"),
      },
    ],
    stop: () => server.kill(),
  };
}
