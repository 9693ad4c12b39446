import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
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
  STAGE_FILES,
  STAGES,
  sess,
  shop,
  snapshot,
} from "./util.ts";

// artifact read | write, config get | set | list | unset, and doctor [--fix] against corrupt files.

beforeAll(requireBinary);

describe("artifact read", () => {
  test("prints the current session's document, as text and as JSON", () => {
    const cwd = shop();
    const file = sess(cwd, "shop", "__blueprint__", STAGE_FILES.spec);
    const t = ok(["artifact", "read", "--stage", "spec"], { cwd });
    expect(t.stdout).toBe(read(file));
    const j = ok(["artifact", "read", "--stage", "spec", "--json"], { cwd });
    expect(j.env.command).toBe("artifact read");
    expect(j.env.data).toMatchObject({
      project: "shop",
      session: "__blueprint__",
      stage: "spec",
      path: ".idse/projects/shop/sessions/__blueprint__/specs/spec.md",
      content: read(file),
    });
    expect(j.env.data.bytes).toBe(Buffer.byteLength(read(file)));
  });

  test("--session reads another session", () => {
    const cwd = shop();
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    writeFileSync(sess(cwd, "shop", "billing", STAGE_FILES.tasks), "# billing tasks\n");
    expect(ok(["artifact", "read", "--stage", "tasks", "--session", "billing"], { cwd }).stdout).toBe(
      "# billing tasks\n",
    );
  });

  test("failures: missing document (1), unknown session (1), missing or bad --stage (2)", () => {
    const cwd = shop();
    rmSync(sess(cwd, "shop", "__blueprint__", STAGE_FILES.plan));
    expectFail(json(["artifact", "read", "--stage", "plan"], { cwd }), 1, "ARTIFACT_NOT_FOUND");
    expectFail(run(["artifact", "read", "--stage", "plan"], { cwd }), 1, "ARTIFACT_NOT_FOUND");
    expectFail(
      json(["artifact", "read", "--stage", "spec", "--session", "nope"], { cwd }),
      1,
      "SESSION_NOT_FOUND",
    );
    expectFail(json(["artifact", "read"], { cwd }), 2, "USAGE");
    expectFail(run(["artifact", "read", "--stage", "design"], { cwd }), 2, "INVALID_ENUM");
  });
});

