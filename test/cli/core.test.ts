import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createMemoryStore } from "../../src/store/memory.ts";
import { idse, tempDir } from "../helpers.ts";

const P = (root: string, ...rest: string[]) => join(root, ".idse/projects/shop", ...rest);
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

async function initShop() {
  const cwd = tempDir();
  const r = await idse(["init", "shop", "--stack", "go", "--json"], { cwd });
  expect(r.code).toBe(0);
  return cwd;
}

describe("output contract", () => {
  test("usage errors exit 2 with one JSON document", async () => {
    const cwd = await initShop();
    const cases: [string[], string][] = [
      [["frobnicate", "--json"], "UNKNOWN_COMMAND"],
      [["session", "frobnicate", "--json"], "UNKNOWN_COMMAND"],
      [["status", "--bogus", "--json"], "UNKNOWN_OPTION"],
      [["sessions", "--status", "nope", "--json"], "INVALID_ENUM"],
      [["session", "set-owner", "__blueprint__", "--json"], "USAGE"],
      [["session-info", "--json"], "MISSING_ARGUMENT"],
      [["session", "create", "../x", "--json"], "INVALID_ID"],
      [["status", "extra", "--json"], "USAGE"],
    ];
    for (const [argv, code] of cases) {
      const r = await idse(argv, { cwd });
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.json?.ok).toBe(false);
      expect(r.json?.diagnostics[0].code).toBe(code);
      expect(r.stderr).toBe("");
    }
  });

  test("choices ignore case, as the original's did: its users' scripts keep working", async () => {
    const cwd = await initShop();
    for (const argv of [
      ["spawn", "gift-cards", "--plan", "FEATURE"],
      ["session", "set-stage", "gift-cards", "--stage", "TASKS", "--status", "In_Progress"],
      ["session", "set-status", "gift-cards", "--status", "ARCHIVED"],
      // The original's --force, accepted: the merge is idempotent anyway.
      ["agents", "install-hooks", "--force"],
    ]) {
      const r = await idse([...argv, "--json"], { cwd });
      expect({ argv, code: r.code }).toEqual({ argv, code: 0 });
    }
    const meta = readJson(P(cwd, "sessions/gift-cards/metadata/session.json"));
    expect(meta.status).toBe("archived");
    expect(readJson(P(cwd, "sessions/gift-cards/metadata/stage_state.json")).stages.tasks).toBe(
      "in_progress",
    );
  });

  test("text mode prints diagnostics with code and hint on stderr", async () => {
    const cwd = tempDir();
    const r = await idse(["status"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error[NO_WORKSPACE]");
    expect(r.stderr).toContain("hint: run `idse init <project>`");
  });

  test("--help and --version need no workspace", async () => {
    const cwd = tempDir();
    expect((await idse(["--help"], { cwd })).stdout).toContain("session create [id]");
    expect((await idse(["session", "create", "--help"], { cwd })).stdout).toContain(
      "Usage: idse session create [id]",
    );
    const v = await idse(["version", "--json"], { cwd });
    expect(v.json?.data.capabilities.json_output).toBe(true);
    expect((await idse(["--version"], { cwd })).stdout).toMatch(/^idse \d+\.\d+\.\d+\n$/);
  });
});

describe("sessions and stage state", () => {
  test("stages survive switching away and back; session_state.json mirrors the current session", async () => {
    const cwd = await initShop();
    await idse(["session", "create", "auth"], { cwd });
    expect(
      (await idse(["session", "set-stage", "auth", "--stage", "intent", "--status", "completed"], { cwd }))
        .code,
    ).toBe(0);
    expect(readJson(P(cwd, "session_state.json")).stages.intent).toBe("completed");
    await idse(["session", "switch", "__blueprint__"], { cwd });
    const state = readJson(P(cwd, "session_state.json"));
    expect([state.session_id, state.is_blueprint, state.stages.intent]).toEqual([
      "__blueprint__",
      true,
      "pending",
    ]);
    await idse(["session", "switch", "auth"], { cwd });
    const status = await idse(["status", "--json"], { cwd });
    expect(status.json?.data.session).toBe("auth");
    expect(status.json?.data.stages[0]).toEqual({
      stage: "intent",
      status: "completed",
      agent: "claude-code",
      mode: "planning",
    });
    expect(Object.keys(readJson(P(cwd, "session_state.json"))).sort()).toEqual(
      [
        "created_at",
        "is_blueprint",
        "last_sync",
        "project_name",
        "session_id",
        "stages",
        "validation_status",
      ].sort(),
    );
  });

  test("the completion gate changes nothing when it fails, and completes all stages when it passes", async () => {
    const cwd = await initShop();
    await idse(["spawn", "--plan", "feature", "billing"], { cwd });
    const metaFile = P(cwd, "sessions/billing/metadata/session.json");
    const before = readFileSync(metaFile, "utf8");
    const fail = await idse(["session", "set-status", "billing", "--status", "complete", "--json"], { cwd });
    expect(fail.code).toBe(1);
    expect(fail.json?.diagnostics[0].code).toBe("COMPLETION_GATE_FAILED");
    expect(
      fail.json?.diagnostics.some(
        (d: { code: string; rule_id?: string; line?: number }) =>
          d.code === "RULE_VIOLATION" && d.rule_id === "idse/no-requires-input" && d.line! > 0,
      ),
    ).toBe(true);
    expect(readFileSync(metaFile, "utf8")).toBe(before);
    for (const stage of ["intent", "context", "spec", "plan", "tasks", "implementation", "feedback"]) {
      const w = await idse(["artifact", "write", "--stage", stage, "--session", "billing"], {
        cwd,
        stdin: `# ${stage}\nDone.\n${stage === "implementation" ? "\n## Component Impact Report\n\n- **Billing**: new\n" : ""}`,
      });
      expect(w.code).toBe(0);
    }
    const ok = await idse(["session", "set-status", "billing", "--status", "complete", "--json"], { cwd });
    expect(ok.code).toBe(0);
    const stages = readJson(P(cwd, "sessions/billing/metadata/stage_state.json"));
    expect(Object.values(stages.stages)).toEqual(Array(7).fill("completed"));
    expect(readFileSync(P(cwd, "sessions/__blueprint__/metadata/meta.md"), "utf8")).toContain(
      "| billing | feature | complete | system |",
    );
  });

  test("concurrent writers in one project are serialised by the lock", async () => {
    const cwd = await initShop();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => idse(["spawn", "--plan", "feature", `f${i}`], { cwd })),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    const meta = readFileSync(P(cwd, "sessions/__blueprint__/metadata/meta.md"), "utf8");
    for (let i = 0; i < 5; i++) expect(meta).toContain(`| f${i} | feature |`);
    expect(existsSync(P(cwd, ".idse.lock"))).toBe(false);
  });

  test("artifact write refuses to wait on a terminal and refuses empty input", async () => {
    const cwd = await initShop();
    const tty = await idse(["artifact", "write", "--stage", "plan", "--json"], { cwd });
    expect([tty.code, tty.json?.diagnostics[0].code]).toEqual([1, "INPUT_REQUIRED"]);
    const empty = await idse(["artifact", "write", "--stage", "plan"], { cwd, stdin: "  \n" });
    expect(empty.code).toBe(1);
    expect(readFileSync(P(cwd, "sessions/__blueprint__/plans/plan.md"), "utf8")).toContain("# Plan");
  });
});

