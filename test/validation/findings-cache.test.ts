import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { DesignStore } from "../../src/store/contract.ts";
import { keys } from "../../src/store/layout.ts";
import { loadSessionInput, SESSION_READS } from "../../src/validation/input.ts";
import { openWorkspace } from "../../src/workspace.ts";
import { BINARY, idse, tempDir } from "../helpers.ts";

// The findings cache of `validate --all` (src/validation/findings-cache.ts). To see whether a report came
// from the cache, the cache's data file is tampered with: every `"severity": "warning"` becomes
// `"severity": "WARNING"` (same length). A report the cache serves then shows WARNING; one validated
// afresh shows warning. Each change a session can undergo must make its report fresh again.

const PROJECT = ".idse/projects/shop";
const S = (session: string, rel = "") => `${PROJECT}/sessions/${session}${rel ? `/${rel}` : ""}`;
const BP_SPEC = S("__blueprint__", "specs/spec.md");
const SPINE = `## Product Spine

Active milestone: MVP

| # | Primitive | Module | Area | Layer | Milestone | System Role |
|---|---|---|---|---|---|---|
| 1 | Catalog | catalog.ts | Core | Storage | MVP | Primitive |
`;
const DATA = ".idse/.cache/findings/shop.json.data";
const INDEX = ".idse/.cache/findings/shop.json.index";

/**
 * Lets the filesystem's clock move past every file written so far: the cache keeps a session only when
 * its stats are older than the run's stamp (the racy-git rule), and a clock tick is at most 10 ms.
 */
const settle = () => Bun.sleep(30);

async function workspace(): Promise<string> {
  const cwd = tempDir("idse-findings-cache-");
  await idse(["init", "shop", "--no-create-agent-files", "--quiet"], { cwd });
  for (const name of ["alpha", "beta", "gamma"])
    await idse(["spawn", name, "--plan", "feature", "--quiet"], { cwd });
  // After the spawns, so no session's documents name the Spine's primitives unless a test makes them.
  writeFileSync(join(cwd, BP_SPEC), `${readFileSync(join(cwd, BP_SPEC), "utf8")}\n${SPINE}`);
  return cwd;
}

type Report = { session: string; findings: { severity: string; message: string }[] };

/** `validate --all --json`: the exit code, the document and its reports by session. */
async function validateAll(cwd: string, ...flags: string[]) {
  const r = await idse(["validate", "--all", "--json", ...flags], { cwd });
  expect(r.stderr).toBe("");
  const doc = JSON.parse(r.stdout) as { data: { reports: Report[] } };
  const bySession = new Map(doc.data.reports.map((x) => [x.session, x]));
  return { code: r.code, stdout: r.stdout, bySession };
}

const served = (r: Report | undefined) => !!r?.findings.some((f) => f.severity === "WARNING");

/** Marks every kept report, in place (same length, same file). */
function tamper(cwd: string): void {
  const file = join(cwd, DATA);
  const text = readFileSync(file, "utf8");
  expect(text).toContain('"severity": "warning"');
  writeFileSync(file, text.replaceAll('"severity": "warning"', '"severity": "WARNING"'));
}

/** A workspace (`prepare`d) whose every session the cache could keep is kept, and tampered with. */
async function warmed(prepare?: (cwd: string) => void): Promise<string> {
  const cwd = await workspace();
  prepare?.(cwd);
  await settle();
  await validateAll(cwd); // records each session's status: those sessions are not kept yet
  await settle();
  await validateAll(cwd); // keeps them all
  tamper(cwd);
  return cwd;
}

