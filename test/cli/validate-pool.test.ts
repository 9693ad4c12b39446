import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  MIN_SESSIONS,
  quotaCores,
  threadsFor,
  validationPool,
} from "../../src/cli/commands/validate-pool.ts";
import { reportSink } from "../../src/cli/commands/validate-sink.ts";
import { textOf } from "../../src/cli/json-stream.ts";
import { listSessionIds } from "../../src/session-graph.ts";
import * as formats from "../../src/validation/formats.ts";
import { allRules } from "../../src/validation/rules/index.ts";
import { type Offload, validateSessions } from "../../src/validation/run.ts";
import { openWorkspace } from "../../src/workspace.ts";
import { BINARY, idse, tempDir } from "../helpers.ts";

// `validate --all` on worker threads (src/cli/commands/validate-pool.ts): the document must be byte for
// byte the one a single thread writes, in every format, with and without the findings cache; the cache a
// threaded run fills (each session walked in its worker) must serve the next run as the main thread's
// would; and a failure in a worker must fail the run as it fails on one thread.

const PROJECT = ".idse/projects/shop";
const S = (session: string, rel = "") => `${PROJECT}/sessions/${session}${rel ? `/${rel}` : ""}`;
const SPINE = `## Product Spine

Active milestone: MVP

| # | Primitive | Module | Area | Layer | Milestone | System Role |
|---|---|---|---|---|---|---|
| 1 | Catalog | catalog.ts | Core | Storage | MVP | Primitive |
`;
const SESSIONS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];

/**
 * A declared Spine (spine-coverage: the blueprint is validated last, on the main thread, after every
 * worker's session), six feature sessions, one with non-ASCII text and one naming the Spine's primitive.
 */
async function workspace(): Promise<string> {
  const cwd = tempDir("idse-pool-");
  await idse(["init", "shop", "--no-create-agent-files", "--quiet"], { cwd });
  for (const name of SESSIONS) await idse(["spawn", name, "--plan", "feature", "--quiet"], { cwd });
  const spec = join(cwd, S("__blueprint__", "specs/spec.md"));
  writeFileSync(spec, `${readFileSync(spec, "utf8")}\n${SPINE}`);
  writeFileSync(join(cwd, S("beta", "intents/intent.md")), "# Intent\n\nÉté — ✓ 😀 Catalog\n\n## TODO\n");
  return cwd;
}

/** A sink of reports in JSON, as `validate --all --json` makes one, for runs driven in process. */
const jsonSink = (idseDir: string, rules: ReturnType<typeof allRules>) =>
  reportSink(formats, rules, { format: "json", prefix: "", timestamp: "", hostname: "", idseDir, env: {} });

/** `validate --all`; with `--spill`, the reports go to a scratch file however few (IDSE_TEST_SPILL_BYTES). */
const run = (cwd: string, threads: number, ...args: string[]) =>
  idse(["validate", "--all", ...args.filter((a) => a !== "--spill")], {
    cwd,
    env: {
      IDSE_VALIDATE_THREADS: String(threads),
      ...(args.includes("--spill") ? { IDSE_TEST_SPILL_BYTES: "0" } : {}),
    },
  });

/** Lets the filesystem's clock pass every file written so far (the cache's racy-git rule). */
const settle = () => Bun.sleep(30);

