import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { textOf } from "../../src/cli/json-stream.ts";
import { repositoryPrefix } from "../../src/repo-root.ts";
import { listSessionIds } from "../../src/session-graph.ts";
import { Spill } from "../../src/store/spill-file.ts";
import { formatJunit, formatSarif, formatTextChunks } from "../../src/validation/formats.ts";
import { allRules } from "../../src/validation/rules/index.ts";
import { validateSessions } from "../../src/validation/run.ts";
import { openWorkspace } from "../../src/workspace.ts";
import { BINARY, idse, tempDir } from "../helpers.ts";

// `validate --all` writes each report as it is made (issue #16): to a scratch file under `.idse/.cache/`
// past a threshold (IDSE_TEST_SPILL_BYTES here, so a small workspace spills), then copied out after the
// head that depends on all of them. The documents must be byte for byte what the in-memory formatters
// make of the same reports.

const BP_SPEC = ".idse/projects/shop/sessions/__blueprint__/specs/spec.md";
const SPINE = `## Product Spine

| # | Primitive | Module | Area | Layer | Milestone | System Role |
|---|---|---|---|---|---|---|
| 1 | Catalog | catalog.ts | Core | Storage | MVP | Primitive |
`;

/**
 * A project with a declared Spine (so spine-coverage validates the blueprint last, out of the output's
 * order) and four feature sessions, one of them edited. (Characters cut across read blocks: the Spill
 * test below.)
 */
async function workspace(): Promise<string> {
  const cwd = tempDir("idse-stream-");
  await idse(["init", "shop", "--no-create-agent-files", "--quiet"], { cwd });
  writeFileSync(join(cwd, BP_SPEC), `${readFileSync(join(cwd, BP_SPEC), "utf8")}\n${SPINE}`);
  for (const name of ["alpha", "beta", "gamma", "delta"])
    await idse(["spawn", name, "--plan", "feature", "--quiet"], { cwd });
  const intent = join(cwd, ".idse/projects/shop/sessions/beta/intents/intent.md");
  writeFileSync(intent, "# Intent\n\nÉté — ✓ 😀\n\n## TODO\n");
  return cwd;
}

const cacheFiles = (cwd: string) =>
  existsSync(join(cwd, ".idse/.cache"))
    ? readdirSync(join(cwd, ".idse/.cache")).filter((n) => n.startsWith("validate-report"))
    : [];

/**
 * Runs the CLI; `seen` collects the scratch files present while the document was being written. With
 * `bytes`, the printer takes bytes as main.ts's does (the scratch file's are copied through undecoded).
 */
async function run(cwd: string, argv: string[], spill: number, bytes = false) {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  const look = () => {
    for (const f of cacheFiles(cwd)) seen.add(f);
  };
  const r = await idse(argv, {
    cwd,
    env: { IDSE_TEST_SPILL_BYTES: String(spill) },
    io: {
      stdout: (t) => {
        look();
        out.push(Buffer.from(t));
      },
      ...(bytes
        ? {
            stdoutBytes: (b: Uint8Array) => {
              look();
              out.push(Buffer.from(b));
            },
          }
        : {}),
    },
  });
  return { ...r, stdout: Buffer.concat(out).toString("utf8"), seen };
}

/** The documents the in-memory formatters make of the same workspace's reports. */
async function expected(cwd: string) {
  const ws = openWorkspace({ cwd, home: cwd, env: {} });
  const sessions = await listSessionIds(ws.store, "shop");
  const { reports, timings } = await validateSessions(ws.store, "shop", sessions, {
    stack: ws.config.values.stack,
    clock: () => performance.now(),
  });
  const errors = reports.reduce((n, r) => n + r.errors, 0);
  const warnings = reports.reduce((n, r) => n + r.warnings, 0);
  const data = { project: "shop", reports, errors, warnings, passed: errors === 0, fixed: [] };
  const envelope = { ok: data.passed, command: "validate", data, diagnostics: [] };
  const sarif = formatSarif(reports, allRules(), {
    prefix: repositoryPrefix(cwd),
    automationId: "idse/shop/all/",
    exitCode: data.passed ? 0 : 1,
  });
  return {
    sessions,
    json: `${JSON.stringify(envelope, null, 2)}\n`,
    sarif: `${JSON.stringify(sarif, null, 2)}\n`,
    junit: formatJunit(reports, allRules(), { timings, timestamp: "T", hostname: "H" }),
    text: [...formatTextChunks(reports)].join(""),
  };
}

