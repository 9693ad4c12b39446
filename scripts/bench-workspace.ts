// Builds a realistic workspace for the benchmarks: `idse init bench`, then feature sessions spawned from
// __blueprint__ with varied owners, tags, statuses and stage progress, then one regeneration of the
// blueprint meta.md. It runs the real code in-process: `init` through runCli, the sessions through the
// same primitives `spawn`, `session set-status` and `session set-stage` use. Calling the primitives
// instead of running `spawn` a thousand times skips the per-spawn meta.md regeneration, which would make
// generation quadratic in the number of sessions.
//
// With --profiles, every spec's `## Agent Profile` block is filled in too (see addAgentProfiles). With
// --written, every document of every session is written as a team would write it (see writeDocuments):
// no guidance or marker left, so the engine parses and checks real text and reports little.
//
// Usage: bun scripts/bench-workspace.ts <dir> [sessions] [--profiles | --written]
//   (sessions counts __blueprint__; default 1001)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { regenerateMeta } from "../src/blueprint-meta.ts";
import { runCli } from "../src/cli/cli.ts";
import type { Io } from "../src/cli/command.ts";
import { BLUEPRINT } from "../src/ids.ts";
import type { StageStatus } from "../src/models/common.ts";
import type { SessionMetadata } from "../src/models/session-metadata.ts";
import { createSession, updateSession } from "../src/session-graph.ts";
import { pointStateAt, type Stages, type ValidationStatus, writeSessionStages } from "../src/stage-state.ts";
import { assertKey, type DesignStore } from "../src/store/contract.ts";
import { createFilesystemStore } from "../src/store/fs.ts";
import { keys, STAGES } from "../src/store/layout.ts";
import { writtenDocument } from "./bench-documents.ts";

export const BENCH_PROJECT = "bench";

export interface GeneratedWorkspace {
  /** The repository root (the directory that contains `.idse/`). */
  dir: string;
  project: string;
  /** Every session id, __blueprint__ first. */
  sessions: string[];
  /** The session CURRENT_SESSION points at. */
  current: string;
}

const OWNERS = ["alice", "bob", "carol", "dave", "erin"];
const TAGS = ["billing", "auth", "search", "mobile", "infra", "ux"];
const START = Date.parse("2026-01-05T09:00:00Z");

/** A silent Io for in-process runs, pinned to `cwd` and to a fixed clock. */
export function quietIo(cwd: string, now: Date): Io {
  return {
    cwd,
    env: {},
    home: cwd,
    stdout: () => {},
    stderr: () => {},
    readStdin: async () => "",
    stdinIsTTY: false,
    now: () => now,
  };
}

/** Stages where the first `done` are completed and the next one (if any) is in progress. */
function progressed(done: number, started: boolean): Stages {
  return Object.fromEntries(
    STAGES.map((s, i): [string, StageStatus] => [
      s,
      i < done ? "completed" : i === done && started ? "in_progress" : "pending",
    ]),
  ) as Stages;
}

/** Status, stages and validation for the i-th feature session: a deterministic, realistic mix. */
function shapeOf(i: number): {
  status: SessionMetadata["status"];
  stages: Stages;
  validation: ValidationStatus;
} {
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return { status: "draft", stages: progressed(0, false), validation: "unknown" };
    case 3:
      return { status: "draft", stages: progressed(0, true), validation: "unknown" };
    case 4:
    case 5:
    case 6:
      return { status: "in_progress", stages: progressed(1 + (i % 4), true), validation: "failing" };
    case 7:
      return { status: "review", stages: progressed(6, true), validation: "passing" };
    case 8:
      return { status: "complete", stages: progressed(7, false), validation: "passing" };
    default:
      return { status: "archived", stages: progressed(2, false), validation: "unknown" };
  }
}

/**
 * The filesystem store with plain writes instead of fsync + rename: the same keys and files, without the
 * ~12,000 fsyncs that would make generation take seconds to minutes depending on the disk. Generation is
 * setup, not what is measured; the commands under test read the result through the real store.
 */
function bulkStore(idseDir: string): DesignStore {
  const store = createFilesystemStore(idseDir);
  return {
    ...store,
    async write(key, value) {
      const path = join(idseDir, assertKey(key));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, value);
    },
  };
}

export async function generateWorkspace(dir: string, sessions = 1001): Promise<GeneratedWorkspace> {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const initCode = await runCli(
    ["init", BENCH_PROJECT, "--stack", "typescript", "--owner", "alice", "--quiet"],
    quietIo(root, new Date(START)),
  );
  if (initCode !== 0) throw new Error(`idse init ${BENCH_PROJECT} failed in ${root} (exit ${initCode})`);

  const store = bulkStore(join(root, ".idse"));
  const ids = [BLUEPRINT];
  for (let i = 1; i < sessions; i++) {
    const id = `feature-${String(i).padStart(4, "0")}`;
    const now = new Date(START + i * 60_000).toISOString();
    ids.push(id);
    await createSession(store, BENCH_PROJECT, {
      id,
      type: "feature",
      parent: BLUEPRINT,
      owner: OWNERS[i % OWNERS.length]!,
      description: i % 3 === 0 ? `Feature ${i}: ${TAGS[i % TAGS.length]} work` : null,
      stack: "typescript",
      now,
      tags: i % 4 === 0 ? [TAGS[i % TAGS.length]!] : [],
    });
    const shape = shapeOf(i);
    if (shape.status !== "draft") {
      await updateSession(store, BENCH_PROJECT, id, now, (m) => ({ ...m, status: shape.status }));
    }
    if (STAGES.some((s) => shape.stages[s] !== "pending")) {
      await writeSessionStages(store, BENCH_PROJECT, id, shape.stages, shape.validation, now);
    }
  }

  // As `idse session switch`: a feature session in the middle is current, so listings mark one row.
  const current = ids[Math.floor(ids.length / 2)] ?? BLUEPRINT;
  const end = new Date(START + sessions * 60_000).toISOString();
  await store.write(keys.currentSession(BENCH_PROJECT), current);
  await pointStateAt(store, BENCH_PROJECT, current, end);
  await regenerateMeta(store, BENCH_PROJECT, end);
  return { dir: root, project: BENCH_PROJECT, sessions: ids, current };
}

