// The secret guard's cases of the benchmark (issue 13), in-process with tinybench:
//   - every artifact of the generated 1,001-session workspace (7,007 documents) scanned, as a push of
//     everything would; none may hold a finding (the guard's false positives would show here first);
//   - one 1 MB adversarial document (a 512 KB base64url line, then lines that start like secrets and
//     stop short, test/sync/corpus.ts), budget ≤ 50 ms: the scan is linear, and this is its constant.
// Usage: bun scripts/bench-secrets.ts (generates a workspace in a temporary folder and prints the rows).
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bench } from "tinybench";
import { keys, STAGES } from "../src/store/layout.ts";
import { scanText } from "../src/sync/secrets.ts";
import { adversarial } from "../test/sync/corpus.ts";
import { expectOutput } from "./bench-case.ts";
import type { StoreRow } from "./bench-stores.ts";
import { generateWorkspace } from "./bench-workspace.ts";

const MB = 1024 * 1024;

export async function secretRows(
  big: string,
  project: string,
  sessions: readonly string[],
): Promise<StoreRow[]> {
  const docs = sessions.flatMap((s) =>
    STAGES.map((stage) => readFileSync(join(big, ".idse", keys.artifact(project, s, stage)), "utf8")),
  );
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
  const found = docs.reduce((n, d) => n + scanText(d).length, 0);
  expectOutput(found === 0, `the workspace's documents hold no finding (found ${found})`);
  const doc = adversarial(MB);
  expectOutput(scanText(doc).length === 0, "the adversarial document holds no finding");

  const bench = new Bench({
    time: 1000,
    iterations: 10,
    warmupIterations: 3,
    retainSamples: true,
    throws: true,
  });
  const all = `secret scan: ${docs.length.toLocaleString("en")} documents of ${sessions.length.toLocaleString("en")} sessions (${(bytes / MB).toFixed(1)} MB)`;
  const hostile = "secret scan: 1 MB adversarial document (long base64url line, near-matches)";
  bench
    .add(all, () => {
      for (const d of docs) scanText(d);
    })
    .add(hostile, () => {
      scanText(doc);
    });
  await bench.run();
  const budgets: Record<string, number> = { [hostile]: 50 };
  return bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== "completed") throw new Error(`${t.name}: ${r.state}`);
    const sorted = [...(r.latency.samples ?? [])].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return {
      name: t.name,
      kind: "in-process" as const,
      medianMs: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
      p95Ms: sorted[Math.min(sorted.length, Math.ceil(0.95 * sorted.length)) - 1]!,
      samples: sorted.length,
      budgetMs: budgets[t.name],
    };
  });
}

if (import.meta.main) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "idse-bench-secrets-")));
  try {
    const ws = await generateWorkspace(join(root, "big"));
    for (const r of await secretRows(ws.dir, ws.project, ws.sessions)) {
      console.log(
        `${r.name}: median ${r.medianMs.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms (${r.samples} runs)`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
