import { expect } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { STAGE_PATHS, type Stage } from "../../src/store/layout.ts";
import { idse, type RunResult, tempDir } from "../helpers.ts";

// Helpers for the sync tests: a workspace with a project, paths of its artifacts, and a remote.

export const PROJECT = "shop";

export interface Ws {
  cwd: string;
  env: Record<string, string | undefined>;
  run(argv: string[], stdin?: string): Promise<RunResult>;
  /** Runs with --json and returns the result; asserts one JSON document. */
  json(argv: string[]): Promise<RunResult & { json: NonNullable<RunResult["json"]> }>;
  path(session: string, stage: Stage): string;
  read(session: string, stage: Stage): string | undefined;
  write(session: string, stage: Stage, text: string): void;
  remove(session: string, stage: Stage): void;
  /** Every artifact of the project: session/stage path → text. */
  artifacts(): Record<string, string>;
}

export function artifactsUnder(sessionsDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(sessionsDir)) return out;
  for (const session of readdirSync(sessionsDir).sort()) {
    for (const rel of Object.values(STAGE_PATHS)) {
      const file = join(sessionsDir, session, rel);
      if (existsSync(file)) out[`${session}/${rel}`] = readFileSync(file, "utf8");
    }
  }
  return out;
}

export function wsAt(cwd: string, env: Record<string, string | undefined> = {}): Ws {
  const path = (session: string, stage: Stage) =>
    join(cwd, ".idse", "projects", PROJECT, "sessions", session, STAGE_PATHS[stage]);
  const ws: Ws = {
    cwd,
    env,
    run: (argv, stdin) => idse(argv, { cwd, env: ws.env, stdin }),
    async json(argv) {
      const r = await idse([...argv, "--json"], { cwd, env: ws.env });
      expect(r.json, `one JSON document for ${argv.join(" ")}: ${r.stdout}${r.stderr}`).toBeDefined();
      return r as RunResult & { json: NonNullable<RunResult["json"]> };
    },
    path,
    read: (s, st) => (existsSync(path(s, st)) ? readFileSync(path(s, st), "utf8") : undefined),
    write(s, st, text) {
      mkdirSync(dirname(path(s, st)), { recursive: true });
      writeFileSync(path(s, st), text);
    },
    remove: (s, st) => rmSync(path(s, st)),
    artifacts: () => artifactsUnder(join(cwd, ".idse", "projects", PROJECT, "sessions")),
  };
  return ws;
}

/** A fresh workspace with project `shop` (and optionally feature sessions). */
export async function workspace(sessions: string[] = [], env: Record<string, string | undefined> = {}) {
  const ws = wsAt(tempDir("idse-sync-"), env);
  expect((await ws.run(["init", PROJECT, "--no-create-agent-files", "-q"])).code).toBe(0);
  for (const s of sessions) expect((await ws.run(["spawn", "--plan", "feature", s])).code).toBe(0);
  return ws;
}

/** The artifacts a filesystem remote holds for the project. */
export function remoteArtifacts(dir: string): Record<string, string> {
  return artifactsUnder(join(dir, "projects", PROJECT, "sessions"));
}

export function remoteFile(dir: string, session: string, stage: Stage): string {
  return join(dir, "projects", PROJECT, "sessions", session, STAGE_PATHS[stage]);
}

/** The `outcome` of each result of a push or pull, by session/stage path. */
export function outcomes(r: RunResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const x of r.json?.data?.results ?? []) out[`${x.session}/${x.stage}`] = x.outcome;
  return out;
}
