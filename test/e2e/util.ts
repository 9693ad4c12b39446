import { expect } from "bun:test";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BINARY, idseBinary, type RunResult, tempDir } from "../helpers.ts";

// Shared pieces of the end-to-end suite: every run goes through the compiled binary (dist/idse), and
// every `--json` run is checked against the output contract (DESIGN.md §6) before a test looks at it.

export type Envelope = NonNullable<RunResult["json"]>;
export interface E2eResult extends RunResult {
  /** The parsed envelope; set (and contract-checked) for every run with `--json`. */
  env: Envelope;
}

export interface RunOpts {
  cwd: string;
  env?: Record<string, string>;
  stdin?: string | Uint8Array;
}

/** Fails the file early, with a clear message, when the binary has not been built. */
export function requireBinary(): void {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} does not exist: run \`npm run build\` first (bun scripts/build.ts)`);
  }
}

const SEVERITIES = ["error", "warning", "info"];

/** Checks that stdout is exactly one JSON envelope {ok, command, data, diagnostics}. */
export function assertEnvelope(argv: string[], r: RunResult): Envelope {
  let doc: unknown;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(
      `\`idse ${argv.join(" ")}\` (exit ${r.code}) did not print exactly one JSON document on stdout.\n` +
        `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
    );
  }
  expect(doc).toBeObject();
  const env = doc as Envelope;
  expect(Object.keys(env).sort()).toEqual(["command", "data", "diagnostics", "ok"]);
  expect(typeof env.ok).toBe("boolean");
  expect(typeof env.command).toBe("string");
  expect(Array.isArray(env.diagnostics)).toBe(true);
  for (const d of env.diagnostics) {
    expect(SEVERITIES).toContain(d.severity);
    expect(d.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(typeof d.message).toBe("string");
  }
  // ok mirrors the exit code: only a clean run is ok.
  expect({ argv, ok: env.ok }).toEqual({ argv, ok: r.code === 0 });
  return env;
}

/** Runs the compiled binary; with `--json` in argv, the output contract is checked first. */
export function run(argv: string[], o: RunOpts): E2eResult {
  const r = idseBinary(argv, o);
  const env = argv.includes("--json") ? assertEnvelope(argv, r) : (undefined as unknown as Envelope);
  return { ...r, env };
}

/** Runs with `--json` appended and returns the checked envelope. */
export function json(argv: string[], o: RunOpts): E2eResult {
  return run([...argv, "--json"], o);
}

/** Asserts a successful run (exit 0, ok:true for JSON). */
export function expectOk(r: E2eResult, argv?: string[]): E2eResult {
  if (r.code !== 0) {
    throw new Error(
      `expected exit 0${argv ? ` for \`idse ${argv.join(" ")}\`` : ""}, got ${r.code}\n` +
        `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
    );
  }
  if (r.env) expect(r.env.ok).toBe(true);
  return r;
}

/** Runs and asserts success. */
export function ok(argv: string[], o: RunOpts): E2eResult {
  return expectOk(run(argv, o), argv);
}

/**
 * Asserts a failed run: the exit code, and the stable code as the first error diagnostic (JSON) or as
 * `error[CODE]` on stderr with nothing on stdout (text).
 */
export function expectFail(r: E2eResult, exit: 1 | 2, code: string): E2eResult {
  expect({ exit: r.code, code: firstCode(r) }).toEqual({ exit, code });
  if (r.env) {
    expect(r.env.ok).toBe(false);
    expect(r.env.data).toBeNull();
  } else {
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`error[${code}]`);
  }
  return r;
}

function firstCode(r: E2eResult): string | undefined {
  if (r.env) return r.env.diagnostics.find((d) => d.severity === "error")?.code;
  return /error\[([A-Z0-9_]+)\]/.exec(r.stderr)?.[1];
}

/** The first error diagnostic of a failed JSON run. */
export function errorOf(r: E2eResult): Envelope["diagnostics"][number] {
  const d = r.env.diagnostics.find((x) => x.severity === "error");
  if (!d) throw new Error(`no error diagnostic in ${r.stdout}`);
  return d;
}

/**
 * Every file and directory under `dir` with its bytes (base64), for before/after comparisons. Paths are
 * relative and sorted; directories map to "<dir>", symlinks to their target.
 */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string) => {
    for (const name of readdirSync(p).sort()) {
      const full = join(p, name);
      const rel = relative(dir, full);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        out[`${rel}/`] = "<dir>";
        walk(full);
      } else {
        out[rel] = readFileSync(full).toString("base64");
      }
    }
  };
  walk(dir);
  return out;
}

export const read = (file: string) => readFileSync(file, "utf8");
export const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

export const STAGES = ["intent", "context", "spec", "plan", "tasks", "implementation", "feedback"] as const;
export const STAGE_FILES: Record<(typeof STAGES)[number], string> = {
  intent: "intents/intent.md",
  context: "contexts/context.md",
  spec: "specs/spec.md",
  plan: "plans/plan.md",
  tasks: "tasks/tasks.md",
  implementation: "implementation/README.md",
  feedback: "feedback/feedback.md",
};

/** Paths inside a project of a workspace rooted at `root`. */
export const proj = (root: string, project: string, ...rest: string[]) =>
  join(root, ".idse", "projects", project, ...rest);
export const sess = (root: string, project: string, session: string, ...rest: string[]) =>
  proj(root, project, "sessions", session, ...rest);

/** A fresh temporary repository with `idse init shop` done by the compiled binary. */
export function shop(): string {
  const cwd = tempDir();
  ok(["init", "shop"], { cwd });
  return cwd;
}
