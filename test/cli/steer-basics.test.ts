import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decideStyle } from "../../src/cli/style.ts";
import { idse, tempDir } from "../helpers.ts";

// Rough edges a new user trips on: switching projects, the init owner, the stack, status's words.

describe("idse project list|use", () => {
  test("init switches to the new project; project use switches back", async () => {
    const cwd = tempDir();
    expect((await idse(["init", "shop", "--no-create-agent-files"], { cwd })).code).toBe(0);
    expect((await idse(["init", "other", "--no-create-agent-files"], { cwd })).code).toBe(0);
    const list = await idse(["project", "list", "--json"], { cwd });
    expect(list.json!.data).toEqual({
      current: "other",
      projects: [
        { project: "other", current: true, sessions: 1, current_session: "__blueprint__" },
        { project: "shop", current: false, sessions: 1, current_session: "__blueprint__" },
      ],
    });
    const use = await idse(["project", "use", "shop"], { cwd });
    expect(use.code).toBe(0);
    expect(use.stdout).toBe("Now using project shop (was other).\n");
    expect((await idse(["status", "--json"], { cwd })).json!.data.project).toBe("shop");
    expect((await idse(["project", "list"], { cwd })).stdout).toContain("* shop");
    const missing = await idse(["project", "use", "nope", "--json"], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.json!.diagnostics[0].code).toBe("PROJECT_NOT_FOUND");
    const shadow = await idse(["project", "use", "other", "--json"], { cwd, env: { IDSE_PROJECT: "shop" } });
    expect(shadow.json!.diagnostics[0].code).toBe("PROJECT_SHADOWED");
  });
});

