import { describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CodeSpec, type Data, type ErrorCode, errorCodes } from "../../src/catalogue/index.ts";
import { HANDOVER_SETUP } from "../agents/handover.ts";
import { idse, REPO, tempDir } from "../helpers.ts";
import { call, connect } from "../mcp/util.ts";

// Every hint leads somewhere. Each catalogue code whose hint names an `idse` command is here: either the
// hint repairs (the test makes the error, runs the command the hint names, and checks the error is gone),
// or it names a read-only command that shows the valid choices (the test runs it and checks it works).
// A new hint that names a command fails the last test until it is added to one of the two lists.

type Run = Awaited<ReturnType<typeof idse>>;
const H = { home: undefined as string | undefined };
const run = async (cwd: string, ...argv: string[]): Promise<Run> =>
  idse([...argv, "--json"], { cwd, home: H.home });
const codeOf = (r: Run) =>
  r.json?.diagnostics.find((d: { severity: string }) => d.severity === "error")?.code;
const hintOf = (r: Run) =>
  String(r.json?.diagnostics.find((d: { severity: string }) => d.severity === "error")?.hint);
async function ok(cwd: string, ...argv: string[]): Promise<Run> {
  const r = await run(cwd, ...argv);
  expect(r.code, `idse ${argv.join(" ")}: ${r.stdout}`).toBe(0);
  return r;
}
/** Every code's spec over untyped data: these tests render each with placeholder values. */
const specs = () => Object.entries(errorCodes()) as [string, CodeSpec<Data>][];

async function fails(code: ErrorCode, cwd: string, ...argv: string[]): Promise<Run> {
  const r = await run(cwd, ...argv);
  expect({ argv, code: codeOf(r) }).toEqual({ argv, code });
  return r;
}
async function shop(): Promise<string> {
  const cwd = tempDir();
  await ok(cwd, "init", "shop", "--no-create-agent-files");
  return cwd;
}

/**
 * Where a hint's command already runs right after its error, in another test file: the code and the
 * command's words must both be there (a hint whose test moves or goes fails here).
 */
const ELSEWHERE: Partial<Record<ErrorCode, [file: string, command: string]>> = {
  CLAIM_EXISTS: ["test/governance/claims.test.ts", '"reinforce"'],
  CLAIM_SOURCE_NOT_BLUEPRINT: ["test/governance/claims.test.ts", '"promote"'],
  NO_FEEDBACK_EVIDENCE: ["test/governance/gate.test.ts", "feedback"],
  SPINE_EDIT_DENIED: ["test/governance/spine.test.ts", '"propose"'],
  SPINE_PROPOSAL_EXISTS: ["test/governance/spine.test.ts", '"reject"'],
  SPINE_NOT_DECLARED: ["test/governance/spine.test.ts", '"accept"'],
  ORIGINAL_DATABASE_LOCKED: ["test/unit/import-original.test.ts", "import-original"],
  ORIGINAL_DATABASE_NOT_FOUND: ["test/unit/import-original.test.ts", "--database"],
  MCP_MESSAGE_TOO_LARGE: ["test/mcp/binary.test.ts", "artifact write --file"],
  STORE_CHANGED: ["test/reliability/concurrency.test.ts", "migrate"],
};

