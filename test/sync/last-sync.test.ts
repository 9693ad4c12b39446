import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { laterSync } from "../../src/sync/state.ts";
import { idse, tempDir } from "../helpers.ts";
import { PROJECT, workspace } from "./util.ts";

// A sync that changes no base entry writes `<remote>.last-sync.json` instead of rewriting the whole base
// (issue 16); everything that reports the last sync shows the later of the two files' times.

const T1 = new Date("2026-03-01T10:00:00.000Z");
const T2 = new Date("2026-03-02T10:00:00.000Z");
const T3 = new Date("2026-03-03T10:00:00.000Z");

async function pushed() {
  const ws = await workspace(["auth"]);
  const remote = join(tempDir("idse-remote-"), "store");
  expect((await ws.run(["remote", "add", "backup", remote])).code).toBe(0);
  const at = (argv: string[], now: Date) => idse([...argv, "--json"], { cwd: ws.cwd, env: ws.env, now });
  const dir = join(ws.cwd, ".idse", "projects", PROJECT, "sync");
  const base = join(dir, "backup.json");
  const last = join(dir, "backup.last-sync.json");
  const first = await at(["sync", "push", "--all-sessions"], T1);
  expect(first.code, first.stdout).toBe(0);
  expect(first.json!.data.moved).toBeGreaterThan(0);
  return { ws, at, dir, base, last };
}

describe("a sync with nothing to do", () => {
  test("leaves the base's bytes alone, writes the last-sync file, and moves the reported last_sync", async () => {
    const { ws, at, base, last } = await pushed();
    expect(existsSync(last)).toBe(false);
    const bytes = readFileSync(base, "utf8");
    const mtime = statSync(base).mtimeMs;
    expect(JSON.parse(bytes).last_sync).toBe(T1.toISOString());

    const noop = await at(["sync", "push", "--all-sessions"], T2);
    expect(noop.code, noop.stdout).toBe(0);
    expect(noop.json!.data.moved).toBe(0);
    expect(noop.json!.data.last_sync).toBe(T2.toISOString());
    // The base: same bytes, not rewritten; its last_sync is still the run that changed it.
    expect(readFileSync(base, "utf8")).toBe(bytes);
    expect(statSync(base).mtimeMs).toBe(mtime);
    expect(JSON.parse(readFileSync(last, "utf8"))).toEqual({
      $schema: "../../../schemas/last-sync.schema.json",
      last_sync: T2.toISOString(),
    });

    // Every report of the last sync shows the later time.
    expect((await at(["sync", "status", "--all-sessions"], T3)).json!.data.last_sync).toBe(T2.toISOString());
    expect((await at(["status"], T3)).json!.data.last_sync).toBe(T2.toISOString());
    const report = await at(["report"], T3);
    expect(report.code, report.stdout).toBe(0);
    const html = readFileSync(join(ws.cwd, ".idse", "report.html"), "utf8");
    expect(html).toContain(T2.toISOString());
    expect(html).not.toContain(T1.toISOString());
    // The queue reads the bases only (it would fail on the last-sync file read as one).
    expect((await at(["next"], T3)).code).toBe(0);

    // A dry run writes nothing and reports the last sync as it stands.
    const dry = await at(["sync", "push", "--all-sessions", "--dry-run"], T3);
    expect(dry.json!.data.last_sync).toBe(T2.toISOString());
    expect(JSON.parse(readFileSync(last, "utf8")).last_sync).toBe(T2.toISOString());

    // A pull with nothing to do takes the same path.
    const pull = await at(["sync", "pull", "--all-sessions"], T3);
    expect(pull.code, pull.stdout).toBe(0);
    expect(pull.json!.data.last_sync).toBe(T3.toISOString());
    expect(readFileSync(base, "utf8")).toBe(bytes);
    expect(JSON.parse(readFileSync(last, "utf8")).last_sync).toBe(T3.toISOString());
  });

  test("the later of two times is compared as instants, not as text", () => {
    expect(laterSync(null, null)).toBeNull();
    expect(laterSync("2026-03-01T10:00:00Z", null)).toBe("2026-03-01T10:00:00Z");
    expect(laterSync(null, "2026-03-01T10:00:00Z")).toBe("2026-03-01T10:00:00Z");
    // As text the first is later; as instants the second is (09:30 UTC+0 > 10:00 UTC+2 = 08:00 UTC).
    expect(laterSync("2026-03-01T10:00:00+02:00", "2026-03-01T09:30:00Z")).toBe("2026-03-01T09:30:00Z");
    expect(laterSync("2026-03-01T09:30:00Z", "2026-03-01T10:00:00+02:00")).toBe("2026-03-01T09:30:00Z");
  });

  test("a push that changes something still writes the base, and its time wins", async () => {
    const { ws, at, base, last } = await pushed();
    await at(["sync", "push", "--all-sessions"], T2);
    const before = readFileSync(base, "utf8");
    ws.write("auth", "spec", "# Spec\n\nchanged\n");
    const push = await at(["sync", "push", "--all-sessions"], T3);
    expect(push.code, push.stdout).toBe(0);
    expect(push.json!.data.moved).toBe(1);
    const after = readFileSync(base, "utf8");
    expect(after).not.toBe(before);
    expect(JSON.parse(after).last_sync).toBe(T3.toISOString());
    // The last-sync file keeps the older no-op time; the later of the two is reported.
    expect(JSON.parse(readFileSync(last, "utf8")).last_sync).toBe(T2.toISOString());
    expect(push.json!.data.last_sync).toBe(T3.toISOString());
    expect((await at(["sync", "status", "--all-sessions"], T3)).json!.data.last_sync).toBe(T3.toISOString());
  });
});

describe("the last-sync file elsewhere", () => {
  test("doctor accepts it, reports a corrupt one as CORRUPT_FILE and --fix moves it aside", async () => {
    const { at, dir, last } = await pushed();
    await at(["sync", "push", "--all-sessions"], T2);
    const clean = await at(["doctor"], T3);
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.json!.data.findings).toEqual([]);

    for (const bad of ["{not json", '{"last_sync": "yesterday"}', '{"last_sync": null}']) {
      writeFileSync(last, bad);
      const check = await at(["doctor"], T3);
      expect(check.code).toBe(1);
      expect(check.json!.data.findings).toEqual([
        expect.objectContaining({
          code: "CORRUPT_FILE",
          file: expect.stringContaining("backup.last-sync.json"),
        }),
      ]);
      // A sync reading it fails the same way rather than guessing a time.
      expect((await at(["sync", "status", "--all-sessions"], T3)).json!.diagnostics[0].code).toBe(
        "CORRUPT_FILE",
      );
    }
    const fix = await at(["doctor", "--fix"], T3);
    expect(fix.code, fix.stdout).toBe(0);
    expect(existsSync(last)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith("backup.last-sync.json.corrupt-"))).toHaveLength(1);
    expect(existsSync(join(dir, "backup.json"))).toBe(true);
    expect((await at(["sync", "status", "--all-sessions"], T3)).json!.data.last_sync).toBe(T1.toISOString());
  });

  test("remote remove deletes it with the base", async () => {
    const { at, base, last } = await pushed();
    await at(["sync", "push", "--all-sessions"], T2);
    expect(existsSync(last)).toBe(true);
    const removed = await at(["remote", "remove", "backup"], T3);
    expect(removed.code, removed.stdout).toBe(0);
    expect(existsSync(base)).toBe(false);
    expect(existsSync(last)).toBe(false);
  });
});
