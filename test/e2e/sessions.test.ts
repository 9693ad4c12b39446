import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import {
  errorOf,
  expectFail,
  json,
  ok,
  proj,
  read,
  readJson,
  requireBinary,
  run,
  STAGES,
  sess,
  shop,
  snapshot,
} from "./util.ts";

// session create | switch | set-owner | add-collaborator | remove-collaborator | set-status | set-stage,
// spawn, sessions and session-info, including the completion gate.

beforeAll(requireBinary);

const current = (cwd: string) => read(proj(cwd, "shop", "CURRENT_SESSION")).trim();
const metaOf = (cwd: string, id: string) => readJson(sess(cwd, "shop", id, "metadata/session.json"));

describe("session create", () => {
  test("creates a feature session from the blueprint and makes it current", () => {
    const cwd = shop();
    const r = ok(["session", "create", "auth", "--description", "Login flow", "--owner", "ana", "--json"], {
      cwd,
    });
    expect(r.env.command).toBe("session create");
    expect(r.env.data.current).toBe(true);
    expect(r.env.data.session).toMatchObject({
      session_id: "auth",
      session_type: "feature",
      parent_session: "__blueprint__",
      description: "Login flow",
      owner: "ana",
      status: "draft",
      is_blueprint: false,
    });
    expect(current(cwd)).toBe("auth");
    expect(readJson(proj(cwd, "shop", "session_state.json"))).toMatchObject({
      session_id: "auth",
      is_blueprint: false,
    });
    expect(metaOf(cwd, "auth")).toEqual(r.env.data.session);
    expect(ok(["status", "--json"], { cwd }).env.data.session).toBe("auth");
  });

  test("without an id: session-<digits>; text output", () => {
    const cwd = shop();
    const r = ok(["session", "create"], { cwd });
    const id = current(cwd);
    expect(id).toMatch(/^session-\d+$/);
    expect(r.stdout).toContain(id);
    expect(metaOf(cwd, id).session_type).toBe("feature");
  });

  test("ids that look like numbers and owners like 007 keep their exact text", () => {
    const cwd = shop();
    const r = ok(["session", "create", "0123", "--owner", "007", "--json"], { cwd });
    expect(r.env.data.session.session_id).toBe("0123");
    expect(r.env.data.session.owner).toBe("007");
    expect(current(cwd)).toBe("0123");
  });

  test("an existing id: SESSION_EXISTS, exit 1, nothing changed", () => {
    const cwd = shop();
    ok(["session", "create", "auth"], { cwd });
    ok(["session", "switch", "__blueprint__"], { cwd });
    const before = snapshot(cwd);
    expectFail(json(["session", "create", "auth"], { cwd }), 1, "SESSION_EXISTS");
    expectFail(run(["session", "create", "__blueprint__"], { cwd }), 1, "SESSION_EXISTS");
    expect(snapshot(cwd)).toEqual(before);
  });
});

describe("session switch", () => {
  test("switches, and each session keeps its own stages", () => {
    const cwd = shop();
    ok(["session", "set-stage", "__blueprint__", "--stage", "intent", "--status", "completed"], { cwd });
    ok(["session", "create", "auth"], { cwd });
    const a = ok(["status", "--json"], { cwd }).env.data;
    expect(a.stages.find((s: { stage: string }) => s.stage === "intent").status).toBe("pending");

    const r = ok(["session", "switch", "__blueprint__", "--json"], { cwd });
    expect(r.env.command).toBe("session switch");
    expect(r.env.data.current).toBe(true);
    expect(current(cwd)).toBe("__blueprint__");
    const b = ok(["status", "--json"], { cwd }).env.data;
    expect(b.session).toBe("__blueprint__");
    expect(b.stages.find((s: { stage: string }) => s.stage === "intent").status).toBe("completed");
    expect(readJson(proj(cwd, "shop", "session_state.json")).stages.intent).toBe("completed");

    const t = ok(["session", "switch", "auth"], { cwd });
    expect(t.stdout).toContain("auth");
    expect(current(cwd)).toBe("auth");
  });

  test("an unknown session: SESSION_NOT_FOUND, exit 1, nothing changed", () => {
    const cwd = shop();
    const before = snapshot(cwd);
    const r = expectFail(json(["session", "switch", "nope"], { cwd }), 1, "SESSION_NOT_FOUND");
    expect(errorOf(r).message).toContain("nope");
    expectFail(run(["session", "switch", "nope"], { cwd }), 1, "SESSION_NOT_FOUND");
    expect(snapshot(cwd)).toEqual(before);
  });
});

