// Run by test/stores/deno.test.ts under Deno: loads a store plugin (its source, or its bundle) through
// its factory with a hand-made host, exercises every method once, and prints what it saw as JSON.
// Usage: deno run -A test/stores/deno-probe.ts <plugin entry> <options as JSON>
import { DatabaseSync } from "node:sqlite";
import { storeCore } from "../../src/store/core.ts";

const [entry, options] = process.argv.slice(2);
const mod = await import(entry!);
const host = {
  apiVersion: 1,
  idseVersion: "deno-probe",
  plugin: { name: "probe", options: JSON.parse(options!) },
  env: (name: string) => (name === "IDSE_POSTGRES_URL" ? process.env.IDSE_TEST_POSTGRES_URL : undefined),
  log() {},
  fetch() {
    throw new Error("no fetch in a store");
  },
};
// Through the store core, as the host opens it: the driver supplies what it has, the core the rest.
const store = storeCore(await (await mod.default(host)).createStore());
const text = "\uFEFF# Spec ✓ 😀\r\nÜnïcødé\n";
await store.write("projects/p/specs/spec.md", text);
await store.writeMany([
  ["projects/p/a.md", "a"],
  ["projects/p/b/c.md", "c"],
]);
const release = await store.lock("projects/p/.idse.lock", { timeoutMs: 1000 });
const locked = await store.lock("projects/p/.idse.lock", { timeoutMs: 50 }).then(
  () => "acquired twice",
  (e: { code?: string }) => e.code,
);
await release();
const nul = await store.write("projects/p/nul.md", "a\0b").then(
  () => "stored",
  (e: { code?: string }) => e.code,
);
const out = {
  runtime: typeof (globalThis as { Deno?: unknown }).Deno === "object" ? "deno" : "other",
  intact: (await store.read("projects/p/specs/spec.md")) === text,
  list: await store.list("projects/p"),
  tree: await store.listTree("projects/p"),
  hash: await store.hash("projects/p/a.md"),
  has: await store.has("projects/p/b"),
  locked,
  nul,
  // How this runtime's node:sqlite binds text holding U+0000 (why sqlite-store refuses it).
  sqliteNul: (new DatabaseSync(":memory:").prepare("SELECT ? AS v").get("a\0b") as { v: string }).v.length,
};
await store.remove("projects");
out.has = out.has && !(await store.has("projects"));
await store.dispose();
console.log(JSON.stringify(out));
