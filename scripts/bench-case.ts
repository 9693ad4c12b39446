// One whole-process case of the benchmark, shared by scripts/bench.ts and the case files beside it
// (bench-sync.ts, bench-compile.ts).

export interface ProcessCase {
  name: string;
  cwd: string;
  argv: string[];
  budgetMs?: number;
  /** Peak RSS budget (default RSS_BUDGET_MB in bench.ts). */
  rssBudgetMb?: number;
  /** Exit codes that count as a normal run (default 0 only; validate exits 1 on failing sessions). */
  okCodes?: number[];
  /** Throws when the output is not what the command should print (a fast wrong answer is no result). */
  check(stdout: string): void;
  /** Timed runs for a slow case (default: --runs). */
  runs?: number;
  /** Text written to the command's stdin, then closed (default: no stdin). */
  stdin?: string;
  /** A command run, untimed, before every run (e.g. to reset a server). */
  before?: string[];
  /** The program to run instead of dist/idse (the floor cases). */
  bin?: string;
  /** Budget as a multiple of the floor case's median in the same run (scripts/bench-hook.ts). */
  floorRatio?: number;
  /**
   * A floor timed alternately with this case, round for round, in the same launcher: on a machine whose
   * speed drifts within minutes (a shared VM), a ratio of two medians taken minutes apart moves with the
   * drift; taken in the same rounds it does not.
   */
  interleave?: { bin: string; argv: string[]; cwd: string; stdin?: string };
}

/** Fails the case: its output is not what the command should print. */
export function expectOutput(cond: boolean, what: string): void {
  if (!cond) throw new Error(`unexpected output: ${what}`);
}