/** Hints that repair: the test that runs the named command (here, or where it already lives). */
const REPAIRS: Partial<Record<ErrorCode, () => Promise<void>>> = {
  async INVALID_CONFIG() {
    const cwd = await shop();
    writeFileSync(join(cwd, ".idse/config.json"), JSON.stringify({ lock: { timeout_ms: "abc" } }));
    const r = await fails("INVALID_CONFIG", cwd, "status");
    expect(hintOf(r)).toContain("`idse config unset lock.timeout_ms`");
    await ok(cwd, "config", "unset", "lock.timeout_ms");
    await ok(cwd, "status");
  },
  async META_STALE() {
    // meta.md edited by hand (or left by the original, or by a fix made before an import).
    const cwd = await shop();
    const meta = join(cwd, ".idse/projects/shop/sessions/__blueprint__/metadata/meta.md");
    const good = readFileSync(meta, "utf8");
    writeFileSync(
      meta,
      good.replace("| __blueprint__ | blueprint | draft |", "| __blueprint__ | blueprint | complete |"),
    );
    const r = await ok(cwd, "doctor"); // a warning: the view lags, the sessions are whole
    const d = r.json!.diagnostics.find((x: { code: string }) => x.code === "META_STALE");
    expect([d.severity, d.hint]).toEqual([
      "warning",
      "`idse doctor --fix` regenerates it (its narrative and your own sections are kept)",
    ]);
    await ok(cwd, "doctor", "--fix");
    await ok(cwd, "doctor");
    expect(readFileSync(meta, "utf8")).toContain("| __blueprint__ | blueprint | draft |");
  },
  async MCP_HANDOVER_DENIED() {
    // A Claude Code implementer owns implementation: the planner completing tasks would hand it the session.
    const cwd = await shop();
    for (const argv of HANDOVER_SETUP) await ok(cwd, ...argv);
    const planner = await connect(cwd, { agent: "claude-code" });
    const args = { stage: "tasks", status: "completed" };
    const denied = await call(planner.client, "set_stage", args);
    expect(denied.isError).toBe(true);
    expect(denied.content[0]!.text).toContain("MCP_HANDOVER_DENIED");
    expect(denied.content[0]!.text).toContain(
      "`idse session set-stage __blueprint__ --stage tasks --status completed`",
    );
    await ok(cwd, "session", "set-stage", "__blueprint__", "--stage", "tasks", "--status", "completed");
    // Made by the person, the hand-over is no longer the agent's: the same call now changes nothing it may not.
    const again = await call(planner.client, "set_stage", args);
    expect(again.isError ?? false).toBe(false);
    await planner.close();
  },
  async BLUEPRINT_HASH_MISMATCH() {
    const cwd = await shop();
    await ok(cwd, "blueprint", "verify");
    const file = join(cwd, ".idse/projects/shop/sessions/__blueprint__/metadata/blueprint.md");
    appendFileSync(file, "\nedited by hand\n");
    const r = await run(cwd, "blueprint", "verify");
    const d = r.json!.diagnostics.find((x: { code: string }) => x.code === "BLUEPRINT_HASH_MISMATCH");
    expect(d.hint).toContain("`idse blueprint verify --accept`");
    await ok(cwd, "blueprint", "verify", "--accept");
    const after = await run(cwd, "blueprint", "verify");
    expect(after.json!.diagnostics.some((x: { code: string }) => x.code === "BLUEPRINT_HASH_MISMATCH")).toBe(
      false,
    );
  },
  async NO_PROJECT() {
    const cwd = await shop();
    await ok(cwd, "init", "other", "--no-create-agent-files");
    rmSync(join(cwd, ".idse/CURRENT_PROJECT"), { force: true });
    const r = await run(cwd, "status");
    if (codeOf(r) === "NO_PROJECT") {
      expect(hintOf(r)).toContain("`idse project use <name>`");
      await ok(cwd, "project", "use", "shop");
    }
    expect((await ok(cwd, "status")).json!.data.project).toBeDefined();
  },
  async PLUGIN_NEAR_MISS() {
    const cwd = await shop();
    const r = await fails("PLUGIN_NEAR_MISS", cwd, "plugin", "add", "notion", "--yes");
    expect(hintOf(r)).toContain("`idse plugin add notion-store`");
    await ok(cwd, "plugin", "add", "notion-store", "--yes");
  },
  async ORIGINAL_DATABASE_FOUND() {
    const { sqliteFixtureCopy } = await import("../original-fixture.ts");
    const cwd = sqliteFixtureCopy();
    const r = await run(cwd, "doctor");
    const d = r.json!.diagnostics.find((x: { code: string }) => x.code === "ORIGINAL_DATABASE_FOUND");
    expect(d.hint).toContain("`idse import-original`");
    await ok(cwd, "import-original");
    const after = await run(cwd, "doctor");
    expect(after.json!.diagnostics.some((x: { code: string }) => x.code === "ORIGINAL_DATABASE_FOUND")).toBe(
      false,
    );
  },
  async MCP_AGENT_UNKNOWN() {
    // The hint's `idse mcp --agent <id>`: a server told its agent may write what the agent's mode allows.
    const cwd = await shop();
    const anonymous = await connect(cwd);
    const refused = await call(anonymous.client, "artifact_write", { stage: "spec", content: "# Spec\n" });
    expect(refused.content[0]!.text).toContain("MCP_AGENT_UNKNOWN");
    expect(refused.content[0]!.text).toContain("`idse mcp --agent <id>`");
    await anonymous.close();
    const named = await connect(cwd, { agent: "claude-code" });
    const written = await call(named.client, "artifact_write", { stage: "spec", content: "# Spec\n" });
    expect(written.isError ?? false).toBe(false);
    await named.close();
  },
  async PLUGIN_INTEGRITY() {
    // A tampered file refuses the load; the hint's reinstall brings the recorded bytes back.
    const cwd = await shop();
    await ok(cwd, "plugin", "add", "sqlite-store", "--yes");
    await ok(cwd, "store", "migrate", "--to", "sqlite-store");
    appendFileSync(join(cwd, ".idse/plugins/sqlite-store/index.js"), "\n// changed\n");
    const r = await fails("PLUGIN_INTEGRITY", cwd, "status");
    expect(hintOf(r)).toContain("`idse plugin add sqlite-store --yes`");
    await ok(cwd, "plugin", "add", "sqlite-store", "--yes");
    await ok(cwd, "status");
  },
  async WORKSPACE_UNTRUSTED() {
    // The hint's `idse trust`: test/e2e/trust.test.ts clones a repository carrying a plugin, sees the
    // refusal, runs `idse trust` and then the same command, with the compiled binary.
    const text = readFileSync(join(REPO, "test/e2e/trust.test.ts"), "utf8");
    expect(text).toContain('expect(err.hint).toContain("`idse trust`")');
    expect(text).toContain('ok(["trust", "--json"], { cwd, env })');
  },
  async PLUGIN_NAME_TAKEN() {
    // The hint's `--replace`: test/plugins/registry.test.ts runs it against a registry with both packages.
    const text = readFileSync(join(REPO, "test/plugins/registry.test.ts"), "utf8");
    expect(text).toContain("PLUGIN_NAME_TAKEN");
    expect(text).toContain('add(cwd, OTHER, env, "--replace")');
  },
  async NO_WORKSPACE() {
    const cwd = tempDir();
    const r = await fails("NO_WORKSPACE", cwd, "status");
    expect(hintOf(r)).toContain("`idse init <project>`");
    await ok(cwd, "init", "shop");
    await ok(cwd, "status");
  },
  async NO_CURRENT_SESSION() {
    for (const repair of [
      ["session", "switch", "__blueprint__"],
      ["doctor", "--fix"],
    ]) {
      const cwd = await shop();
      writeFileSync(join(cwd, ".idse/projects/shop/CURRENT_SESSION"), "ghost");
      const r = await fails("NO_CURRENT_SESSION", cwd, "status");
      expect(hintOf(r)).toContain(`\`idse ${repair[0]}`);
      await ok(cwd, ...repair);
      expect((await ok(cwd, "status")).json!.data.session).toBe("__blueprint__");
    }
  },
  async CORRUPT_FILE() {
    // Every kind of file, one by one: test/cli/doctor-files.test.ts and test/cli/doctor.test.ts.
    for (const [file, name] of [
      [
        "test/cli/doctor-files.test.ts",
        "doctor --fix moves aside every corrupt settings file a command names",
      ],
      ["test/cli/doctor.test.ts", "corrupt state files are named by readers and rebuilt by doctor --fix"],
    ])
      expect(readFileSync(join(REPO, file!), "utf8")).toContain(name!);
  },
  async AGENT_EXISTS() {
    const cwd = await shop();
    await ok(cwd, "agents", "add", "helper", "--mode", "planning");
    const r = await fails("AGENT_EXISTS", cwd, "agents", "add", "helper", "--mode", "implementation");
    expect(hintOf(r)).toContain("`idse agents set-mode|set-role|set-stages`");
    await ok(cwd, "agents", "set-mode", "helper", "implementation");
    const agents = (await ok(cwd, "agents", "list")).json!.data.agents;
    expect(agents.find((a: { id: string }) => a.id === "helper").mode).toBe("implementation");
  },
  async AGENT_PROFILE_STALE() {
    // Runs `compile agent-spec` without --check and checks --check then passes.
    const text = readFileSync(join(REPO, "test/compiler/command.test.ts"), "utf8");
    expect(text).toContain("--check: exit 0 when current, 1 when missing or stale, and it writes nothing");
  },
  async PLUGIN_OPTIONS_INVALID() {
    const cwd = await shop();
    const r = await fails(
      "PLUGIN_OPTIONS_INVALID",
      cwd,
      "remote",
      "add",
      "team",
      "--plugin",
      "sqlite-store",
      "--option",
      "colour=1",
    );
    expect(hintOf(r)).toContain("`idse remote add`");
    await ok(cwd, "remote", "add", "team", join(tempDir(), "team.db"), "--plugin", "sqlite-store");
    await ok(cwd, "sync", "status", "team");
  },
  async PLUGIN_DISABLED() {
    const cwd = await shop();
    await ok(cwd, "plugin", "add", "sqlite-store", "--yes");
    await ok(cwd, "remote", "add", "team", join(tempDir(), "team.db"), "--plugin", "sqlite-store");
    await ok(cwd, "plugin", "disable", "sqlite-store");
    const r = await fails("PLUGIN_DISABLED", cwd, "sync", "status", "team");
    expect(hintOf(r)).toContain("`idse plugin enable sqlite-store`");
    await ok(cwd, "plugin", "enable", "sqlite-store");
    await ok(cwd, "sync", "status", "team");
  },
  async NO_REMOTE() {
    const cwd = await shop();
    const none = await fails("NO_REMOTE", cwd, "sync", "status");
    expect(hintOf(none)).toContain("`idse remote add <name> <url-or-path>`");
    await ok(cwd, "remote", "add", "one", tempDir());
    await ok(cwd, "sync", "status");
    // Two remotes and no default (the first one added is the default: edited out by hand here).
    await ok(cwd, "remote", "add", "two", tempDir());
    const file = join(cwd, ".idse", "config.json");
    writeFileSync(file, readFileSync(file, "utf8").replace(/,\s*"default": true/, ""));
    const two = await fails("NO_REMOTE", cwd, "sync", "status");
    expect(hintOf(two)).toContain("`idse remote add <name> <url> --default`");
    await ok(cwd, "remote", "add", "three", tempDir(), "--default");
    await ok(cwd, "sync", "status");
  },
  async REMOTE_EXISTS() {
    const cwd = await shop();
    await ok(cwd, "remote", "add", "backup", tempDir());
    const target = tempDir();
    const r = await fails("REMOTE_EXISTS", cwd, "remote", "add", "backup", target);
    expect(hintOf(r)).toContain("`idse remote remove <name>`");
    await ok(cwd, "remote", "remove", "backup");
    await ok(cwd, "remote", "add", "backup", target);
  },
  async REMOTE_PLUGIN_UNAVAILABLE() {
    // The remote names a plugin that is neither installed nor bundled: the hint's `idse plugin list
    // --available` shows the ones that carry remotes, and `idse plugin add` installs one that works.
    const cwd = await shop();
    const r = await fails("REMOTE_PLUGIN_UNAVAILABLE", cwd, "remote", "add", "team", "--plugin", "jira-sync");
    expect(hintOf(r)).toContain("`idse plugin add <name>`");
    const available = (await ok(cwd, "plugin", "list", "--available")).stdout;
    expect(available).toContain("sqlite-store");
    await ok(cwd, "plugin", "add", "sqlite-store", "--yes");
    await ok(cwd, "remote", "add", "team", join(tempDir(), "t.db"), "--plugin", "sqlite-store");
  },
  async STORE_IN_USE() {
    const cwd = await shop();
    const r = await fails("STORE_IN_USE", cwd, "init", "admin", "--store", "sqlite-store");
    expect(hintOf(r)).toContain("`idse store migrate --to sqlite-store`");
    await ok(cwd, "store", "migrate", "--to", "sqlite-store");
    expect((await ok(cwd, "store", "info")).json!.data).toMatchObject({ plugin: "sqlite-store" });
    await ok(cwd, "init", "admin");
    expect((await ok(cwd, "status", "--project", "shop")).json!.data.project).toBe("shop");
  },
  async STORE_NO_EXPORT() {
    const cwd = tempDir();
    await ok(cwd, "init", "shop", "--store", "sqlite-store", "--no-create-agent-files");
    const r = await fails("STORE_NO_EXPORT", cwd, "store", "import");
    expect(hintOf(r)).toContain("`idse store export`");
    await ok(cwd, "store", "export");
    await ok(cwd, "store", "import");
  },
};

