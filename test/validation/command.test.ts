import { expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { acquireFileLock } from "../../src/store/file-lock.ts";
import { keys } from "../../src/store/layout.ts";
import { createMemoryStore } from "../../src/store/memory.ts";
import { idse, tempDir } from "../helpers.ts";

const P = (cwd: string, ...rest: string[]) => join(cwd, ".idse/projects/shop", ...rest);

async function shop() {
  const cwd = tempDir();
  await idse(["init", "shop", "--no-create-agent-files"], { cwd });
  return cwd;
}

test("a fresh init fails validation, records failing, and a --fix restores a deleted document", async () => {
  const cwd = await shop();
  const r = await idse(["validate", "--json"], { cwd });
  expect(r.code).toBe(1);
  expect(r.json?.data.passed).toBe(false);
  expect(JSON.parse(readFileSync(P(cwd, "session_state.json"), "utf8")).validation_status).toBe("failing");
  expect(
    JSON.parse(readFileSync(P(cwd, "sessions/__blueprint__/metadata/stage_state.json"), "utf8"))
      .validation_status,
  ).toBe("failing");
  const plan = P(cwd, "sessions/__blueprint__/plans/plan.md");
  rmSync(plan);
  const missing = await idse(["validate", "--json", "--rule", "idse/artifact-present"], { cwd });
  expect(missing.json?.data.reports[0].findings).toMatchObject([
    { rule_id: "idse/artifact-present", fixable: true, stage: "plan" },
  ]);
  const fixed = await idse(["validate", "--json", "--rule", "idse/artifact-present", "--fix"], { cwd });
  expect(fixed.code).toBe(0);
  expect(fixed.json?.data.fixed).toMatchObject([{ session: "__blueprint__", stage: "plan" }]);
  expect(readFileSync(plan, "utf8")).toContain("# Plan");
  // One rule passed, but the untouched templates still fail the others: a run of some rules does not
  // clear the failing status the whole run recorded (it used to record "passing" here).
  expect(JSON.parse(readFileSync(P(cwd, "session_state.json"), "utf8")).validation_status).toBe("failing");
  expect((await idse(["validate", "--json"], { cwd })).json?.data.passed).toBe(false);
});

test("--fix never overwrites text, --stage filters, --strict fails on warnings, usage errors exit 2", async () => {
  const cwd = await shop();
  const intent = P(cwd, "sessions/__blueprint__/intents/intent.md");
  writeFileSync(intent, "# Intent\n\nmine\n");
  await idse(["validate", "--fix"], { cwd });
  expect(readFileSync(intent, "utf8")).toBe("# Intent\n\nmine\n");
  const only = await idse(["validate", "--json", "--stage", "intent"], { cwd });
  expect(new Set(only.json?.data.reports[0].findings.map((f: { stage: string }) => f.stage))).toEqual(
    new Set(["intent"]),
  );
  const warnOnly = await idse(
    ["validate", "--json", "--stage", "intent", "--rule", "idse/required-sections"],
    { cwd },
  );
  expect([warnOnly.code, warnOnly.json?.data.warnings > 0]).toEqual([0, true]);
  const strict = await idse(
    ["validate", "--json", "--stage", "intent", "--rule", "idse/required-sections", "--strict"],
    { cwd },
  );
  expect(strict.code).toBe(1);
  // The summary says the run fails, and why, in both writers (one session, and --all's streamed one).
  for (const scope of [[], ["--all"]]) {
    const text = await idse(
      ["validate", ...scope, "--stage", "intent", "--rule", "idse/required-sections", "--strict"],
      { cwd },
    );
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("0 error(s)");
    expect(text.stdout).toContain("; failing: --strict fails the run on warnings");
    expect(text.stdout).not.toContain("passing");
    // JUnit shows the failure too, where CI panels read it; without --strict the warning is no failure.
    const argv = [
      "validate",
      ...scope,
      "--stage",
      "intent",
      "--rule",
      "idse/required-sections",
      "--format",
      "junit",
    ];
    const plain = await idse(argv, { cwd });
    expect(plain.stdout).toContain('failures="0"');
    const junit = await idse([...argv, "--strict"], { cwd });
    expect(junit.code).toBe(1);
    expect(junit.stdout).not.toContain('failures="0"');
    expect(junit.stdout).toContain('<failure message="');
  }
  expect((await idse(["validate", "--format", "yaml"], { cwd })).code).toBe(2);
  expect((await idse(["validate", "--all", "--session", "x"], { cwd })).code).toBe(2);
  expect((await idse(["validate", "--rule", "idse/none", "--json"], { cwd })).json?.diagnostics[0].code).toBe(
    "UNKNOWN_RULE",
  );
});

test("configuration: preset strict, per-rule off, and inline suppression", async () => {
  const cwd = await shop();
  const count = async (rule: string) =>
    (await idse(["validate", "--json"], { cwd })).json?.data.reports[0].findings.filter(
      (f: { rule_id: string }) => f.rule_id === rule,
    );
  expect((await count("idse/required-sections"))[0].severity).toBe("warning");
  await idse(["config", "set", "owner", "x"], { cwd }); // creates the config file
  const cfg = join(cwd, ".idse/config.json");
  const write = (validation: unknown) =>
    writeFileSync(cfg, JSON.stringify({ ...JSON.parse(readFileSync(cfg, "utf8")), validation }));
  write({ preset: "strict" });
  expect((await count("idse/required-sections"))[0].severity).toBe("error");
  write({ rules: { "idse/no-requires-input": "off" } });
  expect(await count("idse/no-requires-input")).toEqual([]);
  write({ rules: { "idse/nope": "warn" } });
  expect((await idse(["validate", "--json"], { cwd })).code).toBe(2);
  write({});
  const intent = P(cwd, "sessions/__blueprint__/intents/intent.md");
  writeFileSync(
    intent,
    "# Intent\n\n<!-- idse-disable-next-line idse/no-requires-input -->\n[REQUIRES INPUT]\n[REQUIRES INPUT]\n",
  );
  const lines = (await count("idse/no-requires-input"))
    .filter((f: { stage: string }) => f.stage === "intent")
    .map((f: { line: number }) => f.line);
  expect(lines).toEqual([5]);
  expect(existsSync(cfg)).toBe(true);
});

test("one session's validate takes the project lock only to record a changed status; --all always", async () => {
  const cwd = await shop();
  expect((await idse(["validate"], { cwd })).code).toBe(1); // records "failing"
  const state = P(cwd, "sessions/__blueprint__/metadata/stage_state.json");
  const env = { IDSE_LOCK_TIMEOUT_MS: "50" };
  // Another live process (this one) holds the project's lock.
  const release = await acquireFileLock(P(cwd, ".idse.lock"), 1000);
  try {
    // The status it would record is the one recorded: answered without waiting for the lock.
    const same = await idse(["validate", "--json"], { cwd, env });
    expect([same.code, same.json?.data.passed, same.json?.data.errors > 0]).toEqual([1, false, true]);
    // --all holds the lock throughout (it records many sessions), so it waits, and here gives up.
    const all = await idse(["validate", "--all", "--json"], { cwd, env });
    expect([all.code, all.json?.diagnostics[0].code]).toEqual([1, "LOCKED"]);
    // A status that must change is recorded under the lock: the run waits for it, and here gives up.
    const before = readFileSync(state, "utf8");
    writeFileSync(state, before.replace('"failing"', '"passing"'));
    const changed = await idse(["validate", "--json"], { cwd, env });
    expect([changed.code, changed.json?.diagnostics[0].code]).toEqual([1, "LOCKED"]);
    expect(JSON.parse(readFileSync(state, "utf8")).validation_status).toBe("passing");
  } finally {
    await release();
  }
  // The lock free, the same run records the status it found.
  expect((await idse(["validate"], { cwd })).code).toBe(1);
  expect(JSON.parse(readFileSync(state, "utf8")).validation_status).toBe("failing");
});

test("on a plugin store one session's validate holds the project lock throughout", async () => {
  // Another kind than the filesystem store: its killed changes are finished only under the lock.
  const cwd = tempDir();
  const io = { store: createMemoryStore() };
  expect((await idse(["init", "shop", "--no-create-agent-files"], { cwd, io })).code).toBe(0);
  expect((await idse(["validate"], { cwd, io })).code).toBe(1); // records "failing"
  const release = await io.store.lock(keys.lock("shop"), { timeoutMs: 1000 });
  try {
    const r = await idse(["validate", "--json"], { cwd, io, env: { IDSE_LOCK_TIMEOUT_MS: "50" } });
    expect([r.code, r.json?.diagnostics[0].code]).toEqual([1, "LOCKED"]);
  } finally {
    await release();
  }
  expect((await idse(["validate"], { cwd, io })).code).toBe(1);
});