/** JUnit with its durations, timestamps and host name out: they differ from run to run. */
const steady = (xml: string) =>
  xml
    .replace(/ time="[\d.]+"/g, "")
    .replace(/ timestamp="[^"]*"/g, "")
    .replace(/ hostname="[^"]*"/g, "");

describe("validate --all streams its reports", () => {
  test("json, sarif, junit and text: spilled, in memory and the in-memory formatters agree byte for byte", async () => {
    const cwd = await workspace();
    const want = await expected(cwd);
    expect(want.sessions[0]).toBe("__blueprint__"); // first in the output, validated last
    const formats: [string, string[]][] = [
      ["json", ["--json"]],
      ["sarif", ["--format", "sarif"]],
      ["junit", ["--format", "junit"]],
      ["text", []],
    ];
    for (const [name, flags] of formats) {
      // The scratch file is the path without the findings cache (test/validation/findings-cache.test.ts).
      const argv = ["validate", "--all", "--no-cache", ...flags];
      const spilled = await run(cwd, argv, 0);
      const asBytes = await run(cwd, argv, 0, true);
      const inMemory = await run(cwd, argv, 1 << 30);
      // With the cache (every format but JUnit's), the reports are written to its data file instead, and
      // a second run may copy them from there: the same document either way.
      const filled = await run(cwd, ["validate", "--all", ...flags], 0, true);
      const reused = await run(cwd, ["validate", "--all", ...flags], 0, true);
      expect([name, spilled.code, spilled.stderr]).toEqual([name, 1, ""]);
      expect([name, spilled.seen.size, asBytes.seen.size]).toEqual([name, 1, 1]); // there while writing
      expect([name, inMemory.seen.size]).toEqual([name, 0]);
      expect(cacheFiles(cwd)).toEqual([]); // and is gone
      const wanted = want[name as keyof typeof want] as string;
      for (const got of [spilled, asBytes, inMemory, filled, reused]) {
        if (name === "junit") expect(steady(got.stdout)).toBe(steady(wanted));
        else expect(got.stdout).toBe(wanted);
      }
    }
    // --json --output: the file and the envelope on stdout, both whole, from one scratch file (or the cache).
    for (const cache of [["--no-cache"], []]) {
      const both = await run(cwd, ["validate", "--all", "--json", "--output", "report.json", ...cache], 0);
      expect(both.stdout).toBe(want.json);
      expect(readFileSync(join(cwd, "report.json"), "utf8")).toBe(want.json);
    }
    const both = await run(cwd, ["validate", "--all", "--json", "--output", "report.json"], 0);
    expect(both.stdout).toBe(want.json);
    expect(readFileSync(join(cwd, "report.json"), "utf8")).toBe(want.json);
    const sarifFile = await run(cwd, ["validate", "--all", "--format", "sarif", "--output", "r.sarif"], 0);
    expect(sarifFile.stdout).toContain("report written to r.sarif");
    expect(readFileSync(join(cwd, "r.sarif"), "utf8")).toBe(want.sarif);
    expect(cacheFiles(cwd)).toEqual([]);
  });

  test("a reader that stops early (| head) leaves no scratch file and no stack trace", async () => {
    const cwd = await workspace();
    const r = spawnSync("sh", ["-c", '"$0" validate --all --json | head -c 100', BINARY], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, IDSE_TEST_SPILL_BYTES: "0" },
      encoding: "utf8",
    });
    expect([r.stdout.length, r.stderr]).toEqual([100, ""]);
    expect(cacheFiles(cwd)).toEqual([]);
  });

  test("a scratch file a killed run left is removed by the next command", async () => {
    const cwd = await workspace();
    mkdirSync(join(cwd, ".idse/.cache"), { recursive: true });
    const dead = Bun.spawnSync([process.execPath, "-e", "0"]).pid;
    const left = join(cwd, `.idse/.cache/validate-report.${dead}.1.tmp`);
    writeFileSync(left, '{"x": 1},\n');
    await idse(["status"], { cwd });
    expect(existsSync(left)).toBe(false);
  });
});