describe("artifact write", () => {
  test("--stage plan from stdin replaces the current session's plan", () => {
    const cwd = shop();
    ok(["session", "create", "auth"], { cwd });
    const doc = "# Plan\n\nStep 1: ünïcödé — works.\n";
    const r = ok(["artifact", "write", "--stage", "plan", "--json"], { cwd, stdin: doc });
    expect(r.env.command).toBe("artifact write");
    expect(r.env.data).toMatchObject({
      project: "shop",
      session: "auth",
      stage: "plan",
      path: ".idse/projects/shop/sessions/auth/plans/plan.md",
      bytes: Buffer.byteLength(doc),
    });
    expect(read(sess(cwd, "shop", "auth", STAGE_FILES.plan))).toBe(doc);
    expect(ok(["artifact", "read", "--stage", "plan"], { cwd }).stdout).toBe(doc);

    const t = ok(["artifact", "write", "--stage", "plan"], { cwd, stdin: "# Plan v2\n" });
    expect(t.stdout).toContain("Wrote plan for shop/auth");
    expect(read(sess(cwd, "shop", "auth", STAGE_FILES.plan))).toBe("# Plan v2\n");
  });

  test("--stage plan from --file (relative to --cwd and the working directory)", () => {
    const cwd = shop();
    mkdirSync(join(cwd, "docs"));
    writeFileSync(join(cwd, "docs/plan.md"), "# Plan from a file\n");
    ok(["artifact", "write", "--stage", "plan", "--file", "docs/plan.md"], { cwd });
    expect(read(sess(cwd, "shop", "__blueprint__", STAGE_FILES.plan))).toBe("# Plan from a file\n");

    writeFileSync(join(cwd, "docs/plan2.md"), "# Second plan\n");
    ok(["artifact", "write", "--stage", "plan", "--file", "plan2.md", "--json"], { cwd: join(cwd, "docs") });
    expect(read(sess(cwd, "shop", "__blueprint__", STAGE_FILES.plan))).toBe("# Second plan\n");

    const other = tempDir();
    writeFileSync(join(cwd, "docs/plan3.md"), "# Third plan\n");
    ok(["artifact", "write", "--stage", "plan", "--cwd", cwd, "--file", "docs/plan3.md"], { cwd: other });
    expect(read(sess(cwd, "shop", "__blueprint__", STAGE_FILES.plan))).toBe("# Third plan\n");
  });

  test("write updates the session's updated_at and leaves other stages alone", () => {
    const cwd = shop();
    const others = STAGES.filter((s) => s !== "spec").map((s) =>
      read(sess(cwd, "shop", "__blueprint__", STAGE_FILES[s])),
    );
    ok(["artifact", "write", "--stage", "spec", "--session", "__blueprint__"], { cwd, stdin: "# spec\n" });
    expect(
      STAGES.filter((s) => s !== "spec").map((s) => read(sess(cwd, "shop", "__blueprint__", STAGE_FILES[s]))),
    ).toEqual(others);
  });

  test("failures change nothing: empty input, missing file, unknown session, bad stage", () => {
    const cwd = shop();
    const before = snapshot(cwd);
    expectFail(json(["artifact", "write", "--stage", "plan"], { cwd, stdin: "" }), 1, "INPUT_REQUIRED");
    expectFail(run(["artifact", "write", "--stage", "plan"], { cwd, stdin: "  \n\n" }), 1, "INPUT_REQUIRED");
    const missing = expectFail(
      json(["artifact", "write", "--stage", "plan", "--file", "nope.md"], { cwd }),
      1,
      "FILE_NOT_FOUND",
    );
    expect(errorOf(missing).message).toContain("nope.md");
    writeFileSync(join(cwd, "x.md"), "# x\n");
    const withFile = snapshot(cwd);
    expectFail(
      json(["artifact", "write", "--stage", "plan", "--session", "nope", "--file", "x.md"], { cwd }),
      1,
      "SESSION_NOT_FOUND",
    );
    expectFail(
      json(["artifact", "write", "--stage", "design", "--file", "x.md"], { cwd }),
      2,
      "INVALID_ENUM",
    );
    expectFail(json(["artifact", "write", "--file", "x.md"], { cwd }), 2, "USAGE");
    expect(snapshot(cwd)).toEqual(withFile);
    rmSync(join(cwd, "x.md"));
    expect(snapshot(cwd)).toEqual(before);
  });
});

