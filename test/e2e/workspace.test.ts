import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../helpers.ts";
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
  snapshot,
} from "./util.ts";

// init, status, project resolution, --cwd, subdirectories, docs, agent files, --help and --version.

beforeAll(requireBinary);

const VERSION: string = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version;
const AGENT_FILES = ["CLAUDE.md", "AGENTS.md", ".cursorrules"];

describe("init", () => {
  test("creates the layout of the Python original with --json", () => {
    const cwd = tempDir();
    const r = ok(["init", "shop", "--json"], { cwd });
    expect(r.env.command).toBe("init");
    expect(r.env.data).toMatchObject({ project: "shop", session: "__blueprint__", stack: "python" });
    expect(r.env.diagnostics).toEqual([]);

    expect(read(proj(cwd, "shop", "CURRENT_SESSION")).trim()).toBe("__blueprint__");
    expect(read(join(cwd, ".idse/projects/CURRENT_PROJECT")).trim()).toBe("shop");
    const state = readJson(proj(cwd, "shop", "session_state.json"));
    expect(state).toMatchObject({
      project_name: "shop",
      session_id: "__blueprint__",
      is_blueprint: true,
      last_sync: null,
      validation_status: "unknown",
    });
    expect(Object.keys(state.stages)).toEqual([...STAGES]);
    expect(Object.values(state.stages).every((s) => s === "pending")).toBe(true);
    const registry = readJson(proj(cwd, "shop", "agent_registry.json"));
    expect(Array.isArray(registry.agents)).toBe(true);
    expect(registry.agents.length).toBeGreaterThan(0);

    for (const stage of STAGES)
      expect(existsSync(sess(cwd, "shop", "__blueprint__", STAGE_FILES[stage]))).toBe(true);
    expect(existsSync(sess(cwd, "shop", "__blueprint__", "metadata/.owner"))).toBe(true);
    expect(existsSync(sess(cwd, "shop", "__blueprint__", "metadata/meta.md"))).toBe(true);
    const meta = readJson(sess(cwd, "shop", "__blueprint__", "metadata/session.json"));
    expect(meta).toMatchObject({
      session_id: "__blueprint__",
      name: "shop",
      session_type: "blueprint",
      is_blueprint: true,
      parent_session: null,
      status: "draft",
      owner: "system",
    });
    expect(existsSync(join(cwd, ".idse/governance/IDSE_CONSTITUTION.md"))).toBe(true);
    for (const f of AGENT_FILES) expect(existsSync(join(cwd, f))).toBe(true);
  });

  test("text output, --stack and --owner", () => {
    const cwd = tempDir();
    const r = ok(["init", "portal", "--stack", "typescript", "--owner", "alice"], { cwd });
    expect(r.stdout).toContain("Initialised project portal");
    expect(r.stdout).toContain("typescript");
    expect(readJson(sess(cwd, "portal", "__blueprint__", "metadata/session.json")).owner).toBe("alice");
    const spec = read(sess(cwd, "portal", "__blueprint__", STAGE_FILES.spec));
    expect(spec).toContain("Stack: typescript");
    expect(spec).toContain("Owner: alice");
  });

  test("--no-create-agent-files writes no agent files", () => {
    const cwd = tempDir();
    const r = ok(["init", "shop", "--no-create-agent-files", "--json"], { cwd });
    for (const f of AGENT_FILES) expect(existsSync(join(cwd, f))).toBe(false);
    const paths = r.env.data.files.map((f: { path: string }) => f.path);
    for (const f of AGENT_FILES) expect(paths).not.toContain(f);
  });

  test("existing agent files are never overwritten", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "CLAUDE.md"), "my own claude instructions\n");
    writeFileSync(join(cwd, ".cursorrules"), "my rules\n");
    const r = ok(["init", "shop", "--json"], { cwd });
    expect(read(join(cwd, "CLAUDE.md"))).toBe("my own claude instructions\n");
    expect(read(join(cwd, ".cursorrules"))).toBe("my rules\n");
    expect(read(join(cwd, "AGENTS.md"))).toContain("shop");
    const actions = Object.fromEntries(
      r.env.data.files.map((f: { path: string; action: string }) => [f.path, f.action]),
    );
    expect(actions).toMatchObject({ "CLAUDE.md": "kept", ".cursorrules": "kept", "AGENTS.md": "created" });
  });

  test("init of an existing project exits 1 and changes nothing", () => {
    const cwd = tempDir();
    ok(["init", "shop"], { cwd });
    ok(["spawn", "billing", "--plan", "feature"], { cwd });
    writeFileSync(join(cwd, "CLAUDE.md"), "edited\n");
    const before = snapshot(cwd);
    const r = expectFail(json(["init", "shop"], { cwd }), 1, "PROJECT_EXISTS");
    expect(errorOf(r).message).toContain("shop");
    expect(snapshot(cwd)).toEqual(before);
    expectFail(run(["init", "shop", "--stack", "go", "--owner", "bob"], { cwd }), 1, "PROJECT_EXISTS");
    expect(snapshot(cwd)).toEqual(before);
  });

  test("a second project joins the same workspace and becomes CURRENT_PROJECT", () => {
    const cwd = tempDir();
    ok(["init", "alpha"], { cwd });
    mkdirSync(join(cwd, "sub"));
    ok(["init", "beta", "--json"], { cwd: join(cwd, "sub") });
    expect(existsSync(join(cwd, "sub/.idse"))).toBe(false);
    expect(existsSync(proj(cwd, "beta", "session_state.json"))).toBe(true);
    expect(read(join(cwd, ".idse/projects/CURRENT_PROJECT")).trim()).toBe("beta");
  });
});

