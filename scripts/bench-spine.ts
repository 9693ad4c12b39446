// What the Spine rules cost `validate --all` (issue 19's budget: at most 10 % more). Two copies of the
// filled 1,001-session workspace (every spec with an Agent Profile, so nothing is served from the
// untouched-template cache): one with the Spine rules off, one with a Product Spine declared (the seed's
// twelve primitives, an active milestone) and every plan naming two primitives in its Components
// section, so idse/spine-components reads every spec, plan and tasks document and idse/spine-coverage
// reads every session. One plan in 25 also invents a component (a workspace where every session fails
// would time the printing of a thousand findings, not the rules).
// Usage: bun scripts/build.ts && bun scripts/bench-spine.ts --time [--runs 7]
//   (bench.ts includes the two cases as rows; --time runs just them, interleaved, and prints the ratio.)
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { expectOutput, type ProcessCase } from "./bench-case.ts";
import { addAgentProfiles, type GeneratedWorkspace, generateWorkspace } from "./bench-workspace.ts";

const SPINE = `
## Product Spine

Active milestone: MVP

| # | Primitive | Module | Area | Layer | Milestone | System Role |
|---|---|---|---|---|---|---|
| 1 | ProjectWorkspace | workspace.ts | Foundation | Workspace | MVP | Primitive |
| 2 | ConstitutionRules | rules/ | Foundation | Governance | MVP | Primitive |
| 3 | SessionGraph | session-graph.ts | Core Loop | Governance | MVP | Primitive |
| 4 | PipelineArtifacts | artifacts.ts | Core Loop | Artifacts | MVP | Primitive |
| 5 | StageStateModel | stage-state.ts | Core Loop | Sync | MVP | Primitive |
| 6 | DocToAgentProfileSpecCompiler | compiler/ | Core Loop | Compilation | MVP | Primitive |
| 7 | DesignStore | store/contract.ts | Platform | Storage | MVP | Primitive |
| 8 | ArtifactSyncEngine | sync/ | Platform | Sync | Later | Primitive |
| 9 | IDEAgentRouting | routing/agent-routing.ts | Platform | Coordination | MVP | Primitive |
| 10 | AgentRegistry | agent-registry.ts | Platform | Coordination | MVP | Primitive |
| 11 | CLIInterface | cli.ts | Platform | CLI | MVP | Primitive |
| 12 | ValidationEngine | validation/engine.ts | Validation | Governance | MVP | Primitive |
`;

/** Two copies of `ws` with profiles: `off` (Spine rules off) and `on` (a Spine declared and named). */
export async function spineCases(
  root: string,
  profiles: string,
  ws: GeneratedWorkspace,
): Promise<ProcessCase[]> {
  const off = join(root, "spine-off");
  const on = join(root, "spine-on");
  cpSync(profiles, off, { recursive: true });
  cpSync(profiles, on, { recursive: true });
  const config = (dir: string, rules: Record<string, string>) => {
    const file = join(dir, ".idse", "config.json");
    const current = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
    writeFileSync(file, JSON.stringify({ ...current, validation: { rules } }, null, 2));
  };
  config(off, { "idse/spine-components": "off", "idse/spine-coverage": "off" });
  // The same documents in both copies (every plan names two primitives and one invented component);
  // only `on` declares a Spine and runs the rules.
  for (const dir of [off, on]) {
    const p = join(dir, ".idse", "projects", ws.project, "sessions");
    for (const [i, s] of ws.sessions.entries()) {
      if (s === "__blueprint__") continue;
      const plan = join(p, s, "plans", "plan.md");
      const text = readFileSync(plan, "utf8");
      writeFileSync(
        plan,
        text.replace(
          "## Components\n",
          `## Components\n\n- \`DesignStore\`: a new method\n- \`SessionGraph\`: edges\n${i % 25 ? "" : `- \`Widget${i}\`: renders\n`}`,
        ),
      );
    }
  }
  const spec = join(on, ".idse", "projects", ws.project, "sessions", "__blueprint__", "specs", "spec.md");
  writeFileSync(spec, `${readFileSync(spec, "utf8")}${SPINE}`);
  const n = ws.sessions.length;
  const check = (what: string) => (out: string) =>
    expectOutput(out.includes(`${n} session(s) checked`), what);
  // --no-cache: what the Spine rules cost is in checking the sessions, which the findings cache would skip.
  return [
    {
      name: `\`validate --all\` (${n} sessions, filled), Spine rules off`,
      cwd: off,
      argv: ["validate", "--all", "--no-cache"],
      rssBudgetMb: 150,
      okCodes: [1],
      check: check("validate --all (spine off)"),
    },
    {
      name: `\`validate --all\` (${n} sessions, filled), Spine declared, both Spine rules on`,
      cwd: on,
      argv: ["validate", "--all", "--no-cache"],
      rssBudgetMb: 150,
      okCodes: [1],
      check: (out) => {
        check("validate --all (spine on)")(out);
        expectOutput(out.includes("idse/spine-components"), "the Spine rule found the invented widgets");
      },
    },
  ];
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { time: { type: "boolean" }, runs: { type: "string" } } });
  if (!values.time) {
    console.error("usage: bun scripts/bench-spine.ts --time [--runs 7]");
    return 2;
  }
  const binary = resolve(import.meta.dir, "..", "dist", process.platform === "win32" ? "idse.exe" : "idse");
  const runs = Number(values.runs ?? 7);
  const root = realpathSync(mkdtempSync(join(tmpdir(), "idse-bench-spine-")));
  try {
    const ws = await generateWorkspace(join(root, "big"), 1001);
    const profiles = join(root, "profiles");
    cpSync(ws.dir, profiles, { recursive: true });
    await addAgentProfiles({ ...ws, dir: profiles });
    const cases = await spineCases(root, profiles, ws);
    const env = { PATH: process.env.PATH ?? "", HOME: root, NO_COLOR: "1" };
    const times: number[][] = cases.map(() => []);
    // Interleaved, after one warm-up each, so both cases see the same machine load.
    for (let r = -1; r < runs; r++)
      for (const [i, c] of cases.entries()) {
        const t = performance.now();
        const out = Bun.spawnSync([binary, ...c.argv], { cwd: c.cwd, env });
        const ms = performance.now() - t;
        if (!(c.okCodes ?? [0]).includes(out.exitCode ?? -1))
          throw new Error(`${c.name}: exit ${out.exitCode}: ${out.stderr.toString()}`);
        c.check(out.stdout.toString());
        if (r >= 0) times[i]!.push(ms);
      }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [off, on] = times.map(median) as [number, number];
    const [offMin, onMin] = times.map((xs) => Math.min(...xs)) as [number, number];
    for (const [i, c] of cases.entries())
      console.log(
        `${c.name}: median ${median(times[i]!).toFixed(0)} ms, min ${Math.min(...times[i]!).toFixed(0)} ms`,
      );
    // The minimum is the run least disturbed by other load on the machine; both are printed.
    const pct = (a: number, b: number) => (((b - a) / a) * 100).toFixed(1);
    console.log(
      `Spine rules add ${pct(off, on)} % by median, ${pct(offMin, onMin)} % by minimum (budget 10 %)`,
    );
    return 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exit(await main());
