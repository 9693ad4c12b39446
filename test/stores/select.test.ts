import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { type ErrorCode, errorCodes, IdseError } from "../../src/errors.ts";
import { STORE_ERROR_CODES } from "../../src/store/contract.ts";
import { isLazyStore } from "../../src/store/select.ts";
import { openWorkspace } from "../../src/workspace.ts";
import { idse, tempDir } from "../helpers.ts";
import { pluginFolder } from "../plugins/fixtures.ts";

// Choosing the repository's store (`store: { plugin, options }`, `init --store`): the config, the lazy
// plugin store behind ws.store and its fallbacks, and store errors reaching the CLI with their codes.

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const writeJson = (file: string, value: unknown) => {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};

async function failure(p: Promise<unknown>): Promise<IdseError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IdseError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

/**
 * A store plugin over one JSON file (.idse/<name>.json) with only the five required methods, so every
 * optional method of the lazy store falls back; `extra` adds or replaces methods.
 */
function minimalStore(extra = ""): string {
  return `import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
export default (host) => ({
  kind: "store",
  async createStore() {
    const file = join(host.workspace.idseDir, host.plugin.name + ".json");
    const load = () => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {});
    const save = (d) => writeFileSync(file, JSON.stringify(d));
    const below = (d, p) => Object.keys(d).filter((k) => k.startsWith(p + "/"));
    return {
      kind: "minimal",
      location: file,
      read: async (k) => load()[k],
      write: async (k, v) => { const d = load(); d[k] = v; save(d); },
      has: async (k) => { const d = load(); return k in d || below(d, k).length > 0; },
      remove: async (k) => { const d = load(); for (const x of [k, ...below(d, k)]) delete d[x]; save(d); },
      list: async (p) => {
        const kinds = new Map();
        for (const k of below(load(), p)) {
          const [name, ...rest] = k.slice(p.length + 1).split("/");
          if (kinds.get(name) !== "dir") kinds.set(name, rest.length ? "dir" : "file");
        }
        return [...kinds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, kind]) => ({ name, kind }));
      },
      ${extra}
    };
  },
});
`;
}

/** A workspace (no project yet) with store plugin `name` installed and configured as its store. */
async function withPluginStore(code: string, name = "min-store", capabilities = ["read", "write", "list"]) {
  const cwd = tempDir();
  mkdirSync(join(cwd, ".idse"));
  const add = await idse(["plugin", "add", pluginFolder({ name, code, capabilities }), "--yes"], { cwd });
  expect(add.code, add.stderr).toBe(0);
  writeJson(join(cwd, ".idse", "config.json"), { store: { plugin: name } });
  return cwd;
}

describe("the store setting", () => {
  test("filesystem by default; `store.plugin` in the repository config; IDSE_STORE_PLUGIN over it", () => {
    const cwd = tempDir();
    const idseDir = join(cwd, ".idse");
    const load = (env = {}) => loadConfig({ home: cwd, idseDir, env });
    expect(load().values["store.plugin"]).toBe("filesystem");
    writeJson(join(idseDir, "config.json"), { store: { plugin: "sqlite-store", options: { path: "x.db" } } });
    expect(load().values["store.plugin"]).toBe("sqlite-store");
    expect(load().sources["store.plugin"]).toBe("repo");
    const env = load({ IDSE_STORE_PLUGIN: "filesystem" });
    expect([env.values["store.plugin"], env.sources["store.plugin"]]).toEqual(["filesystem", "env"]);
  });

  test("the old `store.backend` key is read when `store.plugin` is absent", () => {
    const cwd = tempDir();
    const idseDir = join(cwd, ".idse");
    writeJson(join(idseDir, "config.json"), { store: { backend: "sqlite-store" } });
    expect(loadConfig({ home: cwd, idseDir, env: {} }).values["store.plugin"]).toBe("sqlite-store");
    writeJson(join(idseDir, "config.json"), { store: { backend: "x-store", plugin: "filesystem" } });
    expect(loadConfig({ home: cwd, idseDir, env: {} }).values["store.plugin"]).toBe("filesystem");
  });

  test("the home file never chooses a repository's store", () => {
    const home = tempDir();
    writeJson(join(home, ".idseconfig.json"), { owner: "ana", store: { plugin: "sqlite-store" } });
    const c = loadConfig({ home, idseDir: join(tempDir(), ".idse"), env: {} });
    expect(c.values.owner).toBe("ana");
    expect([c.values["store.plugin"], c.sources["store.plugin"]]).toEqual(["filesystem", "default"]);
  });

  test("an invalid store name in the config is INVALID_CONFIG", async () => {
    const cwd = tempDir();
    writeJson(join(cwd, ".idse", "config.json"), { store: { plugin: "Not A Name" } });
    const r = await idse(["status", "--json"], { cwd });
    expect([r.code, r.json?.diagnostics[0].code]).toEqual([1, "INVALID_CONFIG"]);
  });
});