describe("status", () => {
  test("shows the current session's stages and routed agents", () => {
    const cwd = tempDir();
    ok(["init", "shop"], { cwd });
    const t = ok(["status"], { cwd });
    expect(t.stdout).toContain("Project: shop");
    expect(t.stdout).toContain("Session: __blueprint__");
    expect(t.stdout).toContain("Last Sync: Never");
    for (const stage of STAGES) expect(t.stdout).toContain(stage);

    const j = ok(["status", "--json"], { cwd });
    expect(j.env.command).toBe("status");
    expect(j.env.data).toMatchObject({
      project: "shop",
      session: "__blueprint__",
      is_blueprint: true,
      last_sync: null,
      validation_status: "unknown",
    });
    expect(j.env.data.stages.map((s: { stage: string }) => s.stage)).toEqual([...STAGES]);
    for (const row of j.env.data.stages) {
      expect(row.status).toBe("pending");
      expect(typeof row.agent).toBe("string");
      expect(["planning", "implementation"]).toContain(row.mode);
    }
  });

  test("status --all lists every session of every project", () => {
    const cwd = tempDir();
    ok(["init", "alpha"], { cwd });
    ok(["session", "create", "a1", "--project", "alpha"], { cwd });
    ok(["init", "beta"], { cwd });
    const j = ok(["status", "--all", "--json"], { cwd });
    const rows = j.env.data.sessions.map((s: { project: string; session_id: string; current: boolean }) => [
      s.project,
      s.session_id,
      s.current,
    ]);
    expect(rows).toEqual([
      ["alpha", "__blueprint__", false],
      ["alpha", "a1", true],
      ["beta", "__blueprint__", true],
    ]);
    const t = ok(["status", "--all"], { cwd });
    expect(t.stdout).toContain("PROJECT");
    expect(t.stdout).toContain("* a1");
    const only = ok(["status", "--all", "--project", "beta", "--json"], { cwd });
    expect(only.env.data.sessions.map((s: { project: string }) => s.project)).toEqual(["beta"]);
  });

  test("without a workspace: NO_WORKSPACE, exit 1", () => {
    const cwd = tempDir();
    expectFail(json(["status"], { cwd }), 1, "NO_WORKSPACE");
    const t = expectFail(run(["status"], { cwd }), 1, "NO_WORKSPACE");
    expect(t.stderr).toContain("idse init");
    expect(snapshot(cwd)).toEqual({});
  });

  test("a CURRENT_SESSION naming a missing session: NO_CURRENT_SESSION, exit 1", () => {
    const cwd = tempDir();
    ok(["init", "shop"], { cwd });
    writeFileSync(proj(cwd, "shop", "CURRENT_SESSION"), "gone\n");
    const state = readJson(proj(cwd, "shop", "session_state.json"));
    writeFileSync(proj(cwd, "shop", "session_state.json"), JSON.stringify({ ...state, session_id: "gone" }));
    expectFail(json(["status"], { cwd }), 1, "NO_CURRENT_SESSION");
    expectFail(run(["status"], { cwd }), 1, "NO_CURRENT_SESSION");
  });
});

