import { describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { parseStages } from "../../src/agent-registry.ts";
import { IdseError } from "../../src/errors.ts";
import { AgentRegistry } from "../../src/models/agent-registry.ts";
import { FIXTURE, fixtureCopy, idse, initShop } from "../helpers.ts";

// agent_registry.json: compatible with the Python original, edited only by `idse agents …`, never
// rewritten by a command that only reads it.

const REG = (cwd: string) => join(cwd, ".idse/projects/shop/agent_registry.json");

const shop = initShop;

test("the Python original's registry parses, and the new optional keys validate", () => {
  const file = join(FIXTURE, ".idse/projects/idse-orchestrator/agent_registry.json");
  expect(v.safeParse(AgentRegistry, JSON.parse(readFileSync(file, "utf8"))).success).toBe(true);
  const extended = {
    agents: [
      { id: "g", role: "r", mode: "planning", stages: [], name: "G", description: "d", ide: "gemini" },
    ],
  };
  expect(v.safeParse(AgentRegistry, extended).success).toBe(true);
  expect(v.safeParse(AgentRegistry, { agents: [{ ...extended.agents[0], ide: "Not An Id" }] }).success).toBe(
    false,
  );
});

test("parseStages accepts commas and spaces, orders by pipeline, rejects unknown stages", () => {
  expect(parseStages(["spec,intent", "plan"])).toEqual(["intent", "spec", "plan"]);
  expect(parseStages(["none"])).toEqual([]);
  expect(() => parseStages(["deploy"])).toThrow(IdseError);
});

describe("idse agents (in-process)", () => {
  test("list shows the registry with each agent's IDE (declared or inferred)", async () => {
    const cwd = await shop();
    const r = await idse(["agents", "list", "--json"], { cwd });
    expect(r.json?.data.source).toBe("file");
    expect(r.json?.data.agents.map((a: { id: string; ide: string }) => [a.id, a.ide])).toEqual([
      ["claude-code", "claude-code"],
      ["gpt-codex", "codex"],
      ["github-copilot", "copilot"],
    ]);
    const t = await idse(["agents", "list"], { cwd });
    expect(t.stdout).toContain("gpt-codex");
  });

  test("add, set-mode, set-role, set-stages, remove: one change each, unknown keys kept", async () => {
    const cwd = await shop();
    const reg = JSON.parse(readFileSync(REG(cwd), "utf8"));
    reg.team = "payments";
    reg.agents[0].notes = "keep me";
    writeFileSync(REG(cwd), JSON.stringify(reg));
    const add = await idse(
      [
        "agents",
        "add",
        "gem",
        "--ide",
        "gemini",
        "--mode",
        "planning",
        "--stages",
        "intent,context",
        "--name",
        "Gem",
        "--json",
      ],
      { cwd },
    );
    expect(add.code).toBe(0);
    expect(add.json?.data.agent).toMatchObject({ id: "gem", role: "planner", ide: "gemini", name: "Gem" });
    expect((await idse(["agents", "set-mode", "gem", "implementation"], { cwd })).code).toBe(0);
    expect((await idse(["agents", "set-role", "gem", "drafter"], { cwd })).code).toBe(0);
    expect((await idse(["agents", "set-stages", "gem", "spec plan"], { cwd })).code).toBe(0);
    const after = JSON.parse(readFileSync(REG(cwd), "utf8"));
    expect(after.team).toBe("payments");
    expect(after.agents[0].notes).toBe("keep me");
    expect(after.agents.at(-1)).toEqual({
      id: "gem",
      role: "drafter",
      mode: "implementation",
      stages: ["spec", "plan"],
      name: "Gem",
      ide: "gemini",
    });
    const rm = await idse(["agents", "remove", "gem", "--json"], { cwd });
    expect(rm.json?.data).toMatchObject({ action: "removed", agent: { id: "gem" } });
    expect(JSON.parse(readFileSync(REG(cwd), "utf8")).agents.map((a: { id: string }) => a.id)).toEqual([
      "claude-code",
      "gpt-codex",
      "github-copilot",
    ]);
  });

  test("errors: existing or unknown agents exit 1, bad values exit 2, nothing is written", async () => {
    const cwd = await shop();
    const before = readFileSync(REG(cwd), "utf8");
    const cases: [string[], number, string][] = [
      [["agents", "add", "claude-code", "--mode", "planning"], 1, "AGENT_EXISTS"],
      [["agents", "remove", "nobody"], 1, "AGENT_NOT_FOUND"],
      [["agents", "set-mode", "nobody", "planning"], 1, "AGENT_NOT_FOUND"],
      [["agents", "set-mode", "gpt-codex", "coding"], 2, "INVALID_ENUM"],
      [["agents", "add", "x", "--mode", "coding"], 2, "INVALID_ENUM"],
      [["agents", "add", "x", "--mode", "planning", "--stages", "deploy"], 2, "INVALID_ENUM"],
      [["agents", "add", "Bad Id", "--mode", "planning"], 2, "INVALID_ID"],
      [["agents", "set-stages", "gpt-codex", "deploy"], 2, "INVALID_ENUM"],
      [["agents", "add", "x"], 2, "USAGE"],
    ];
    for (const [argv, exit, code] of cases) {
      const r = await idse([...argv, "--json"], { cwd });
      expect({ argv, exit: r.code, code: r.json?.diagnostics[0]?.code }).toEqual({ argv, exit, code });
    }
    expect(readFileSync(REG(cwd), "utf8")).toBe(before);
  });

  test("removing the only owner of a stage warns", async () => {
    const cwd = await shop();
    const r = await idse(["agents", "remove", "claude-code", "--json"], { cwd });
    expect(r.code).toBe(0);
    expect(r.json?.diagnostics.map((d) => d.code)).toContain("NO_AGENT_FOR_STAGE");
  });

  test("a bad registry is an error naming the file and the problem, and is not rewritten", async () => {
    const cwd = await shop();
    writeFileSync(REG(cwd), '{"agents": [{"id": "x", "role": "r", "mode": "coding", "stages": []}]}');
    const before = readFileSync(REG(cwd), "utf8");
    for (const argv of [
      ["agents", "list"],
      ["route", "spec"],
      ["status"],
      ["agents", "add", "y", "--mode", "planning"],
    ]) {
      const r = await idse([...argv, "--json"], { cwd });
      expect({ argv, code: r.code }).toEqual({ argv, code: 1 });
      const d = r.json!.diagnostics[0];
      expect(d.code).toBe("CORRUPT_FILE");
      expect(d.file).toBe(".idse/projects/shop/agent_registry.json");
      expect(d.message).toContain("agents.0.mode");
    }
    expect(readFileSync(REG(cwd), "utf8")).toBe(before);
  });

  test("read-only commands never rewrite the registry, even when it is missing or oddly formatted", async () => {
    const cwd = fixtureCopy();
    const file = join(cwd, ".idse/projects/idse-orchestrator/agent_registry.json");
    const before = readFileSync(file, "utf8");
    for (const argv of [["status"], ["agents", "list"], ["route", "--next"], ["route", "implementation"]]) {
      expect((await idse(argv, { cwd })).code).toBe(0);
    }
    expect(readFileSync(file, "utf8")).toBe(before);
    rmSync(file);
    const r = await idse(["agents", "list", "--json"], { cwd });
    expect(r.json?.data.source).toBe("default");
    expect(r.json?.diagnostics.map((d) => d.code)).toEqual(["REGISTRY_DEFAULTS"]);
    expect((await idse(["route", "spec"], { cwd })).code).toBe(0);
    expect(() => readFileSync(file)).toThrow();
  });
});
