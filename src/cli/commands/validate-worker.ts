import { type Diagnostic, type ErrorCode, IdseError } from "../../errors.ts";
import { createFilesystemStore } from "../../store/fs.ts";
import { type Walked, type WalkSpec, walker } from "../../validation/findings-cache.ts";
import * as formats from "../../validation/formats.ts";
import { allRules } from "../../validation/rules/index.ts";
import { checkSession, type Recorded, type RunSetup, type SharedSetup } from "../../validation/run.ts";
import { type Rendered, reportRenderer, type SinkOptions } from "./validate-sink.ts";

// A worker thread of `validate --all` (src/cli/commands/validate-pool.ts): given the run's setup once,
// then sessions, it loads, validates and renders each one and sends back its text and what the run
// records of it. It reads through its own filesystem store, bounded as the main thread's is, and writes
// nothing.

export interface WorkerInit {
  type: "init";
  /** The filesystem store's folder and the folder no file may resolve outside of. */
  location: string;
  within: string;
  project: string;
  stack: string;
  setup: SharedSetup;
  render: SinkOptions;
  /** How to walk each session for the findings cache, when the run has one. */
  walk?: WalkSpec;
}

export interface WorkerJob {
  type: "job";
  session: string;
  index: number;
}

export type WorkerReply =
  | {
      index: number;
      rendered: Rendered;
      recorded: Recorded;
      archived: boolean;
      touched: string[];
      walked?: Walked;
    }
  | {
      index: number;
      error:
        | { idse: { code: ErrorCode; data: Record<string, unknown>; details: Diagnostic[] } }
        | { message: string; fields: Record<string, unknown> };
    };

interface Context {
  init: WorkerInit;
  store: ReturnType<typeof createFilesystemStore>;
  setup: RunSetup;
  render: ReturnType<typeof reportRenderer>;
  walk: ((session: string) => Walked | undefined) | undefined;
}

let context: Context | undefined;
const encoder = new TextEncoder();

async function run(job: WorkerJob): Promise<WorkerReply> {
  const { init, store, setup, render, walk } = context!;
  try {
    // Listed and stat-ed before anything is read, as the main thread's cache would (findings-cache.ts).
    const walked = walk?.(job.session);
    const { result, touched } = await checkSession(
      store,
      init.project,
      job.session,
      setup,
      { stack: init.stack },
      init.setup.coverage,
      walked?.names,
    );
    const rendered = render(result.report, undefined);
    return {
      index: job.index,
      // Encoded here, in parallel, and handed over without a copy (postMessage's transfer list).
      rendered: { ...rendered, text: encoder.encode(rendered.text as string) },
      recorded: result.recorded,
      archived: result.archived,
      touched,
      ...(walked ? { walked } : {}),
    };
  } catch (err) {
    return { index: job.index, error: describe(err) };
  }
}

/** An error as a message can carry it (a class does not cross threads). */
function describe(err: unknown): Extract<WorkerReply, { error: unknown }>["error"] {
  if (err instanceof IdseError)
    return { idse: { code: err.code, data: err.data as Record<string, unknown>, details: err.details } };
  const e = err as { name?: string; message?: string; code?: unknown; syscall?: unknown; path?: unknown };
  const fields: Record<string, unknown> = { name: e?.name ?? "Error" };
  for (const k of ["code", "errno", "syscall", "path"] as const)
    if ((e as Record<string, unknown>)?.[k] !== undefined) fields[k] = (e as Record<string, unknown>)[k];
  return { message: String(e?.message ?? err), fields };
}

/** The worker's scope (the project's types are not the DOM's, where `self` is declared). */
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WorkerInit | WorkerJob>) => void) | null;
  postMessage(reply: WorkerReply, transfer: ArrayBuffer[]): void;
};

scope.onmessage = async (e) => {
  const m = e.data;
  if (m.type === "init") {
    const rules = allRules();
    context = {
      init: m,
      store: createFilesystemStore(m.location, m.within),
      setup: { config: m.setup.config, rules, state: m.setup.state, spine: m.setup.spine },
      render: reportRenderer(formats, rules, m.render),
      walk: m.walk ? walker(m.walk) : undefined,
    };
    return;
  }
  const reply = await run(m);
  scope.postMessage(
    reply,
    "rendered" in reply ? [(reply.rendered.text as Uint8Array).buffer as ArrayBuffer] : [],
  );
};
