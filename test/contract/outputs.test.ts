import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { COMMANDS } from "../../src/cli/commands/index.ts";
import { outputSchemaFor } from "../../src/schemas.ts";
import { fixtureCopy, idse, tempDir } from "../helpers.ts";
import { pluginFolder } from "../plugins/fixtures.ts";
import { makeAjv, validator } from "./ajv.ts";

const ajv = makeAjv();
const envelope = validator(ajv, "envelope");

// Runs one command with --json and checks the output against the envelope and the command's schema.
async function checked(argv: string[], cwd: string, stdin?: string) {
  const r = await idse([...argv, "--json"], { cwd, stdin });
  expect(r.json, `one JSON document for ${argv.join(" ")}`).toBeDefined();
  expect(envelope(r.json)).toBeUndefined();
  if (r.json!.command) {
    const entry = outputSchemaFor(r.json!.command);
    expect(entry, `a schema for ${r.json!.command}`).toBeDefined();
    const problems = validator(ajv, entry!.name)(r.json);
    expect(problems, `${argv.join(" ")} → ${problems}`).toBeUndefined();
  }
  return r;
}

test("every command has an output schema", () => {
  for (const c of COMMANDS) expect(outputSchemaFor(c.name), c.name).toBeDefined();
});

test("every command's --json output matches its schema, on success and on failure", async () => {
  const cwd = tempDir();
  const seen = new Set<string>();
  const run = async (argv: string[], code: number, stdin?: string) => {
    const r = await checked(argv, cwd, stdin);
    expect({ argv, code: r.code }).toEqual({ argv, code });
    if (r.json?.command) seen.add(r.json.command);
    return r;
  };
  await run(["status"], 1);
  await run(["init", "shop"], 0);
  await run(["init", "shop"], 1);
  await run(["status"], 0);
  await run(["session", "create", "auth", "--description", "Auth"], 0);
  await run(["spawn", "--plan", "feature", "billing", "--owner", "ana"], 0);
  await run(["spawn", "--plan", "feature", "billing"], 1);
  await run(["session", "switch", "billing"], 0);
  await run(["session", "switch", "nope"], 1);
  await run(["status", "--all"], 0);
  await run(["sessions", "--type", "feature"], 0);
  await run(["session-info", "auth", "--lineage"], 0);
  await run(["agents", "install-mcp", "--ide", "cursor"], 0);
  await run(["mcp"], 2); // --json with stdio: stdout is the protocol's
  await run(["session", "set-owner", "auth", "--owner", "bo"], 0);
  await run(["session", "add-collaborator", "auth", "--name", "cy", "--role", "reviewer"], 0);
  await run(["session", "add-collaborator", "auth", "--name", "cy"], 1);
  await run(["session", "remove-collaborator", "auth", "--name", "cy"], 0);
  await run(["session", "remove-collaborator", "auth", "--name", "cy"], 1);
  await run(["session", "set-stage", "auth", "--stage", "spec", "--status", "in_progress"], 0);
  await run(["session", "set-status", "auth", "--status", "complete"], 1);
  await run(["session", "set-status", "auth", "--status", "review"], 0);
  await run(["artifact", "write", "--stage", "plan", "--session", "auth"], 0, "# Plan\n");
  await run(["artifact", "read", "--stage", "plan", "--session", "auth"], 0);
  await run(["artifact", "read", "--stage", "plan", "--session", "ghost"], 1);
  await run(["compile", "agent-spec", "--session", "auth"], 1);
  await run(["compile", "agent-spec", "--all", "--dry-run"], 0);
  await run(["docs", "install"], 0);
  await run(["generate-agent-files"], 0);
  await run(["config", "set", "owner", "dee"], 0);
  await run(["config", "set", "lock.timeout_ms", "soon"], 2);
  await run(["config", "get", "owner"], 0);
  await run(["config", "list"], 0);
  await run(["config", "unset", "owner"], 0);
  await run(["config", "get", "nope"], 2);
  await run(["doctor"], 0);
  await run(["doctor", "--fix"], 0);
  await run(["schema", "list"], 0);
  await run(["schema", "show", "session-state"], 0);
  await run(["schema", "show", "nope"], 1);
  await run(["schema", "emit", join(tempDir(), "out")], 0);
  await run(["version"], 0);
  await run(["validate"], 1);
  await run(["validate", "--all", "--rule", "idse/artifact-present"], 0);
  await run(["validate", "--rule", "idse/nope"], 2);
  await run(["frobnicate"], 2);
  await run(["status", "--bogus"], 2);
  await run(["agents", "list"], 0);
  await run(["agents", "add", "gem", "--ide", "gemini", "--mode", "planning", "--stages", "intent"], 0);
  await run(["agents", "add", "gem", "--mode", "planning"], 1);
  await run(["agents", "set-mode", "gem", "implementation"], 0);
  await run(["agents", "set-mode", "gem", "coding"], 2);
  await run(["agents", "set-role", "gem", "reviewer"], 0);
  await run(["agents", "set-stages", "gem", "spec,plan"], 0);
  await run(["agents", "remove", "gem"], 0);
  await run(["agents", "remove", "gem"], 1);
  await run(["agents", "sync-files"], 0);
  await run(["agents", "sync-files", "--check"], 0);
  await run(["agents", "install-hooks", "--command", "idse"], 0);
  await run(["route", "spec"], 0);
  await run(["route", "--next", "--session", "auth"], 0);
  await run(["route", "deploy"], 2);
  await run(["next"], 0);
  await run(["graph"], 0);
  await run(["completion", "fish"], 0);
  await run(["report"], 0);
  await run(["report", "--out", "../x.html"], 2);
  await run(["graph", "--format", "dot", "--session", "auth"], 0);
  await run(["graph", "--format", "json"], 0);
  await run(["project", "list"], 0);
  await run(["project", "use", "shop"], 0);
  await run(["project", "use", "nope"], 1);
  await run(["next", "--all-projects", "--limit", "1"], 0);
  pluginFolder({}, cwd);
  await run(["plugin", "list"], 0);
  await run(["plugin", "add", "./mem-store", "--yes"], 0);
  await run(["plugin", "add", "./nope", "--yes"], 1);
  await run(["plugin", "list", "--available"], 0);
  await run(["plugin", "info", "mem-store"], 0);
  await run(["plugin", "info", "nope"], 1);
  await run(["plugin", "verify"], 0);
  await run(["trust", "--show"], 0);
  await run(["trust"], 0);
  await run(["trust", "--revoke"], 0);
  await run(["trust", "--show", "--revoke"], 2);
  await run(["plugin", "disable", "mem-store"], 0);
  await run(["plugin", "enable", "mem-store"], 0);
  await run(["plugin", "remove", "mem-store"], 0);
  await run(["plugin", "remove", "mem-store"], 1);
  const hookInput = {
    hook_event_name: "PreToolUse",
    cwd,
    tool_name: "Bash",
    tool_input: { command: "rm -rf src" },
  };
  await run(["hook", "claude-pre-tool-use"], 0, JSON.stringify(hookInput));
  await run(["hook", "claude-pre-tool-use"], 0, "not json");
  const remoteDir = join(tempDir(), "remote");
  await run(["sync", "status"], 1); // no remote yet
  await run(["remote", "add", "backup", remoteDir], 0);
  await run(["remote", "add", "backup", remoteDir], 1);
  await run(["remote", "add", "bad name", remoteDir], 2);
  await run(["remote", "list"], 0);
  await run(["sync", "status"], 0);
  await run(["sync", "push", "--dry-run"], 0);
  await run(["sync", "push", "--all-sessions"], 0);
  await run(["sync", "pull", "--all-sessions"], 0);
  writeFileSync(join(cwd, ".idse/projects/shop/sessions/auth/plans/plan.md"), "# local\n");
  writeFileSync(join(remoteDir, "projects/shop/sessions/auth/plans/plan.md"), "# remote\n");
  await run(["sync", "status", "--session", "auth"], 1);
  await run(["sync", "pull", "--session", "auth"], 1);
  await run(["sync", "push", "--session", "auth"], 1);
  await run(["sync", "push", "--session", "auth", "--session", "x", "--all-sessions"], 2);
  await run(["sync", "push", "nope"], 1);
  await run(["remote", "remove", "backup"], 0);
  await run(["remote", "remove", "backup"], 1);
  await run(["store", "info"], 0);
  await run(["store", "export"], 1); // the filesystem store: nothing to export
  await run(["store", "import"], 1);
  await run(["store", "migrate", "--to", "sqlite-store", "--dry-run"], 0);
  await run(["store", "migrate", "--to", "filesystem"], 1);
  await run(["store", "migrate", "--to", "sqlite-store"], 0);
  await run(["store", "info"], 0);
  await run(["store", "export", "--session", "auth"], 0);
  await run(["store", "import", "--dry-run"], 0);
  await run(["store", "import"], 0);
  await run(["store", "migrate", "--to", "filesystem"], 0);
  await run(["import-original"], 1); // no original database here: ORIGINAL_DATABASE_NOT_FOUND
  await run(["spine"], 0);
  await run(["spine", "check"], 0);
  const area = ["--area", "Core", "--layer", "Storage", "--reason", "the product list"];
  await run(["spine", "propose", "Catalog", ...area], 0);
  await run(["spine", "propose", "catalog", ...area], 1);
  await run(["spine", "proposals", "--all"], 0);
  await run(["spine", "accept", "Catalog"], 0);
  await run(["spine", "reject", "Catalog"], 1);
  await run(["spine", "propose", "Quota", ...area], 0);
  await run(["spine", "reject", "Quota"], 0);
  const claim = ["--claim", "Card data never touches our servers.", "--classification"];
  await run(["blueprint", "declare", ...claim, "invariant", "--source", "__blueprint__:spec"], 0);
  await run(["blueprint", "declare", ...claim, "nope", "--source", "__blueprint__:spec"], 2);
  await run(
    ["blueprint", "promote", ...claim, "invariant", "--source", "auth:spec", "--source", "billing:plan"],
    1,
  );
  await run(["blueprint", "reinforce", "--claim-id", "1", "--source", "auth:spec"], 0);
  await run(["blueprint", "claims", "--all"], 0);
  await run(["blueprint", "verify"], 0);
  await run(["blueprint", "extract-candidates", "--evaluate"], 0);
  await run(["blueprint", "explain", "1"], 0);
  await run(["blueprint", "explain", "9"], 1);
  await run(["blueprint", "demote", "--claim-id", "1", "--reason", "replaced"], 0);
  for (const c of COMMANDS) expect(seen.has(c.name), `covered: ${c.name}`).toBe(true);
});