describe("project resolution", () => {
  test("--project, IDSE_PROJECT, the only project, CURRENT_PROJECT, else an error listing projects", async () => {
    const cwd = await initShop();
    expect((await idse(["status", "--json"], { cwd })).json?.data.project).toBe("shop");
    await idse(["init", "blog"], { cwd });
    expect((await idse(["status", "--json"], { cwd })).json?.data.project).toBe("blog"); // CURRENT_PROJECT
    expect((await idse(["status", "--json", "--project", "shop"], { cwd })).json?.data.project).toBe("shop");
    expect(
      (await idse(["status", "--json"], { cwd, env: { IDSE_PROJECT: "shop" } })).json?.data.project,
    ).toBe("shop");
    writeFileSync(join(cwd, ".idse/projects/CURRENT_PROJECT"), "gone\n");
    const r = await idse(["status", "--json"], { cwd });
    expect(r.code).toBe(1);
    expect(r.json?.diagnostics[0]).toMatchObject({ code: "NO_PROJECT", projects: ["blog", "shop"] });
    const missing = await idse(["status", "--json", "--project", "nope"], { cwd });
    expect(missing.json?.diagnostics[0].code).toBe("PROJECT_NOT_FOUND");
  });

  test("the workspace is found from a subdirectory and with --cwd", async () => {
    const cwd = await initShop();
    const sub = join(cwd, "src/deep");
    await import("node:fs").then((fs) => fs.mkdirSync(sub, { recursive: true }));
    expect((await idse(["status", "--json"], { cwd: sub })).json?.data.project).toBe("shop");
    expect((await idse(["status", "--json", "--cwd", sub], { cwd: tempDir() })).json?.data.project).toBe(
      "shop",
    );
  });

  test("init of an existing project exits 1 and changes nothing; a bad id creates nothing", async () => {
    const cwd = await initShop();
    const snapshot = () => readdirSync(cwd, { recursive: true }).sort().join("\n");
    const before = snapshot();
    const again = await idse(["init", "shop", "--json"], { cwd });
    expect([again.code, again.json?.diagnostics[0].code]).toEqual([1, "PROJECT_EXISTS"]);
    expect(snapshot()).toBe(before);
    const empty = tempDir();
    for (const bad of ["../x", "a/b", "/abs", "", "x\ty"]) {
      expect((await idse(["init", bad], { cwd: empty })).code).toBe(2);
    }
    expect(readdirSync(empty)).toEqual([]);
  });
});

describe("the DesignStore seam", () => {
  test("the whole CLI runs against the in-memory store", async () => {
    const cwd = tempDir();
    const store = createMemoryStore();
    const io = { store };
    expect((await idse(["init", "mem", "--no-create-agent-files"], { cwd, io })).code).toBe(0);
    expect((await idse(["session", "create", "auth"], { cwd, io })).code).toBe(0);
    const s = await idse(["sessions", "--json"], { cwd, io });
    expect(s.json?.data.sessions.map((x: { session_id: string }) => x.session_id)).toEqual([
      "__blueprint__",
      "auth",
    ]);
    expect(Object.keys(store.dump())).toContain("projects/mem/sessions/auth/specs/spec.md");
    // Nothing of the project reached the disk: only the governance docs, which live outside the store.
    expect(existsSync(join(cwd, ".idse/projects"))).toBe(false);
  });
});