describe("init", () => {
  test("the owner given at init owns the sessions created later", async () => {
    const cwd = tempDir();
    await idse(["init", "demo", "--owner", "demo", "--no-create-agent-files"], { cwd });
    await idse(["spawn", "auth", "--plan", "feature"], { cwd });
    await idse(["session", "create", "search"], { cwd });
    for (const s of ["auth", "search"]) {
      const r = await idse(["session-info", s, "--json"], { cwd });
      expect(r.json!.data.session.owner).toBe("demo");
    }
    // An explicit config owner still wins.
    const r = await idse(["spawn", "pay", "--plan", "feature", "--json"], { cwd, env: { IDSE_OWNER: "cy" } });
    expect(JSON.stringify(r.json!.data)).toContain('"owner":"cy"');
  });

  test("the stack: --stack, else detected from the repository, else the default, said in the output", async () => {
    const go = tempDir();
    writeFileSync(join(go, "go.mod"), "module example.com/shop\n");
    const detected = await idse(["init", "shop", "--no-create-agent-files", "--json"], { cwd: go });
    expect(detected.json!.data).toMatchObject({
      stack: "go",
      stack_source: "detected",
      stack_file: "go.mod",
    });
    const ts = tempDir();
    writeFileSync(join(ts, "package.json"), "{}");
    writeFileSync(join(ts, "tsconfig.json"), "{}");
    const text = await idse(["init", "shop", "--no-create-agent-files"], { cwd: ts });
    expect(text.stdout).toContain("stack:   typescript (detected from tsconfig.json)");
    expect(text.stdout).toMatch(/\.idse\/schemas\/ \((\d+) JSON Schemas for editors\)/);
    const count = Number(/\((\d+) JSON Schemas/.exec(text.stdout)![1]);
    expect(readdirSync(join(ts, ".idse", "schemas")).filter((f) => f.endsWith(".json")).length).toBe(count);
    expect(text.stdout).not.toContain(".idse/schemas/config.schema.json");
    const flag = await idse(["init", "shop", "--stack", "rust", "--no-create-agent-files", "--json"], {
      cwd: tempDir(),
    });
    expect(flag.json!.data).toMatchObject({ stack: "rust", stack_source: "flag", stack_file: null });
    const plain = tempDir();
    const none = await idse(["init", "shop", "--no-create-agent-files"], { cwd: plain });
    expect(none.stdout).toMatch(/stack: {3}python \(default: .*choose with --stack\)/);
    expect(existsSync(join(plain, ".idse/config.json"))).toBe(false); // the default is not recorded
  });

  test("the stack given at init is the stack of the sessions created later; another one already set stays", async () => {
    const cwd = tempDir();
    const init = await idse(["init", "shop", "--stack", "typescript", "--no-create-agent-files", "--json"], {
      cwd,
    });
    expect(init.json!.data).toMatchObject({ stack: "typescript", stack_recorded: true });
    expect(JSON.parse(readFileSync(join(cwd, ".idse/config.json"), "utf8")).stack).toBe("typescript");
    expect((await idse(["spawn", "billing", "--plan", "feature"], { cwd })).code).toBe(0);
    const intent = (s: string) =>
      readFileSync(join(cwd, `.idse/projects/${s}/sessions/billing/intents/intent.md`), "utf8");
    expect(intent("shop")).toContain("Stack: typescript");

    const other = await idse(["init", "other", "--stack", "go", "--no-create-agent-files", "--json"], {
      cwd,
    });
    expect(other.json!.data).toMatchObject({ stack: "go", stack_recorded: false });
    expect(other.json!.diagnostics).toMatchObject([{ severity: "warning", code: "STACK_DIFFERS" }]);
    expect(JSON.parse(readFileSync(join(cwd, ".idse/config.json"), "utf8")).stack).toBe("typescript");
    // The hint's first way works: a session of this project with its own stack.
    const spawn = await idse(["spawn", "billing", "--plan", "feature", "--project", "other"], {
      cwd,
      env: { IDSE_STACK: "go" },
    });
    expect(spawn.code).toBe(0);
    expect(intent("other")).toContain("Stack: go");
  });
});

describe("status", () => {
  test("says the last validation result for what it is; emoji only on a terminal", async () => {
    const cwd = tempDir();
    await idse(["init", "shop", "--no-create-agent-files"], { cwd });
    const piped = await idse(["status"], { cwd });
    expect(piped.stdout).toContain("Validation: not run for this session yet (`idse validate` runs it)");
    expect(piped.stdout).toContain("[ ] intent");
    expect(piped.stdout).not.toMatch(/[✅⏳⚠🔄]/u);
    expect(piped.stdout).not.toContain("\u001b[");
    await idse(["validate"], { cwd });
    const failing = await idse(["status"], { cwd });
    expect(failing.stdout).toContain(
      "Validation: failing at the last `idse validate`, errors in intent, context",
    );
    const json = await idse(["status", "--json"], { cwd });
    expect(json.json!.data.failing_stages).toContain("intent");
    const tty = await idse(["status"], { cwd, io: { stdoutIsTTY: true }, env: { TERM: "xterm" } });
    expect(tty.stdout).toContain("⏳ intent");
    expect(tty.stdout).toContain("\u001b[31mfailing\u001b[39m");
    const noColor = await idse(["status"], { cwd, io: { stdoutIsTTY: true }, env: { NO_COLOR: "1" } });
    expect(noColor.stdout).not.toContain("⏳");
    const forced = await idse(["status"], { cwd, env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain("⏳ intent");
  });

  test("decideStyle follows NO_COLOR, FORCE_COLOR, TERM=dumb and the terminal", () => {
    expect(decideStyle({}, true)).toEqual({ color: true, emoji: true });
    expect(decideStyle({}, false)).toEqual({ color: false, emoji: false });
    expect(decideStyle({ NO_COLOR: "1", FORCE_COLOR: "1" }, true).color).toBe(false);
    expect(decideStyle({ FORCE_COLOR: "0" }, true).color).toBe(false);
    expect(decideStyle({ FORCE_COLOR: "1" }, false).color).toBe(true);
    expect(decideStyle({ TERM: "dumb" }, true).color).toBe(false);
  });
});
