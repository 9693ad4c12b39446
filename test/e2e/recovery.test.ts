import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import { json, ok, read, readJson, requireBinary } from "./util.ts";

// What a killed run leaves behind, made by hand (the kill -9 harness in test/reliability/ makes it by
// killing), and the next ordinary command settling it: docs/reliability.md, "Crash recovery".

beforeAll(requireBinary);

const P = (cwd: string, ...rest: string[]) => join(cwd, ".idse", "projects", "shop", ...rest);

/** The pid of a process that has exited. */
function deadPid(): number {
  return Bun.spawnSync([process.execPath, "-e", "0"]).pid;
}

function shop(): string {
  const cwd = tempDir("idse-recovery-");
  ok(["init", "shop", "--no-create-agent-files"], { cwd });
  return cwd;
}

function journal(cwd: string, body: Record<string, unknown>, pid = deadPid()): void {
  writeFileSync(
    P(cwd, ".idse-intent.json"),
    JSON.stringify({ ...body, pid, host: hostname(), started_at: "2026-01-01T00:00:00Z" }),
  );
}

/** A session folder as a create killed before session.json leaves it. */
function halfSession(cwd: string, id: string): void {
  mkdirSync(P(cwd, "sessions", id, "intents"), { recursive: true });
  writeFileSync(P(cwd, "sessions", id, "intents", "intent.md"), "# Intent\n");
}

const codes = (r: ReturnType<typeof json>) => r.env.diagnostics.map((d) => d.code);

describe("crash recovery on the next run", () => {
  test("a session create killed half way: the retry creates it (never SESSION_EXISTS)", () => {
    const cwd = shop();
    halfSession(cwd, "auth");
    journal(cwd, { op: "session-create", session: "auth", make_current: true });
    const r = json(["session", "create", "auth"], { cwd });
    expect(r.code).toBe(0);
    expect(codes(r)).toContain("RECOVERED");
    expect(existsSync(P(cwd, "sessions", "auth", "metadata", "session.json"))).toBe(true);
    expect(read(P(cwd, "CURRENT_SESSION")).trim()).toBe("auth");
    expect(existsSync(P(cwd, ".idse-intent.json"))).toBe(false);
  });

  test("any command rolls it back: status reports it, and the half-made folder is gone", () => {
    const cwd = shop();
    halfSession(cwd, "auth");
    journal(cwd, { op: "session-create", session: "auth", make_current: true });
    const r = json(["status"], { cwd });
    expect(r.code).toBe(0);
    expect(r.env.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "info",
        code: "RECOVERED",
        message: expect.stringContaining("auth"),
      }),
    );
    expect(existsSync(P(cwd, "sessions", "auth"))).toBe(false);
    expect(r.env.data.session).toBe("__blueprint__");
  });

  test("a journal whose process still runs is left alone by a reading command", () => {
    const cwd = shop();
    halfSession(cwd, "auth");
    journal(cwd, { op: "session-create", session: "auth", make_current: true }, process.pid);
    const r = json(["sessions"], { cwd });
    expect(codes(r)).not.toContain("RECOVERED");
    expect(existsSync(P(cwd, ".idse-intent.json"))).toBe(true);
  });

  test("a stage change killed between its two files: session_state.json agrees again", () => {
    const cwd = shop();
    const own = P(cwd, "sessions", "__blueprint__", "metadata", "stage_state.json");
    const doc = readJson(own);
    writeFileSync(own, JSON.stringify({ ...doc, stages: { ...doc.stages, plan: "completed" } }));
    journal(cwd, { op: "stage-mirror", session: "__blueprint__" });
    expect(readJson(P(cwd, "session_state.json")).stages.plan).toBe("pending");
    ok(["status"], { cwd });
    expect(readJson(P(cwd, "session_state.json")).stages.plan).toBe("completed");
  });

  test("an init killed before its state file: the retry makes the project (never PROJECT_EXISTS)", () => {
    const cwd = shop();
    mkdirSync(join(cwd, ".idse", "projects", "web", "sessions", "__blueprint__"), { recursive: true });
    writeFileSync(
      join(cwd, ".idse", "projects", "web", ".idse-intent.json"),
      JSON.stringify({ op: "project-create", pid: deadPid(), host: hostname(), started_at: "x" }),
    );
    const r = json(["init", "web", "--no-create-agent-files"], { cwd });
    expect(r.code).toBe(0);
    expect(codes(r)).toContain("RECOVERED");
    expect(existsSync(join(cwd, ".idse", "projects", "web", "session_state.json"))).toBe(true);
  });

  test("temp files of dead processes are swept; anything else is kept", () => {
    const cwd = shop();
    const dead = deadPid();
    const mine = [
      join(cwd, ".idse", `config.json.${dead}.1.tmp`),
      join(cwd, ".idse", "schemas", `config.schema.json.${dead}.2.tmp`),
      P(cwd, `session_state.json.${dead}.3.tmp`),
      P(cwd, `.idse.lock.${dead}.tmp`),
    ];
    const deep = P(cwd, "sessions", "__blueprint__", "plans", `plan.md.${dead}.4.tmp`);
    const theirs = [join(cwd, ".idse", "notes.tmp"), P(cwd, "sessions", "__blueprint__", "draft.v2.tmp")];
    for (const f of [...mine, deep, ...theirs]) writeFileSync(f, "x");
    ok(["status"], { cwd });
    for (const f of mine) expect({ f, exists: existsSync(f) }).toEqual({ f, exists: false });
    for (const f of theirs) expect({ f, exists: existsSync(f) }).toEqual({ f, exists: true });
    // Deep in a session folder a temp is swept when the project's lock shows a dead writer.
    expect(existsSync(deep)).toBe(true);
    writeFileSync(P(cwd, ".idse.lock"), `${dead} ${hostname()} 2026-01-01T00:00:00Z`);
    ok(["status"], { cwd });
    expect(existsSync(deep)).toBe(false);
    expect(existsSync(P(cwd, ".idse.lock"))).toBe(false);
  });

  test("beside the agent files idse manages, only their own temp files are swept", () => {
    const cwd = tempDir("idse-recovery-");
    ok(["init", "shop"], { cwd }); // with CLAUDE.md, AGENTS.md, …
    expect(existsSync(join(cwd, "CLAUDE.md"))).toBe(true);
    const dead = deadPid();
    const ours = join(cwd, `CLAUDE.md.${dead}.1.tmp`);
    const user = join(cwd, `notes.md.${dead}.1.tmp`);
    for (const f of [ours, user]) writeFileSync(f, "x");
    ok(["status"], { cwd });
    expect(existsSync(ours)).toBe(false);
    expect(existsSync(user)).toBe(true);
  });

  test("a store migrate killed before the switch is rolled back: the export manifest is as it was", () => {
    const cwd = shop();
    const idse = join(cwd, ".idse");
    writeFileSync(join(idse, "store-export.json"), '{"half":"written"}');
    writeFileSync(
      join(idse, ".idse-migrate.json"),
      JSON.stringify({
        pid: deadPid(),
        host: hostname(),
        to: { plugin: "sqlite-store", options: {} },
        manifest: { file: "store-export.json", before: null },
      }),
    );
    const r = json(["status"], { cwd });
    expect(r.env.diagnostics).toContainEqual(
      expect.objectContaining({ code: "RECOVERED", message: expect.stringContaining("rolled back") }),
    );
    expect(existsSync(join(idse, "store-export.json"))).toBe(false);
    expect(existsSync(join(idse, ".idse-migrate.json"))).toBe(false);
  });
});