describe("config", () => {
  test("list shows every key with its source; get works outside a workspace", () => {
    const cwd = tempDir();
    const l = ok(["config", "list", "--json"], { cwd });
    expect(l.env.command).toBe("config list");
    const keys = l.env.data.entries.map((e: { key: string }) => e.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        "owner",
        "stack",
        "store.plugin",
        "stages.auto_detect",
        "lock.timeout_ms",
        "agent_files.create",
      ]),
    );
    expect(l.env.data.entries.every((e: { source: string }) => e.source === "default")).toBe(true);
    expect(l.env.data.files.repo).toBeNull();
    expect(ok(["config", "get", "owner"], { cwd }).stdout.trim()).toBe("system");
    expect(ok(["config", "get", "owner", "--json"], { cwd }).env.data).toEqual({
      key: "owner",
      value: "system",
      source: "default",
    });
    const t = ok(["config", "list"], { cwd });
    expect(t.stdout).toContain("stack = python  (default)");
    expect(snapshot(cwd)).toEqual({});
  });

  test("set writes .idse/config.json (nested keys, typed values); get, unset", () => {
    const cwd = shop();
    const s = ok(["config", "set", "owner", "alice", "--json"], { cwd });
    expect(s.env.command).toBe("config set");
    expect(s.env.data).toMatchObject({
      key: "owner",
      value: "alice",
      source: "repo",
      file: ".idse/config.json",
    });
    expect(ok(["config", "set", "stages.auto_detect", "true"], { cwd }).stdout).toContain(
      "stages.auto_detect = true",
    );
    ok(["config", "set", "lock.timeout_ms", "2500"], { cwd });
    // (other keys, such as a "$schema" reference, may sit beside them)
    expect(readJson(join(cwd, ".idse/config.json"))).toMatchObject({
      owner: "alice",
      stages: { auto_detect: true },
      lock: { timeout_ms: 2500 },
    });
    expect(ok(["config", "get", "owner", "--json"], { cwd }).env.data).toEqual({
      key: "owner",
      value: "alice",
      source: "repo",
    });
    expect(ok(["config", "get", "lock.timeout_ms", "--json"], { cwd }).env.data.value).toBe(2500);
    expect(ok(["config", "get", "stages.auto_detect"], { cwd }).stdout.trim()).toBe("true");

    // the config owner is used by new sessions
    ok(["session", "create", "auth"], { cwd });
    expect(readJson(sess(cwd, "shop", "auth", "metadata/session.json")).owner).toBe("alice");

    const u = ok(["config", "unset", "owner", "--json"], { cwd });
    expect(u.env.data).toEqual({ key: "owner", removed: true });
    expect(ok(["config", "unset", "owner"], { cwd }).stdout).toContain("was not set");
    expect(ok(["config", "get", "owner", "--json"], { cwd }).env.data.source).toBe("default");
    expect(readJson(join(cwd, ".idse/config.json")).owner).toBeUndefined();
  });

  test("layering: home file < repo file < IDSE_* environment", () => {
    const cwd = shop();
    writeFileSync(join(cwd, ".idseconfig.json"), JSON.stringify({ stack: "go", owner: "home-owner" }));
    expect(ok(["config", "get", "stack", "--json"], { cwd }).env.data).toMatchObject({
      value: "go",
      source: "home",
    });
    ok(["config", "set", "stack", "rust"], { cwd });
    expect(ok(["config", "get", "stack", "--json"], { cwd }).env.data).toMatchObject({
      value: "rust",
      source: "repo",
    });
    const env = ok(["config", "get", "stack", "--json"], { cwd, env: { IDSE_STACK: "zig" } });
    expect(env.env.data).toMatchObject({ value: "zig", source: "env" });
    expect(ok(["config", "get", "owner", "--json"], { cwd }).env.data).toMatchObject({
      value: "home-owner",
      source: "home",
    });
    // the home file is never written
    expect(readJson(join(cwd, ".idseconfig.json"))).toEqual({ stack: "go", owner: "home-owner" });
  });

  test("an invalid value given to config set is a usage error (exit 2) naming the key and the value, and writes nothing", () => {
    const cwd = shop();
    ok(["config", "set", "owner", "alice"], { cwd });
    const before = snapshot(cwd);
    const file = join(cwd, ".idse/config.json");
    for (const [key, value] of [
      ["lock.timeout_ms", "soon"],
      ["stages.auto_detect", "maybe"],
      ["owner", ""],
    ] as const) {
      const r = expectFail(json(["config", "set", key, value], { cwd }), 2, "USAGE");
      expect(errorOf(r).message).toContain(`"${key}"`);
      expect(errorOf(r).message).toContain(JSON.stringify(value));
      expect(errorOf(r).message).toContain("nothing was written");
      // The file holds nothing wrong: it is not blamed.
      expect(errorOf(r).message).not.toContain(file);
      const t = expectFail(run(["config", "set", key, value], { cwd }), 2, "USAGE");
      expect(t.stderr).toContain(key);
    }
    expect(snapshot(cwd)).toEqual(before);
  });

  test("an invalid value already in a config file names the key and the file", () => {
    const cwd = shop();
    const file = join(cwd, ".idse/config.json");
    writeFileSync(file, JSON.stringify({ lock: { timeout_ms: "later" } }));
    const r = expectFail(json(["config", "get", "owner"], { cwd }), 1, "INVALID_CONFIG");
    expect(errorOf(r).message).toContain("lock.timeout_ms");
    expect(errorOf(r).message).toContain(file);
    const s = expectFail(run(["status"], { cwd }), 1, "INVALID_CONFIG");
    expect(s.stderr).toContain(file);
    // The hint's commands work with the file in that state: set replaces the value, unset removes it.
    expect(errorOf(r).hint).toContain("`idse config unset lock.timeout_ms`");
    ok(["config", "set", "lock.timeout_ms", "2000"], { cwd });
    ok(["status"], { cwd });
    writeFileSync(file, JSON.stringify({ owner: "ana", lock: { timeout_ms: "later" } }));
    ok(["config", "unset", "lock.timeout_ms"], { cwd });
    expect(readJson(file)).toEqual({ owner: "ana", lock: {} });
    ok(["status"], { cwd });
    const env = expectFail(
      json(["config", "list"], { cwd: tempDir(), env: { IDSE_LOCK_TIMEOUT_MS: "x" } }),
      1,
      "INVALID_CONFIG",
    );
    expect(errorOf(env).message).toContain("IDSE_LOCK_TIMEOUT_MS");
  });

  test("an unknown key exits 2 (get, set, unset)", () => {
    const cwd = shop();
    const before = snapshot(cwd);
    const r = expectFail(json(["config", "get", "colour"], { cwd }), 2, "UNKNOWN_CONFIG_KEY");
    expect(errorOf(r).message).toContain("colour");
    expectFail(run(["config", "set", "colour", "red"], { cwd }), 2, "UNKNOWN_CONFIG_KEY");
    expectFail(json(["config", "set", "colour", "red"], { cwd }), 2, "UNKNOWN_CONFIG_KEY");
    expectFail(json(["config", "unset", "colour"], { cwd }), 2, "UNKNOWN_CONFIG_KEY");
    expectFail(json(["config", "set", "owner"], { cwd }), 2, "MISSING_ARGUMENT");
    expectFail(json(["config", "get"], { cwd }), 2, "MISSING_ARGUMENT");
    expect(snapshot(cwd)).toEqual(before);
  });

  test("set and unset need a workspace", () => {
    const cwd = tempDir();
    expectFail(json(["config", "set", "owner", "alice"], { cwd }), 1, "NO_WORKSPACE");
    expectFail(run(["config", "unset", "owner"], { cwd }), 1, "NO_WORKSPACE");
    expect(snapshot(cwd)).toEqual({});
  });
});

