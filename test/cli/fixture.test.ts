import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureCopy, idse } from "../helpers.ts";

// The workspace written by the Python original must open and keep its history.
test("the Python original's workspace opens and keeps its meta history", async () => {
  const cwd = fixtureCopy();
  const status = await idse(["status", "--json"], { cwd });
  expect(status.code).toBe(0);
  expect(status.json?.data).toMatchObject({ project: "idse-orchestrator", session: "__blueprint__" });
  const sessions = await idse(["sessions", "--json"], { cwd });
  expect(sessions.json?.data.counts.total).toBe(8);
  const info = await idse(["session-info", "sqlite-cms-refactor", "--lineage", "--json"], { cwd });
  expect(info.json?.data.session.created_at).toBe("2026-02-04T18:32:57.691344");
  expect(info.json?.data.lineage.ancestors).toEqual(["__blueprint__"]);
  const spec = await idse(["artifact", "read", "--stage", "spec"], { cwd });
  expect(spec.stdout).toStartWith("# Spec: IDSE Developer Orchestrator");
  expect((await idse(["session", "switch", "agent-spec-compiler"], { cwd })).code).toBe(0);
  expect((await idse(["session", "create", "ported"], { cwd })).code).toBe(0);
  const meta = readFileSync(
    join(cwd, ".idse/projects/idse-orchestrator/sessions/__blueprint__/metadata/meta.md"),
    "utf8",
  );
  expect(meta).toContain("CURRENT_SESSION drift");
  expect(meta).toContain("## Blueprint Promotion Record");
  expect(meta).toContain("| ported | feature | draft |");
  const registry = readFileSync(join(cwd, ".idse/projects/idse-orchestrator/agent_registry.json"), "utf8");
  expect(registry).toContain("feedback-reviewer"); // never rewritten by reads
});
