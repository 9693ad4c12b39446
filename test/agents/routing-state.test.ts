import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { idse } from "../helpers.ts";
import { workspace } from "../plugins/fixtures.ts";

// routing/agent-routing.ts once kept the adapters the last command loaded in a module variable, so `agents list` in a
// process (the MCP server, an in-process test) answered differently after `agents sync-files` had run.
// The adapters are now passed, never remembered: the same question gets the same answer in any order.

const ideOfCascade = async (cwd: string) => {
  const r = await idse(["agents", "list", "--json"], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return r.json!.data.agents.find((a: { id: string }) => a.id === "cascade")?.ide;
};

test("agents list answers the same before and after sync-files loaded a routing plugin in this process", async () => {
  const cwd = await workspace();
  expect((await idse(["plugin", "add", "windsurf", "--yes"], { cwd })).code).toBe(0);
  // No --ide: the agent reaches the windsurf adapter through its alias "cascade" only.
  const added = await idse(
    ["agents", "add", "cascade", "--mode", "planning", "--stages", "intent", "--json"],
    { cwd },
  );
  expect(added.code, added.stderr).toBe(0);

  const before = await ideOfCascade(cwd);
  const synced = await idse(["agents", "sync-files", "--ide", "windsurf", "--json"], { cwd });
  expect(synced.code, synced.stderr).toBe(0);
  // sync-files itself sees the plugin's aliases: the alias-matched agent is in the windsurf file.
  expect(readFileSync(join(cwd, ".windsurfrules"), "utf8")).toContain("`cascade`");
  expect(await ideOfCascade(cwd)).toBe(before);
});