describe("project resolution", () => {
  function twoProjects() {
    const cwd = tempDir();
    ok(["init", "alpha"], { cwd });
    ok(["init", "beta"], { cwd });
    return cwd;
  }
  const project = (argv: string[], o: { cwd: string; env?: Record<string, string> }) =>
    ok([...argv, "--json"], o).env.data.project;

  test("the only project is used when nothing names one", () => {
    const cwd = tempDir();
    ok(["init", "solo"], { cwd });
    rmSync(join(cwd, ".idse/projects/CURRENT_PROJECT"));
    expect(project(["status"], { cwd })).toBe("solo");
  });

  test("CURRENT_PROJECT picks among several projects", () => {
    const cwd = twoProjects();
    expect(project(["status"], { cwd })).toBe("beta");
    writeFileSync(join(cwd, ".idse/projects/CURRENT_PROJECT"), "alpha\n");
    expect(project(["status"], { cwd })).toBe("alpha");
  });

  test("IDSE_PROJECT beats CURRENT_PROJECT, and --project beats IDSE_PROJECT", () => {
    const cwd = twoProjects();
    expect(project(["status"], { cwd, env: { IDSE_PROJECT: "alpha" } })).toBe("alpha");
    expect(project(["status", "--project", "beta"], { cwd, env: { IDSE_PROJECT: "alpha" } })).toBe("beta");
    expect(project(["status", "--project=alpha"], { cwd })).toBe("alpha");
    expect(project(["sessions"], { cwd, env: { IDSE_PROJECT: "alpha" } })).toBe("alpha");
  });

  test("ambiguous: NO_PROJECT, exit 1, listing the projects", () => {
    const cwd = twoProjects();
    rmSync(join(cwd, ".idse/projects/CURRENT_PROJECT"));
    const r = expectFail(json(["status"], { cwd }), 1, "NO_PROJECT");
    expect(errorOf(r).hint).toContain("alpha, beta");
    const t = expectFail(run(["sessions"], { cwd }), 1, "NO_PROJECT");
    expect(t.stderr).toContain("alpha, beta");
    // A CURRENT_PROJECT naming a project that does not exist does not resolve either.
    writeFileSync(join(cwd, ".idse/projects/CURRENT_PROJECT"), "gamma\n");
    expectFail(json(["status"], { cwd }), 1, "NO_PROJECT");
  });

  test("a named project that does not exist: PROJECT_NOT_FOUND, exit 1, listing the projects", () => {
    const cwd = twoProjects();
    const r = expectFail(json(["status", "--project", "gamma"], { cwd }), 1, "PROJECT_NOT_FOUND");
    expect(errorOf(r).hint).toContain("alpha, beta");
    expectFail(json(["sessions"], { cwd, env: { IDSE_PROJECT: "gamma" } }), 1, "PROJECT_NOT_FOUND");
    expectFail(run(["session", "create", "x", "--project", "gamma"], { cwd }), 1, "PROJECT_NOT_FOUND");
    expect(existsSync(join(cwd, ".idse/projects/gamma"))).toBe(false);
  });
});

