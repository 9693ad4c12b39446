import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PluginModule, StorePlugin } from "../../../src/plugins/api.ts";
import { REPO, tempDir } from "../../helpers.ts";
import { validateOptions } from "../factory-host.ts";
import { FakeNotion } from "./fake-notion.ts";
import { FAST, notionHost } from "./host.ts";

// The plugin is one self-contained ESM file: `bun build --target=node --format=esm` on its entry
// inlines @notionhq/client and valibot, leaves only node: built-ins to import, and the bundle works
// when Bun imports it from an absolute path, as the compiled idse does.

const fakes: FakeNotion[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

test("bun build --target=node --format=esm bundles the entry into one file that Bun imports and runs", async () => {
  const out = join(tempDir(), "index.js");
  const bun = join(REPO, "node_modules", ".bin", "bun");
  const r = spawnSync(
    bun,
    ["build", "--target=node", "--format=esm", "plugins/notion-store/src/index.ts", "--outfile", out],
    {
      cwd: REPO,
      encoding: "utf8",
    },
  );
  expect(r.status, r.stderr).toBe(0);
  const code = readFileSync(out, "utf8");
  const specifiers = [
    ...code.matchAll(/\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)|require\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => (m[1] ?? m[2] ?? m[3])!);
  expect(specifiers.length).toBeGreaterThan(0);
  // Only built-ins are left to import (the SDK's optional require("crypto") for webhooks among them).
  expect(specifiers.filter((s) => !s.startsWith("node:") && !builtinModules.includes(s))).toEqual([]);

  const mod = (await import(pathToFileURL(out).href)) as PluginModule;
  expect(typeof mod.default).toBe("function");
  expect(mod.options?.["~standard"].vendor).toBe("valibot");
  const fake = await new FakeNotion().start();
  fakes.push(fake);
  const options = await validateOptions(mod.options, {
    database_id: fake.model.databaseId,
    base_url: fake.url,
    ...FAST,
  });
  const plugin = (await mod.default(notionHost(fake, options as never))) as StorePlugin;
  const store = await plugin.createStore();
  const text = "# Intent\n\nBundled — 😀 日本語\n";
  await store.write("projects/p/sessions/s/intents/intent.md", text);
  expect(await store.read("projects/p/sessions/s/intents/intent.md")).toBe(text);
  await store.dispose?.();
});
