// The `compile agent-spec` cases of the benchmark (issue 7, budget: `--all` on 1,001 sessions ≤ 1 s), on
// a copy of the generated workspace whose every spec has an Agent Profile block (addAgentProfiles: the
// blueprint a complete profile, each feature session an override of a few keys). A copy, because filled
// specs are no longer untouched templates: `validate --all` would parse all 1,001 of them and take about
// twice as long, which would make its row measure something else.
//   - first run: no output yet, so all 1,001 files are written. Before each run (untimed) the output
//     folder is moved aside, not deleted: on a filesystem without a journal (as on the machine in
//     docs/benchmarks.md) ext4 avoids reusing an inode freed in the last minute or more, and scans past
//     every such inode on each file creation, so deleting 1,001 files before each run made each run's
//     creations slower than the last (docs/benchmarks.md, "The compile case");
//   - `--check` with every file current: the same work without the writes;
//   - in-process, the writes alone: the first run's 1,001 files written one after another with
//     writeFileAtomic and all at once with writeFilesAtomic (the reason src/store/atomic-files.ts exists).
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../src/store/atomic-file.ts";
import { writeFilesAtomic } from "../src/store/atomic-files.ts";
import { expectOutput, type ProcessCase } from "./bench-case.ts";
import { addAgentProfiles, type GeneratedWorkspace } from "./bench-workspace.ts";

export async function compileCases(
  root: string,
  ws: GeneratedWorkspace,
  binary: string,
  env: Record<string, string>,
): Promise<{ dir: string; cases: ProcessCase[] }> {
  const dir = join(root, "big-profiles");
  cpSync(ws.dir, dir, { recursive: true });
  await addAgentProfiles({ ...ws, dir });
  const build = join(dir, ".idse", "projects", ws.project, "build");
  // One untimed run, so the --check case finds every file current whatever the order of the cases.
  const first = Bun.spawnSync([binary, "compile", "agent-spec", "--all", "-q"], { cwd: dir, env });
  if (first.exitCode !== 0) throw new Error(`compile agent-spec --all: ${first.stderr.toString()}`);

  const n = ws.sessions.length;
  const aside = `const fs = require("node:fs");
try { fs.renameSync(${JSON.stringify(build)}, ${JSON.stringify(join(root, "compile-out-"))} + Date.now() + "-" + process.pid); }
catch (e) { if (e.code !== "ENOENT") throw e; }`;
  const summary = `${n} profiles compiled, 0 skipped, 0 failed; `;
  const cases: ProcessCase[] = [
    {
      name: `\`compile agent-spec --all\`, first run: ${n.toLocaleString("en")} files written`,
      cwd: dir,
      argv: ["compile", "agent-spec", "--all"],
      budgetMs: 1000,
      rssBudgetMb: 100,
      before: [process.execPath, "-e", aside],
      check: (out) =>
        expectOutput(out.trimEnd().endsWith(`${summary}${n} files written`), "compile: every file written"),
    },
    {
      name: `\`compile agent-spec --all --check\`, every file current (${n.toLocaleString("en")} sessions)`,
      cwd: dir,
      argv: ["compile", "agent-spec", "--all", "--check"],
      budgetMs: 1000,
      rssBudgetMb: 100,
      check: (out) =>
        expectOutput(out.trimEnd().endsWith(`${summary}0 files out of date`), "compile --check: current"),
    },
  ];
  return { dir, cases };
}

export interface WriterRow {
  name: string;
  kind: "in-process";
  medianMs: number;
  p95Ms: number;
  samples: number;
}

/**
 * What src/store/atomic-files.ts is for: the files of the first-run case written by writeFileAtomic one after
 * another (what `compile agent-spec` did before) and by writeFilesAtomic, interleaved round by round
 * (the disk of a shared machine drifts), each round into fresh folders (nothing deleted meanwhile).
 */
export async function writerRows(
  root: string,
  dir: string,
  project: string,
  rounds = 10,
): Promise<WriterRow[]> {
  const out = join(dir, ".idse", "projects", project, "build", "agents");
  const texts = readdirSync(out)
    .sort()
    .map((name) => ({ name, text: readFileSync(join(out, name), "utf8") }));
  const files = (folder: string) =>
    texts.map((t) => ({ path: join(root, "writers", folder, t.name), text: t.text }));
  const writers = {
    one: async (folder: string) => {
      for (const f of files(folder)) writeFileAtomic(f.path, f.text);
    },
    batch: (folder: string) => writeFilesAtomic(files(folder)),
  };
  const times: Record<keyof typeof writers, number[]> = { one: [], batch: [] };
  for (let round = -1; round < rounds; round++) {
    const order: (keyof typeof writers)[] = round % 2 ? ["one", "batch"] : ["batch", "one"];
    for (const w of order) {
      const t0 = performance.now();
      await writers[w](`${w}-${round}`);
      if (round >= 0) times[w].push(performance.now() - t0); // round -1 warms up
    }
  }
  const n = texts.length.toLocaleString("en");
  const row = (name: string, ms: number[]): WriterRow => {
    const sorted = ms.sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    const p95 = sorted[Math.min(sorted.length, Math.ceil(0.95 * sorted.length)) - 1]!;
    return { name, kind: "in-process", medianMs: median, p95Ms: p95, samples: sorted.length };
  };
  return [
    row(`write ${n} compiled profiles: writeFileAtomic, one after another`, times.one),
    row(`write ${n} compiled profiles: writeFilesAtomic (overlapped fsyncs)`, times.batch),
  ];
}
