// The compiled binary starts with JavaScriptCore's JIT held back (`--compile-jit-policy`, scripts/build.ts):
// most of a command's code runs once (loading modules, building models, one session's rules), and
// compiling it on the way cost a short command more than it saved: `status` 43 → 41 ms and `validate` of
// one session 53 → 48 ms on 1,001 sessions, with a fifth less CPU (docs/benchmarks.md, "Start-up"). Work
// that grows with the workspace wants the normal JIT back: the store core and sync's hashing count the
// documents a command touches (validateSessions counts its sessions' ahead), and past `BULK` of them the
// normal policy is restored for the rest of the run; a long-running server restores it at once. Outside a
// compiled Bun binary (Deno, `bun test`, `bun src/main.ts`) the policy is normal already: restoring it
// changes nothing. A leaf: imports nothing.

/** Documents touched before a command counts as bulk work: a single session's command touches ~20. */
export const BULK = 64;

type SetPolicy = (scale: number) => void;

export interface JitPolicy {
  /** Counts documents read, hashed or about to be (one by default); reaching BULK restores the policy. */
  touch(documents?: number): void;
  /** Restores the normal JIT policy now, once. */
  normalJit(): void;
}

/** A policy over `set` (Bun.unsafe.setJITPolicy; undefined where there is none). */
export function jitPolicy(set: SetPolicy | undefined, bulk = BULK): JitPolicy {
  let pending = set;
  let touched = 0;
  const normalJit = () => {
    const restore = pending;
    pending = undefined;
    restore?.(1);
  };
  return {
    touch(documents = 1) {
      if (!pending) return;
      touched += documents;
      if (touched >= bulk) normalJit();
    },
    normalJit,
  };
}

const thisProcess = jitPolicy(
  (globalThis as { Bun?: { unsafe?: { setJITPolicy?: SetPolicy } } }).Bun?.unsafe?.setJITPolicy,
);
export const { touch, normalJit } = thisProcess;
