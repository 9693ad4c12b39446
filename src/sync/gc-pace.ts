// Large sync runs (issue 16: 70,007 documents per side at 10,001 sessions) allocate far more short-lived
// garbage (stat results, paths, keys, texts) than they keep: the live heap of a no-op `sync status` ends
// near 90 MB while the runtime let the process grow past 350 MB before collecting on its own. A young-
// generation collection every few thousand documents keeps the peak RSS near what is live; it costs a
// few milliseconds each time (docs/benchmarks.md, "Scaling"). Without Bun (tests under another runtime)
// this does nothing.

const gc = (globalThis as { Bun?: { gc(full: boolean): void } }).Bun?.gc;

/** Counts work done and collects garbage every `every` units (young only, unless `full`). */
export function gcPacer(every: number, full = false): (units?: number) => void {
  let since = 0;
  return (units = 1) => {
    since += units;
    if (since < every || !gc) return;
    since = 0;
    gc(full);
  };
}

/** A full collection now (the end of a large phase, before the next allocates as much again). */
export function collectGarbage(): void {
  gc?.(true);
}
