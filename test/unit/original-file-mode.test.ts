// biome-ignore-all lint/suspicious/noExplicitAny: tests read the JSON documents idse prints; the schemas check their shapes
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureCopy, idse, tempDir } from "../helpers.ts";

// The original's file mode keeps stage state only for the current session: a session whose status is
// `complete` reads as every stage completed unless its own state says otherwise (docs/migrating.md).

const P = "idse-orchestrator";

describe("file-mode fidelity", () => {
  test("status --all: complete sessions read as all stages completed, and it says so", async () => {
    const cwd = fixtureCopy();
    const r = await idse(["status", "--all", "--json"], { cwd, home: tempDir() });
    expect(r.code).toBe(0);
    const rows = r.json!.data.sessions;
    const row = (s: string) => rows.find((x: any) => x.session_id === s);
    expect(Object.values(row("sqlite-cms-refactor").stages)).toEqual(Array(7).fill("completed"));
    expect(row("sqlite-cms-refactor").stages_inferred).toBe(true);
    expect(row("sqlite-cms-refactor").progress).toBe(100);
    // Other statuses say nothing about stages.
    expect(Object.values(row("item8-test-session").stages)).toEqual(Array(7).fill("pending"));
    expect(row("item8-test-session").stages_inferred).toBeUndefined();
    const notice = r.json!.diagnostics.find((d: any) => d.code === "STAGES_INFERRED");
    expect(notice.sessions).toContain(`${P}/sqlite-cms-refactor`);
    expect(notice.sessions).not.toContain(`${P}/item8-test-session`);
    const text = await idse(["status", "--all"], { cwd, home: tempDir() });
    expect(text.stdout).toContain("no stage state recorded");
  });

  test("validate --all records no inferred stages: they stay inferred, and marked", async () => {
    const cwd = fixtureCopy();
    const home = tempDir();
    const own = join(cwd, ".idse/projects", P, "sessions/sqlite-cms-refactor/metadata/stage_state.json");
    await idse(["validate", "--all", "--json"], { cwd, home });
    expect(() => readFileSync(own)).toThrow();
    const r = await idse(["status", "--all", "--json"], { cwd, home });
    const row = r.json!.data.sessions.find((x: any) => x.session_id === "sqlite-cms-refactor");
    expect(row.stages_inferred).toBe(true);
    expect(r.json!.diagnostics.map((d: any) => d.code)).toContain("STAGES_INFERRED");
  });

  test("route --next proposes nothing for finished work, and says why", async () => {
    const cwd = fixtureCopy();
    const r = await idse(["route", "--next", "--session", "sqlite-cms-refactor", "--json"], {
      cwd,
      home: tempDir(),
    });
    expect(r.code).toBe(0);
    expect(r.json!.data.stage).toBeNull();
    expect(r.json!.diagnostics.map((d: any) => d.code)).toContain("STAGES_INFERRED");
    const draft = await idse(["route", "--next", "--session", "item8-test-session", "--json"], {
      cwd,
      home: tempDir(),
    });
    expect(draft.json!.data.stage).toBe("intent");
  });

  test("stated state wins over the inference", async () => {
    const cwd = fixtureCopy();
    const dir = join(cwd, ".idse/projects", P, "sessions/sqlite-cms-refactor/metadata");
    mkdirSync(dir, { recursive: true });
    const stages = {
      intent: "completed",
      context: "completed",
      spec: "completed",
      plan: "completed",
      tasks: "in_progress",
      implementation: "pending",
      feedback: "pending",
    };
    writeFileSync(
      join(dir, "stage_state.json"),
      JSON.stringify({ stages, validation_status: "unknown", updated_at: "2026-01-01T00:00:00Z" }),
    );
    const r = await idse(["route", "--next", "--session", "sqlite-cms-refactor", "--json"], {
      cwd,
      home: tempDir(),
    });
    expect(r.json!.data.stage).toBe("tasks");
    expect(r.json!.diagnostics.map((d: any) => d.code)).not.toContain("STAGES_INFERRED");
    expect(JSON.parse(readFileSync(join(dir, "stage_state.json"), "utf8")).stages).toEqual(stages);
  });
});
