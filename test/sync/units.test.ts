import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeHostApi } from "../../src/plugins/host.ts";
import { sha256Hex } from "../../src/store/contract.ts";
import { createFilesystemStore } from "../../src/store/fs.ts";
import { createMemoryStore } from "../../src/store/memory.ts";
import { hashKeys } from "../../src/sync/hash.ts";
import { sideKey } from "../../src/sync/plan.ts";
import { progressLine } from "../../src/sync/progress.ts";
import { isSpineDocument, spineChanged, spineTable } from "../../src/sync/spine.ts";
import { storeTransport } from "../../src/sync/store-transport.ts";
import { tempDir } from "../helpers.ts";

// The small pieces of sync: the Spine table, the conflict copy's name, hashing, the hand-built plugin
// host, the store transport's conditional writes, and the progress line.

describe("Product Spine table", () => {
  const doc = (table: string, heading = "## 4. Product Spine Table") =>
    `# Spec\n\n## Overview\n\n| not | spine |\n\n${heading}\n\n${table}\n\n## 5. Next\n\n| other | table |\n`;
  const t = "| # | Primitive |\n|---|---|\n| 1 | SessionGraph |";

  test("is the table under the heading that names it, normalised", () => {
    expect(spineTable(doc(t))).toBe("#|Primitive\n---|---\n1|SessionGraph");
    expect(spineTable(doc("|  #  |   Primitive |\n|---|---|\n| 1 |  SessionGraph  |"))).toBe(
      spineTable(doc(t)),
    );
    expect(spineTable("# Spec\n\nno spine here\n")).toBeUndefined();
    expect(spineTable("```md\n## Product Spine\n| a |\n```\n")).toBeUndefined();
    expect(spineTable(doc(t, "### product spine"))).toBe(spineTable(doc(t)));
  });

  test("changes: a cell, a row, the section; not the text around it", () => {
    expect(spineChanged(doc(t), doc(t.replace("SessionGraph", "SessionGraph2")))).toBe(true);
    expect(spineChanged(doc(t), doc(`${t}\n| 2 | Store |`))).toBe(true);
    expect(spineChanged(doc(t), "# Spec\n")).toBe(true);
    expect(spineChanged(doc(t), `${doc(t)}\nmore prose\n`)).toBe(false);
    expect(spineChanged(undefined, "# no spine\n")).toBe(false);
  });

  test("lives in the blueprint's spec only", () => {
    expect(isSpineDocument("projects/shop/sessions/__blueprint__/specs/spec.md", "shop")).toBe(true);
    expect(isSpineDocument("projects/shop/sessions/auth/specs/spec.md", "shop")).toBe(false);
    expect(isSpineDocument("projects/shop/sessions/__blueprint__/plans/plan.md", "shop")).toBe(false);
  });
});

test("the conflict copy sits beside the document", () => {
  expect(sideKey("p/s/specs/spec.md")).toBe("p/s/specs/spec.remote.md");
  expect(sideKey("p/s/implementation/README.md")).toBe("p/s/implementation/README.remote.md");
});

test("hashKeys equals DesignStore.hash, for UTF-8 and for bytes that are not", async () => {
  const dir = tempDir();
  const fs = createFilesystemStore(dir);
  await fs.write("a/x.md", "héllo ✓\r\n");
  writeFileSync(join(dir, "a", "bad.md"), Buffer.from([0x61, 0xff, 0xfe, 0x62]));
  const keys = ["a/x.md", "a/bad.md", "a/missing.md"];
  const fast = await hashKeys(fs, keys);
  expect([...fast.keys()]).toEqual(["a/x.md", "a/bad.md"]);
  expect(fast.get("a/x.md")).toBe((await fs.hash!("a/x.md"))!);
  expect(fast.get("a/bad.md")).toBe((await fs.hash!("a/bad.md"))!);
  const mem = createMemoryStore({ "a/x.md": "héllo ✓\r\n" });
  expect((await hashKeys(mem, keys)).get("a/x.md")).toBe(sha256Hex("héllo ✓\r\n"));
});

