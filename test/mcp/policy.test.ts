import { describe, expect, test } from "bun:test";
import { defaultRegistry } from "../../src/agent-registry.ts";
import { assertMayChange, findAgent, planningStages } from "../../src/cli/mcp/policy.ts";
import type { AgentRegistry } from "../../src/models/agent-registry.ts";

// Which agent a declared name stands for, and what a planning agent may change (src/cli/mcp/policy.ts).

const code = (f: () => unknown) => {
  try {
    f();
    return "ok";
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe("MCP mode policy", () => {
  test("names map to agents: an agent id, else an IDE name or alias through the registry", () => {
    const r = defaultRegistry();
    expect(findAgent(r, "claude-code")?.id).toBe("claude-code");
    expect(findAgent(r, "Claude-Code")?.id).toBe("claude-code");
    expect(findAgent(r, "codex")?.id).toBe("gpt-codex");
    expect(findAgent(r, "codex-mcp-client")?.id).toBe("gpt-codex");
    expect(findAgent(r, "copilot")?.id).toBe("github-copilot");
    expect(findAgent(r, "cursor")).toBeUndefined(); // no cursor agent in the default registry
    expect(findAgent(r, "some-bot")).toBeUndefined();
    expect(findAgent(r, undefined)).toBeUndefined();
  });

  test("planning agents change only the stages routed to planning agents", () => {
    const r = defaultRegistry();
    expect(planningStages(r)).toEqual(["intent", "context", "spec", "plan", "tasks", "feedback"]);
    const check = (reg: AgentRegistry, who: string, stage?: "spec" | "implementation") =>
      code(() => assertMayChange(reg, "shop", who, stage, "artifact_write"));
    expect(check(r, "claude-code", "spec")).toBe("ok");
    expect(check(r, "claude-code", "implementation")).toBe("MCP_MODE_DENIED");
    expect(check(r, "claude-code")).toBe("ok"); // session-level changes
    expect(check(r, "gpt-codex", "spec")).toBe("ok"); // implementation mode: full access
    expect(check(r, "nobody", "spec")).toBe("MCP_AGENT_UNKNOWN");
    expect(check(r, "nobody")).toBe("MCP_AGENT_UNKNOWN");

    // A registry that routes implementation to a planning agent lets planning agents write it.
    const routed: AgentRegistry = {
      agents: [
        { id: "architect", role: "planner", mode: "planning", stages: ["spec", "implementation"] },
        { id: "claude-code", role: "orchestrator", mode: "planning", stages: ["intent"] },
      ],
    };
    expect(planningStages(routed)).toEqual(["intent", "spec", "implementation"]);
    expect(check(routed, "claude-code", "implementation")).toBe("ok");
    // …and one with no planning agent on spec refuses spec to planning agents.
    const none: AgentRegistry = {
      agents: [
        { id: "claude-code", role: "orchestrator", mode: "planning", stages: ["intent"] },
        { id: "gpt-codex", role: "implementer", mode: "implementation", stages: ["spec"] },
      ],
    };
    expect(check(none, "claude-code", "spec")).toBe("MCP_MODE_DENIED");
  });
});
