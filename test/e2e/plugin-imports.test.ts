import { beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PluginLockEntry } from "../../src/models/plugins.ts";
import { sri, treeIntegrity } from "../../src/plugins/integrity.ts";
import { tempDir } from "../helpers.ts";
import { errorOf, expectFail, json, ok, readJson, requireBinary, snapshot } from "./util.ts";

// A plugin imports only built-in modules and its own files, on the compiled binary: a bare specifier
// would be found in the repository's node_modules (code nobody approved, which `plugin verify` does not
// see), so it is refused at `plugin add` and at every load, before any of the plugin's code runs.

beforeAll(requireBinary);

const STORE = `export default () => ({ kind: "store", async createStore() { return {
  kind: "m", location: "m", read: async () => undefined, write: async () => {}, has: async () => false,
  remove: async () => {}, list: async () => [] }; } });
`;
const manifest = (name: string) =>
  JSON.stringify({
    name,
    version: "1.0.0",
    type: "module",
    idse: { name, kind: "store", apiVersion: 1, entry: "index.js", capabilities: [] },
  });

/** A workspace whose node_modules holds a package that writes a marker when it is loaded. */
function repoWithPackage() {
  const cwd = tempDir();
  const marker = join(tempDir("idse-marker-"), "ran");
  const env = { HOME: tempDir("idse-home-"), IDSE_TEST_MARKER: marker };
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env });
  const pkg = join(cwd, "node_modules", "idse-dep-probe");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, "package.json"),
    JSON.stringify({ name: "idse-dep-probe", type: "module", main: "index.js" }),
  );
  writeFileSync(
    join(pkg, "index.js"),
    `import { writeFileSync } from "node:fs"; writeFileSync(process.env.IDSE_TEST_MARKER, "ran"); export default 1;\n`,
  );
  return { cwd, env, marker };
}

function source(name: string, code: string): string {
  const dir = join(tempDir("idse-plugin-src-"), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), manifest(name));
  writeFileSync(join(dir, "index.js"), code);
  return dir;
}

test("plugin add refuses a plugin that imports a package, before asking and before running anything", () => {
  const x = repoWithPackage();
  const cases = [
    `import probe from "idse-dep-probe";\n${STORE}`,
    `export * from "idse-dep-probe";\n${STORE}`,
    `const probe = await import("idse-dep-probe");\n${STORE}`,
    `import probe from "../../node_modules/idse-dep-probe/index.js";\n${STORE}`,
    `import probe from "${join(x.cwd, "node_modules/idse-dep-probe/index.js")}";\n${STORE}`,
  ];
  for (const code of cases) {
    const before = snapshot(join(x.cwd, ".idse"));
    const r = expectFail(
      json(["plugin", "add", source("dep-store", code), "--yes"], x),
      1,
      "PLUGIN_IMPORT_REFUSED",
    );
    expect(errorOf(r).message).toContain('plugin "dep-store" imports');
    expect(errorOf(r).hint).toContain("bun build");
    expect(snapshot(join(x.cwd, ".idse"))).toEqual(before);
    expect(existsSync(x.marker)).toBe(false);
  }
  // Built-in modules and its own files are what a plugin may import (the marker proves nothing else ran).
  const fine = source(
    "fine-store",
    `import { join } from "node:path";\nimport fs from "fs";\nvoid join, fs;\n${STORE}`,
  );
  ok(["plugin", "add", fine, "--yes"], x);
  expect(existsSync(x.marker)).toBe(false);
});

test("a plugin changed to import a package, with plugins.json rewritten and approved, is refused at load", () => {
  const x = repoWithPackage();
  ok(["plugin", "add", source("dep-store", STORE), "--yes"], x);
  writeFileSync(join(x.cwd, ".idse", "config.json"), JSON.stringify({ store: { plugin: "dep-store" } }));
  const dir = join(x.cwd, ".idse", "plugins", "dep-store");
  writeFileSync(join(dir, "index.js"), `import probe from "idse-dep-probe";\n${STORE}`);
  const lockFile = join(x.cwd, ".idse", "plugins.json");
  const lock = readJson(lockFile);
  const p = lock.plugins[0] as PluginLockEntry;
  p.files["index.js"] = sri(readFileSync(join(dir, "index.js")));
  p.integrity = p.files_integrity = treeIntegrity(p.files);
  writeFileSync(lockFile, JSON.stringify(lock));
  // Consistent and approved: the import is what stops it.
  ok(["trust"], x);
  for (const argv of [["status"], ["validate"], ["sessions"]]) {
    expectFail(json(argv, x), 1, "PLUGIN_IMPORT_REFUSED");
    expect(existsSync(x.marker)).toBe(false);
  }
});
