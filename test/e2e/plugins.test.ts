import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sri } from "../../src/plugins/integrity.ts";
import { makeAjv, validator } from "../contract/ajv.ts";
import { REPO, tempDir } from "../helpers.ts";
import { expectFail, json, ok, readJson, requireBinary, run, snapshot } from "./util.ts";

// Issue 5 on the compiled binary: a tarball packed with `npm pack` from a first-party plugin
// (dist/plugins/windsurf, built by scripts/build-plugins.ts), installed, listed, verified, then used by
// `agents sync-files`; and the same plugin installed by name from the binary itself, offline.

beforeAll(requireBinary);
const ajv = makeAjv();

function packWindsurf(): string {
  const out = tempDir("idse-pack-");
  const r = spawnSync(
    "npm",
    ["pack", join(REPO, "dist", "plugins", "windsurf"), "--pack-destination", out, "--json"],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return join(out, JSON.parse(r.stdout)[0].filename);
}

test("plugin add <tarball>, plugin list, plugin verify, then agents sync-files uses the plugin", () => {
  const tgz = packWindsurf();
  const cwd = tempDir();
  ok(["init", "shop"], { cwd });
  // No terminal and no --yes: refused with a code, nothing written.
  const before = snapshot(join(cwd, ".idse"));
  expectFail(json(["plugin", "add", tgz], { cwd }), 1, "CONFIRMATION_REQUIRED");
  expect(snapshot(join(cwd, ".idse"))).toEqual(before);

  const added = ok(["plugin", "add", tgz, "--yes", "--json"], { cwd }).env;
  expect(validator(ajv, "output-plugin-add")(added)).toBeUndefined();
  expect(added.data.plugin).toMatchObject({
    name: "windsurf",
    kind: "routing",
    source: "tarball",
    resolved: tgz,
  });
  expect(added.data.plugin.integrity).toBe(sri(readFileSync(tgz)));
  expect(validator(ajv, "plugins")(readJson(join(cwd, ".idse", "plugins.json")))).toBeUndefined();

  const list = ok(["plugin", "list", "--json"], { cwd }).env;
  expect(validator(ajv, "output-plugin-list")(list)).toBeUndefined();
  expect(list.data.plugins.map((p: { name: string }) => p.name)).toEqual(["windsurf"]);
  const verified = ok(["plugin", "verify", "--json"], { cwd }).env;
  expect(validator(ajv, "output-plugin-verify")(verified)).toBeUndefined();
  expect(verified.data.ok).toBe(true);

  ok(["agents", "add", "cascade", "--ide", "windsurf", "--mode", "planning", "--stages", "intent,context"], {
    cwd,
  });
  const synced = ok(["agents", "sync-files", "--json"], { cwd }).env;
  expect(synced.data.adapters).toContain("windsurf");
  const rules = readFileSync(join(cwd, ".windsurfrules"), "utf8");
  expect(rules).toContain("# Windsurf rules");
  expect(rules).toContain("`cascade`");

  // Tampering: verify names the file, and the plugin is no longer loaded.
  appendFileSync(join(cwd, ".idse", "plugins", "windsurf", "index.js"), "\n// edited\n");
  const tampered = json(["plugin", "verify"], { cwd });
  expect(tampered.code).toBe(1);
  expect(tampered.env.data.plugins[0]).toMatchObject({
    ok: false,
    problems: [{ file: "index.js", problem: "modified" }],
  });
  expect(tampered.env.diagnostics[0]).toMatchObject({
    code: "PLUGIN_TAMPERED",
    file: ".idse/plugins/windsurf/index.js",
  });
  expectFail(json(["agents", "sync-files"], { cwd }), 1, "PLUGIN_INTEGRITY");
});

test("a bundled plugin installs by name with no registry and no network (--offline)", () => {
  const cwd = tempDir();
  ok(["init", "shop", "--no-create-agent-files"], { cwd });
  const env = { IDSE_REGISTRY: "http://127.0.0.1:9/", IDSE_CACHE_DIR: join(cwd, "no-cache") };
  const r = ok(["plugin", "add", "windsurf", "--yes", "--offline", "--json"], { cwd, env }).env;
  expect(r.data.plugin).toMatchObject({ source: "builtin", resolved: "builtin:windsurf" });
  const available = ok(["plugin", "list", "--available", "--json"], { cwd }).env.data.available;
  expect(available.find((a: { name: string }) => a.name === "windsurf")).toMatchObject({
    installed: "0.1.0",
  });
  ok(["agents", "sync-files", "--ide", "windsurf"], { cwd });
  expect(existsSync(join(cwd, ".windsurfrules"))).toBe(true);
  expect(existsSync(join(cwd, "no-cache"))).toBe(false);
  // A command that needs no plugin starts without loading any.
  expect(run(["status"], { cwd }).code).toBe(0);
});