test("files written by init, session create and spawn, and the fixture's files, match their schemas", async () => {
  const cwd = tempDir();
  await idse(["init", "shop"], { cwd });
  await idse(["session", "create", "auth"], { cwd });
  await idse(["spawn", "--plan", "feature", "billing"], { cwd });
  await idse(["config", "set", "stages.auto_detect", "true"], { cwd });
  const byName: [RegExp, string][] = [
    [/session_state\.json$/, "session-state"],
    [/metadata\/session\.json$/, "session-metadata"],
    [/metadata\/stage_state\.json$/, "stage-state"],
    [/agent_registry\.json$/, "agent-registry"],
    [/^config\.json$/, "config"],
  ];
  const checkTree = (idseDir: string) => {
    let n = 0;
    for (const rel of readdirSync(idseDir, { recursive: true, encoding: "utf8" })) {
      const hit = byName.find(([re]) => re.test(rel));
      if (!hit) continue;
      const problems = validator(ajv, hit[1])(JSON.parse(readFileSync(join(idseDir, rel), "utf8")));
      expect(problems, `${rel}: ${problems}`).toBeUndefined();
      n++;
    }
    return n;
  };
  expect(checkTree(join(cwd, ".idse"))).toBe(1 + 3 + 3 + 1 + 1);
  // Files new in idse point at the schema copies init wrote, by a path that resolves from the file.
  for (const rel of ["config.json", "projects/shop/sessions/auth/metadata/stage_state.json"]) {
    const file = join(cwd, ".idse", rel);
    const ref = JSON.parse(readFileSync(file, "utf8")).$schema;
    expect(existsSync(join(dirname(file), ref)), `${rel} → ${ref}`).toBe(true);
  }
  expect(checkTree(join(fixtureCopy(), ".idse"))).toBe(1 + 8 + 1);
});

test("a file that breaks its schema is rejected by the schema too", () => {
  const bad = { project_name: "p", session_id: "s", is_blueprint: "yes", stages: {}, last_sync: null };
  expect(validator(ajv, "session-state")(bad)).toBeDefined();
  expect(validator(ajv, "agent-registry")({})).toBeDefined();
  expect(
    validator(ajv, "output-status")({ ok: true, command: "status", data: { project: 1 }, diagnostics: [] }),
  ).toBeDefined();
});
