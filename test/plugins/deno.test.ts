import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DENO, REPO } from "../helpers.ts";
import { pluginFiles, pluginFolder, registry, workspace } from "./fixtures.ts";

// The plugin system from source on Deno (DESIGN.md §3): a bundled plugin, a folder, and a registry
// install whose semver range resolves there too. Spawned asynchronously, so the registry in this
// process keeps answering.

async function deno(args: string[], cwd: string, env: Record<string, string> = {}) {
  const p = Bun.spawn([DENO, "run", "-A", "--quiet", join(REPO, "src/main.ts"), ...args, "--json"], {
    cwd,
    env: { ...process.env, HOME: cwd, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  return { code, json: JSON.parse(stdout) };
}

test("on Deno: add from the binary's catalogue, a folder and a registry; load; verify", async () => {
  const reg = registry();
  for (const v of ["1.0.0", "1.4.0", "2.0.0"])
    await reg.publish("idse-zed", v, pluginFiles({ name: "zed-store", version: v }));
  const cwd = await workspace();
  const env = { IDSE_REGISTRY: reg.url, IDSE_CACHE_DIR: join(cwd, "cache") };
  expect((await deno(["plugin", "add", "windsurf", "--yes"], cwd)).code).toBe(0);
  expect((await deno(["plugin", "add", pluginFolder({}, cwd), "--yes"], cwd)).code).toBe(0);
  const fromRegistry = await deno(["plugin", "add", "idse-zed@~1.0 || ^1.2", "--yes"], cwd, env);
  expect(fromRegistry.code, JSON.stringify(fromRegistry.json)).toBe(0);
  expect(fromRegistry.json.data.plugin).toMatchObject({
    name: "zed-store",
    version: "1.4.0",
    source: "registry",
  });
  const synced = await deno(["agents", "sync-files", "--ide", "windsurf"], cwd);
  expect(synced.code).toBe(0);
  expect(existsSync(join(cwd, ".windsurfrules"))).toBe(true);
  const verify = await deno(["plugin", "verify"], cwd);
  expect(verify.json.data.plugins.map((p: { name: string; ok: boolean }) => `${p.name} ${p.ok}`)).toEqual([
    "mem-store true",
    "windsurf true",
    "zed-store true",
  ]);
}, 120_000);