describe("spawn", () => {
  test("spawns from the blueprint without switching", () => {
    const cwd = shop();
    const r = ok(
      ["spawn", "--plan", "feature", "billing", "--owner", "bob", "--description", "Stripe", "--json"],
      { cwd },
    );
    expect(r.env.command).toBe("spawn");
    expect(r.env.data.current).toBe(false);
    expect(r.env.data.session).toMatchObject({
      session_id: "billing",
      parent_session: "__blueprint__",
      owner: "bob",
      description: "Stripe",
    });
    expect(current(cwd)).toBe("__blueprint__");
    const t = ok(["spawn", "invoices", "--plan", "feature", "--blueprint", "billing"], { cwd });
    expect(t.stdout).toContain("session switch invoices");
    expect(metaOf(cwd, "invoices").parent_session).toBe("billing");
    expect(current(cwd)).toBe("__blueprint__");
  });

  test("failures: missing --plan (2), bad --plan (2), unknown --blueprint (1)", () => {
    const cwd = shop();
    const before = snapshot(cwd);
    expectFail(json(["spawn", "x"], { cwd }), 2, "USAGE");
    expectFail(run(["spawn", "x"], { cwd }), 2, "USAGE");
    expectFail(json(["spawn", "x", "--plan", "epic"], { cwd }), 2, "INVALID_ENUM");
    expectFail(json(["spawn", "--plan", "feature"], { cwd }), 2, "MISSING_ARGUMENT");
    expectFail(
      json(["spawn", "x", "--plan", "feature", "--blueprint", "nope"], { cwd }),
      1,
      "SESSION_NOT_FOUND",
    );
    expect(snapshot(cwd)).toEqual(before);
  });
});

describe("sessions and session-info", () => {
  function workspace() {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    ok(["spawn", "invoices", "--plan", "feature", "--blueprint", "billing"], { cwd });
    ok(["session", "create", "auth"], { cwd });
    ok(["session", "set-status", "billing", "--status", "review"], { cwd });
    // tags have no command yet; they come from session.json
    const file = sess(cwd, "shop", "invoices", "metadata/session.json");
    writeFileSync(file, JSON.stringify({ ...readJson(file), tags: ["money"] }, null, 2));
    // a legacy folder without metadata/session.json
    mkdirSync(sess(cwd, "shop", "old-notes", "specs"), { recursive: true });
    writeFileSync(sess(cwd, "shop", "old-notes", "specs/spec.md"), "# old\n");
    return cwd;
  }
  const ids = (r: { env: { data: { sessions: { session_id: string }[] } } }) =>
    r.env.data.sessions.map((s) => s.session_id);

  test("sessions lists, marks the current one, and filters", () => {
    const cwd = workspace();
    const all = ok(["sessions", "--json"], { cwd });
    expect(all.env.command).toBe("sessions");
    expect(ids(all)).toEqual(["__blueprint__", "auth", "billing", "invoices"]);
    expect(all.env.data.counts).toMatchObject({ total: 4, blueprint: 1, feature: 3, legacy: 1 });
    expect(
      all.env.data.sessions
        .filter((s: { current: boolean }) => s.current)
        .map((s: { session_id: string }) => s.session_id),
    ).toEqual(["auth"]);

    expect(ids(ok(["sessions", "--type", "blueprint", "--json"], { cwd }))).toEqual(["__blueprint__"]);
    expect(ids(ok(["sessions", "--status", "review", "--json"], { cwd }))).toEqual(["billing"]);
    expect(ids(ok(["sessions", "--tag", "money", "--json"], { cwd }))).toEqual(["invoices"]);
    expect(ids(ok(["sessions", "--type", "exploratory", "--json"], { cwd }))).toEqual([]);
    const legacy = ok(["sessions", "--include-legacy", "--json"], { cwd });
    expect(ids(legacy)).toContain("old-notes");
    expect(
      legacy.env.data.sessions.find((s: { session_id: string }) => s.session_id === "old-notes").legacy,
    ).toBe(true);

    const t = ok(["sessions"], { cwd });
    expect(t.stdout).toContain("* auth");
    expect(t.stdout).toContain("Total: 4");
    expect(t.stdout).toContain("--include-legacy");
  });

  test("sessions: bad --type / --status are usage errors (exit 2)", () => {
    const cwd = shop();
    expectFail(json(["sessions", "--type", "epic"], { cwd }), 2, "INVALID_ENUM");
    expectFail(run(["sessions", "--status", "done"], { cwd }), 2, "INVALID_ENUM");
  });

  test("session-info shows metadata, stages, artifacts and --lineage", () => {
    const cwd = workspace();
    const r = ok(["session-info", "billing", "--json"], { cwd });
    expect(r.env.command).toBe("session-info");
    expect(r.env.data.session).toMatchObject({ session_id: "billing", status: "review" });
    expect(r.env.data.current).toBe(false);
    expect(Object.keys(r.env.data.stages)).toEqual([...STAGES]);
    expect(Object.values(r.env.data.artifacts).every(Boolean)).toBe(true);
    expect(r.env.data.lineage).toBeUndefined();

    const l = ok(["session-info", "billing", "--lineage", "--json"], { cwd });
    expect(l.env.data.lineage).toEqual({
      ancestors: ["__blueprint__"],
      children: [{ session_id: "invoices", children: [] }],
      related: [],
    });
    const bp = ok(["session-info", "__blueprint__", "--lineage", "--json"], { cwd });
    // the legacy folder counts as a child of the blueprint, as the Python original assumed
    expect(bp.env.data.lineage.children.map((c: { session_id: string }) => c.session_id)).toEqual([
      "auth",
      "billing",
      "old-notes",
    ]);

    const t = ok(["session-info", "invoices", "--lineage"], { cwd });
    expect(t.stdout).toContain("Session: invoices");
    expect(t.stdout).toContain("Ancestors: __blueprint__ → billing");
    expect(t.stdout).toContain("Tags: money");
  });

  test("session-info of a missing session: SESSION_NOT_FOUND (1); without an id: MISSING_ARGUMENT (2)", () => {
    const cwd = shop();
    expectFail(json(["session-info", "nope"], { cwd }), 1, "SESSION_NOT_FOUND");
    expectFail(run(["session-info", "nope", "--lineage"], { cwd }), 1, "SESSION_NOT_FOUND");
    expectFail(json(["session-info"], { cwd }), 2, "MISSING_ARGUMENT");
  });
});