describe("config set|unset store.plugin", () => {
  const run = async (cwd: string, ...argv: string[]) => {
    const r = await idse([...argv, "--json"], { cwd });
    return {
      code: r.code,
      codes: r.json?.diagnostics.map((d: { code: string }) => d.code) ?? [],
      json: r.json,
    };
  };

  test("refused while the configured store holds projects, as init --store is: they would vanish", async () => {
    const cwd = tempDir();
    expect((await run(cwd, "init", "shop", "--no-create-agent-files")).code).toBe(0);
    expect(existsSync(join(cwd, ".idse", "config.json"))).toBe(false);
    const r = await run(cwd, "config", "set", "store.plugin", "bogus");
    expect([r.code, r.codes[0]]).toEqual([1, "STORE_IN_USE"]);
    expect(r.json!.diagnostics[0].message).toContain("`config set store.plugin bogus` would hide them");
    expect(r.json!.diagnostics[0].hint).toContain("`idse store migrate --to bogus`");
    expect(existsSync(join(cwd, ".idse", "config.json"))).toBe(false);
    // Setting the store already in use changes nothing it could hide.
    expect((await run(cwd, "config", "set", "store.plugin", "filesystem")).code).toBe(0);
    expect((await run(cwd, "status")).code).toBe(0);
  });

  test("unset of a plugin store that holds projects is refused; with the value invalid, unset is the repair", async () => {
    const cwd = tempDir();
    expect((await run(cwd, "init", "shop", "--store", "sqlite-store", "--no-create-agent-files")).code).toBe(
      0,
    );
    const r = await run(cwd, "config", "unset", "store.plugin");
    expect([r.code, r.codes[0]]).toEqual([1, "STORE_IN_USE"]);
    expect((await run(cwd, "status")).code).toBe(0);
    writeJson(join(cwd, ".idse", "config.json"), { store: { plugin: "Not A Name" } });
    expect((await run(cwd, "status")).codes[0]).toBe("INVALID_CONFIG");
    expect((await run(cwd, "config", "unset", "store.plugin")).code).toBe(0);
  });

  test("plugin remove of the store in use is refused; with its plugin gone, unset is the repair", async () => {
    const cwd = tempDir();
    expect((await run(cwd, "init", "shop", "--store", "sqlite-store", "--no-create-agent-files")).code).toBe(
      0,
    );
    const r = await run(cwd, "plugin", "remove", "sqlite-store");
    expect([r.code, r.codes[0]]).toEqual([1, "STORE_IN_USE"]);
    expect(r.json!.diagnostics[0].message).toContain("`plugin remove sqlite-store` would hide them");
    expect(r.json!.diagnostics[0].hint).toContain("`idse store migrate --to filesystem`");
    expect(existsSync(join(cwd, ".idse", "plugins", "sqlite-store"))).toBe(true);
    expect((await run(cwd, "status")).code).toBe(0);
    // Removed by hand (or by an older idse): the store cannot be opened, and unset is not refused.
    const lock = join(cwd, ".idse", "plugins.json");
    writeJson(lock, { ...JSON.parse(readFileSync(lock, "utf8")), plugins: [] });
    expect((await run(cwd, "status")).codes[0]).toBe("PLUGIN_NOT_FOUND");
    expect((await run(cwd, "config", "unset", "store.plugin")).code).toBe(0);
  });

  test("in a repository without projects the store may be chosen", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, ".idse"));
    expect((await run(cwd, "config", "set", "store.plugin", "sqlite-store")).code).toBe(0);
  });
});

