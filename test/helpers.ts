import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runCli } from "../src/cli/cli.ts";
import type { Io } from "../src/cli/command.ts";

export const REPO = resolve(import.meta.dir, "..");
export const BINARY = join(REPO, "dist", process.platform === "win32" ? "idse.exe" : "idse");
export const FIXTURE = join(REPO, "test", "fixtures", "python-original-workspace");

const cleanup: string[] = [];

/**
 * Removes the directories tempDir() made. Registered for every test file by test/preload.ts: a hook
 * registered here, at the top of a module that many test files import, ran only for some of them (the
 * module is evaluated once per run), and every CI run left thousands of directories in the temp folder.
 */
export function removeTempDirs(): void {
  for (const dir of cleanup.splice(0)) discard(dir);
}

// Deleting a test's directory can take seconds (the 1,001-session migration leaves ~20k files), longer
// than bun's hook limit on a busy machine. So a hook only renames it into a trash folder (one rename, the
// same file system) and starts its deletion in the background; test/preload.ts's afterAll hands what is
// left to a detached process (bun test runs no exit handlers), so nothing waits on it or is left behind.
let trash: string | undefined;
let trashed = 0;

function discard(dir: string): void {
  trash ??= mkdtempSync(join(tmpdir(), "idse-test-trash-"));
  const target = join(trash, String(++trashed));
  try {
    renameSync(dir, target);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  rm(target, { recursive: true, force: true }).catch(() => {});
}

/** Hands the trash folder to a detached process that deletes it; the next discard starts a new one. */
export function emptyTrashInBackground(): void {
  if (!trash) return;
  const script = `require("node:fs").rmSync(${JSON.stringify(trash)}, { recursive: true, force: true })`;
  trash = undefined;
  spawn(process.execPath, ["-e", script], { detached: true, stdio: "ignore" }).unref();
}

/** A fresh temporary directory, removed after the test. */
export function tempDir(prefix = "idse-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  cleanup.push(dir);
  return dir;
}

/** A writable copy of the workspace written by the Python original. */
export function fixtureCopy(): string {
  const dir = tempDir("idse-fixture-");
  cpSync(FIXTURE, dir, { recursive: true });
  const walk = (p: string) => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(dir);
  return dir;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is one JSON document. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary command data; schemas check shapes
  json: { ok: boolean; command: string; data: any; diagnostics: any[] } | undefined;
}

function parseJson(stdout: string): RunResult["json"] {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  home?: string;
  now?: Date;
  io?: Partial<Io>;
}

/** Runs the CLI in-process, exactly as main.ts would, capturing its output. */
export async function idse(argv: string[], o: RunOptions): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const home = o.home ?? o.cwd;
  const code = await runCli(argv, {
    cwd: o.cwd,
    env: { ...(o.env ?? {}) },
    home,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => o.stdin ?? "",
    stdinIsTTY: o.stdin === undefined,
    now: o.now ? () => o.now! : undefined,
    ...o.io,
  });
  return { code, stdout, stderr, json: parseJson(stdout) };
}

/** Runs the compiled binary (build it first with `npm run build`). */
export function idseBinary(
  argv: string[],
  o: { cwd: string; env?: Record<string, string>; stdin?: string | Uint8Array },
): RunResult {
  const r = spawnSync(BINARY, argv, {
    cwd: o.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: o.cwd, ...o.env },
    input: o.stdin ?? "",
    encoding: "utf8",
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: parseJson(r.stdout) };
}

/** A fresh temporary repository with `idse init shop [args]` run in-process; fails the test if init fails. */
export async function initShop(...initArgs: string[]): Promise<string> {
  const cwd = tempDir();
  const r = await idse(["init", "shop", ...initArgs], { cwd });
  if (r.code !== 0) throw new Error(`idse init shop failed: ${r.stderr}`);
  return cwd;
}

export const DENO = join(REPO, "node_modules", ".bin", "deno");

/** Runs idse from source on Deno (DESIGN.md §3), as a user of `deno run -A src/main.ts` would. */
export function idseDeno(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(DENO, ["run", "-A", "--quiet", join(REPO, "src/main.ts"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, HOME: cwd, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
