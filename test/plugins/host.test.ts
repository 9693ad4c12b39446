import { describe, expect, test } from "bun:test";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IdseError } from "../../src/errors.ts";
import { coreRoutingPlugins, loadStore, loadSyncTransport, routingPlugins } from "../../src/plugins/host.ts";
import { openWorkspace } from "../../src/workspace.ts";
import { idse } from "../helpers.ts";
import { type PluginSpec, pluginFolder, registry, workspace } from "./fixtures.ts";

// The host: loading, checks, and the wrapping of every call (errors attributed, timeouts), the scoped
// fetch and env, against real plugin files installed with `idse plugin add`.

async function installed(specs: PluginSpec[]) {
  const cwd = await workspace();
  for (const s of specs) {
    const r = await idse(["plugin", "add", pluginFolder(s), "--yes", "--json"], { cwd });
    if (r.code !== 0) throw new Error(r.stdout);
  }
  return { cwd, ws: openWorkspace({ cwd, home: cwd, env: {} }) };
}

async function failure(p: Promise<unknown>): Promise<IdseError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IdseError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

const storeWith = (methods: string) => `export default (host) => ({ kind: "store", async createStore() {
  return { kind: "t", location: "t", read: async () => undefined, write: async () => {}, has: async () => false,
    remove: async () => {}, list: async () => [], ${methods} };
} });`;