describe("ws.store", () => {
  test("the default is the filesystem store itself, not a proxy", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, ".idse"));
    const ws = openWorkspace({ cwd, home: cwd, env: {} });
    expect(ws.store.kind).toBe("filesystem");
    expect(isLazyStore(ws.store)).toBe(false);
  });

  test("a plugin store loads on its first call; keys outside projects/ stay files under .idse/", async () => {
    const cwd = tempDir();
    writeJson(join(cwd, ".idse", "config.json"), { store: { plugin: "absent-store" } });
    const ws = openWorkspace({ cwd, home: cwd, env: {} });
    // Opening the workspace loads nothing, so it cannot fail on the plugin.
    expect(isLazyStore(ws.store)).toBe(true);
    expect(ws.store.kind).toBe("absent-store");
    expect(await ws.store.read("config.json")).toContain("absent-store");
    expect((await failure(ws.store.read("projects/x"))).code).toBe("PLUGIN_NOT_FOUND");
    // The failure is the same on every call, and nothing was written.
    expect((await failure(ws.store.list("projects"))).code).toBe("PLUGIN_NOT_FOUND");
    expect(existsSync(join(cwd, ".idse", "projects"))).toBe(false);
  });

  test("optional methods fall back when the plugin lacks them: listTree, hash, writeMany, lock", async () => {
    const cwd = await withPluginStore(minimalStore());
    const ws = openWorkspace({ cwd, home: cwd, env: {} });
    const store = ws.store;
    await store.writeMany!([
      ["projects/p/a.md", "A"],
      ["projects/p/s/b.md", "B"],
    ]);
    expect(store.kind).toBe("minimal");
    expect(await store.listTree!("projects")).toEqual(["p", "p/a.md", "p/s", "p/s/b.md"]);
    expect(await store.hash!("projects/p/a.md")).toBe(
      "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd",
    );
    expect(await store.hash!("projects/none")).toBeUndefined();
    const release = await store.lock!("projects/p/.idse.lock", { timeoutMs: 10_000 });
    await release();
    await store.dispose!();
    expect(readJson(join(cwd, ".idse", "min-store.json"))).toEqual({
      "projects/p/a.md": "A",
      "projects/p/s/b.md": "B",
    });
  });

  test("the whole CLI runs on a plugin store; nothing of the project reaches .idse/projects/", async () => {
    const cwd = await withPluginStore(minimalStore());
    const run = (argv: string[], stdin?: string) => idse(argv, { cwd, stdin });
    expect((await run(["init", "shop", "--no-create-agent-files"])).code).toBe(0);
    expect((await run(["session", "create", "auth"])).code).toBe(0);
    expect((await run(["artifact", "write", "--stage", "intent"], "# Intent\n\nSign in.\n")).code).toBe(0);
    const status = await run(["status", "--json"]);
    expect(status.json?.data).toMatchObject({ project: "shop", session: "auth" });
    expect((await run(["validate", "--rule", "idse/artifact-present"])).code).toBe(0);
    expect(existsSync(join(cwd, ".idse", "projects"))).toBe(false);
    expect(
      readJson(join(cwd, ".idse", "min-store.json"))["projects/shop/sessions/auth/intents/intent.md"],
    ).toBe("# Intent\n\nSign in.\n");
  });

  test("a command closes the plugin store it opened", async () => {
    const marker =
      "const f = join(host.workspace.idseDir, 'disposed'); writeFileSync(f, String((existsSync(f) ? Number(readFileSync(f, 'utf8')) : 0) + 1));";
    const cwd = await withPluginStore(minimalStore(`dispose: async () => { ${marker} },`), "min-store", [
      "read",
      "write",
      "list",
      "dispose",
    ]);
    expect((await idse(["init", "shop", "--no-create-agent-files"], { cwd })).code).toBe(0);
    expect((await idse(["status"], { cwd })).code).toBe(0);
    expect(readFileSync(join(cwd, ".idse", "disposed"), "utf8")).toBe("2");
    // A command that never touches the store does not open it.
    expect((await idse(["config", "get", "owner"], { cwd })).code).toBe(0);
    expect(readFileSync(join(cwd, ".idse", "disposed"), "utf8")).toBe("2");
  });
});

