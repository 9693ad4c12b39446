// biome-ignore-all lint/suspicious/noExplicitAny: tests read the JSON documents idse prints; the schemas check their shapes
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idse, tempDir } from "../helpers.ts";

// The Python original's ~/.idseconfig.json: keys with an idse meaning are the lowest-priority
// configuration, shown by `config list` with their origin; every other key is named, never dropped.
// HOME is always a temporary directory here.

function home(obj: unknown): string {
  const dir = tempDir();
  writeFileSync(join(dir, ".idseconfig.json"), JSON.stringify(obj));
  return dir;
}

const ORIGINAL = {
  storage_backend: "sqlite",
  sync_backend: "filesystem",
  base_path: "",
  agency_url: "http://127.0.0.1:9",
  client_id: null,
  sync_on_validate: false,
  notion: { credentials_dir: "/x", tool_names: {} },
};

describe("the original's ~/.idseconfig.json", () => {
  test("config list shows each key with its origin and idse meaning; unused keys are reported once", async () => {
    const cwd = tempDir();
    const h = home({ ...ORIGINAL, owner: "ana" });
    await idse(["init", "shop"], { cwd, home: h });
    const r = await idse(["config", "list", "--json"], { cwd, home: h });
    expect(r.code).toBe(0);
    const byKey = Object.fromEntries(r.json!.data.original.map((e: any) => [e.key, e]));
    expect(byKey.agency_url).toMatchObject({ meaning: "remote original-core", applied: true });
    expect(byKey.storage_backend).toMatchObject({ meaning: "store", applied: false });
    expect(byKey.sync_backend).toMatchObject({ meaning: null, applied: false }); // no base_path: not a remote
    for (const k of ["client_id", "sync_on_validate", "notion.credentials_dir", "notion.tool_names"])
      expect(byKey[k]).toMatchObject({ meaning: null, applied: false });
    // idse's own key in the same file is not the original's.
    expect(byKey.owner).toBeUndefined();
    expect(r.json!.data.entries.find((e: any) => e.key === "owner")).toMatchObject({
      value: "ana",
      source: "home",
    });
    const ignored = r.json!.diagnostics.filter((d: any) => d.code === "ORIGINAL_CONFIG_IGNORED");
    expect(ignored).toHaveLength(1);
    expect(ignored[0].keys).toEqual(
      expect.arrayContaining([
        "storage_backend",
        "sync_backend",
        "client_id",
        "sync_on_validate",
        "base_path",
      ]),
    );
    const text = await idse(["config", "list"], { cwd, home: h });
    expect(text.stdout).toContain("agency_url = http://127.0.0.1:9  (original → remote original-core");
  });

  test("the original's sync backend is the default remote only where nothing else is: sync push works", async () => {
    const cwd = tempDir();
    const target = tempDir();
    const h = home({ sync_backend: "filesystem", base_path: target });
    await idse(["init", "shop"], { cwd, home: h });
    const list = await idse(["remote", "list", "--json"], { cwd, home: h });
    expect(list.json!.data.remotes).toEqual([
      expect.objectContaining({ name: "original", plugin: "filesystem", default: true, source: "original" }),
    ]);
    const push = await idse(["sync", "push", "--json"], { cwd, home: h });
    expect(push.code).toBe(0);
    expect(push.json!.diagnostics.map((d: any) => d.code)).toContain("ORIGINAL_REMOTE");
    expect(existsSync(join(target, "projects/shop/sessions/__blueprint__/intents/intent.md"))).toBe(true);

    // A remote of the repository's own takes over as the default; the original's stays listed.
    const other = tempDir();
    await idse(["remote", "add", "backup", other, "--default"], { cwd, home: h });
    const after = await idse(["remote", "list", "--json"], { cwd, home: h });
    const names = after.json!.data.remotes.map((r: any) => [r.name, r.default]);
    expect(names).toEqual([
      ["backup", true],
      ["original", false],
    ]);
    // Nothing ever writes the home file.
    expect(JSON.parse(readFileSync(join(h, ".idseconfig.json"), "utf8"))).toEqual({
      sync_backend: "filesystem",
      base_path: target,
    });
  });

  test("a notion sync backend becomes a notion-store remote; doctor names the unused keys", async () => {
    const cwd = tempDir();
    const h = home({
      sync_backend: "notion",
      notion: { database_id: "0123456789abcdef0123456789abcdef", database_view_id: "v1" },
    });
    await idse(["init", "shop"], { cwd, home: h });
    const list = await idse(["remote", "list", "--json"], { cwd, home: h });
    expect(list.json!.data.remotes).toEqual([
      expect.objectContaining({
        name: "original",
        plugin: "notion-store",
        default: true,
        source: "original",
      }),
    ]);
    const doc = await idse(["doctor", "--json"], { cwd, home: h });
    const ignored = doc.json!.diagnostics.find((d: any) => d.code === "ORIGINAL_CONFIG_IGNORED");
    expect(ignored.keys).toEqual(["notion.database_view_id"]);
  });
});
