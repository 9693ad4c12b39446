import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { COMMANDS } from "../../src/cli/commands/index.ts";
import { describeIssues } from "../../src/plugins/option-issues.ts";
import { didYouMean } from "../../src/suggest.ts";
import { idse, initShop, tempDir } from "../helpers.ts";

// A CLI that guides: group help, did-you-mean, errors in idse's own words.

const byName = new Set(COMMANDS.map((c) => c.name));
const groups = [...new Set(COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]!))];

describe("command groups", () => {
  test("every group's --help, and the bare group, list its subcommands", async () => {
    const cwd = tempDir();
    expect(groups.length).toBeGreaterThan(5);
    for (const group of groups.filter((g) => !byName.has(g))) {
      const subs = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
      for (const argv of [[group, "--help"], [group]]) {
        const r = await idse(argv, { cwd });
        expect({ argv, code: r.code }).toEqual({ argv, code: 0 });
        expect(r.stdout).toStartWith(`Usage: idse ${group} <command>`);
        for (const c of subs) expect(r.stdout).toContain(`  ${c.name}`);
        // Only this group's commands, not the whole global help.
        expect(r.stdout).not.toContain("idse --help");
        expect(r.stdout.split("\n").filter((l) => l.startsWith("  ")).length).toBe(subs.length);
      }
    }
  });

  test("a command that also heads a group runs bare, and its --help lists the group's commands", async () => {
    const cwd = tempDir();
    const heads = groups.filter((g) => byName.has(g));
    expect(heads).toContain("spine");
    for (const group of heads) {
      const r = await idse([group, "--help"], { cwd });
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith(`Usage: idse ${group}`);
      expect(r.stdout).toContain(`       idse ${group} <command> [options]`);
      for (const c of COMMANDS.filter((c) => c.name.startsWith(`${group} `))) {
        expect(r.stdout).toContain(`  ${c.name}`);
      }
    }
  });

  test("a bare group with --json lists its subcommands as help's data, as text mode does (exit 0)", async () => {
    const r = await idse(["plugin", "--json"], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: "help", data: { topic: "plugin" } });
    expect(r.json!.data.commands.map((c: { name: string }) => c.name)).toContain("plugin add");
    // --help --json: a command's own options, with their choices.
    const h = await idse(["sessions", "--help", "--json"], { cwd: tempDir() });
    expect(h.json!.data.usage).toBe("idse sessions [options]");
    const status = h.json!.data.options.find((o: { flags: string }) => o.flags.startsWith("--status"));
    expect(status.choices).toContain("archived");
    expect(h.json!.data.global_options.map((o: { flags: string }) => o.flags)).toContain("--json");
  });
});

describe("did you mean", () => {
  test("commands, subcommands, options, enum values, stages", async () => {
    const cwd = await initShop("--no-create-agent-files");
    const cases: [string[], string, string][] = [
      [["plugn", "list"], "UNKNOWN_COMMAND", "did you mean `idse plugin`?"],
      [["plugin", "ad", "x"], "UNKNOWN_COMMAND", "did you mean `idse plugin add`?"],
      [["sesions"], "UNKNOWN_COMMAND", "did you mean `idse sessions`?"],
      [["status", "--al"], "UNKNOWN_OPTION", "did you mean --all?"],
      [["next", "--all-project"], "UNKNOWN_OPTION", "did you mean --all-projects?"],
      [
        ["session", "set-stage", "x", "--stage", "spex", "--status", "completed"],
        "INVALID_ENUM",
        'did you mean "spec"?',
      ],
      [["route", "plna"], "INVALID_ENUM", 'did you mean "plan"?'],
      [["route", "next"], "INVALID_ENUM", 'did you mean "--next"?'],
    ];
    for (const [argv, code, hint] of cases) {
      const r = await idse([...argv, "--json"], { cwd });
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect({ argv, code: r.json!.diagnostics[0].code }).toEqual({ argv, code });
      expect(r.json!.diagnostics[0].hint).toContain(hint);
    }
    await idse(["spawn", "billing", "--plan", "feature"], { cwd });
    const session = await idse(["session", "switch", "biling", "--json"], { cwd });
    expect(session.code).toBe(1);
    expect(session.json!.diagnostics[0]).toMatchObject({ code: "SESSION_NOT_FOUND", suggestion: "billing" });
    expect(session.json!.diagnostics[0].hint).toContain('did you mean "billing"?');
    const far = await idse(["frobnicate", "--json"], { cwd });
    expect(far.json!.diagnostics[0].hint).toBe("run `idse --help` for the list of commands");
  });

  test("a near miss of a bundled plugin is suggested before any registry is asked", async () => {
    const cwd = await initShop("--no-create-agent-files");
    // A registry that cannot answer: reaching it would fail with another code.
    const env = { npm_config_registry: "http://127.0.0.1:9/" };
    const r = await idse(["plugin", "add", "notion", "--yes", "--json"], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.json!.diagnostics[0]).toMatchObject({ code: "PLUGIN_NEAR_MISS", suggestion: "notion-store" });
    expect(r.json!.diagnostics[0].hint).toContain("idse plugin add notion-store");
  });

  test("didYouMean: edit distance, prefixes, nothing when far", () => {
    expect(didYouMean("notion", ["notion-store", "sqlite-store"])).toBe("notion-store");
    expect(didYouMean("sqlit-store", ["notion-store", "sqlite-store"])).toBe("sqlite-store");
    expect(didYouMean("zzz", ["notion-store", "sqlite-store"])).toBeUndefined();
    expect(didYouMean("spce", ["intent", "spec", "plan"])).toBe("spec");
  });
});

describe("errors in idse's words", () => {
  test("--file that does not exist is FILE_NOT_FOUND naming the option", async () => {
    const cwd = await initShop("--no-create-agent-files");
    const r = await idse(["artifact", "write", "--stage", "spec", "--file", "nope.md", "--json"], { cwd });
    expect(r.code).toBe(1);
    expect(r.json!.diagnostics[0]).toMatchObject({ code: "FILE_NOT_FOUND", file: "nope.md" });
    expect(r.json!.diagnostics[0].message).toBe("--file nope.md: no such file");
  });

  test("a plugin's option issues name the option", () => {
    const schema = v.strictObject({ database_id: v.string(), timeout_ms: v.optional(v.number()) });
    const check = (value: unknown) => {
      const r = schema["~standard"].validate(value) as { issues?: { message: string; path?: unknown[] }[] };
      return describeIssues(r.issues ?? []);
    };
    expect(check({})).toEqual({ reason: 'option "database_id" is required', options: ["database_id"] });
    expect(check({ database_id: "x", timeout_ms: "5" }).reason).toBe(
      'option "timeout_ms" must be number (it is "5")',
    );
    expect(check({ database_id: "x", databse: 1 }).reason).toContain('"databse" is not an option');
  });

  test("plugin add without its required option says which one to give", async () => {
    const cwd = await initShop("--no-create-agent-files");
    const r = await idse(["plugin", "add", "notion-store", "--yes", "--json"], { cwd });
    expect(r.code).toBe(0);
    const warning = r.json!.diagnostics.find((d: { code: string }) => d.code === "PLUGIN_OPTIONS_NEEDED");
    expect(warning.message).toContain('option "database_id" is required');
    expect(warning.hint).toBe("run `idse plugin add notion-store --option database_id=<value>`");
  });
});