describe("stores", () => {
  test("loadStore returns the plugin's store; options from plugins.json reach it", async () => {
    const { ws } = await installed([{}]);
    const store = await loadStore(ws, "mem-store", { options: { prefix: "p/" } });
    await store.write("projects/a", "text");
    expect(await store.read("projects/a")).toBe("text");
    expect(await store.has!("projects/a")).toBe(true);
    expect(await store.list!("")).toEqual([{ name: "p/projects/a", kind: "file" }]);
    expect(store.kind).toBe("memory-test");
    // Optional methods the plugin lacks stay absent, so callers can detect them by presence.
    expect(store.lock).toBeUndefined();
  });

  test("an error names the plugin and the method; a catalogue code thrown by the plugin is kept", async () => {
    const code = storeWith(`
      listTree: async () => { throw new Error("disk on fire"); },
      lock: async () => { throw Object.assign(new Error("busy"), { code: "LOCKED", data: { file: "db", pid: 7 } }); },`);
    const { ws } = await installed([{ code, capabilities: ["listTree", "lock"] }]);
    const store = await loadStore(ws, "mem-store");
    const e = await failure(store.listTree!("x"));
    expect(e.code).toBe("PLUGIN_ERROR");
    expect(e.message).toBe('plugin "mem-store" failed in listTree(): disk on fire');
    const locked = await failure(store.lock!("k", { timeoutMs: 10 }));
    expect(locked.code).toBe("LOCKED");
    expect(locked.data).toMatchObject({ plugin: "mem-store", method: "lock()", pid: 7 });
  });

  test("a result of the wrong type or shape is PLUGIN_ERROR naming the plugin and the method", async () => {
    const code = storeWith(`
      keys: async () => "nope",
      hash: async () => 7,`)
      .replace("read: async () => undefined", "read: async () => 5")
      .replace("has: async () => false", "has: async () => 'yes'")
      .replace(
        "list: async () => []",
        'list: async (p) => p === "x" ? [{ name: "../../etc", kind: "dir" }] : [{ name: 5 }]',
      );
    const { ws } = await installed([{ code, capabilities: ["keys", "hash"] }]);
    const store = await loadStore(ws, "mem-store");
    const cases: [Promise<unknown>, string][] = [
      [store.read("k"), "read(): returned a number, not text or undefined"],
      [store.has!("k"), "has(): returned a string, not a boolean"],
      [store.keys!("k"), "keys(): returned a string, not an array of keys"],
      [store.hash!("k"), "hash(): returned a number, not text or undefined"],
      [store.list!("x"), 'list(): listed {"name":"../../etc","kind":"dir"}'],
      [store.list!(""), 'list(): listed {"name":5}'],
    ];
    for (const [call, message] of cases) {
      const e = await failure(call);
      expect(e.code).toBe("PLUGIN_ERROR");
      expect(e.message).toContain(`plugin "mem-store" failed in ${message}`);
    }
  });

  test("a call that never settles times out", async () => {
    const { ws } = await installed([
      { code: storeWith("listTree: () => new Promise(() => {}),"), capabilities: ["listTree"] },
    ]);
    const store = await loadStore(ws, "mem-store", { timeoutMs: 100 });
    const e = await failure(store.listTree!("x"));
    expect(e.code).toBe("PLUGIN_TIMEOUT");
    expect(e.data).toEqual({ plugin: "mem-store", method: "listTree()", ms: 100 });
  });

  test("a declared capability whose method is missing is refused when the store is created", async () => {
    const { ws } = await installed([{ capabilities: ["lock"] }]);
    expect((await failure(loadStore(ws, "mem-store"))).code).toBe("PLUGIN_CAPABILITY");
  });

  test("the old capability names `tree` and `batch` are read as listTree and writeMany", async () => {
    const both = storeWith("listTree: async () => ['a'], writeMany: async () => {},");
    const { ws } = await installed([{ code: both, capabilities: ["tree", "batch"] }]);
    expect(await (await loadStore(ws, "mem-store")).listTree!("x")).toEqual(["a"]);
    // The promise stands under its old name: a store without the method is refused.
    const { ws: without } = await installed([{ code: storeWith(""), capabilities: ["tree"] }]);
    const e = await failure(loadStore(without, "mem-store"));
    expect([e.code, e.data.capability]).toEqual(["PLUGIN_CAPABILITY", "listTree"]);
  });

  test("a store without list() has keys(); one with neither is refused", async () => {
    const code = (methods: string) => `export default () => ({ kind: "store", async createStore() {
      return { kind: "t", location: "t", read: async () => undefined, write: async () => {},
        remove: async () => {}, ${methods} };
    } });`;
    const { ws } = await installed([{ code: code("keys: async (p) => [p + '/a/b.md'],") }]);
    expect(await (await loadStore(ws, "mem-store")).keys!("x")).toEqual(["x/a/b.md"]);
    const { ws: neither } = await installed([{ code: code("") }]);
    expect((await failure(loadStore(neither, "mem-store"))).code).toBe("PLUGIN_CAPABILITY");
  });

  test("a tampered entry file is refused before it runs; a disabled plugin is not loaded", async () => {
    const { cwd, ws } = await installed([{}]);
    await idse(["plugin", "disable", "mem-store"], { cwd });
    expect((await failure(loadStore(ws, "mem-store"))).code).toBe("PLUGIN_DISABLED");
    await idse(["plugin", "enable", "mem-store"], { cwd });
    appendFileSync(join(cwd, ".idse", "plugins", "mem-store", "index.js"), "\nglobalThis.pwned = true;\n");
    expect((await failure(loadStore(ws, "mem-store"))).code).toBe("PLUGIN_INTEGRITY");
    expect((globalThis as { pwned?: boolean }).pwned).toBeUndefined();
  });

  test("a lockfile entry for another apiVersion or kind is refused", async () => {
    const { cwd, ws } = await installed([{}]);
    expect((await failure(loadSyncTransport(ws, "mem-store"))).code).toBe("PLUGIN_KIND");
    expect((await failure(loadStore(ws, "nope"))).code).toBe("PLUGIN_NOT_FOUND");
    const file = join(cwd, ".idse", "plugins.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"api_version": 1', '"api_version": 2'));
    expect((await failure(loadStore(ws, "mem-store"))).code).toBe("PLUGIN_API_VERSION");
  });
});

const transport = (body: string) => `export default (host) => ({ kind: "sync", async createTransport() {
  return { list: async () => [], get: async (k) => { ${body} }, put: async () => {
    throw Object.assign(new Error("changed"), { code: "REMOTE_STALE" }); } };
} });`;

describe("sync transports and the network", () => {
  test("REMOTE_STALE passes through untouched; required capabilities are checked", async () => {
    const { ws } = await installed([
      { name: "sync-a", kind: "sync", capabilities: ["push"], code: transport("return undefined;") },
    ]);
    const t = await loadSyncTransport(ws, "sync-a", { require: ["push"] });
    const stale = await t.put("k", "v").catch((e) => e);
    expect(stale.code).toBe("REMOTE_STALE");
    expect(stale).not.toBeInstanceOf(IdseError);
    const e = await failure(loadSyncTransport(ws, "sync-a", { require: ["pull"] }));
    expect(e.code).toBe("PLUGIN_CAPABILITY");
  });

  test("host.fetch reaches the manifest's hosts and the configured remotes, nothing else", async () => {
    const reg = registry();
    await reg.publish("x", "1.0.0", { "package.json": "{}" });
    const port = new URL(reg.url).port;
    const body = "const r = await host.fetch(k); return { text: String(r.status) };";
    const { ws } = await installed([
      { name: "granted", kind: "sync", hosts: [`127.0.0.1:${port}`], code: transport(body) },
      { name: "ungranted", kind: "sync", hosts: ["api.example.test"], code: transport(body) },
    ]);
    const ok = await loadSyncTransport(ws, "granted");
    expect(await ok.get(`${reg.url}x`)).toEqual({ text: "200" });
    const no = await loadSyncTransport(ws, "ungranted");
    const denied = await failure(no.get(`${reg.url}x`));
    expect(denied.data).toMatchObject({ plugin: "ungranted", host: `127.0.0.1:${port}` });
    expect(denied.code).toBe("PLUGIN_NETWORK_DENIED");
    const remote = await loadSyncTransport(ws, "ungranted", { remotes: [reg.url] });
    expect(await remote.get(`${reg.url}x`)).toEqual({ text: "200" });
    expect(reg.requests.length).toBe(2);
  });

  test("host.env sees only declared variables; host.log redacts their values", async () => {
    const code = `export default (host) => ({ kind: "sync", async createTransport() {
      host.log("info", "token is " + host.env("MY_TOKEN") + ", home is " + host.env("HOME"));
      return { list: async () => [], get: async () => undefined, put: async () => ({}) };
    } });`;
    const { ws } = await installed([{ name: "envy", kind: "sync", env: ["MY_TOKEN"], code }]);
    const lines: string[] = [];
    await loadSyncTransport(ws, "envy", {
      env: { MY_TOKEN: "hunter22", HOME: "/home/x" },
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual(["[envy] info: token is ***, home is undefined\n"]);
  });

  test("host.log writes one line of text: a server's answer in it cannot drive the terminal or forge a line", async () => {
    const code = `export default (host) => ({ kind: "sync", async createTransport() {
      host.log("warn", "retrying: " + "\\u001b]0;pwned\\u0007ok\\r\\nerror[FAKE]: all is well");
      return { list: async () => [], get: async () => undefined, put: async () => ({}) };
    } });`;
    const { ws } = await installed([{ name: "echo", kind: "sync", code }]);
    const lines: string[] = [];
    await loadSyncTransport(ws, "echo", { log: (l) => lines.push(l) });
    expect(lines).toEqual(["[echo] warn: retrying: \\x1b]0;pwned\\x07ok\\x0d\\nerror[FAKE]: all is well\n"]);
  });
});

describe("routing", () => {
  test("the core adapters load through the host; installed routing plugins come after them", async () => {
    expect(coreRoutingPlugins().map((p) => p.name)).toEqual([
      "claude-code",
      "codex",
      "copilot",
      "cursor",
      "gemini",
    ]);
    const code = `export default (host) => ({ name: "zed", label: "Zed", aliases: [], paths: [".rules"],
      renderFiles(ctx) { if (ctx.project === "boom") throw new Error("no"); return [{ path: ".rules", body: host.instructions(ctx, { title: "Zed", intro: "" }) }]; } });`;
    const { ws } = await installed([{ name: "zed", kind: "routing", capabilities: ["files"], code }]);
    const all = await routingPlugins(ws);
    expect(all.map((p) => p.name)).toEqual(["claude-code", "codex", "copilot", "cursor", "gemini", "zed"]);
    const zed = all.at(-1)!;
    expect(() => zed.renderFiles({ project: "boom" } as never)).toThrow(
      'plugin "zed" failed in renderFiles(): no',
    );
  });
});