describe("corrupt files and doctor", () => {
  /** A workspace with hand-written artifact text in two sessions; returns the artifact bytes. */
  function written() {
    const cwd = shop();
    ok(["session", "create", "auth"], { cwd });
    ok(["artifact", "write", "--stage", "spec"], {
      cwd,
      stdin: "# Auth spec\n\nprecious text [REQUIRES INPUT]\n",
    });
    ok(["artifact", "write", "--stage", "intent", "--session", "__blueprint__"], {
      cwd,
      stdin: "# Intent\nmine\n",
    });
    const artifacts = () => {
      const out: Record<string, string> = {};
      for (const s of ["__blueprint__", "auth"])
        for (const st of STAGES) out[`${s}/${st}`] = read(sess(cwd, "shop", s, STAGE_FILES[st]));
      return out;
    };
    return { cwd, artifacts };
  }

  test("doctor on a healthy workspace: no findings, exit 0", () => {
    const { cwd } = written();
    const r = ok(["doctor", "--json"], { cwd });
    expect(r.env.command).toBe("doctor");
    expect(r.env.data).toMatchObject({ projects: ["shop"], sessions_checked: 2, findings: [], remaining: 0 });
    expect(ok(["doctor"], { cwd }).stdout).toContain("no problems");
  });

  test("corrupt session_state.json: status names the file; doctor --fix rebuilds it", () => {
    const { cwd, artifacts } = written();
    const before = artifacts();
    const stateFile = proj(cwd, "shop", "session_state.json");
    writeFileSync(stateFile, "{ truncated");
    const r = expectFail(json(["status"], { cwd }), 1, "CORRUPT_FILE");
    expect(errorOf(r).file).toBe(".idse/projects/shop/session_state.json");
    const t = expectFail(run(["status"], { cwd }), 1, "CORRUPT_FILE");
    expect(t.stderr).toContain(".idse/projects/shop/session_state.json");
    expect(t.stderr).toContain("doctor --fix");

    const d = run(["doctor"], { cwd });
    expect(d.code).toBe(1);
    expect(d.stderr).toContain(".idse/projects/shop/session_state.json");
    expect(d.stdout).toContain("1 remaining");
    expect(read(stateFile)).toBe("{ truncated");

    const fix = ok(["doctor", "--fix", "--json"], { cwd });
    expect(fix.env.data.findings).toMatchObject([
      { file: ".idse/projects/shop/session_state.json", code: "CORRUPT_FILE", fixed: true },
    ]);
    expect(readJson(stateFile)).toMatchObject({ project_name: "shop", session_id: "auth" });
    expect(ok(["status", "--json"], { cwd }).env.data.session).toBe("auth");
    expect(readdirSync(proj(cwd, "shop")).some((n) => n.startsWith("session_state.json.corrupt-"))).toBe(
      true,
    );
    expect(artifacts()).toEqual(before);
    expect(ok(["doctor", "--json"], { cwd }).env.data.findings).toEqual([]);
  });

  test("corrupt session.json: sessions names the file; doctor --fix salvages the valid fields", () => {
    const { cwd, artifacts } = written();
    const before = artifacts();
    const metaFile = sess(cwd, "shop", "auth", "metadata/session.json");
    writeFileSync(metaFile, JSON.stringify({ owner: "ana", status: "bogus", description: "keep me" }));
    const r = expectFail(json(["sessions"], { cwd }), 1, "CORRUPT_FILE");
    expect(errorOf(r).file).toBe(".idse/projects/shop/sessions/auth/metadata/session.json");
    const t = expectFail(run(["sessions"], { cwd }), 1, "CORRUPT_FILE");
    expect(t.stderr).toContain(".idse/projects/shop/sessions/auth/metadata/session.json");
    expectFail(json(["session-info", "auth"], { cwd }), 1, "CORRUPT_FILE");

    ok(["doctor", "--fix"], { cwd });
    expect(readJson(metaFile)).toMatchObject({
      session_id: "auth",
      owner: "ana",
      description: "keep me",
      status: "draft",
      session_type: "feature",
      parent_session: "__blueprint__",
    });
    expect(ok(["sessions", "--json"], { cwd }).env.data.counts.total).toBe(2);
    expect(artifacts()).toEqual(before);
  });

  test("corrupt agent_registry.json: status names the file; doctor --fix rebuilds it", () => {
    const { cwd, artifacts } = written();
    const before = artifacts();
    const regFile = proj(cwd, "shop", "agent_registry.json");
    const original = read(regFile);
    writeFileSync(regFile, '{"agents": "none"}');
    const r = expectFail(json(["status"], { cwd }), 1, "CORRUPT_FILE");
    expect(errorOf(r).file).toBe(".idse/projects/shop/agent_registry.json");
    expectFail(run(["status"], { cwd }), 1, "CORRUPT_FILE");
    ok(["doctor", "--fix"], { cwd });
    expect(readJson(regFile)).toEqual(JSON.parse(original));
    ok(["status"], { cwd });
    expect(artifacts()).toEqual(before);
  });

  test("all three corrupt at once, plus a deleted document: one doctor --fix repairs everything", () => {
    const { cwd, artifacts } = written();
    const before = artifacts();
    writeFileSync(proj(cwd, "shop", "session_state.json"), "");
    writeFileSync(proj(cwd, "shop", "agent_registry.json"), "[]");
    writeFileSync(sess(cwd, "shop", "auth", "metadata/session.json"), "{");
    rmSync(sess(cwd, "shop", "auth", STAGE_FILES.plan));

    const check = json(["doctor"], { cwd });
    expect(check.code).toBe(1);
    expect(check.env.data.remaining).toBe(4);
    expect(check.env.data.findings.map((f: { code: string }) => f.code).sort()).toEqual([
      "ARTIFACT_MISSING",
      "CORRUPT_FILE",
      "CORRUPT_FILE",
      "CORRUPT_FILE",
    ]);

    const fix = ok(["doctor", "--fix", "--json"], { cwd });
    expect(fix.env.data).toMatchObject({ fixed: 4, remaining: 0 });
    ok(["status"], { cwd });
    ok(["sessions"], { cwd });
    // the missing plan is recreated from its template; every other document is byte for byte the same
    expect(existsSync(sess(cwd, "shop", "auth", STAGE_FILES.plan))).toBe(true);
    const after = artifacts();
    delete (before as Record<string, string>)["auth/plan"];
    delete (after as Record<string, string>)["auth/plan"];
    expect(after).toEqual(before);
    expect(ok(["doctor", "--json"], { cwd }).env.data.findings).toEqual([]);
  });

  test("doctor --json that finds problems reports them as diagnostics with their codes", () => {
    const { cwd } = written();
    writeFileSync(proj(cwd, "shop", "session_state.json"), "{ truncated");
    const r = json(["doctor"], { cwd });
    expect(r.code).toBe(1);
    expect(r.env.ok).toBe(false);
    // DESIGN.md §6 / the output contract: a failed run carries a diagnostic with the stable code.
    expect(r.env.diagnostics.map((d) => d.code)).toContain("CORRUPT_FILE");
  });

  test("doctor outside a workspace: NO_WORKSPACE, exit 1", () => {
    const cwd = tempDir();
    expectFail(json(["doctor", "--fix"], { cwd }), 1, "NO_WORKSPACE");
    expect(snapshot(cwd)).toEqual({});
  });
});