test("Spill: pieces put out of order, some past the threshold, read back in order across block bounds", () => {
  const dir = tempDir("idse-spill-");
  const pieces = Array.from({ length: 40 }, (_, i) => `${i}:${"é✓😀".repeat(i % 7)}x`);
  for (const threshold of [0, 30, 1 << 20]) {
    for (const block of [1, 5, 64]) {
      const spill = new Spill(() => dir, threshold, ",\n", block);
      const order = [...pieces.keys()].reverse();
      for (const i of order) spill.put(i, i === 7 ? "" : pieces[i]!);
      const want = pieces.filter((_, i) => i !== 7).join(",\n");
      expect([threshold, block, textOf(spill.pieces())]).toEqual([threshold, block, want]);
      expect(readdirSync(dir)).toEqual([]);
    }
  }
});

test("Spill: pieces larger than its one-megabyte write buffer, between small ones, keep their places", () => {
  const dir = tempDir("idse-spill-big-");
  // 400,000 characters of three bytes each cannot go through the buffer: written on their own, after
  // what the buffer held; the ones around them are buffered.
  const big = (c: string) => c.repeat(400_000);
  const pieces = ["a", big("✓"), "b", "ü".repeat(300_000), big("x"), "c"];
  const spill = new Spill(() => dir, 0, ",\n");
  for (const i of [5, 0, 1, 3, 2, 4]) spill.put(i, pieces[i]!);
  expect(textOf(spill.pieces()) === pieces.join(",\n")).toBe(true);
  expect(readdirSync(dir)).toEqual([]);
});

test("Spill backed by a kept file: earlier pieces reused by place, new ones appended, all read back in order", () => {
  const dir = tempDir("idse-spill-backed-");
  const file = join(dir, "data");
  // An earlier run's pieces, each with its separator, at known places.
  const old = ["zero", "één", "two😀"].map((t) => `${t},\n`);
  writeFileSync(file, old.join(""));
  const starts = old.map((_, i) => Buffer.byteLength(old.slice(0, i).join("")));
  for (const block of [1, 3, 1 << 20]) {
    const before = readFileSync(file);
    const fd = openSync(file, "r+");
    const spill = new Spill(() => dir, 0, ",\n", block);
    spill.backWith(fd, before.length);
    spill.reuse(2, starts[0]!, Buffer.byteLength(old[0]!)); // "zero" at index 2
    spill.put(0, "new ✓");
    spill.reuse(1, starts[2]!, Buffer.byteLength(old[2]!)); // "two😀" at index 1
    spill.put(3, "last");
    spill.reuse(4, 0, 0); // an empty piece is none
    const place = spill.range(3)!;
    expect(textOf(spill.pieces(true))).toBe("new ✓,\ntwo😀,\nzero,\nlast");
    // The appended pieces are in the file after what it held, where range() says; the file stays.
    expect(
      readFileSync(file)
        .subarray(place.start, place.start + place.length)
        .toString(),
    ).toBe("last,\n");
    expect(readFileSync(file).subarray(0, before.length).equals(before)).toBe(true);
    spill.dispose();
    expect(existsSync(file)).toBe(true);
  }
});