describe("validate --all on worker threads", () => {
  test("the document is the one thread's, byte for byte, in every format, with and without the cache", async () => {
    const cwd = await workspace();
    for (const format of [["--json"], ["--format", "sarif"], ["--format", "text"]]) {
      const one = await run(cwd, 0, ...format, "--no-cache");
      expect(one.code).toBe(1);
      for (const args of [["--no-cache"], ["--no-cache", "--spill"], [], []]) {
        // Without the cache, the reports are kept in memory or (--spill) in a scratch file, where a
        // worker's bytes are copied as they are. With it: the first run fills it (and records
        // statuses), the next ones serve from it.
        const many = await run(cwd, 2, ...format, ...args);
        expect([format, args, many.code, many.stderr]).toEqual([format, args, one.code, ""]);
        expect(many.stdout).toBe(one.stdout);
        await settle();
      }
    }
  });

  test("the sessions really go to the workers, the blueprint under spine-coverage stays on the main thread", async () => {
    const cwd = await workspace();
    const ws = openWorkspace({ cwd, home: cwd, env: {} });
    const sessions = await listSessionIds(ws.store, "shop");
    const rules = allRules();
    const render = (threads: number, given: string[]) => {
      const sink = jsonSink(ws.idseDir, rules);
      const pool = validationPool(threads, ws.store, "shop", "python", sink);
      return validateSessions(ws.store, "shop", sessions, {
        stack: "python",
        onReport: sink.add,
        offload: (setup, walk): Offload | undefined => {
          const p = pool(setup, walk);
          const validate: Offload["validate"] = (s, i) => {
            given.push(s);
            return p!.validate(s, i);
          };
          return p && { ...p, validate };
        },
      }).then(({ recorded }) => ({ text: textOf(sink.json().pieces()), recorded }));
    };
    const viaWorkers: string[] = [];
    const many = await render(2, viaWorkers);
    const none: string[] = [];
    const one = await render(0, none);
    expect(none).toEqual([]);
    expect(viaWorkers.sort()).toEqual(SESSIONS.toSorted());
    expect(many.text).toBe(one.text);
    expect(many.recorded).toEqual(one.recorded);
    // The blueprint saw beta's mention of the primitive through the worker's note of it: without it,
    // spine-coverage reports the primitive uncovered.
    const uncovered = 'primitive \\"Catalog\\" is in the active milestone';
    expect(many.text).not.toContain(uncovered);
    writeFileSync(join(cwd, S("beta", "intents/intent.md")), "# Intent\n\nnothing named\n");
    expect((await render(2, [])).text).toContain(uncovered);
  });

  test("a cache filled by workers serves the next run, and a changed session is validated afresh", async () => {
    const cwd = await workspace();
    await settle();
    await run(cwd, 2, "--json"); // records each session's status: not kept yet
    await settle();
    await run(cwd, 2, "--json"); // each session walked in a worker, kept by the main thread
    const data = join(cwd, ".idse/.cache/findings/shop.json.data");
    const text = readFileSync(data, "utf8");
    expect(text).toContain('"severity": "warning"');
    writeFileSync(data, text.replaceAll('"severity": "warning"', '"severity": "WARNING"'));
    writeFileSync(join(cwd, S("gamma", "plans/plan.md")), "# Plan\n\nchanged\n");
    await settle();
    for (const threads of [0, 2]) {
      const r = await run(cwd, threads, "--json");
      const reports = JSON.parse(r.stdout).data.reports as {
        session: string;
        findings: { severity: string }[];
      }[];
      const served = reports
        .filter((x) => x.findings.some((f) => f.severity === "WARNING"))
        .map((x) => x.session);
      // Not gamma (changed), not the blueprint (spine-coverage: never kept).
      expect([threads, served.sort()]).toEqual([threads, SESSIONS.filter((s) => s !== "gamma").sort()]);
    }
  });

  test("a closed pool fails a session given to it rather than leaving it waiting", async () => {
    const cwd = await workspace();
    const ws = openWorkspace({ cwd, home: cwd, env: {} });
    const sink = jsonSink(ws.idseDir, allRules());
    const setup = { config: {}, state: null, spine: undefined, coverage: false };
    const pool = validationPool(1, ws.store, "shop", "python", sink)(setup, undefined)!;
    const first = pool.validate("alpha", 0);
    pool.close();
    await expect(first).rejects.toThrow("the validation threads were closed");
    await expect(pool.validate("beta", 1)).rejects.toThrow("the validation threads were closed");
  });

  test("a session that cannot be read fails the run as it does on one thread", async () => {
    const cwd = await workspace();
    writeFileSync(join(cwd, S("delta", "metadata/session.json")), "{bad");
    const one = await run(cwd, 0, "--json");
    const many = await run(cwd, 2, "--json");
    expect(one.code).not.toBe(0);
    expect([many.code, many.stdout]).toEqual([one.code, one.stdout]);
    expect(JSON.parse(many.stdout).diagnostics[0].code).toBe("CORRUPT_FILE");
  });

  test("IDSE_VALIDATE_THREADS: a whole number, else USAGE; automatic below MIN_SESSIONS is one thread", async () => {
    const cwd = await workspace();
    for (const bad of ["x", "-1", "1.5", "65"]) {
      const r = await idse(["validate", "--all"], { cwd, env: { IDSE_VALIDATE_THREADS: bad } });
      expect([bad, r.code]).toEqual([bad, 2]);
      expect(r.stderr).toContain("IDSE_VALIDATE_THREADS must be a whole number from 0 to 64");
    }
    expect(threadsFor(MIN_SESSIONS - 1, {})).toBe(0);
    expect(threadsFor(10_001, { IDSE_VALIDATE_THREADS: "0" })).toBe(0);
    expect(threadsFor(3, { IDSE_VALIDATE_THREADS: "3" })).toBe(3);
    expect(threadsFor(10_001, {})).toBeGreaterThanOrEqual(0);
  });

  test("a CPU quota caps the workers: whole cores of quota over period, none without a quota", () => {
    expect(quotaCores("200000 100000\n")).toBe(2);
    expect(quotaCores("150000 100000")).toBe(1);
    expect(quotaCores("50000 100000")).toBe(1);
    expect(quotaCores("400000 100000")).toBe(4);
    expect(quotaCores("max 100000")).toBeUndefined();
    expect(quotaCores("-1 100000")).toBeUndefined();
    expect(quotaCores("")).toBeUndefined();
    expect(quotaCores(undefined)).toBeUndefined();
  });

  test("the compiled binary starts its workers (their entry is built in) and writes the same document", async () => {
    const cwd = await workspace();
    const bin = (threads: number) =>
      spawnSync(BINARY, ["validate", "--all", "--json", "--no-cache"], {
        cwd,
        encoding: "utf8",
        env: { ...process.env, IDSE_VALIDATE_THREADS: String(threads) },
      });
    const one = bin(0);
    const many = bin(2);
    expect(one.status).toBe(1);
    expect([many.status, many.stderr]).toEqual([1, ""]);
    expect(many.stdout).toBe(one.stdout);
  });
});