describe("--cwd and subdirectories", () => {
  test("running from a subdirectory walks up to .idse", () => {
    const root = tempDir();
    ok(["init", "shop"], { cwd: root });
    const deep = join(root, "src/app/deep");
    mkdirSync(deep, { recursive: true });
    expect(ok(["status", "--json"], { cwd: deep }).env.data.project).toBe("shop");
    ok(["session", "create", "from-deep"], { cwd: deep });
    expect(existsSync(sess(root, "shop", "from-deep", "metadata/session.json"))).toBe(true);
    expect(existsSync(join(deep, ".idse"))).toBe(false);
    expect(ok(["sessions", "--json"], { cwd: deep }).env.data.sessions).toHaveLength(2);
  });

  test("--cwd runs as if started there (absolute and relative)", () => {
    const root = tempDir();
    const repo = join(root, "repo");
    mkdirSync(join(repo, "pkg"), { recursive: true });
    ok(["init", "shop", "--cwd", repo], { cwd: root });
    expect(existsSync(proj(repo, "shop", "session_state.json"))).toBe(true);
    expect(existsSync(join(root, ".idse"))).toBe(false);
    expect(ok(["status", "--json", "--cwd", repo], { cwd: root }).env.data.project).toBe("shop");
    expect(ok(["status", "--json", "--cwd", "repo/pkg"], { cwd: root }).env.data.project).toBe("shop");
    ok(["spawn", "--cwd", "repo", "billing", "--plan", "feature"], { cwd: root });
    expect(existsSync(sess(repo, "shop", "billing"))).toBe(true);
  });

  test("--cwd naming a missing directory fails with exit 1", () => {
    const root = tempDir();
    const r = json(["status", "--cwd", join(root, "nope")], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.env.ok).toBe(false);
  });
});

describe("docs install and generate-agent-files", () => {
  test("docs install writes governance docs and templates; --force overwrites", () => {
    const cwd = tempDir();
    ok(["init", "shop", "--no-create-agent-files"], { cwd });
    const first = ok(["docs", "install", "--json"], { cwd });
    expect(first.env.command).toBe("docs install");
    const files = first.env.data.files as { path: string; action: string }[];
    expect(files.map((f) => f.path)).toContain(".idse/governance/IDSE_PIPELINE.md");
    for (const stage of STAGES) {
      expect(existsSync(join(cwd, `.idse/kb/templates/${stage}-template.md`))).toBe(true);
    }
    const constitution = join(cwd, ".idse/governance/IDSE_CONSTITUTION.md");
    const original = read(constitution);
    writeFileSync(constitution, "locally edited\n");

    const again = ok(["docs", "install"], { cwd });
    expect(again.stdout).toContain("kept");
    expect(read(constitution)).toBe("locally edited\n");

    const forced = ok(["docs", "install", "--force", "--json"], { cwd });
    expect(
      forced.env.data.files.find((f: { path: string }) => f.path === ".idse/governance/IDSE_CONSTITUTION.md")
        .action,
    ).toBe("overwritten");
    expect(read(constitution)).toBe(original);
  });

  test("docs install outside a workspace: NO_WORKSPACE, exit 1", () => {
    const cwd = tempDir();
    expectFail(json(["docs", "install"], { cwd }), 1, "NO_WORKSPACE");
    expect(snapshot(cwd)).toEqual({});
  });

  test("generate-agent-files keeps existing files unless --force", () => {
    const cwd = tempDir();
    ok(["init", "shop", "--no-create-agent-files"], { cwd });
    const created = ok(["generate-agent-files", "--json"], { cwd });
    expect(created.env.data.project).toBe("shop");
    expect(created.env.data.files.map((f: { action: string }) => f.action)).toEqual([
      "created",
      "created",
      "created",
    ]);
    for (const f of AGENT_FILES) expect(read(join(cwd, f))).toContain("shop");

    writeFileSync(join(cwd, "AGENTS.md"), "hand written\n");
    const kept = ok(["generate-agent-files", "--json"], { cwd });
    expect(kept.env.diagnostics.map((d) => [d.severity, d.code])).toContainEqual(["warning", "FILE_KEPT"]);
    expect(read(join(cwd, "AGENTS.md"))).toBe("hand written\n");
    const keptText = ok(["generate-agent-files"], { cwd });
    expect(keptText.stderr).toContain("FILE_KEPT");

    ok(["generate-agent-files", "--force"], { cwd });
    expect(read(join(cwd, "AGENTS.md"))).toContain("shop");
  });

  test("generate-agent-files outside a workspace: NO_WORKSPACE, exit 1", () => {
    const cwd = tempDir();
    expectFail(run(["generate-agent-files"], { cwd }), 1, "NO_WORKSPACE");
    expect(snapshot(cwd)).toEqual({});
  });
});