describe("store errors", () => {
  test("every STORE_* code of the contract is in the catalogue, so the host keeps it (exit 1)", () => {
    for (const code of STORE_ERROR_CODES) {
      expect(Object.hasOwn(errorCodes(), code), code).toBe(true);
      expect(errorCodes()[code as ErrorCode].exit).toBe(1);
    }
  });

  const failing = (code: string) => `export default () => ({ kind: "store", async createStore() {
    throw Object.assign(new Error("x"), { code: "${code}", data: { store: "t", reason: "nope (${code})", sqlstate: "28P01" } });
  } });`;

  for (const code of ["STORE_UNREACHABLE", "STORE_AUTH", "STORE_SCHEMA_NEWER", "STORE_CONFIG", "STORE_TLS"]) {
    test(`${code} from opening the store: exit 1, the code and the plugin's data`, async () => {
      const cwd = await withPluginStore(failing(code), `fail-${code.toLowerCase().replace(/_/g, "-")}`);
      const r = await idse(["status", "--json"], { cwd });
      expect(r.code).toBe(1);
      expect(r.json?.diagnostics[0]).toMatchObject({
        severity: "error",
        code,
        plugin: `fail-${code.toLowerCase().replace(/_/g, "-")}`,
        method: "createStore()",
        reason: `nope (${code})`,
        sqlstate: "28P01",
      });
      const info = await idse(["store", "info", "--json"], { cwd });
      expect([info.code, info.json?.diagnostics[0].code]).toEqual([1, code]);
    });
  }

  test("a connection dropped mid-write: exit 1 with STORE_CONNECTION_LOST; the document is unchanged", async () => {
    // The store drops the connection on a write of text holding "DROP" (one plugin: a plugin module is
    // imported once per process, so a reinstalled one would not be reloaded by these in-process runs).
    const drop = `const d = load(); if (v.includes("DROP")) throw Object.assign(new Error("reset"), { code: "STORE_CONNECTION_LOST", data: { store: "t", reason: "connection reset" } }); d[k] = v; save(d);`;
    const cwd = await withPluginStore(minimalStore(`write: async (k, v) => { ${drop} },`), "drop-store");
    expect((await idse(["init", "shop", "--no-create-agent-files"], { cwd })).code).toBe(0);
    const before = readFileSync(join(cwd, ".idse", "drop-store.json"), "utf8");
    const r = await idse(["artifact", "write", "--stage", "intent", "--json"], { cwd, stdin: "# DROP\n" });
    expect([r.code, r.json?.diagnostics[0]?.code, r.json?.diagnostics[0]?.plugin]).toEqual([
      1,
      "STORE_CONNECTION_LOST",
      "drop-store",
    ]);
    expect(readFileSync(join(cwd, ".idse", "drop-store.json"), "utf8")).toBe(before);
  });
});

