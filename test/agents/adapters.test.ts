import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IdseError } from "../../src/errors.ts";
import type { AgentView } from "../../src/models/routing.ts";
import { PLUGIN_API_VERSION } from "../../src/plugins/api.ts";
import { coreRoutingHost } from "../../src/plugins/host.ts";
import { BUILTIN_ROUTING_PLUGINS, DEFAULT_ADAPTERS } from "../../src/routing/index.ts";
import { installHooks, machineSpecific, mergeHook } from "../../src/routing/settings.ts";
import { MAX_FILE_BYTES } from "../../src/routing/sync.ts";
import type { RenderContext } from "../../src/routing/types.ts";
import { tempDir } from "../helpers.ts";

// One suite every routing plugin passes (the unstorage habit), plus what is particular to each: the
// cursor layout, Claude Code's hook entry and how it merges into .claude/settings.json.

const agent = (id: string, ide: string, mode: AgentView["mode"], stages: AgentView["stages"]): AgentView => ({
  id,
  role: mode === "planning" ? "planner" : "implementer",
  mode,
  stages,
  ide,
});

function context(ide: string, label: string, registry: AgentView[], exists = () => false): RenderContext {
  return {
    project: "shop",
    session: { id: "auth", type: "feature", description: "Login and sessions" },
    ide,
    label,
    agents: registry.filter((a) => a.ide === ide),
    registry,
    routes: [],
    exists,
  };
}

const REGISTRY = [
  agent("claude-code", "claude-code", "planning", ["intent", "context", "spec", "plan", "tasks", "feedback"]),
  agent("gpt-codex", "codex", "implementation", ["implementation"]),
  agent("github-copilot", "copilot", "implementation", ["implementation", "feedback"]),
  agent("cursor", "cursor", "planning", ["spec"]),
  agent("gemini", "gemini", "planning", ["intent"]),
];

describe.each(BUILTIN_ROUTING_PLUGINS.map((p) => [p.manifest.name, p] as const))(
  "routing plugin %s",
  (name, p) => {
    const plugin = p.factory(coreRoutingHost(p));

    test("manifest and factory follow the plugin contract", () => {
      expect(p.manifest).toMatchObject({ name, kind: "routing", apiVersion: PLUGIN_API_VERSION });
      expect(plugin.kind).toBe("routing");
      expect(plugin.name).toBe(name);
      expect(plugin.label.length).toBeGreaterThan(0);
      expect(plugin.aliases).toContain(name);
      expect(p.manifest.capabilities.includes("hooks")).toBe(typeof plugin.hooks === "function");
    });

    test("renders its own files, inside its declared paths, for its own agents", () => {
      const files = plugin.renderFiles(context(name, plugin.label, REGISTRY));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        expect(plugin.paths).toContain(f.path);
        expect(f.body).toContain("shop");
        expect(f.body).toContain("`auth`");
        const own = REGISTRY.find((a) => a.ide === name)!;
        expect(f.body).toContain(`\`${own.id}\``);
        expect(f.body).toContain(`**${own.mode}** mode`);
        expect(f.body).not.toContain("{{");
      }
    });

    test("an IDE without a registered agent is told to stay in planning mode", () => {
      const [f] = plugin.renderFiles(context(name, plugin.label, []));
      expect(f!.body).toContain(`runs in ${plugin.label}`);
      expect(f!.body).toContain("**planning** mode");
    });

    test(`each file stays under ${MAX_FILE_BYTES} bytes (about 2,000 tokens), even with a large registry`, () => {
      const many = Array.from({ length: 12 }, (_, i) =>
        Object.assign(
          agent(`${name}-${i}`, name, "planning", ["intent", "context", "spec", "plan", "tasks"]),
          {
            name: `Agent number ${i}`,
            description: "Drafts and reviews design documents for one product area of the shop.",
          },
        ),
      );
      for (const f of plugin.renderFiles(context(name, plugin.label, [...REGISTRY, ...many]))) {
        expect(Buffer.byteLength(f.body)).toBeLessThan(MAX_FILE_BYTES);
      }
    });
  },
);

test("init's default adapters are the three files the Python original wrote", () => {
  expect(DEFAULT_ADAPTERS).toEqual(["claude-code", "codex", "cursor"]);
});

test("cursor writes .cursor/rules/idse.mdc with front matter when the repository uses project rules", () => {
  const cursorPlugin = BUILTIN_ROUTING_PLUGINS.find((p) => p.manifest.name === "cursor")!;
  const cursor = cursorPlugin.factory(coreRoutingHost(cursorPlugin));
  expect(cursor.renderFiles(context("cursor", "Cursor", REGISTRY)).map((f) => f.path)).toEqual([
    ".cursorrules",
  ]);
  const [rule] = cursor.renderFiles(context("cursor", "Cursor", REGISTRY, () => true));
  expect(rule!.path).toBe(".cursor/rules/idse.mdc");
  expect(rule!.preamble).toMatch(/^---\n[\s\S]*alwaysApply: true\n---\n$/);
});