describe("the plugin host, as a sync remote's plugin sees it", () => {
  const grants = {
    name: "t",
    kind: "sync" as const,
    apiVersion: 1,
    capabilities: [],
    env: ["T_TOKEN"],
    hosts: ["api.example.com", "*.example.net"],
  };
  const make = (lines: string[], verbose = false) =>
    makeHostApi(
      grants,
      {},
      {
        remotes: ["http://127.0.0.1:9"],
        env: { T_TOKEN: "env-token-123", OTHER: "x" },
        log: (l) => lines.push(l),
        verbose,
      },
    );

  test("env: declared names only", async () => {
    const host = await make([]);
    expect(host.env("T_TOKEN")).toBe("env-token-123");
    expect(host.env("OTHER")).toBeUndefined();
  });

  test("fetch: only the remote's origin and the manifest's hosts", async () => {
    const host = await make([]);
    await expect(host.fetch("https://evil.example.org/x")).rejects.toMatchObject({
      code: "PLUGIN_NETWORK_DENIED",
    });
    await expect(host.fetch("http://127.0.0.1:10/x")).rejects.toMatchObject({
      code: "PLUGIN_NETWORK_DENIED",
    });
    // Allowed hosts get as far as the network (port 9 on loopback refuses the connection).
    await expect(host.fetch("http://127.0.0.1:9/x")).rejects.not.toMatchObject({
      code: "PLUGIN_NETWORK_DENIED",
    });
  });

  test("log: the plugin's secrets masked, info lines only when verbose", async () => {
    const lines: string[] = [];
    const quiet = await make(lines);
    const token = quiet.env("T_TOKEN")!;
    quiet.log("info", `hidden ${token}`);
    quiet.log("warn", `shown ${token}`);
    expect(lines).toEqual(["[t] warn: shown ***\n"]);
    (await make(lines, true)).log("info", "now shown");
    expect(lines.at(-1)).toBe("[t] info: now shown\n");
  });
});

describe("store transport", () => {
  test("conditional writes: If-Match on the content hash, create-only, conditional remove", async () => {
    const t = storeTransport(createMemoryStore());
    const key = "projects/p/sessions/s/plans/plan.md";
    const a = await t.put(key, "one", { ifNoneMatch: "*" } as never);
    await expect(t.put(key, "two", { ifNoneMatch: "*" } as never)).rejects.toMatchObject({
      code: "REMOTE_STALE",
    });
    await expect(t.put(key, "two", { ifMatch: "nope" })).rejects.toMatchObject({ code: "REMOTE_STALE" });
    const b = await t.put(key, "two", { ifMatch: a.etag });
    expect(b.etag).toBe(sha256Hex("two"));
    await expect(t.remove!(key, { ifMatch: a.etag })).rejects.toMatchObject({ code: "REMOTE_STALE" });
    await t.remove!(key, { ifMatch: b.etag });
    expect(await t.get(key)).toBeUndefined();
    await t.remove!(key, { ifMatch: b.etag }); // already gone: fine
  });

  test("lists the documents under a prefix, with hashes", async () => {
    const t = storeTransport(
      createMemoryStore({
        "projects/p/sessions/s/specs/spec.md": "spec",
        "projects/p/sessions/s/metadata/session.json": "{}",
        "other/x.md": "x",
      }),
    );
    expect(await t.list("projects/p/sessions")).toEqual([
      { key: "projects/p/sessions/s/specs/spec.md", hash: sha256Hex("spec"), etag: sha256Hex("spec") },
    ]);
    expect((await t.list("other")).map((e) => e.key)).toEqual(["other/x.md"]);
  });
});

test("the progress line waits, redraws in place at most every 100 ms, and erases itself", () => {
  const out: string[] = [];
  let now = 0;
  const p = progressLine(
    (t) => out.push(t),
    "pushing",
    () => now,
  );
  p.update(1, 10);
  expect(out).toEqual([]);
  now = 600;
  p.update(2, 10);
  now = 650;
  p.update(3, 10);
  now = 800;
  p.update(10, 10);
  p.end();
  expect(out).toEqual(["\r\x1b[Kpushing 2/10 (20%)", "\r\x1b[Kpushing 10/10 (100%)", "\r\x1b[K"]);
});