describe("changing one field of a session", () => {
  test("set-owner", () => {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    const r = ok(["session", "set-owner", "billing", "--owner", "carol", "--json"], { cwd });
    expect(r.env.command).toBe("session set-owner");
    expect(r.env.data.session.owner).toBe("carol");
    expect(metaOf(cwd, "billing").owner).toBe("carol");
    expect(ok(["session", "set-owner", "billing", "--owner", "dave"], { cwd }).stdout).toContain("dave");
    expect(metaOf(cwd, "billing").owner).toBe("dave");
    expectFail(json(["session", "set-owner", "billing"], { cwd }), 2, "USAGE");
    expectFail(run(["session", "set-owner", "nope", "--owner", "x"], { cwd }), 1, "SESSION_NOT_FOUND");
  });

  test("add-collaborator and remove-collaborator", () => {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    const add = ok(
      ["session", "add-collaborator", "billing", "--name", "erin", "--role", "reviewer", "--json"],
      {
        cwd,
      },
    );
    expect(add.env.command).toBe("session add-collaborator");
    expect(add.env.data.session.collaborators).toMatchObject([{ name: "erin", role: "reviewer" }]);
    ok(["session", "add-collaborator", "billing", "--name", "fay"], { cwd });
    expect(
      metaOf(cwd, "billing").collaborators.map((c: { name: string; role: string }) => [c.name, c.role]),
    ).toEqual([
      ["erin", "reviewer"],
      ["fay", "contributor"],
    ]);

    const before = snapshot(cwd);
    expectFail(
      json(["session", "add-collaborator", "billing", "--name", "erin"], { cwd }),
      1,
      "COLLABORATOR_EXISTS",
    );
    expectFail(
      json(["session", "add-collaborator", "billing", "--name", "gus", "--role", "boss"], { cwd }),
      2,
      "INVALID_ENUM",
    );
    expectFail(json(["session", "add-collaborator", "billing"], { cwd }), 2, "USAGE");
    expect(snapshot(cwd)).toEqual(before);

    const rm = ok(["session", "remove-collaborator", "billing", "--name", "erin", "--json"], { cwd });
    expect(rm.env.data.session.collaborators.map((c: { name: string }) => c.name)).toEqual(["fay"]);
    ok(["session", "remove-collaborator", "billing", "--name", "fay"], { cwd });
    expect(metaOf(cwd, "billing").collaborators).toEqual([]);
    const after = snapshot(cwd);
    expectFail(
      run(["session", "remove-collaborator", "billing", "--name", "erin"], { cwd }),
      1,
      "COLLABORATOR_NOT_FOUND",
    );
    expect(snapshot(cwd)).toEqual(after);
  });

  test("set-stage updates the session and mirrors the current one into session_state.json", () => {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    const r = ok(
      ["session", "set-stage", "billing", "--stage", "spec", "--status", "in_progress", "--json"],
      {
        cwd,
      },
    );
    expect(r.env.command).toBe("session set-stage");
    expect(r.env.data).toMatchObject({ stage: "spec", status: "in_progress", current: false });
    expect(ok(["session-info", "billing", "--json"], { cwd }).env.data.stages.spec).toBe("in_progress");
    // billing is not current: session_state.json still describes the blueprint
    expect(readJson(proj(cwd, "shop", "session_state.json")).stages.spec).toBe("pending");

    ok(["session", "set-stage", "__blueprint__", "--stage", "plan", "--status", "completed"], { cwd });
    expect(readJson(proj(cwd, "shop", "session_state.json")).stages.plan).toBe("completed");
    const s = ok(["status", "--json"], { cwd }).env.data;
    expect(s.stages.find((x: { stage: string }) => x.stage === "plan").status).toBe("completed");

    expectFail(
      json(["session", "set-stage", "billing", "--stage", "deploy", "--status", "completed"], { cwd }),
      2,
      "INVALID_ENUM",
    );
    expectFail(
      run(["session", "set-stage", "billing", "--stage", "spec", "--status", "done"], { cwd }),
      2,
      "INVALID_ENUM",
    );
    expectFail(json(["session", "set-stage", "billing", "--stage", "spec"], { cwd }), 2, "USAGE");
  });

  test("set-status to a non-complete status", () => {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    const r = ok(["session", "set-status", "billing", "--status", "in_progress", "--json"], { cwd });
    expect(r.env.command).toBe("session set-status");
    expect(r.env.data.session.status).toBe("in_progress");
    ok(["session", "set-status", "billing", "--status", "archived"], { cwd });
    expect(metaOf(cwd, "billing").status).toBe("archived");
    expectFail(json(["session", "set-status", "billing", "--status", "done"], { cwd }), 2, "INVALID_ENUM");
    expectFail(run(["session", "set-status", "billing"], { cwd }), 2, "USAGE");
  });
});

