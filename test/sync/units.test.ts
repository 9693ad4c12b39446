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

describe("large-sync shortcuts (issue 16) keep the behaviour they replace", () => {
  const H = (c: string) => c.repeat(64);
  const state = (artifacts: unknown) =>
    `${JSON.stringify({ remote: "team", location: "../team", last_sync: null, artifacts }, null, 2)}\n`;
  const KEY = "projects/shop/sync/team.json";
  const A = "projects/shop/sessions/auth/specs/spec.md";

  test("the sync base's entries, checked by hand, are refused and trimmed as the model does", async () => {
    const { readSyncState } = await import("../../src/sync/state.ts");
    const { parseJsonDoc } = await import("../../src/store/documents.ts");
    const { SyncStateFile } = await import("../../src/models/sync.ts");
    const store = createMemoryStore();
    const read = async (artifacts: unknown) => {
      await store.write(KEY, state(artifacts));
      return readSyncState(store, "shop", "team", "../team");
    };
    const viaModel = (artifacts: unknown) => parseJsonDoc(store, KEY, state(artifacts), SyncStateFile);
    const good = { [A]: { hash: H("a"), etag: "v1" }, "projects/shop/sessions/b/plans/plan.md": {} };
    expect(await read(good)).toEqual(viaModel(good));
    // A field the model does not know is dropped, as the model's output drops it.
    const extra = { [A]: { hash: H("a"), note: "x" } };
    expect((await read(extra)).artifacts[A]).toEqual({ hash: H("a") });
    // Bad entries: the same CORRUPT_FILE, with the model's message.
    for (const bad of [{ [A]: { hash: "nope" } }, { [A]: { etag: 3 } }, { [A]: "x" }, { [A]: null }]) {
      const expected = (() => {
        try {
          viaModel(bad);
        } catch (err) {
          return err;
        }
      })() as { code: string; data: unknown };
      expect(expected.code).toBe("CORRUPT_FILE");
      await expect(read(bad)).rejects.toMatchObject({ code: "CORRUPT_FILE", data: expected.data });
    }
    await store.write(KEY, "{ not json");
    await expect(readSyncState(store, "shop", "team", "../team")).rejects.toMatchObject({
      code: "CORRUPT_FILE",
    });
  });

  test("the plan makes items only for what is not unchanged; a lagging base is listed for refresh", async () => {
    const { makePlan } = await import("../../src/sync/plan.ts");
    const local = createMemoryStore();
    const remote = createMemoryStore();
    const key = (s: string, stage = "specs/spec.md") => `projects/shop/sessions/${s}/${stage}`;
    for (const s of ["a", "b", "c"]) {
      await local.write(key(s), `text ${s}`);
      await remote.write(key(s), `text ${s}`);
    }
    await local.write(key("b"), "edited here");
    await remote.write(key("d"), "only there");
    const same = sha256Hex("text a");
    const plan = await makePlan({
      store: local,
      transport: storeTransport(remote),
      project: "shop",
      scope: { kind: "all" },
      // a: base current; c: base lagging (no etag); b: base says the old text.
      state: {
        remote: "team",
        location: "../team",
        last_sync: null,
        artifacts: {
          [key("a")]: { hash: same, etag: same },
          [key("b")]: { hash: sha256Hex("text b"), etag: sha256Hex("text b") },
          [key("c")]: { hash: sha256Hex("text c") },
        },
      },
      report: () => {},
    });
    expect(plan.counts).toEqual({ unchanged: 2, push: 1, pull: 1, conflict: 0, deleted: 0 });
    expect(plan.items.map((i) => [i.key, i.action])).toEqual([
      [key("b"), "push"],
      [key("d"), "pull"],
    ]);
    expect(plan.refresh).toEqual([{ key: key("c"), hash: sha256Hex("text c"), etag: sha256Hex("text c") }]);
  });

  test("the redactor hands back what it did not change, and copies what it did", async () => {
    const { Redactor } = await import("../../src/sync/redact.ts");
    const r = new Redactor();
    r.add("s3cr3t-token");
    const clean = { results: [{ key: "a", message: "sent" }], n: 1 };
    expect(r.redactValue(clean)).toBe(clean);
    const dirty = { results: [{ key: "a", message: "echo s3cr3t-token" }, { key: "b" }], n: 1 };
    const out = r.redactValue(dirty);
    expect(out).toEqual({ results: [{ key: "a", message: "echo [REDACTED]" }, { key: "b" }], n: 1 });
    expect(out.results[1]).toBe(dirty.results[1]!);
    expect(dirty.results[0]!.message).toBe("echo s3cr3t-token");
    expect(r.redact("Authorization: Bearer abcdefgh12345")).toBe("Authorization: Bearer [REDACTED]");
    expect(r.redact("https://u:pw@host/x")).toBe("https://u:[REDACTED]@host/x");
    const proto = JSON.parse('{"__proto__": "s3cr3t-token"}');
    expect(Object.keys(r.redactValue(proto))).toEqual(["__proto__"]);
  });
});
