import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { DesignStore } from "../../src/design-store.ts";
import { withLock } from "../../src/design-store.ts";
import { IdseError } from "../../src/errors.ts";
import { createFilesystemStore } from "../../src/stores/fs.ts";
import { createMemoryStore } from "../../src/stores/memory.ts";
import { tempDir } from "../helpers.ts";

// The first cut of the shared store suite: both built-in stores must behave the same.
const stores: [string, () => DesignStore][] = [
  ["filesystem", () => createFilesystemStore(join(tempDir(), ".idse"))],
  ["memory", () => createMemoryStore()],
];

describe.each(stores)("%s store", (_name, make) => {
  test("reads back what it wrote, and undefined for missing keys", async () => {
    const s = make();
    expect(await s.read("projects/p/CURRENT_SESSION")).toBeUndefined();
    await s.write("projects/p/CURRENT_SESSION", "auth");
    expect(await s.read("projects/p/CURRENT_SESSION")).toBe("auth");
    expect(await s.has("projects/p")).toBe(true);
    expect(await s.has("projects/q")).toBe(false);
  });
  test("overwrites idempotently and keeps unicode and large values intact", async () => {
    const s = make();
    const big = `# Ünïcødé 🚀\n${"x".repeat(2_000_000)}`;
    await s.write("a/b.md", "one");
    await s.write("a/b.md", big);
    await s.write("a/b.md", big);
    expect(await s.read("a/b.md")).toBe(big);
  });
  test("lists immediate children sorted, with their kind", async () => {
    const s = make();
    await s.write("projects/p/sessions/b/metadata/session.json", "{}");
    await s.write("projects/p/sessions/a/intents/intent.md", "x");
    await s.write("projects/p/sessions/README", "x");
    expect(await s.list("projects/p/sessions")).toEqual([
      { name: "README", kind: "file" },
      { name: "a", kind: "dir" },
      { name: "b", kind: "dir" },
    ]);
    expect(await s.list("projects/none")).toEqual([]);
  });
  test("removes files and whole directories", async () => {
    const s = make();
    await s.write("x/y/z.md", "1");
    await s.write("x/w.md", "2");
    await s.remove("x/y");
    expect(await s.has("x/y/z.md")).toBe(false);
    expect(await s.read("x/w.md")).toBe("2");
    await s.remove("does/not/exist");
  });
  test("rejects keys that would escape the store", async () => {
    const s = make();
    for (const key of ["../x", "/etc/passwd", "a/../../b", "a//b", ""]) {
      await expect(s.read(key)).rejects.toThrow(/invalid store key/);
      await expect(s.write(key, "x")).rejects.toThrow(/invalid store key/);
    }
  });
  test("serialises holders of the same lock", async () => {
    const s = make();
    const order: string[] = [];
    const job = (name: string) =>
      withLock(s, "projects/p/.idse.lock", 5000, async () => {
        order.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, 20));
        order.push(`${name}:end`);
      });
    await Promise.all([job("a"), job("b")]);
    expect(order).toEqual(["a:start", "a:end", "b:start", "b:end"]);
  });
});

describe("filesystem store specifics", () => {
  test("writes leave no temporary files behind", async () => {
    const root = join(tempDir(), ".idse");
    const s = createFilesystemStore(root);
    for (let i = 0; i < 20; i++) await s.write("projects/p/session_state.json", `{"n":${i}}`);
    expect(readdirSync(join(root, "projects/p"))).toEqual(["session_state.json"]);
  });
  test("a lock held by a live process times out with LOCKED; a dead holder's lock is taken over", async () => {
    const root = join(tempDir(), ".idse");
    const s = createFilesystemStore(root);
    const { hostname } = await import("node:os");
    const { writeFileSync, mkdirSync } = await import("node:fs");
    mkdirSync(join(root, "projects/p"), { recursive: true });
    // Our own parent process is alive, so its lock must be respected.
    writeFileSync(join(root, "projects/p/.idse.lock"), `${process.ppid} ${hostname()} 2026-01-01T00:00:00Z`);
    const err = await s.lock!("projects/p/.idse.lock", { timeoutMs: 50 }).catch((e) => e);
    expect(err).toBeInstanceOf(IdseError);
    expect((err as IdseError).code).toBe("LOCKED");
    // A pid that cannot exist: the lock is stale and is taken over.
    writeFileSync(join(root, "projects/p/.idse.lock"), `2147483646 ${hostname()} 2026-01-01T00:00:00Z`);
    const release = await s.lock!("projects/p/.idse.lock", { timeoutMs: 50 });
    await release();
    expect(readdirSync(join(root, "projects/p"))).toEqual([]);
  });
});
