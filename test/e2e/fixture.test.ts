import { beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureCopy } from "../helpers.ts";
import { errorOf, json, ok, proj, read, readJson, requireBinary, sess, snapshot } from "./util.ts";

// The workspace written by the Python original (test/fixtures/python-original-workspace), read and
// changed by the compiled binary.

beforeAll(requireBinary);

const P = "idse-orchestrator";
const FEATURES = [
  "agent-spec-compiler",
  "blueprint-bootstrap-lifecycle",
  "component-impact-parser",
  "designstore-file-artifacts",
  "item8-test-session",
  "notion-designstore-refactor",
  "sqlite-cms-refactor",
];

describe("the Python original's workspace", () => {
  test("status, with and without --json, changes nothing", () => {
    const cwd = fixtureCopy();
    const before = snapshot(cwd);
    const t = ok(["status"], { cwd });
    expect(t.stdout).toContain(`Project: ${P}`);
    expect(t.stdout).toContain("Session: __blueprint__");
    const j = ok(["status", "--json"], { cwd });
    expect(j.env.data).toMatchObject({
      project: P,
      session: "__blueprint__",
      is_blueprint: true,
      last_sync: null,
    });
    // the routing comes from the fixture's agent_registry.json
    const routes = Object.fromEntries(
      j.env.data.stages.map((s: { stage: string; agent: string }) => [s.stage, s.agent]),
    );
    expect(routes.implementation).toBe("gpt-codex");
    expect(routes.spec).toBe("claude-code");
    const all = ok(["status", "--all", "--json"], { cwd });
    expect(all.env.data.sessions).toHaveLength(8);
    expect(snapshot(cwd)).toEqual(before);
  });

  test("sessions lists the blueprint and seven features", () => {
    const cwd = fixtureCopy();
    const before = snapshot(cwd);
    const j = ok(["sessions", "--json"], { cwd });
    expect(j.env.data.project).toBe(P);
    expect(j.env.data.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([
      "__blueprint__",
      ...FEATURES,
    ]);
    expect(j.env.data.counts).toMatchObject({ total: 8, blueprint: 1, feature: 7, legacy: 0 });
    const complete = ok(["sessions", "--status", "complete", "--json"], { cwd });
    expect(complete.env.data.sessions.map((s: { session_id: string }) => s.session_id)).toContain(
      "sqlite-cms-refactor",
    );
    const t = ok(["sessions"], { cwd });
    expect(t.stdout).toContain("* __blueprint__");
    expect(t.stdout).toContain("tjpilant");
    expect(snapshot(cwd)).toEqual(before);
  });

  test("session-info sqlite-cms-refactor --lineage", () => {
    const cwd = fixtureCopy();
    const j = ok(["session-info", "sqlite-cms-refactor", "--lineage", "--json"], { cwd });
    expect(j.env.data.session).toMatchObject({
      session_id: "sqlite-cms-refactor",
      description: "SQLite CMS refactor session",
      status: "complete",
      parent_session: "__blueprint__",
      // timestamps without an offset, as the original wrote them, are read as they are
      created_at: "2026-02-04T18:32:57.691344",
    });
    expect(j.env.data.legacy).toBe(false);
    expect(j.env.data.lineage).toEqual({ ancestors: ["__blueprint__"], children: [], related: [] });
    const t = ok(["session-info", "sqlite-cms-refactor", "--lineage"], { cwd });
    expect(t.stdout).toContain("Session: sqlite-cms-refactor");
    expect(t.stdout).toContain("Ancestors: __blueprint__");
  });

  test("session switch agent-spec-compiler", () => {
    const cwd = fixtureCopy();
    const j = ok(["session", "switch", "agent-spec-compiler", "--json"], { cwd });
    expect(j.env.data.session.session_id).toBe("agent-spec-compiler");
    expect(read(proj(cwd, P, "CURRENT_SESSION")).trim()).toBe("agent-spec-compiler");
    const state = readJson(proj(cwd, P, "session_state.json"));
    expect(state).toMatchObject({ project_name: P, session_id: "agent-spec-compiler", is_blueprint: false });
    // keys of the original are kept
    expect(state.created_at).toBe("2026-02-10T03:29:40.860580");
    expect(ok(["status", "--json"], { cwd }).env.data.session).toBe("agent-spec-compiler");
    expect(ok(["session", "switch", "__blueprint__"], { cwd }).stdout).toContain("__blueprint__");
  });

  test("artifact read --stage spec --session __blueprint__", () => {
    const cwd = fixtureCopy();
    const file = sess(cwd, P, "__blueprint__", "specs/spec.md");
    const t = ok(["artifact", "read", "--stage", "spec", "--session", "__blueprint__"], { cwd });
    expect(t.stdout).toBe(read(file));
    expect(t.stdout).toStartWith("# Spec: IDSE Developer Orchestrator");
    const j = ok(["artifact", "read", "--stage", "spec", "--session", "__blueprint__", "--json"], { cwd });
    expect(j.env.data.content).toBe(read(file));
  });

  test("session create keeps the blueprint meta.md narrative and promotion record", () => {
    const cwd = fixtureCopy();
    const metaFile = sess(cwd, P, "__blueprint__", "metadata/meta.md");
    const original = read(metaFile);
    const narrative = /<!-- BEGIN CUSTOM NARRATIVE -->\n([\s\S]*?)\n<!-- END CUSTOM NARRATIVE -->/.exec(
      original,
    )?.[1];
    expect(narrative).toContain("### Known Gaps");
    const promotion = /## Blueprint Promotion Record\n[\s\S]*?(?=\n## )/.exec(original)?.[0];
    expect(promotion).toContain(
      "Evidence Hash: 91ecf19533a1788986addd301c46195dbcda779e5212ca12bafc8c7bb80807ca",
    );
    const blueprintMd = read(sess(cwd, P, "__blueprint__", "metadata/blueprint.md"));

    const r = ok(["session", "create", "new-feature", "--json"], { cwd });
    expect(r.env.data.session.parent_session).toBe("__blueprint__");
    expect(read(proj(cwd, P, "CURRENT_SESSION")).trim()).toBe("new-feature");

    const meta = read(metaFile);
    expect(meta).not.toBe(original);
    expect(meta).toContain("`new-feature`");
    expect(meta).toContain(narrative!);
    expect(meta).toContain("<!-- BEGIN CUSTOM NARRATIVE -->");
    expect(meta).toContain("## Blueprint Promotion Record");
    expect(meta).toContain(promotion!.trimEnd());
    expect(meta).toContain("## Delivery Summary");
    expect(read(sess(cwd, P, "__blueprint__", "metadata/blueprint.md"))).toBe(blueprintMd);

    // a second change keeps them too
    ok(["spawn", "another", "--plan", "feature"], { cwd });
    const again = read(metaFile);
    expect(again).toContain(narrative!);
    expect(again).toContain(promotion!.trimEnd());
    expect(again.match(/## Blueprint Promotion Record/g)).toHaveLength(1);
  });

  test("doctor finds nothing to fix, and the other sessions' files are untouched by a change", () => {
    const cwd = fixtureCopy();
    // The original left its meta.md behind (a session created after it was last written is missing):
    // a warning, which --fix mends.
    const found = ok(["doctor", "--json"], { cwd });
    expect(found.env.data).toMatchObject({ sessions_checked: 8, remaining: 0 });
    expect(found.env.diagnostics.map((d: { code: string }) => d.code)).toContain("META_STALE");
    ok(["doctor", "--fix"], { cwd });
    const after = ok(["doctor", "--json"], { cwd });
    expect(after.env.diagnostics.map((d: { code: string }) => d.code)).not.toContain("META_STALE");
    const sqlite = join(".idse/projects", P, "sessions/sqlite-cms-refactor");
    const pick = (snap: Record<string, string>) =>
      Object.fromEntries(Object.entries(snap).filter(([k]) => k.startsWith(sqlite)));
    const before = pick(snapshot(cwd));
    ok(["session", "create", "x-feature"], { cwd });
    ok(["session", "switch", "__blueprint__"], { cwd });
    expect(pick(snapshot(cwd))).toEqual(before);
  });

  test("session switch with a corrupt session_state.json either rebuilds it or changes nothing", () => {
    const cwd = fixtureCopy();
    const stateFile = proj(cwd, P, "session_state.json");
    writeFileSync(stateFile, "{ truncated");
    const before = snapshot(cwd);
    const r = json(["session", "switch", "agent-spec-compiler"], { cwd });
    if (r.code === 0) {
      expect(readJson(stateFile)).toMatchObject({ session_id: "agent-spec-compiler" });
      expect(read(proj(cwd, P, "CURRENT_SESSION")).trim()).toBe("agent-spec-compiler");
    } else {
      // a failed command must leave the workspace as it was (CURRENT_SESSION included)
      expect(r.code).toBe(1);
      expect(errorOf(r)).toMatchObject({
        code: "CORRUPT_FILE",
        file: `.idse/projects/${P}/session_state.json`,
      });
      expect(read(proj(cwd, P, "CURRENT_SESSION")).trim()).toBe("__blueprint__");
      expect(snapshot(cwd)).toEqual(before);
    }
  });
});