// ---- Agent Profile blocks (the `compile agent-spec` cases) ----------------------------------------------

/** The blueprint's block: every key of an AgentProfileSpec, as a team would fill it in. */
const BLUEPRINT_PROFILE = `id: bench-agent
name: Bench Agent
description: Default agent of the bench project; feature sessions override what they need.
goals:
  - Keep each session's artifacts consistent with its spec
  - Implement tasks in small, reviewed steps
inputs:
  - specs/spec.md
  - plans/plan.md
  - tasks/tasks.md
outputs:
  - Pull requests with tests
  - implementation/README.md
tools: [git, bun, biome, tsc]
constraints:
  - No network access outside the sync channel
  - "Budget: 200k tokens per task"
memory_policy:
  session: keep decisions and open questions
  project: read-only
runtime_hints:
  mode: implementation
  max_parallel_tasks: 2
  review: required
model_preference: null
version: "1.0"`;

/** A feature session's override block: a few keys, some merged into the blueprint's mappings. */
function featureProfile(i: number, id: string): string {
  const tag = TAGS[i % TAGS.length]!;
  const lines = [`id: ${id}-agent`, `name: Feature ${i} agent`, `description: Carries ${id} (${tag} work).`];
  if (i % 3 === 0) lines.push(`tools: [git, bun, ${tag}-cli]`);
  if (i % 5 === 0) lines.push("runtime_hints:", "  mode: planning");
  if (i % 7 === 0) lines.push("goals:", `  - Ship the ${tag} change behind a flag`);
  return lines.join("\n");
}

/** The spec with its `## Agent Profile` section (the last one of the template) filled in with `yaml`. */
function withProfile(spec: string, yaml: string): string {
  const at = spec.indexOf("## Agent Profile");
  if (at < 0) throw new Error("the spec template has no ## Agent Profile section");
  const section = `## Agent Profile\n\nThe agent that carries this session's work.\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n`;
  return spec.slice(0, at) + section;
}

/**
 * Fills in the Agent Profile block of every session's spec: the blueprint's with a complete profile,
 * each feature session's with an override of a few keys. The rest of each spec stays the template.
 * `compile agent-spec --all` then compiles every session (1,001 profiles, none skipped).
 */
export async function addAgentProfiles(ws: GeneratedWorkspace): Promise<void> {
  const store = bulkStore(join(ws.dir, ".idse"));
  for (const [i, id] of ws.sessions.entries()) {
    const key = keys.artifact(ws.project, id, "spec");
    const spec = await store.read(key);
    if (spec === undefined) throw new Error(`${key} is missing`);
    await store.write(key, withProfile(spec, id === BLUEPRINT ? BLUEPRINT_PROFILE : featureProfile(i, id)));
  }
}

/**
 * Writes every document of every session as a team would (scripts/bench-documents.ts), with each spec's
 * Agent Profile block filled in first (addAgentProfiles). A task is ticked in a session whose tasks
 * stage is completed; a draft leaves one question open.
 */
export async function writeDocuments(ws: GeneratedWorkspace): Promise<void> {
  await addAgentProfiles(ws);
  const store = bulkStore(join(ws.dir, ".idse"));
  for (const [i, id] of ws.sessions.entries()) {
    const shape = shapeOf(i);
    const feature = id !== BLUEPRINT;
    const o = {
      done: feature && shape.stages.tasks === "completed",
      draft: feature && shape.status === "draft",
    };
    for (const stage of STAGES) {
      const key = keys.artifact(ws.project, id, stage);
      const text = await store.read(key);
      if (text === undefined) throw new Error(`${key} is missing`);
      await store.write(key, writtenDocument(stage, text, i, id, o));
    }
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const profiles = args.includes("--profiles");
  const written = args.includes("--written");
  const [dir, n] = args.filter((a) => a !== "--profiles" && a !== "--written");
  if (!dir || (n !== undefined && !/^\d+$/.test(n)) || (profiles && written)) {
    console.error("usage: bun scripts/bench-workspace.ts <dir> [sessions] [--profiles | --written]");
    process.exit(2);
  }
  const started = performance.now();
  const ws = await generateWorkspace(dir, n === undefined ? undefined : Number(n));
  if (profiles) await addAgentProfiles(ws);
  else if (written) await writeDocuments(ws);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const what = profiles ? " (with Agent Profile blocks)" : written ? " (every document written)" : "";
  console.log(
    `Generated ${ws.sessions.length} sessions of project ${ws.project}${what} in ${ws.dir} (${secs} s)`,
  );
}