// An implementation document must report the components it changed (idse/implementation-report).
const IMPACT = "\n## Component Impact Report\n\n- **Billing** (src/billing.ts): new module\n";

describe("the completion gate", () => {
  test("a fresh session cannot be completed: exit 1, COMPLETION_GATE_FAILED, nothing changed", () => {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    const metaFile = sess(cwd, "shop", "billing", "metadata/session.json");
    const metaBytes = read(metaFile);
    const before = snapshot(cwd);

    const r = expectFail(
      json(["session", "set-status", "billing", "--status", "complete"], { cwd }),
      1,
      "COMPLETION_GATE_FAILED",
    );
    expect(errorOf(r).message).toContain("billing");
    const details = r.env.diagnostics.slice(1);
    expect(details.length).toBeGreaterThan(0);
    // The gate is the validation engine: each unmet condition is one error finding, with its rule.
    expect(details.every((d) => d.code === "RULE_VIOLATION" && typeof d.rule_id === "string")).toBe(true);
    expect(details.some((d) => d.rule_id === "idse/no-requires-input" && d.line > 0)).toBe(true);
    expect(new Set(details.map((d) => d.stage))).toEqual(new Set(STAGES));
    expect(read(metaFile)).toBe(metaBytes);
    expect(snapshot(cwd)).toEqual(before);

    const t = expectFail(
      run(["session", "set-status", "billing", "--status", "complete"], { cwd }),
      1,
      "COMPLETION_GATE_FAILED",
    );
    expect(t.stderr).toContain("RULE_VIOLATION");
    expect(t.stderr).toContain(".idse/projects/shop/sessions/billing/specs/spec.md");
    expect(read(metaFile)).toBe(metaBytes);
    expect(snapshot(cwd)).toEqual(before);
    expect(metaOf(cwd, "billing").status).toBe("draft");
  });

  test("a missing artifact fails the gate too", () => {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    for (const stage of STAGES) {
      const file = join(cwd, `${stage}.md`);
      writeFileSync(file, `# ${stage}\n\nDone.\n${stage === "implementation" ? IMPACT : ""}`);
      ok(["artifact", "write", "--stage", stage, "--session", "billing", "--file", file], { cwd });
    }
    rmSync(sess(cwd, "shop", "billing", "feedback/feedback.md"));
    const before = snapshot(cwd);
    const r = expectFail(
      json(["session", "set-status", "billing", "--status", "complete"], { cwd }),
      1,
      "COMPLETION_GATE_FAILED",
    );
    expect(r.env.diagnostics.slice(1)).toContainEqual(
      expect.objectContaining({
        code: "RULE_VIOLATION",
        rule_id: "idse/artifact-present",
        stage: "feedback",
      }),
    );
    expect(snapshot(cwd)).toEqual(before);
  });

  test("passes once every artifact is written without [REQUIRES INPUT]", () => {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    for (const stage of STAGES) {
      const file = join(cwd, `${stage}.md`);
      // The marker inside fenced code or an inline code span is not an input request.
      writeFileSync(
        file,
        `# ${stage}\n\nWritten for billing.\n\n\`[REQUIRES INPUT]\` is the marker.\n\n\`\`\`\n[REQUIRES INPUT]\n\`\`\`\n${stage === "implementation" ? IMPACT : ""}`,
      );
      const w = ok(
        ["artifact", "write", "--stage", stage, "--session", "billing", "--file", file, "--json"],
        {
          cwd,
        },
      );
      expect(w.env.data).toMatchObject({ session: "billing", stage });
    }
    const r = ok(["session", "set-status", "billing", "--status", "complete", "--json"], { cwd });
    expect(r.env.data.session.status).toBe("complete");
    expect(metaOf(cwd, "billing").status).toBe("complete");
    const info = ok(["session-info", "billing", "--json"], { cwd }).env.data;
    expect(Object.values(info.stages).every((s) => s === "completed")).toBe(true);
    const row = ok(["status", "--all", "--json"], { cwd }).env.data.sessions.find(
      (s: { session_id: string }) => s.session_id === "billing",
    );
    expect(row.progress).toBe(100);
    expect(read(sess(cwd, "shop", "__blueprint__", "metadata/meta.md"))).toContain(
      "| billing | feature | complete |",
    );
  });
});

