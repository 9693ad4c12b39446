import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "../../src/cli/command.ts";
import { sri, treeIntegrity } from "../../src/plugins/integrity.ts";
import { snapshot } from "../e2e/util.ts";
import { idse, tempDir } from "../helpers.ts";
import { type PluginSpec, pluginFiles, pluginFolder, storeCode, tgz, workspace } from "./fixtures.ts";

// `idse plugin add` from a folder, a tarball and the binary's catalogue; the confirmation; and every
// refusal, each of which must leave .idse/plugins.json and .idse/plugins/ exactly as they were.

const add = (cwd: string, spec: string, ...rest: string[]) =>
  idse(["plugin", "add", spec, "--yes", "--json", ...rest], { cwd });
const lockOf = (cwd: string) => JSON.parse(readFileSync(join(cwd, ".idse", "plugins.json"), "utf8"));

describe("sources", () => {
  test("a folder: recorded relative to the repository, with the integrity of its files", async () => {
    const cwd = await workspace();
    pluginFolder({}, join(cwd, "vendor"));
    const r = await add(cwd, "./vendor/mem-store");
    expect(r.code, r.stdout).toBe(0);
    expect(r.json!.data).toMatchObject({ action: "added", previous: null });
    const [entry] = lockOf(cwd).plugins;
    expect(entry).toMatchObject({
      name: "mem-store",
      version: "1.0.0",
      kind: "store",
      source: "path",
      resolved: "vendor/mem-store",
      entry: "index.js",
      enabled: true,
      api_version: 1,
      package: "@acme/idse-mem-store",
    });
    expect(Object.keys(entry.files)).toEqual(["README.md", "index.js", "package.json"]);
    expect(entry.files["index.js"]).toBe(sri(storeCode()));
    expect(entry.integrity).toBe(treeIntegrity(entry.files));
    expect(existsSync(join(cwd, ".idse", "plugins", "mem-store", "index.js"))).toBe(true);
    // Installing the same thing again changes nothing and asks nothing.
    const again = await idse(["plugin", "add", "./vendor/mem-store", "--json"], { cwd, stdin: "" });
    expect(again.json!.data.action).toBe("unchanged");
  });

  test("a tarball: its sha512 is the integrity, its package/ folder is stripped", async () => {
    const cwd = await workspace();
    const bytes = await tgz(pluginFiles({ name: "tar-store" }));
    writeFileSync(join(cwd, "tar-store-1.0.0.tgz"), bytes);
    const r = await add(cwd, "tar-store-1.0.0.tgz");
    expect(r.code, r.stdout).toBe(0);
    expect(lockOf(cwd).plugins[0]).toMatchObject({
      source: "tarball",
      resolved: "tar-store-1.0.0.tgz",
      integrity: sri(bytes),
    });
  });

  test("a tarball made by `npm pack` (install scripts in it are never run)", async () => {
    const cwd = await workspace();
    const dir = pluginFolder({ name: "packed" });
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    pkg.scripts = { preinstall: "touch PWNED", install: "touch PWNED", postinstall: "touch PWNED" };
    writeFileSync(join(dir, "package.json"), JSON.stringify(pkg));
    const out = tempDir("idse-pack-");
    const packed = spawnSync("npm", ["pack", dir, "--pack-destination", out, "--json", "--ignore-scripts"], {
      encoding: "utf8",
    });
    expect(packed.status, packed.stderr).toBe(0);
    const file = join(out, JSON.parse(packed.stdout)[0].filename);
    const r = await add(cwd, file);
    expect(r.code, r.stdout).toBe(0);
    expect(lockOf(cwd).plugins[0]).toMatchObject({ name: "packed", source: "tarball", resolved: file });
    expect(
      existsSync(join(cwd, "PWNED")) || existsSync(join(cwd, ".idse", "plugins", "packed", "PWNED")),
    ).toBe(false);
  });

  test("a bundled plugin by name, with no network (the binary's catalogue)", async () => {
    const cwd = await workspace();
    const r = await idse(["plugin", "add", "windsurf", "--yes", "--offline", "--json"], {
      cwd,
      env: { IDSE_REGISTRY: "http://127.0.0.1:9/" },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(lockOf(cwd).plugins[0]).toMatchObject({ name: "windsurf", kind: "routing", source: "builtin" });
    const list = await idse(["plugin", "list", "--available", "--json"], { cwd });
    const names = list.json!.data.available.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(["claude-code", "cursor", "windsurf"]));
  });

  test("a core adapter is not installable; an unparsable spec is a usage error", async () => {
    const cwd = await workspace();
    expect((await add(cwd, "cursor")).json!.diagnostics[0].code).toBe("PLUGIN_CORE");
    const bad = await add(cwd, "Not A Name!");
    expect(bad.code).toBe(2);
    expect(bad.json!.diagnostics[0].code).toBe("PLUGIN_SPEC_INVALID");
  });

  test("an update replaces the folder and keeps the options", async () => {
    const cwd = await workspace();
    pluginFolder({ version: "1.0.0" }, join(cwd, "v1"));
    pluginFolder({ version: "2.0.0" }, join(cwd, "v2"));
    expect((await add(cwd, "./v1/mem-store", "--option", "prefix=a/")).code).toBe(0);
    const r = await add(cwd, "./v2/mem-store");
    expect(r.json!.data).toMatchObject({ action: "updated", previous: "1.0.0" });
    expect(lockOf(cwd).plugins[0]).toMatchObject({ version: "2.0.0", options: { prefix: "a/" } });
  });
});

describe("confirmation", () => {
  test("without a terminal and without --yes it shows what it grants, fails with a code, and changes nothing", async () => {
    const cwd = await workspace();
    pluginFolder({ hosts: ["api.example.test"], env: ["MEM_TOKEN"] }, cwd);
    const before = snapshot(join(cwd, ".idse"));
    const r = await idse(["plugin", "add", "./mem-store", "--json"], { cwd, stdin: "" });
    expect(r.code).toBe(1);
    expect(r.json!.diagnostics[0].code).toBe("CONFIRMATION_REQUIRED");
    // The hint says to read what it grants before --yes: it is there to read, on stderr.
    expect(r.stderr).toContain("api.example.test");
    expect(r.stderr).toContain("MEM_TOKEN");
    expect(snapshot(join(cwd, ".idse"))).toEqual(before);
  });

  test("at a terminal it shows what it grants and asks; no is a cancel (130)", async () => {
    const cwd = await workspace();
    pluginFolder({ hosts: ["api.example.test"], env: ["MEM_TOKEN"] }, cwd);
    const asked: string[] = [];
    const io = (answer: string) =>
      ({
        stdinIsTTY: true,
        prompt: async (q: string) => {
          asked.push(q);
          return answer;
        },
      }) as Partial<Io>;
    const before = snapshot(join(cwd, ".idse"));
    const no = await idse(["plugin", "add", "./mem-store"], { cwd, io: io("n") });
    expect(no.code).toBe(130);
    expect(no.stderr).toContain("network hosts:         api.example.test");
    expect(no.stderr).toContain("environment variables: MEM_TOKEN");
    // The grants are said to limit the host API only, not the plugin's own process.
    expect(no.stderr).toContain("These grants limit only the host API idse hands the plugin");
    expect(no.stderr).toContain("its own process.env, fetch, child processes and files are not limited");
    expect(snapshot(join(cwd, ".idse"))).toEqual(before);
    // Ctrl-C or Ctrl-D at the question (the terminal reader rejects) is a cancel too, not INTERNAL.
    const interrupted = await idse(["plugin", "add", "./mem-store", "--json"], {
      cwd,
      io: {
        stdinIsTTY: true,
        prompt: async () => {
          throw Object.assign(new Error("Aborted with Ctrl+C"), { name: "AbortError" });
        },
      } as Partial<Io>,
    });
    expect([interrupted.code, interrupted.json?.diagnostics[0]?.code]).toEqual([130, "CANCELLED"]);
    expect(snapshot(join(cwd, ".idse"))).toEqual(before);
    const yes = await idse(["plugin", "add", "./mem-store"], { cwd, io: io("y") });
    expect(yes.code, yes.stderr).toBe(0);
    expect(asked).toEqual(["Install it? [y/N] ", "Install it? [y/N] "]);
  });
});

describe("refusals change nothing", () => {
  const cases: [string, PluginSpec | (() => Promise<Uint8Array>), string][] = [
    ["another apiVersion", { apiVersion: 2 }, "PLUGIN_API_VERSION"],
    ["a manifest missing fields", { idse: { name: "mem-store", apiVersion: 1 } }, "PLUGIN_MANIFEST_INVALID"],
    ["a factory that throws", { code: 'export default () => { throw new Error("boom"); };' }, "PLUGIN_ERROR"],
    [
      "a factory of another kind",
      { code: 'export default () => ({ kind: "sync", createTransport() {} });' },
      "PLUGIN_KIND",
    ],
    ["no default export", { code: "export const x = 1;" }, "PLUGIN_LOAD_FAILED"],
    ["a module that does not parse", { code: "export default (" }, "PLUGIN_LOAD_FAILED"],
    ["an unknown kind", { kind: "printer" }, "PLUGIN_MANIFEST_INVALID"],
    ["a bad name", { name: "Bad_Name" }, "PLUGIN_MANIFEST_INVALID"],
    ["a version that is not semver", { version: "one" }, "PLUGIN_MANIFEST_INVALID"],
    [
      "an entry outside the folder",
      { idse: { name: "mem-store", kind: "store", apiVersion: 1, capabilities: [], entry: "../x.js" } },
      "PLUGIN_MANIFEST_INVALID",
    ],
    [
      "a declared capability without its method",
      {
        capabilities: ["hooks"],
        kind: "routing",
        code: 'export default () => ({ name: "mem-store", label: "M", aliases: [], paths: [], renderFiles: () => [] });',
      },
      "PLUGIN_CAPABILITY",
    ],
    [
      "a symlink in the archive",
      () =>
        tgz(pluginFiles(), [
          { header: { name: "package/l", type: "symlink", linkname: "/etc/passwd", size: 0 } },
        ]),
      "PLUGIN_UNSAFE_ARCHIVE",
    ],
    [
      "a `..` in the archive",
      () => tgz(pluginFiles(), [{ header: { name: "package/../../evil.js", size: 1 }, body: "x" }]),
      "PLUGIN_UNSAFE_ARCHIVE",
    ],
    [
      "an absolute path in the archive",
      () => tgz(pluginFiles(), [{ header: { name: "/tmp/evil.js", size: 1 }, body: "x" }]),
      "PLUGIN_UNSAFE_ARCHIVE",
    ],
    [
      "a device in the archive",
      () => tgz(pluginFiles(), [{ header: { name: "package/dev", type: "character-device", size: 0 } }]),
      "PLUGIN_UNSAFE_ARCHIVE",
    ],
    [
      "a hard link in the archive",
      () =>
        tgz(pluginFiles(), [
          { header: { name: "package/h", type: "link", linkname: "package/index.js", size: 0 } },
        ]),
      "PLUGIN_UNSAFE_ARCHIVE",
    ],
    [
      "a half-written tarball",
      async () => (await tgz(pluginFiles())).subarray(0, 300),
      "PLUGIN_ARCHIVE_INVALID",
    ],
    [
      "a tarball that is not gzip",
      async () => new TextEncoder().encode("not a tarball at all"),
      "PLUGIN_ARCHIVE_INVALID",
    ],
  ];
  for (const [what, spec, code] of cases) {
    test(`${what}: ${code}`, async () => {
      const cwd = await workspace();
      // An installed plugin must survive the failed add untouched.
      pluginFolder({ name: "keeper" }, join(cwd, "keep"));
      expect((await add(cwd, "./keep/keeper")).code).toBe(0);
      const before = snapshot(join(cwd, ".idse"));
      let target: string;
      if (typeof spec === "function") {
        target = join(cwd, "bad.tgz");
        writeFileSync(target, await spec());
      } else target = pluginFolder(spec, join(cwd, "src"));
      const r = await add(cwd, target);
      expect({ code: r.code, error: r.json!.diagnostics[0].code }).toEqual({ code: 1, error: code });
      expect(snapshot(join(cwd, ".idse"))).toEqual(before);
    });
  }

  test("a factory's error names the plugin and the method", async () => {
    const cwd = await workspace();
    const dir = pluginFolder({ code: 'export default () => { throw new Error("boom"); };' });
    const d = (await add(cwd, dir)).json!.diagnostics[0];
    expect(d).toMatchObject({
      code: "PLUGIN_ERROR",
      plugin: "mem-store",
      method: "default()",
      reason: "boom",
    });
    expect(d.message).toBe('plugin "mem-store" failed in default(): boom');
  });

  test("options are checked with the plugin's own model", async () => {
    const cwd = await workspace();
    const r = await add(cwd, pluginFolder(), "--option", "prefix=42");
    expect(r.json!.diagnostics[0]).toMatchObject({ code: "PLUGIN_OPTIONS_INVALID", plugin: "mem-store" });
    expect(r.json!.diagnostics[0].reason).toBe("prefix: prefix must be a string");
    expect(existsSync(join(cwd, ".idse", "plugins.json"))).toBe(false);
    expect(existsSync(join(cwd, ".idse", "plugins"))).toBe(false);
  });
});

test("a plugin that needs options is installed without them, with a warning; it loads once they are given", async () => {
  const cwd = await workspace();
  const code = `export const options = { "~standard": { version: 1, vendor: "t", validate: (v) =>
    typeof v.database === "string" ? { value: v } : { issues: [{ message: "required", path: [{ key: "database" }] }] } } };
export default (host) => ({ kind: "store", async createStore() {
  return { kind: "t", location: host.plugin.options.database, read: async () => undefined, write: async () => {},
    has: async () => false, remove: async () => {}, list: async () => [] };
} });`;
  const r = await add(cwd, pluginFolder({ code }));
  expect(r.code, r.stdout).toBe(0);
  expect(r.json!.diagnostics).toEqual([
    expect.objectContaining({ severity: "warning", code: "PLUGIN_OPTIONS_NEEDED", plugin: "mem-store" }),
  ]);
  const { loadStore } = await import("../../src/plugins/host.ts");
  const { openWorkspace } = await import("../../src/workspace.ts");
  const ws = openWorkspace({ cwd, home: cwd, env: {} });
  await expect(loadStore(ws, "mem-store")).rejects.toMatchObject({ code: "PLUGIN_OPTIONS_INVALID" });
  expect((await loadStore(ws, "mem-store", { options: { database: "docs" } })).location).toBe("docs");
});
