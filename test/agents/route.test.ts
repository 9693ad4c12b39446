import { describe, expect, test } from "bun:test";
import { idse, tempDir } from "../helpers.ts";

// `idse route`: the agents of a stage in order, their mode, and the handoff document.

async function shop() {
  const cwd = tempDir();
  expect((await idse(["init", "shop"], { cwd })).code).toBe(0);
  expect((await idse(["session", "create", "auth"], { cwd })).code).toBe(0);
  return cwd;
}
const route = async (cwd: string, ...argv: string[]) => {
  const r = await idse(["route", ...argv, "--json"], { cwd });
  expect(r.code).toBe(0);
  return r.json!.data;
};

describe("idse route", () => {
  test("a stage: its agents in registry order, their mode, and what to write, read and run", async () => {
    const cwd = await shop();
    const d = await route(cwd, "implementation");
    expect(d).toMatchObject({ project: "shop", session: "auth", stage: "implementation", status: "pending" });
    expect(d.agents.map((a: { id: string; mode: string }) => [a.id, a.mode])).toEqual([
      ["gpt-codex", "implementation"],
      ["github-copilot", "implementation"],
    ]);
    const h = d.handoff;
    expect(h).toMatchObject({ agent: "gpt-codex", mode: "implementation" });
    expect(h.write).toMatchObject({
      stage: "implementation",
      path: ".idse/projects/shop/sessions/auth/implementation/README.md",
      exists: true,
    });
    expect(h.read.map((r: { stage: string }) => r.stage)).toEqual(["tasks", "plan", "spec"]);
    expect(h.constitution.map((a: { article: string }) => a.article)).toContain("VII");
    expect(h.constitution.find((a: { article: string }) => a.article === "VIII").title).toBe("Atomic Tasks");
    expect(h.commands).toEqual([
      "idse artifact write --stage implementation --session auth --file <path>",
      "idse validate --session auth --stage implementation",
      "idse session set-stage auth --stage implementation --status completed",
      "idse route --next",
    ]);
    expect(h.markdown).toContain("# Handoff: implementation of auth (shop)");
    expect(h.markdown).toContain("Also routed: `github-copilot`");
  });

  test("feature sessions also read the blueprint's intent at the planning stages", async () => {
    const cwd = await shop();
    const d = await route(cwd, "spec");
    expect(d.handoff.read.map((r: { stage: string; session: string }) => `${r.session}/${r.stage}`)).toEqual([
      "auth/intent",
      "auth/context",
      "__blueprint__/intent",
    ]);
    const bp = await route(cwd, "spec", "--session", "__blueprint__");
    expect(bp.handoff.read).toHaveLength(2);
  });

  test("--next: the first stage not completed, then nothing when all are", async () => {
    const cwd = await shop();
    expect((await route(cwd, "--next")).stage).toBe("intent");
    await idse(["session", "set-stage", "auth", "--stage", "intent", "--status", "completed"], { cwd });
    await idse(["session", "set-stage", "auth", "--stage", "context", "--status", "in_progress"], { cwd });
    expect((await route(cwd, "--next")).stage).toBe("context");
    for (const stage of ["context", "spec", "plan", "tasks", "implementation", "feedback"])
      await idse(["session", "set-stage", "auth", "--stage", stage, "--status", "completed"], { cwd });
    const done = await route(cwd, "--next");
    expect(done).toMatchObject({ stage: null, status: null, agents: [], handoff: null });
    expect((await idse(["route", "--next"], { cwd })).stdout).toContain(
      "All seven stages of auth are completed",
    );
  });

  test("a stage nobody owns still gets a handoff, with a warning", async () => {
    const cwd = await shop();
    await idse(["agents", "set-stages", "claude-code", "intent"], { cwd });
    const r = await idse(["route", "spec", "--json"], { cwd });
    expect(r.json?.data.agents).toEqual([]);
    expect(r.json?.data.handoff.agent).toBeNull();
    expect(r.json?.diagnostics.map((d) => d.code)).toEqual(["NO_AGENT_FOR_STAGE"]);
  });

  test("usage errors exit 2; a missing session exits 1", async () => {
    const cwd = await shop();
    const cases: [string[], number, string][] = [
      [["route"], 2, "USAGE"],
      [["route", "spec", "--next"], 2, "USAGE"],
      [["route", "deploy"], 2, "INVALID_ENUM"],
      [["route", "spec", "--session", "ghost"], 1, "SESSION_NOT_FOUND"],
    ];
    for (const [argv, exit, code] of cases) {
      const r = await idse([...argv, "--json"], { cwd });
      expect({ argv, exit: r.code, code: r.json?.diagnostics[0]?.code }).toEqual({ argv, exit, code });
    }
  });

  test("status shows the routed agent and mode per stage", async () => {
    const cwd = await shop();
    await idse(["agents", "add", "claude-impl", "--ide", "claude-code", "--mode", "implementation"], { cwd });
    await idse(["agents", "set-stages", "gpt-codex", "none"], { cwd });
    await idse(["agents", "set-stages", "claude-impl", "implementation"], { cwd });
    const r = await idse(["status", "--json"], { cwd });
    const row = r.json?.data.stages.find((s: { stage: string }) => s.stage === "implementation");
    expect(row).toMatchObject({ agent: "github-copilot", mode: "implementation" });
    expect((await idse(["status"], { cwd })).stdout).toContain("→ claude-code (planning)");
  });
});
