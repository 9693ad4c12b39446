import { expect, test } from "bun:test";
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idse } from "../helpers.ts";
import { pluginFolder, workspace } from "./fixtures.ts";

// list, info, verify, enable, disable, remove: the lockfile and the installed files, no plugin code run.

async function withPlugin() {
  const cwd = await workspace();
  const r = await idse(["plugin", "add", pluginFolder({}, join(cwd, "vendor")), "--yes"], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return cwd;
}
const json = async (cwd: string, ...argv: string[]) => (await idse([...argv, "--json"], { cwd })).json!;

test("list and info show what is installed and what was granted", async () => {
  const cwd = await withPlugin();
  const list = await json(cwd, "plugin", "list");
  expect(list.data.plugins.map((p: { name: string }) => p.name)).toEqual(["mem-store"]);
  expect(list.data.available).toBeUndefined();
  const info = await json(cwd, "plugin", "info", "mem-store");
  expect(info.data).toMatchObject({ name: "mem-store", bundled: null, description: "test plugin mem-store" });
  expect(info.data.installed.capabilities).toEqual(["read", "write"]);
  const bundled = await json(cwd, "plugin", "info", "windsurf");
  expect(bundled.data).toMatchObject({ installed: null, bundled: { name: "windsurf", core: false } });
  const core = await json(cwd, "plugin", "info", "cursor");
  expect(core.data.bundled).toMatchObject({ core: true });
  expect((await json(cwd, "plugin", "info", "nope")).diagnostics[0].code).toBe("PLUGIN_NOT_FOUND");
  const text = await idse(["plugin", "list"], { cwd });
  expect(text.stdout).toContain("mem-store  1.0.0    store  yes      path: vendor/mem-store");
});

test("verify re-hashes every file: modified, missing and unexpected files are tampering (exit 1)", async () => {
  const cwd = await withPlugin();
  expect((await json(cwd, "plugin", "verify")).data).toEqual({
    ok: true,
    plugins: [{ name: "mem-store", ok: true, files: 3, problems: [] }],
  });
  const dir = join(cwd, ".idse", "plugins", "mem-store");
  appendFileSync(join(dir, "index.js"), "// changed\n");
  rmSync(join(dir, "README.md"));
  writeFileSync(join(dir, "extra.js"), "x");
  const r = await idse(["plugin", "verify", "--json"], { cwd });
  expect(r.code).toBe(1);
  const problems = r.json!.data.plugins[0].problems.map(
    (p: { file: string; problem: string }) => `${p.problem} ${p.file}`,
  );
  expect(problems.sort()).toEqual(["missing README.md", "modified index.js", "unexpected extra.js"]);
  expect(r.json!.diagnostics.map((d: { code: string }) => d.code)).toEqual([
    "PLUGIN_TAMPERED",
    "PLUGIN_TAMPERED",
    "PLUGIN_TAMPERED",
  ]);
});

test("disable, enable and remove change plugins.json (and remove the folder) and nothing else", async () => {
  const cwd = await withPlugin();
  const lock = () => JSON.parse(readFileSync(join(cwd, ".idse", "plugins.json"), "utf8"));
  expect((await json(cwd, "plugin", "disable", "mem-store")).data.action).toBe("disabled");
  expect(lock().plugins[0].enabled).toBe(false);
  expect((await json(cwd, "plugin", "disable", "mem-store")).data.action).toBe("unchanged");
  expect((await json(cwd, "plugin", "enable", "mem-store")).data.action).toBe("enabled");
  expect(lock().plugins[0].enabled).toBe(true);
  expect((await json(cwd, "plugin", "remove", "mem-store")).data.action).toBe("removed");
  expect(lock().plugins).toEqual([]);
  expect(existsSync(join(cwd, ".idse", "plugins", "mem-store"))).toBe(false);
  const again = await idse(["plugin", "remove", "mem-store", "--json"], { cwd });
  expect(again.code).toBe(1);
  expect(again.json!.diagnostics[0].code).toBe("PLUGIN_NOT_FOUND");
});

test("a corrupt plugins.json is reported, never rewritten", async () => {
  const cwd = await workspace();
  writeFileSync(join(cwd, ".idse", "plugins.json"), "{ nope");
  expect((await json(cwd, "plugin", "list")).diagnostics[0].code).toBe("CORRUPT_FILE");
  writeFileSync(join(cwd, ".idse", "plugins.json"), '{"plugins":[{"name":"x"}]}');
  const r = await json(cwd, "plugin", "add", "./x", "--yes");
  expect(r.diagnostics[0].code).toBe("IO_ERROR");
  expect((await json(cwd, "plugin", "list")).diagnostics[0].code).toBe("INVALID_FILE");
  expect(readFileSync(join(cwd, ".idse", "plugins.json"), "utf8")).toBe('{"plugins":[{"name":"x"}]}');
});

test("a command that needs no plugin loads none: a broken plugins.json does not stop status", async () => {
  const cwd = await workspace();
  writeFileSync(join(cwd, ".idse", "plugins.json"), "{ nope");
  expect((await idse(["status"], { cwd })).code).toBe(0);
});

test("agents sync-files renders installed routing plugins; --ide accepts them", async () => {
  const cwd = await workspace();
  expect((await idse(["plugin", "add", "windsurf", "--yes"], { cwd })).code).toBe(0);
  const added = await json(
    cwd,
    "agents",
    "add",
    "cascade",
    "--ide",
    "windsurf",
    "--mode",
    "planning",
    "--stages",
    "intent",
  );
  expect(added.diagnostics).toEqual([]);
  const r = await json(cwd, "agents", "sync-files", "--ide", "windsurf");
  expect(r.data.files).toEqual([
    expect.objectContaining({ path: ".windsurfrules", adapter: "windsurf", action: "created" }),
  ]);
  expect(readFileSync(join(cwd, ".windsurfrules"), "utf8")).toContain("`cascade`");
  const bad = await idse(["agents", "sync-files", "--ide", "nope", "--json"], { cwd });
  expect(bad.code).toBe(2);
  expect(bad.json!.diagnostics[0].code).toBe("INVALID_ENUM");
});
