import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HANDOVER_SETUP } from "../agents/handover.ts";
import { idse, initShop } from "../helpers.ts";
import { call, connect } from "./util.ts";

// A planning agent cannot hand itself implementation mode through the MCP server in steps: completing
// the planning stages of a session that is not current (allowed: nothing changes hands), then making it
// current. The switch is refused, as `session switch` is by the Claude Code hook; a person may make it.

const ok = async (cwd: string, ...argv: string[]) => {
  const r = await idse(argv, { cwd });
  expect(r.code, r.stderr).toBe(0);
};
const current = (cwd: string) =>
  readFileSync(join(cwd, ".idse/projects/shop/session_state.json"), "utf8").match(
    /"session_id":\s*"([^"]+)"/,
  )?.[1];

test("a planner cannot switch to a session whose completed planning stages hand it to an implementer", async () => {
  const cwd = await initShop();
  for (const argv of HANDOVER_SETUP) await ok(cwd, ...argv);
  const planner = await connect(cwd, { agent: "claude-code" });
  // A new session starts at intent, the planner's: creating one hands nothing over.
  expect((await call(planner.client, "session_create", { id: "feat-b" })).isError ?? false).toBe(false);
  expect((await call(planner.client, "session_switch", { session: "__blueprint__" })).isError ?? false).toBe(
    false,
  );
  for (const stage of ["intent", "context", "spec", "plan", "tasks"]) {
    const r = await call(planner.client, "set_stage", { session: "feat-b", stage, status: "completed" });
    expect(r.isError ?? false, r.content[0]?.text).toBe(false);
  }
  const denied = await call(planner.client, "session_switch", { session: "feat-b" });
  expect(denied.isError).toBe(true);
  expect(denied.content[0]!.text).toContain("MCP_HANDOVER_DENIED");
  expect(denied.content[0]!.text).toContain('would put agent "claude-impl" (implementation mode) in charge');
  expect(denied.content[0]!.text).toContain("`idse session switch feat-b`");
  expect(current(cwd)).toBe("__blueprint__");
  // The person makes the switch the hint names; the planner may then move on, as nothing changes hands.
  await ok(cwd, "session", "switch", "feat-b");
  expect(current(cwd)).toBe("feat-b");
  expect((await call(planner.client, "session_switch", { session: "__blueprint__" })).isError ?? false).toBe(
    false,
  );
  await planner.close();
});

test("a planner cannot create a session when the registry puts an implementer on its first stage", async () => {
  const cwd = await initShop();
  await ok(
    cwd,
    ..."agents add claude-impl --ide claude-code --mode implementation --stages implementation".split(" "),
  );
  await ok(cwd, "agents", "set-stages", "claude-impl", "intent,implementation");
  await ok(cwd, "agents", "set-stages", "claude-code", "context,spec,plan,tasks,feedback");
  // The blueprint is at context, the planner's; a new session would start at intent, the implementer's.
  await ok(cwd, "session", "set-stage", "__blueprint__", "--stage", "intent", "--status", "completed");
  const planner = await connect(cwd, { agent: "claude-code" });
  const denied = await call(planner.client, "session_create", { id: "feat-c" });
  expect(denied.isError).toBe(true);
  expect(denied.content[0]!.text).toContain("MCP_HANDOVER_DENIED");
  expect(denied.content[0]!.text).toContain("`idse session create feat-c`");
  await planner.close();
});
