import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadStore } from "../../src/plugins/host.ts";
import { openWorkspace } from "../../src/workspace.ts";
import { idse, REPO } from "../helpers.ts";
import { workspace } from "./fixtures.ts";

// docs/plugins.md's complete example is installed exactly as written there, and its store is used.

function examples(): Record<string, string> {
  const text = readFileSync(join(REPO, "docs", "plugins.md"), "utf8");
  const files: Record<string, string> = {};
  for (const m of text.matchAll(/<!-- example: (\S+) -->\s*```\w*\n([\s\S]*?)^```$/gm)) files[m[1]!] = m[2]!;
  return files;
}

test("the example store of docs/plugins.md installs and works", async () => {
  const cwd = await workspace();
  const files = examples();
  expect(Object.keys(files)).toEqual(["example-store/package.json", "example-store/index.js"]);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(cwd, rel, ".."), { recursive: true });
    writeFileSync(join(cwd, rel), text);
  }
  const r = await idse(
    ["plugin", "add", "./example-store", "--yes", "--option", "file=docs.json", "--json"],
    { cwd },
  );
  expect(r.code, r.stdout).toBe(0);
  expect(r.json!.data.plugin).toMatchObject({
    name: "example-store",
    kind: "store",
    options: { file: "docs.json" },
  });
  const ws = openWorkspace({ cwd, home: cwd, env: {} });
  const logged: string[] = [];
  const store = await loadStore(ws, "example-store", { log: (l) => logged.push(l) });
  await store.write("projects/shop/session_state.json", "{}");
  await store.write("projects/shop/sessions/auth/specs/spec.md", "# Spec");
  expect(await store.read("projects/shop/sessions/auth/specs/spec.md")).toBe("# Spec");
  expect(await store.list!("projects/shop")).toEqual([
    { name: "session_state.json", kind: "file" },
    { name: "sessions", kind: "dir" },
  ]);
  expect(await store.has!("projects/shop/sessions")).toBe(true);
  await store.remove("projects/shop/sessions");
  expect(await store.has!("projects/shop/sessions/auth/specs/spec.md")).toBe(false);
  expect(logged).toEqual([`[example-store] info: documents in ${join(cwd, ".idse", "docs.json")}\n`]);
  // Through the CLI, -q keeps a plugin's info lines off stderr (errors and requested data only).
  writeFileSync(join(cwd, ".idse", "config.json"), JSON.stringify({ store: { plugin: "example-store" } }));
  const loud = await idse(["status"], { cwd });
  const quiet = await idse(["status", "-q"], { cwd });
  expect(loud.stderr).toContain("[example-store] info: documents in");
  expect(quiet.stderr).not.toContain("[example-store] info:");
  const bad = await idse(["plugin", "add", "./example-store", "--yes", "--option", "file=a/b", "--json"], {
    cwd,
  });
  expect(bad.json!.diagnostics[0]).toMatchObject({
    code: "PLUGIN_OPTIONS_INVALID",
    reason: "file: file must be a file name",
  });
});