describe("validate --all's findings cache", () => {
  test("a second run serves every session's report from the cache; --no-cache validates them all", async () => {
    const cwd = await warmed();
    const cached = await validateAll(cwd);
    for (const s of ["__blueprint__", "alpha", "beta", "gamma"]) {
      // The blueprint is validated afresh: spine-coverage makes its report depend on the others.
      expect([s, served(cached.bySession.get(s))]).toEqual([s, s !== "__blueprint__"]);
    }
    const fresh = await validateAll(cwd, "--no-cache");
    expect([...fresh.bySession.values()].some(served)).toBe(false);
    // Untampered, the served document is the fresh one byte for byte.
    expect(cached.stdout.replaceAll('"WARNING"', '"warning"')).toBe(fresh.stdout);
    expect(cached.code).toBe(fresh.code);
  });

  // Each change, to one session or to what every report depends on, and the sessions it makes fresh.
  const changes: [string, (cwd: string) => void, string[]][] = [
    [
      "a document edited in place, same size and mtime restored",
      (cwd) => {
        const file = join(cwd, S("alpha", "intents/intent.md"));
        const st = statSync(file);
        const text = readFileSync(file, "utf8");
        writeFileSync(file, text.replace("#", "-"));
        utimesSync(file, st.atime, st.mtime);
      },
      ["alpha"],
    ],
    [
      "a file added to a session's folder",
      (cwd) => writeFileSync(join(cwd, S("beta", "specs/notes.md")), "# Notes\n"),
      ["beta"],
    ],
    ["a document removed", (cwd) => rmSync(join(cwd, S("gamma", "plans/plan.md"))), ["gamma"]],
    [
      "the stage state edited",
      (cwd) => {
        const file = join(cwd, S("alpha", "metadata/stage_state.json"));
        const state = JSON.parse(readFileSync(file, "utf8"));
        state.stages.plan = "completed";
        writeFileSync(file, JSON.stringify(state, null, 2));
      },
      ["alpha"],
    ],
    [
      "the configuration's rules",
      (cwd) => {
        const file = join(cwd, ".idse/config.json");
        const config = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
        config.validation = { rules: { "idse/required-sections": "error" } };
        writeFileSync(file, JSON.stringify(config, null, 2));
      },
      ["alpha", "beta", "gamma"],
    ],
    [
      "the Product Spine",
      (cwd) =>
        writeFileSync(
          join(cwd, BP_SPEC),
          `${readFileSync(join(cwd, BP_SPEC), "utf8")}| 2 | Cart | cart.ts | Core | Storage | MVP | Primitive |\n`,
        ),
      ["alpha", "beta", "gamma"],
    ],
  ];
  for (const [what, change, fresh] of changes) {
    test(`${what}: those reports are made afresh, the others still served`, async () => {
      const cwd = await warmed();
      change(cwd);
      const cached = await validateAll(cwd);
      const truth = await validateAll(cwd, "--no-cache");
      for (const s of ["alpha", "beta", "gamma"]) {
        const got = cached.bySession.get(s);
        if (fresh.includes(s)) expect([s, got]).toEqual([s, truth.bySession.get(s)]);
        else expect([s, served(got)]).toEqual([s, true]);
      }
      expect(cached.bySession.get("__blueprint__")).toEqual(truth.bySession.get("__blueprint__"));
    });
  }

  test("a session switch (the project state changes) leaves the sessions with their own stage state served", async () => {
    const cwd = await warmed();
    const state = join(cwd, PROJECT, "session_state.json");
    const before = readFileSync(state, "utf8");
    expect((await idse(["session", "switch", "beta"], { cwd })).code).toBe(0);
    expect(readFileSync(state, "utf8")).not.toBe(before);
    const cached = await validateAll(cwd);
    const truth = await validateAll(cwd, "--no-cache");
    for (const s of ["alpha", "beta", "gamma"]) {
      const got = cached.bySession.get(s);
      // Served, or (if the switch rewrote its folder) made afresh: never stale.
      if (!served(got)) expect([s, got]).toEqual([s, truth.bySession.get(s)]);
    }
    expect(served(cached.bySession.get("gamma"))).toBe(true);
  });

  test("spine-coverage sees what a served session names, as when it was validated", async () => {
    const cwd = await warmed((cwd) =>
      writeFileSync(join(cwd, S("beta", "intents/intent.md")), "# Intent\n\nThe Catalog lists products.\n"),
    );
    const cached = await validateAll(cwd);
    expect(served(cached.bySession.get("beta"))).toBe(true);
    const truth = await validateAll(cwd, "--no-cache");
    expect(cached.bySession.get("__blueprint__")).toEqual(truth.bySession.get("__blueprint__"));
    // Without beta's intent, the blueprint would say Catalog is worked on by no session.
    const uncovered = (r?: Report) => r?.findings.some((f) => f.message.includes('primitive "Catalog"'));
    expect(uncovered(truth.bySession.get("__blueprint__"))).toBe(false);
    rmSync(join(cwd, S("beta", "intents/intent.md")));
    expect(uncovered((await validateAll(cwd)).bySession.get("__blueprint__"))).toBe(true);
  });

  test("a file newer than the run's stamp (racy), a symlink or a FIFO in the folder keeps the session out", async () => {
    const cwd = await warmed((cwd) => {
      const future = Date.now() / 1000 + 3600;
      utimesSync(join(cwd, S("alpha", "tasks/tasks.md")), future, future);
      symlinkSync("../specs/spec.md", join(cwd, S("beta", "plans/link.md")));
      expect(spawnSync("mkfifo", [join(cwd, S("gamma", "plans/pipe"))]).status).toBe(0);
    });
    const cached = await validateAll(cwd);
    const truth = await validateAll(cwd, "--no-cache");
    for (const s of ["alpha", "beta", "gamma"])
      expect([s, cached.bySession.get(s)]).toEqual([s, truth.bySession.get(s)]);
    // Nothing of theirs was kept: the index holds its two head lines and no session (nor the blueprint).
    expect(
      readFileSync(join(cwd, INDEX), "utf8")
        .split("\n")
        .slice(2)
        .filter((l) => l && !l.startsWith("/")),
    ).toEqual([]);
  });

  test(".idse/.cache as a symlink out of the repository: nothing is written through it", async () => {
    const cwd = await workspace();
    // What a cloned repository could hold: the link, to a folder that looks like a cache already.
    const outside = tempDir("idse-findings-cache-outside-");
    writeFileSync(join(outside, ".gitignore"), "*\n");
    mkdirSync(join(outside, "findings"));
    symlinkSync(outside, join(cwd, ".idse/.cache"));
    await settle();
    const first = await validateAll(cwd);
    const truth = await validateAll(cwd, "--no-cache");
    expect(first.stdout).toBe(truth.stdout);
    // A run whose reports would go to a scratch file there refuses, naming the link.
    const r = await idse(["validate", "--all", "--json", "--no-cache"], {
      cwd,
      env: { IDSE_TEST_SPILL_BYTES: "0" },
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics[0].code).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(readdirSync(outside).sort()).toEqual([".gitignore", "findings"]);
    expect(readdirSync(join(outside, "findings"))).toEqual([]);
  });

  test("a copy of the workspace, cache and all, times kept (as a CI cache restore would), serves nothing", async () => {
    const cwd = await warmed();
    const copy = join(tempDir("idse-findings-cache-copy-"), "ws");
    expect(spawnSync("cp", ["-a", cwd, copy]).status).toBe(0);
    const cached = await validateAll(copy);
    expect([...cached.bySession.values()].some(served)).toBe(false);
    expect(cached.stdout).toBe((await validateAll(copy, "--no-cache")).stdout);
  });

  test("a store other than the filesystem (sqlite-store) has no findings cache", async () => {
    const cwd = tempDir("idse-findings-cache-sqlite-");
    expect(
      (await idse(["init", "shop", "--store", "sqlite-store", "--no-create-agent-files"], { cwd })).code,
    ).toBe(0);
    expect((await idse(["session", "create", "auth"], { cwd })).code).toBe(0);
    await settle();
    const runs = [await validateAll(cwd), await validateAll(cwd)];
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(existsSync(join(cwd, ".idse/.cache/findings"))).toBe(false);
  });

  test("a corrupt index, a data file cut short or gone, or no .idse/.cache at all: rebuilt silently", async () => {
    for (const damage of [
      (cwd: string) => writeFileSync(join(cwd, INDEX), "idse-findings-cache 2\nnot a key\n"),
      (cwd: string) => truncateSync(join(cwd, DATA), 100),
      (cwd: string) => rmSync(join(cwd, DATA)),
      // README: removing .idse/.cache is always safe.
      (cwd: string) => rmSync(join(cwd, ".idse/.cache"), { recursive: true }),
    ]) {
      const cwd = await warmed();
      damage(cwd);
      const cached = await validateAll(cwd);
      expect(readFileSync(join(cwd, INDEX), "utf8")).toStartWith("idse-findings-cache 2\n"); // made anew
      const truth = await validateAll(cwd, "--no-cache");
      expect(cached.stdout).toBe(truth.stdout);
      expect(cached.code).toBe(truth.code);
    }
  });

  test("--no-cache, --rule, --stage and --fix neither read nor write the cache; JUnit has none", async () => {
    const cwd = await workspace();
    await settle();
    for (const flags of [
      ["--no-cache"],
      ["--rule", "idse/required-sections"],
      ["--stage", "intent"],
      ["--fix"],
    ])
      await idse(["validate", "--all", ...flags], { cwd });
    await idse(["validate", "--all", "--format", "junit"], { cwd });
    expect(existsSync(join(cwd, ".idse/.cache/findings"))).toBe(false);
    await idse(["validate", "--all"], { cwd });
    expect(existsSync(join(cwd, ".idse/.cache/findings/shop.text.index"))).toBe(true);
  });

  test("the input reads no file of the session's folder but SESSION_READS", async () => {
    const cwd = await workspace();
    const ws = openWorkspace({ cwd, home: cwd, env: {} });
    const read: string[] = [];
    const spy: DesignStore = {
      ...ws.store,
      read: (key) => {
        read.push(key);
        return ws.store.read(key);
      },
    };
    for (const session of ["__blueprint__", "alpha"]) {
      // With and without a stage state of its own (the project state is read by the run, once).
      rmSync(join(cwd, S("alpha", "metadata/stage_state.json")), { force: true });
      await loadSessionInput(spy, "shop", session, { stack: "python", projectState: null });
    }
    const prefix = (s: string) => `${keys.session("shop", s)}/`;
    const outside = read.filter(
      (k) =>
        !["__blueprint__", "alpha"].some(
          (s) => k.startsWith(prefix(s)) && SESSION_READS.includes(k.slice(prefix(s).length)),
        ),
    );
    expect(outside).toEqual([]);
    expect(read.length).toBeGreaterThan(0);
  });

  test("the compiled binary serves a kept report, and a rebuilt binary (another stat) validates afresh", async () => {
    const cwd = await workspace();
    const run = (...flags: string[]) =>
      spawnSync(BINARY, ["validate", "--all", "--json", ...flags], {
        cwd,
        env: { PATH: process.env.PATH ?? "", HOME: cwd },
        encoding: "utf8",
      });
    await settle();
    run();
    await settle();
    run();
    tamper(cwd);
    const cached = JSON.parse(run().stdout).data.reports as Report[];
    expect(cached.filter(served).map((r) => r.session)).toEqual(["alpha", "beta", "gamma"]);
    // The in-process runs (another executable) have another key: they validate afresh and start anew.
    const other = await validateAll(cwd);
    expect([...other.bySession.values()].some(served)).toBe(false);
  });
});