describe("Claude Code hook entry in .claude/settings.json", () => {
  const claude = BUILTIN_ROUTING_PLUGINS[0]!.factory(coreRoutingHost(BUILTIN_ROUTING_PLUGINS[0]!));
  const [entry] = claude.hooks!({ selfCommand: "idse" });

  test("calls the binary itself, no jq and no project path", () => {
    expect(entry).toMatchObject({
      file: ".claude/settings.json",
      event: "PreToolUse",
      command: "idse hook claude-pre-tool-use",
    });
    expect(entry!.matcher.split("|").sort()).toEqual(["Bash", "Edit", "MultiEdit", "NotebookEdit", "Write"]);
  });

  test("merges into existing settings, keeps unrelated keys and hooks, and is idempotent", () => {
    const before = {
      permissions: { allow: ["Bash(ls)"] },
      hooks: {
        PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "./audit.sh" }] }],
        Stop: [{ hooks: [{ type: "command", command: "say done" }] }],
      },
      model: "opus",
    };
    const once = mergeHook(before, entry!);
    expect(once.permissions).toEqual(before.permissions);
    expect(once.model).toBe("opus");
    const hooks = once.hooks as Record<string, unknown[]>;
    expect(hooks.Stop).toEqual(before.hooks.Stop);
    expect(hooks.PreToolUse).toEqual([
      before.hooks.PreToolUse[0],
      { matcher: entry!.matcher, hooks: [{ type: "command", command: entry!.command, timeout: 10 }] },
    ]);
    expect(mergeHook(once, entry!)).toEqual(once);
    // A new command line replaces idse's entry in place.
    const moved = mergeHook(once, { ...entry!, command: "/opt/idse hook claude-pre-tool-use" });
    expect(
      (moved.hooks as Record<string, { hooks: { command: string }[] }[]>).PreToolUse!.map(
        (g) => g.hooks[0]!.command,
      ),
    ).toEqual(["./audit.sh", "/opt/idse hook claude-pre-tool-use"]);
  });

  test("installHooks writes only when something changed, and refuses files it cannot read", () => {
    const root = tempDir();
    expect(installHooks(root, [entry!])).toEqual([{ path: ".claude/settings.json", action: "created" }]);
    const text = readFileSync(join(root, ".claude/settings.json"), "utf8");
    expect(installHooks(root, [entry!])).toEqual([{ path: ".claude/settings.json", action: "unchanged" }]);
    expect(readFileSync(join(root, ".claude/settings.json"), "utf8")).toBe(text);
    mkdirSync(join(root, "bad/.claude"), { recursive: true });
    for (const broken of ['{"hooks": ', "[]", '{"hooks": []}', '{"hooks": {"PreToolUse": {}}}']) {
      writeFileSync(join(root, "bad/.claude/settings.json"), broken);
      expect(() => installHooks(join(root, "bad"), [entry!])).toThrow(IdseError);
      expect(readFileSync(join(root, "bad/.claude/settings.json"), "utf8")).toBe(broken);
    }
  });

  test("a command naming a path of this machine goes to settings.local.json, never the committed file", () => {
    for (const cmd of [
      "/opt/idse/bin/idse",
      '"/opt/my idse/idse"',
      "C:\\idse\\idse.exe",
      "~/bin/idse",
      "bun /src/main.ts",
    ])
      expect({ cmd, machine: machineSpecific(cmd) }).toEqual({ cmd, machine: true });
    for (const cmd of ["idse", "npx idse", "./node_modules/.bin/idse"])
      expect({ cmd, machine: machineSpecific(cmd) }).toEqual({ cmd, machine: false });
    const [abs] = claude.hooks!({ selfCommand: "/opt/idse/bin/idse" });
    const root = tempDir();
    const settings = join(root, ".claude/settings.json");
    const local = join(root, ".claude/settings.local.json");
    // An older install put the absolute path into the committed file; a team's `idse` entry is kept.
    mkdirSync(join(root, ".claude"));
    writeFileSync(settings, JSON.stringify(mergeHook({ model: "opus" }, abs!)));
    expect(installHooks(root, [abs!])).toEqual([
      { path: ".claude/settings.local.json", action: "created" },
      { path: ".claude/settings.json", action: "updated" },
    ]);
    const commands = (f: string) =>
      (JSON.parse(readFileSync(f, "utf8")).hooks?.PreToolUse ?? []).flatMap(
        (g: { hooks: { command: string }[] }) => g.hooks.map((h) => h.command),
      );
    expect(commands(local)).toEqual(["/opt/idse/bin/idse hook claude-pre-tool-use"]);
    expect(commands(settings)).toEqual([]);
    expect(readFileSync(settings, "utf8")).not.toContain("/opt/");
    expect(JSON.parse(readFileSync(settings, "utf8")).model).toBe("opus");
    // idse on PATH later: the committed file gets `idse hook …`, the per-user entry goes (no double run).
    expect(installHooks(root, [entry!])).toEqual([
      { path: ".claude/settings.json", action: "updated" },
      { path: ".claude/settings.local.json", action: "updated" },
    ]);
    expect(commands(settings)).toEqual(["idse hook claude-pre-tool-use"]);
    expect(commands(local)).toEqual([]);
    // And back on a machine without idse on PATH: the team's entry stays, this user's goes to local.
    installHooks(root, [abs!]);
    expect(commands(settings)).toEqual(["idse hook claude-pre-tool-use"]);
    expect(commands(local)).toEqual(["/opt/idse/bin/idse hook claude-pre-tool-use"]);
  });
});