describe("the project lock", () => {
  test("a live lock makes a change wait, then fail with LOCKED (exit 1) and change nothing", () => {
    const cwd = shop();
    ok(["config", "set", "lock.timeout_ms", "100"], { cwd });
    // held by this (live) test process on this host
    writeFileSync(
      proj(cwd, "shop", ".idse.lock"),
      `${process.pid} ${hostname()} ${new Date().toISOString()}`,
    );
    const before = snapshot(cwd);
    expectFail(json(["session", "create", "auth"], { cwd }), 1, "LOCKED");
    expectFail(run(["spawn", "billing", "--plan", "feature"], { cwd }), 1, "LOCKED");
    expect(snapshot(cwd)).toEqual(before);
    // readers do not need the lock
    ok(["status"], { cwd });
  });

  test("a lock left by a dead process is taken over", () => {
    const cwd = shop();
    const lock = proj(cwd, "shop", ".idse.lock");
    writeFileSync(lock, `2147483646 ${hostname()} 2020-01-01T00:00:00.000Z`);
    ok(["session", "create", "auth"], { cwd });
    expect(current(cwd)).toBe("auth");
    expect(existsSync(lock)).toBe(false);
  });
});

describe("--quiet", () => {
  test("prints nothing on success and still prints errors", () => {
    const cwd = shop();
    const r = ok(["session", "create", "auth", "-q"], { cwd });
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("");
    expectFail(run(["session", "switch", "nope", "--quiet"], { cwd }), 1, "SESSION_NOT_FOUND");
  });
});
