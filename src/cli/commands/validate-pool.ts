import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { IdseError } from "../../errors.ts";
import type { DesignStore } from "../../store/contract.ts";
import { storeBoundary } from "../../store/fs.ts";
import type { WalkSpec } from "../../validation/findings-cache.ts";
import type { Offload, Offloaded, SharedSetup } from "../../validation/run.ts";
import type { ReportSink } from "./validate-sink.ts";
import type { WorkerInit, WorkerJob, WorkerReply } from "./validate-worker.ts";

// `validate --all` on more than one core: worker threads walk (list and stat, for the findings cache),
// load, validate and render sessions while the main thread takes their results in order, keeps what the
// cache needs and writes the document. On 2 cores a first run of 10,001 filled sessions took 6.1 s
// where one thread took 8.7-10.5 s (docs/benchmarks.md, "Scaling"). The output is the same byte for byte
// (test/cli/validate-pool.test.ts): reports are taken in the run's order.
//
// Only the filesystem store: a worker opens its own store on the same folder, with the same boundary;
// a plugin store's connection cannot be shared. The workers read; every write stays on the main thread.

/**
 * Fewer sessions than this are validated on the main thread: each worker loads and warms up its own copy
 * of the engine. 1,001 filled sessions on 2 cores took 970 ms on two workers against 745 ms on one thread,
 * 10,001 about 6.5 s against 8.7 s; the lines cross near 1,800.
 */
export const MIN_SESSIONS = 2000;
/** Most worker threads, whatever the machine: the main thread's share (taking results, writing) caps the gain. */
const MAX_THREADS = 4;
/** Sessions in flight per worker: enough to keep it busy while the main thread takes results. */
const PER_WORKER = 16;

/**
 * How many worker threads a run of `sessions` gets: IDSE_VALIDATE_THREADS when set (0: none), else one
 * per core the process may use (its CPU quota counted) up to MAX_THREADS, none on one core or below
 * MIN_SESSIONS.
 */
export function threadsFor(sessions: number, env: Record<string, string | undefined>): number {
  const set = env.IDSE_VALIDATE_THREADS;
  if (set !== undefined && set !== "") {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 0 || n > 64)
      throw new IdseError("USAGE", {
        reason: `IDSE_VALIDATE_THREADS must be a whole number from 0 to 64, not ${JSON.stringify(set)}`,
      });
    return n;
  }
  if (sessions < MIN_SESSIONS) return 0;
  const cores = Math.min(availableParallelism(), quotaCores(readQuota()) ?? Infinity);
  return cores < 2 ? 0 : Math.min(cores, MAX_THREADS);
}

/**
 * The cores a CPU quota allows: "<quota> <period>" (cgroup v2's cpu.max, or v1's two files joined), whole
 * cores only; undefined without a quota ("max", -1) or a file to read. A container limited to 2 CPUs on a
 * 64-core host sees 64 in availableParallelism(), and 4 workers on 2 cores took twice as long as 2.
 */
export function quotaCores(text: string | undefined): number | undefined {
  const [quota, period] = (text ?? "").trim().split(/\s+/).map(Number);
  if (!quota || !period || quota <= 0 || period <= 0) return undefined;
  return Math.max(1, Math.floor(quota / period));
}

/** The process's CPU quota as quotaCores reads it (cgroup v2, else v1), or undefined. */
function readQuota(): string | undefined {
  const read = (file: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  };
  const v2 = read("/sys/fs/cgroup/cpu.max");
  if (v2 !== undefined) return v2;
  const quota = read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  const period = read("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  return quota && period ? `${quota.trim()} ${period.trim()}` : undefined;
}

/**
 * The worker's entry. In the compiled binary a worker is named by its path in the build (scripts/build.ts
 * gives it as a second entry point); from source, by its URL.
 */
function entry(): string {
  const url = import.meta.url;
  return url.includes("$bunfs") || url.includes("~BUN")
    ? "./cli/commands/validate-worker.ts"
    : new URL("./validate-worker.ts", url).href;
}

/** An offload over `threads` workers for a run of `project` in `store`, its reports given to `sink`. */
export function validationPool(
  threads: number,
  store: DesignStore,
  project: string,
  stack: string,
  sink: ReportSink,
): (setup: SharedSetup, walk: unknown) => Offload | undefined {
  return (setup, walk) => {
    if (threads < 1 || store.kind !== "filesystem") return undefined;
    const { base, within } = storeBoundary(store);
    const init: WorkerInit = {
      type: "init",
      location: base.slice(0, -1),
      within,
      project,
      stack,
      setup,
      render: sink.options,
      ...(walk ? { walk: walk as WalkSpec } : {}),
    };
    const waiting = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: unknown) => void }>();
    const load: number[] = [];
    /** Set once a worker failed or the pool closed: every job then fails with it, none waits forever. */
    let failure: Error | undefined;
    const fail = (err: Error) => {
      failure ??= err;
      for (const job of waiting.values()) job.reject(failure);
      waiting.clear();
    };
    const workers = Array.from({ length: threads }, (_, i) => {
      const w = new Worker(entry(), { type: "module" });
      load.push(0);
      w.onmessage = (e: MessageEvent<WorkerReply>) => {
        load[i]!--;
        const job = waiting.get(e.data.index);
        waiting.delete(e.data.index);
        job?.resolve(e.data);
      };
      // A worker that fails outside a job (it could not load) or stops: the run fails with it.
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault?.();
        fail(new Error(`a validation thread failed: ${e.message}`));
      };
      w.addEventListener("close", () => fail(new Error("a validation thread stopped")));
      w.postMessage(init);
      return w;
    });
    return {
      window: threads * PER_WORKER,
      validate(session, index) {
        // The least busy worker: sessions differ in size.
        let pick = 0;
        for (let i = 1; i < threads; i++) if (load[i]! < load[pick]!) pick = i;
        load[pick]!++;
        const job: WorkerJob = { type: "job", session, index };
        return new Promise<WorkerReply>((resolve, reject) => {
          if (failure) return reject(failure);
          waiting.set(index, { resolve, reject });
          workers[pick]!.postMessage(job);
        }).then((reply): Offloaded => {
          if ("error" in reply) throw revive(reply.error);
          return {
            recorded: reply.recorded,
            archived: reply.archived,
            touched: reply.touched,
            walked: reply.walked,
            deliver: () => sink.take(reply.rendered, index),
          };
        });
      },
      close() {
        fail(new Error("the validation threads were closed"));
        for (const w of workers) w.terminate();
      },
    };
  };
}

/** An error a worker sent back, as the main thread would have thrown it. */
function revive(e: Extract<WorkerReply, { error: unknown }>["error"]): Error {
  if ("idse" in e) return IdseError.of(e.idse.code, e.idse.data, e.idse.details);
  // A system error keeps what the CLI reads of it (its code, call and path).
  return Object.assign(new Error(e.message), e.fields);
}