describe("init --store", () => {
  test("a store that cannot be opened leaves no .idse/, and reports no plugin installed", async () => {
    const cwd = tempDir();
    const r = await idse(["init", "shop", "--store", "postgres-store", "--json"], { cwd, env: {} });
    expect([r.code, r.json?.diagnostics.map((d) => d.code)]).toEqual([1, ["STORE_CONFIG"]]);
    expect(existsSync(join(cwd, ".idse"))).toBe(false);
  });

  test("sqlite-store: installs the bundled plugin, records the store, creates the project in it", async () => {
    const cwd = tempDir();
    const r = await idse(["init", "shop", "--store", "sqlite-store", "--no-create-agent-files", "--json"], {
      cwd,
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json?.diagnostics.map((d) => d.code)).toContain("STORE_PLUGIN_INSTALLED");
    expect(readJson(join(cwd, ".idse", "config.json")).store).toEqual({ plugin: "sqlite-store" });
    expect(readJson(join(cwd, ".idse", "plugins.json")).plugins[0]).toMatchObject({
      name: "sqlite-store",
      source: "builtin",
    });
    expect(existsSync(join(cwd, ".idse", "idse-store.db"))).toBe(true);
    expect(existsSync(join(cwd, ".idse", "projects"))).toBe(false);
    expect(existsSync(join(cwd, ".idse", "governance", "IDSE_CONSTITUTION.md"))).toBe(true);
    expect((await idse(["session", "create", "auth"], { cwd })).code).toBe(0);
    const info = await idse(["store", "info", "--json"], { cwd });
    expect(info.json?.data).toMatchObject({
      plugin: "sqlite-store",
      kind: "sqlite",
      source: "repo",
      location: join(cwd, ".idse", "idse-store.db"),
      version: expect.any(String),
      capabilities: ["listTree", "hash", "writeMany", "lock", "dispose"],
      projects: ["shop"],
    });
    // A second project in the same store: no reinstall, no refusal.
    const second = await idse(["init", "admin", "--store", "sqlite-store", "--json"], { cwd });
    expect(second.code, second.stdout).toBe(0);
    expect(second.json?.diagnostics.map((d) => d.code)).not.toContain("STORE_PLUGIN_INSTALLED");
  });

  test("--store-option is recorded and reaches the plugin", async () => {
    const cwd = tempDir();
    const r = await idse(
      [
        "init",
        "shop",
        "--store",
        "sqlite-store",
        "--store-option",
        "path=data/design.db",
        "--no-create-agent-files",
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readJson(join(cwd, ".idse", "config.json")).store).toEqual({
      plugin: "sqlite-store",
      options: { path: "data/design.db" },
    });
    expect(existsSync(join(cwd, "data", "design.db"))).toBe(true);
    expect((await idse(["status"], { cwd })).code).toBe(0);
  });

  test("refused when the configured store already holds projects (they would be hidden)", async () => {
    const cwd = tempDir();
    expect((await idse(["init", "shop", "--no-create-agent-files"], { cwd })).code).toBe(0);
    const r = await idse(["init", "admin", "--store", "sqlite-store", "--json"], { cwd });
    expect([r.code, r.json?.diagnostics[0].code]).toEqual([1, "STORE_IN_USE"]);
    expect(r.json?.diagnostics[0].hint).toContain("idse store migrate --to sqlite-store");
    expect(existsSync(join(cwd, ".idse", "plugins.json"))).toBe(false);
  });

  test("the original's init --backend chooses the store of the repository, never the home config", async () => {
    const cwd = tempDir();
    const r = await idse(["init", "shop", "--backend", "sqlite", "--json"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, ".idse", "config.json"), "utf8")).store.plugin).toBe(
      "sqlite-store",
    );
    expect(existsSync(join(cwd, ".idseconfig.json"))).toBe(false); // HOME is cwd here
    const both = await idse(["init", "admin", "--backend", "sqlite", "--store", "filesystem", "--json"], {
      cwd: tempDir(),
    });
    expect([both.code, both.json?.diagnostics[0].code]).toEqual([2, "USAGE"]);
    const files = tempDir();
    expect((await idse(["init", "shop", "--backend", "filesystem"], { cwd: files })).code).toBe(0);
    expect(existsSync(join(files, ".idse", "projects", "shop"))).toBe(true);
  });

  test("an unknown store leaves no .idse behind; a bad name is a usage error", async () => {
    const cwd = tempDir();
    const r = await idse(["init", "shop", "--store", "nope-store", "--json"], { cwd });
    expect([r.code, r.json?.diagnostics[0].code]).toEqual([1, "PLUGIN_NOT_FOUND"]);
    expect(existsSync(join(cwd, ".idse"))).toBe(false);
    const bad = await idse(["init", "shop", "--store", "Bad Name", "--json"], { cwd });
    expect([bad.code, bad.json?.diagnostics[0].code]).toEqual([2, "USAGE"]);
    const fsOpt = await idse(["init", "shop", "--store", "filesystem", "--store-option", "a=1"], { cwd });
    expect(fsOpt.code).toBe(2);
    expect(existsSync(join(cwd, ".idse"))).toBe(false);
  });

  test("a store that cannot be opened fails init before the config names it", async () => {
    const cwd = tempDir();
    const r = await idse(
      ["init", "shop", "--store", "sqlite-store", "--store-option", "synchronous=sometimes", "--json"],
      { cwd },
    );
    expect(r.code).toBe(1);
    expect(r.json?.diagnostics.find((d) => d.severity === "error")?.code).toBe("PLUGIN_OPTIONS_INVALID");
    expect(existsSync(join(cwd, ".idse"))).toBe(false);
  });
});