describe("--version, version and --help", () => {
  test("--version prints the package version and needs no workspace", () => {
    const cwd = tempDir();
    const r = ok(["--version"], { cwd });
    expect(r.stdout.trim()).toBe(`idse ${VERSION}`);
    expect(ok(["-v"], { cwd }).stdout.trim()).toBe(`idse ${VERSION}`);
    expect(ok(["--version", "--json"], { cwd }).env.data.version).toBe(VERSION);
    expect(snapshot(cwd)).toEqual({});
  });

  test("version --json reports the capabilities of this build", () => {
    const cwd = tempDir();
    const r = ok(["version", "--json"], { cwd });
    expect(r.env.command).toBe("version");
    expect(r.env.data.version).toBe(VERSION);
    expect(r.env.data.runtime).toStartWith("bun ");
    expect(r.env.data.platform).toBe(`${process.platform}-${process.arch}`);
    const caps = r.env.data.capabilities;
    expect(caps).toBeObject();
    expect(caps.json_output).toBe(true);
    for (const v of Object.values(caps)) expect(typeof v === "boolean" || Array.isArray(v)).toBe(true);
    expect(caps.stores).toContain("filesystem");
    const t = ok(["version"], { cwd });
    expect(t.stdout).toContain(`idse ${VERSION}`);
    expect(t.stdout).toContain("capabilities:");
  });

  test("--help lists every command; <command> --help shows its options", () => {
    const cwd = tempDir();
    const r = ok(["--help"], { cwd });
    expect(r.stdout).toContain("Usage: idse <command> [options]");
    for (const name of [
      "init <project>",
      "status",
      "sessions",
      "session-info <id>",
      "session create [id]",
      "session switch <id>",
      "spawn <name>",
      "session set-owner <id>",
      "session add-collaborator <id>",
      "session remove-collaborator <id>",
      "session set-status <id>",
      "session set-stage <id>",
      "artifact read",
      "artifact write",
      "docs install",
      "generate-agent-files",
      "config get <key>",
      "config set <key> <value>",
      "config list",
      "config unset <key>",
      "doctor",
      "version",
    ]) {
      expect(r.stdout).toContain(name);
    }
    expect(ok(["-h"], { cwd }).stdout).toBe(r.stdout);
    const create = ok(["session", "create", "--help"], { cwd });
    expect(create.stdout).toContain("Usage: idse session create [id]");
    expect(create.stdout).toContain("--description");
    const spawn = ok(["spawn", "--help"], { cwd });
    expect(spawn.stdout).toContain("--plan");
    // no arguments at all: the help, exit 0
    expect(ok([], { cwd }).stdout).toContain("Usage: idse");
    expect(snapshot(cwd)).toEqual({});
  });
});
