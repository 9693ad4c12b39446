// A large `validate --all` runs again as a child of the same binary with JavaScriptCore's FTL tier off.
// The workers spend more on FTL-compiling the engine (markdown-it's block rules most) than the compiled
// code gives back in one run: with BUN_JSC_useFTLJIT=0, a first run over 10,001 sessions took 13 % less
// time and CPU (docs/benchmarks.md, "Scaling"). JavaScriptCore reads its options before any of our code
// runs, so the option cannot be set from inside; the process that would validate runs itself again
// instead, before it takes any lock, and only passes the result on.
//
// Only the compiled binary on Linux does this: there the child asks the kernel to kill it when this
// process dies (PR_SET_PDEATHSIG), so a parent killed with SIGKILL leaves nothing behind that still
// holds the project lock or writes. SIGINT, SIGTERM and SIGHUP sent to the parent are passed on; the
// parent ends as the child did (its exit code, or the same signal). Setting BUN_JSC_useFTLJIT yourself,
// to anything, turns this off.

const FTL = "BUN_JSC_useFTLJIT";
/** The parent's pid, in the child's environment (read by main.ts): the child checks its parent is that process. */
export const RERUN_PARENT = "IDSE_RERUN_PARENT";
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

type Env = Record<string, string | undefined>;

/** What runs this file: the compiled binary, whose modules live in Bun's embedded filesystem. */
function compiledBinary(): boolean {
  const main = (globalThis as { Bun?: { main?: string } }).Bun?.main;
  return typeof main === "string" && (main.startsWith("/$bunfs/") || main.startsWith("B:/~BUN/"));
}

/** Whether this process may run itself again with FTL off: the compiled binary on Linux, the option unset. */
export function canRerun(env: Env): boolean {
  return (
    process.platform === "linux" &&
    compiledBinary() &&
    env[FTL] === undefined &&
    env[RERUN_PARENT] === undefined
  );
}

type Prctl = (option: number, arg: number) => number;
let prctl: Promise<Prctl | undefined> | undefined;

/** prctl(2) from the C library, through bun:ffi; undefined where there is none (musl, Deno). */
function loadPrctl(): Promise<Prctl | undefined> {
  prctl ??= (async () => {
    // A variable specifier, as in src/store/syncfs.ts: bundlers and Deno leave it to run time.
    const specifier = "bun:ffi";
    const ffi = (await import(specifier)) as typeof import("bun:ffi");
    const { symbols } = ffi.dlopen("libc.so.6", {
      prctl: { args: [ffi.FFIType.i32, ffi.FFIType.u64], returns: ffi.FFIType.i32 },
    });
    return (option: number, arg: number) => symbols.prctl(option, arg) as number;
  })().catch(() => undefined);
  return prctl;
}

/**
 * Runs this binary again with the same arguments and FTL off, its standard streams this process's own;
 * resolves to its exit code (when it ends by a signal, this process ends by the same signal), or to
 * undefined when it is not started: prctl(2) is not reachable (the child could not be made to die with
 * this process), or the binary cannot be run (moved or replaced). The caller then runs in-process.
 */
export async function rerun(env: Env): Promise<number | undefined> {
  if (!(await loadPrctl())) return undefined;
  const [{ spawn }, { constants }] = await Promise.all([import("node:child_process"), import("node:os")]);
  const child = spawn(process.execPath, process.argv.slice(2), {
    stdio: "inherit",
    env: { ...env, [FTL]: "0", [RERUN_PARENT]: String(process.pid) },
  });
  const forward = (signal: NodeJS.Signals) => {
    child.kill(signal); // false, and nothing else, when the child has ended already
  };
  for (const s of FORWARDED) process.on(s, forward);
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>(
    (resolve) => {
      child.once("error", () => resolve(undefined)); // not started: nothing ran, nothing was printed
      child.once("exit", (code, signal) => resolve({ code, signal }));
    },
  ).finally(() => {
    for (const s of FORWARDED) process.off(s, forward);
  });
  if (!ended) return undefined;
  if (ended.signal) {
    process.kill(process.pid, ended.signal);
    // Still here (a signal this runtime handles): the shell's convention for a death by signal.
    return 128 + (constants.signals[ended.signal] ?? 0);
  }
  return ended.code ?? 1;
}

/**
 * In a child started by `rerun` (main.ts calls it first thing, with the parent's pid from the environment,
 * and removes that from the environment so nothing this process starts inherits it): dies with its parent
 * (PR_SET_PDEATHSIG), and at once if the parent is already gone.
 */
export async function followParent(parent: string): Promise<void> {
  const PR_SET_PDEATHSIG = 1;
  const SIGKILL = 9;
  // The parent found prctl before starting this process; should it fail here all the same, the run goes
  // on (it would only outlive a parent killed with SIGKILL).
  (await loadPrctl())?.(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have died before the line above: then no one waits for this run.
  if (String(process.ppid) !== parent) process.kill(process.pid, "SIGKILL");
}