/** Hints that name a read-only command showing the valid choices: it runs and shows them. */
const SHOWS: Partial<Record<ErrorCode, () => Promise<void>>> = {
  async PROJECT_NOT_FOUND() {
    const cwd = await shop();
    const r = await fails("PROJECT_NOT_FOUND", cwd, "status", "--project", "ghost");
    expect(hintOf(r)).toContain("`idse project list`");
    expect((await ok(cwd, "project", "list")).stdout).toContain("shop");
  },
  async CLAIM_NOT_FOUND() {
    const cwd = await shop();
    const r = await fails("CLAIM_NOT_FOUND", cwd, "blueprint", "explain", "9");
    expect(hintOf(r)).toContain("`idse blueprint claims --all`");
    await ok(cwd, "blueprint", "claims", "--all");
  },
  async CLAIM_SOURCE_UNKNOWN() {
    const cwd = await shop();
    const claim = ["--claim", "A claim.", "--classification", "invariant", "--source", "ghost:spec"];
    const r = await fails("CLAIM_SOURCE_UNKNOWN", cwd, "blueprint", "promote", ...claim);
    expect(hintOf(r)).toContain("`idse sessions`");
    expect((await ok(cwd, "sessions")).stdout).toContain("__blueprint__");
  },
  async SPINE_PROPOSAL_NOT_FOUND() {
    const cwd = await shop();
    const r = await fails("SPINE_PROPOSAL_NOT_FOUND", cwd, "spine", "accept", "Ghost");
    expect(hintOf(r)).toContain("`idse spine proposals`");
    await ok(cwd, "spine", "proposals");
  },
  async MCP_MODE_DENIED() {
    // "leave <stage> to the agent `idse route <stage>` names": route names an implementation agent.
    const cwd = await shop();
    const planner = await connect(cwd, { agent: "claude-code" });
    const denied = await call(planner.client, "artifact_write", {
      stage: "implementation",
      content: "# x\n",
    });
    expect(denied.content[0]!.text).toContain("`idse route implementation`");
    await planner.close();
    const route = await ok(cwd, "route", "implementation");
    expect(JSON.stringify(route.json!.data)).toContain('"implementation"');
  },
  async UNKNOWN_COMMAND() {
    const cwd = tempDir();
    expect((await idse(["nope"], { cwd })).code).toBe(2);
    const help = await idse(["--help"], { cwd });
    expect([help.code, help.stdout.includes("init")]).toEqual([0, true]);
  },
  async UNKNOWN_OPTION() {
    const cwd = await shop();
    expect((await idse(["status", "--nope"], { cwd })).code).toBe(2);
    const help = await idse(["status", "--help"], { cwd });
    expect([help.code, help.stdout.includes("--all")]).toEqual([0, true]);
  },
  async SESSION_NOT_FOUND() {
    const cwd = await shop();
    await fails("SESSION_NOT_FOUND", cwd, "session", "switch", "ghost");
    expect((await ok(cwd, "sessions")).stdout).toContain("__blueprint__");
  },
  async AGENT_NOT_FOUND() {
    const cwd = await shop();
    await fails("AGENT_NOT_FOUND", cwd, "agents", "remove", "ghost");
    expect((await ok(cwd, "agents", "list")).json!.data.agents.length).toBeGreaterThan(0);
  },
  async PLUGIN_NOT_FOUND() {
    const cwd = await shop();
    await fails("PLUGIN_NOT_FOUND", cwd, "plugin", "info", "ghost");
    expect((await ok(cwd, "plugin", "list", "--available")).stdout).toContain("sqlite-store");
  },
  async REMOTE_NOT_FOUND() {
    const cwd = await shop();
    await ok(cwd, "remote", "add", "backup", tempDir());
    await fails("REMOTE_NOT_FOUND", cwd, "sync", "status", "ghost");
    expect((await ok(cwd, "remote", "list")).stdout).toContain("backup");
  },
  async REMOTE_UNREACHABLE() {
    // A remote that refuses connections (port 9 on loopback): the hint names the list to pick another.
    const cwd = await shop();
    await ok(cwd, "remote", "add", "core", "http://127.0.0.1:9/api");
    await ok(cwd, "remote", "add", "backup", tempDir());
    const r = await fails("REMOTE_UNREACHABLE", cwd, "sync", "status");
    expect(hintOf(r)).toContain("`idse remote list`");
    expect((await ok(cwd, "remote", "list")).stdout).toContain("backup");
    await ok(cwd, "sync", "status", "backup");
  },
  async STORE_IS_FILESYSTEM() {
    // Names `idse store export|import` only to say they are for plugin stores; the files are the store.
    const cwd = await shop();
    await fails("STORE_IS_FILESYSTEM", cwd, "store", "export");
    expect(existsSync(join(cwd, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md"))).toBe(true);
  },
};

describe("a hint that names a command repairs the problem", () => {
  for (const [code, t] of Object.entries(REPAIRS)) test(code, t!, 60_000);
});

describe("a hint that names a read-only command shows the choices", () => {
  for (const [code, t] of Object.entries(SHOWS)) test(code, t!, 60_000);
});

test("every catalogue hint that names an idse command is on one of the two lists", () => {
  // Any value serves as a string and as a list, so every hint can be rendered without real data.
  const data = new Proxy({}, { get: () => ["x"] }) as Record<string, unknown>;
  const named = specs()
    .filter(([, spec]) => spec.hint !== undefined && /`idse /.test(spec.hint(data)))
    .map(([code]) => code)
    .sort();
  const listed = [...Object.keys(REPAIRS), ...Object.keys(SHOWS), ...Object.keys(ELSEWHERE)].sort();
  expect(named).toEqual(listed);
  for (const [code, [file, command]] of Object.entries(ELSEWHERE)) {
    const text = readFileSync(join(REPO, file!), "utf8");
    expect({ code, has: text.includes(code) && text.includes(command!) }).toEqual({ code, has: true });
  }
});

// Hints that commands attach to their own diagnostics (not catalogue errors): the main ones, the same way.
describe("a diagnostic's hint that names a command repairs the problem", () => {
  const diag = (r: Run, code: string) => r.json?.diagnostics.find((d: { code: string }) => d.code === code);

  test("REGISTRY_DEFAULTS: `idse doctor --fix` writes the defaults", async () => {
    const cwd = await shop();
    rmSync(join(cwd, ".idse/projects/shop/agent_registry.json"));
    const before = await ok(cwd, "route", "--next");
    expect(diag(before, "REGISTRY_DEFAULTS")?.hint).toContain("`idse doctor --fix`");
    await ok(cwd, "doctor", "--fix");
    expect(diag(await ok(cwd, "route", "--next"), "REGISTRY_DEFAULTS")).toBeUndefined();
    expect(existsSync(join(cwd, ".idse/projects/shop/agent_registry.json"))).toBe(true);
  });

  test("a missing document: `idse validate --fix` restores it", async () => {
    const cwd = await shop();
    const plan = join(cwd, ".idse/projects/shop/sessions/__blueprint__/plans/plan.md");
    rmSync(plan);
    const text = await idse(["validate"], { cwd });
    expect(text.stderr + text.stdout).toContain("`idse validate --fix` restores missing documents");
    const missing = (r: Run) =>
      r.json!.data.reports.flatMap((x: { findings: { rule_id: string; file: string }[] }) =>
        x.findings.filter((f) => f.rule_id === "idse/artifact-present"),
      );
    expect(missing(await run(cwd, "validate")).length).toBeGreaterThan(0);
    await run(cwd, "validate", "--fix");
    expect(existsSync(plan)).toBe(true);
    expect(missing(await run(cwd, "validate"))).toEqual([]);
  });

  test("AGENT_FILE_STALE: `idse agents sync-files --force` brings an edited instruction file back", async () => {
    const cwd = tempDir();
    await ok(cwd, "init", "shop");
    const file = join(cwd, "CLAUDE.md");
    const text = readFileSync(file, "utf8");
    const markers = [...text.matchAll(/<!--[^>]*idse[^>]*-->/gi)];
    expect(markers.length).toBeGreaterThanOrEqual(2);
    // An edit between the idse markers.
    const at = markers[0]!.index! + markers[0]![0].length;
    writeFileSync(file, `${text.slice(0, at)}\nedited by hand\n${text.slice(at)}`);
    const stale = await run(cwd, "agents", "sync-files", "--check");
    expect(stale.code).toBe(1);
    expect(diag(stale, "AGENT_FILE_STALE")?.hint).toContain("`idse agents sync-files --force`");
    await ok(cwd, "agents", "sync-files", "--force");
    await ok(cwd, "agents", "sync-files", "--check");
  });

  test("PLUGIN_TAMPERED: `idse plugin add` reinstalls the plugin's own bytes", async () => {
    const cwd = await shop();
    await ok(cwd, "plugin", "add", "sqlite-store", "--yes");
    appendFileSync(join(cwd, ".idse/plugins/sqlite-store/index.js"), "\n// changed\n");
    const tampered = await run(cwd, "plugin", "verify");
    expect(tampered.code).toBe(1);
    expect(diag(tampered, "PLUGIN_TAMPERED")?.hint).toContain("`idse plugin add sqlite-store --yes`");
    await ok(cwd, "plugin", "add", "sqlite-store", "--yes");
    await ok(cwd, "plugin", "verify");
  });
});

// Static, over every hint and message at once: each `idse …` one names is a command of the command table,
// with options that command (or every command) accepts. The lists above check that a hint repairs; this
// checks the words, so a renamed command or option fails here even for a hint no test provokes.
describe("every `idse …` a hint or message names exists", () => {
  /** Each data value renders as a placeholder, so a hint's fixed words stay and its variables are `<x>`. */
  const placeholder = new Proxy({}, { get: () => ["<x>"] }) as Record<string, unknown>;

  function spansInSource(): { span: string; where: string }[] {
    const out: { span: string; where: string }[] = [];
    const src = join(REPO, "src");
    for (const rel of readdirSync(src, { recursive: true, encoding: "utf8" })) {
      if (!rel.endsWith(".ts") || rel.includes("generated")) continue;
      const text = readFileSync(join(src, rel), "utf8");
      // A span inside a template literal has escaped backticks (\`idse …\`), its ${…} become placeholders;
      // a span inside a "…" string has plain ones. A template literal that merely starts with "idse" is
      // a sentence, not a command, and is not read.
      const add = (span: string) =>
        out.push({ span: span.replace(/\$\{[^}]*\}/g, " <x>"), where: `src/${rel}` });
      for (const m of text.matchAll(/\\`idse ((?:[^`\\\n]|\\[^`])*)\\`/g)) add(m[1]!);
      for (const q of text.matchAll(/"(?:[^"\\\n]|\\.)*"/g))
        for (const m of q[0].matchAll(/`idse ([^`]*)`/g)) add(m[1]!);
    }
    return out;
  }

  function spansInCatalogue(): { span: string; where: string }[] {
    const out: { span: string; where: string }[] = [];
    for (const [code, spec] of specs()) {
      const texts = [spec.message(placeholder), spec.hint ? spec.hint(placeholder) : ""];
      for (const t of texts)
        for (const m of t.matchAll(/`idse ([^`]*)`/g)) out.push({ span: m[1]!, where: code });
    }
    return out;
  }

  test("commands and options", async () => {
    const { COMMANDS } = await import("../../src/cli/commands/index.ts");
    const { GLOBAL_OPTIONS } = await import("../../src/cli/cli.ts");
    const longFlags = (flags: string) =>
      [...flags.matchAll(/--([a-z][a-z0-9-]*)/g)].flatMap((m) => [m[1]!, m[1]!.replace(/^no-/, "")]);
    const global = new Set(GLOBAL_OPTIONS.flatMap((o) => longFlags(o.flags)));
    const spans = [...spansInCatalogue(), ...spansInSource()];
    expect(spans.length).toBeGreaterThan(50);
    const bad: string[] = [];
    for (const { span, where } of spans) {
      const words = span.split(/\s+/).filter(Boolean);
      if (words[0]?.startsWith("<")) continue; // the command itself is a variable (`idse <x> --help`)
      // `agents set-mode|set-role|set-stages` names three commands.
      const alternatives =
        (words[1] ?? "").includes("|") && !words[1]!.includes("<") ? words[1]!.split("|") : [words[1]];
      for (const second of alternatives) {
        const w = [words[0]!, ...(second === undefined ? [] : [second]), ...words.slice(2)];
        const entry =
          COMMANDS.find((c) => c.name === `${w[0]} ${w[1]}`) ?? COMMANDS.find((c) => c.name === w[0]);
        // A group named as a whole (`idse blueprint …`, `idse sync`) is fine when some command heads it.
        const group = COMMANDS.some((c) => c.name.startsWith(`${w[0]} `));
        if (!entry && group && (w.length === 1 || w[1] === "…")) continue;
        if (!entry && !w[0]!.startsWith("-")) {
          bad.push(`${where}: \`idse ${span}\` names no command`);
          continue;
        }
        const own = entry
          ? new Set(((await entry.load()).options ?? []).flatMap((o) => longFlags(o.flags)))
          : new Set();
        for (const word of w) {
          const opt = /^--([a-z][a-z0-9-]*)/.exec(word)?.[1];
          if (opt && !own.has(opt) && !global.has(opt))
            bad.push(`${where}: \`idse ${span}\`: ${entry?.name ?? "idse"} has no option --${opt}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});
