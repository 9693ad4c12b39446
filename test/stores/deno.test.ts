import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../../src/store/contract.ts";
import { DENO, REPO, tempDir } from "../helpers.ts";
import { freshSchema, PG_URL, pgUnavailable } from "./pg.ts";

// The store plugins on Deno (DESIGN.md §3: the same source runs there): node:sqlite and the postgres
// driver, from the TypeScript source and from the one-file bundle `bun build --target=node` makes.

const PROBE = join(REPO, "test/stores/deno-probe.ts");
const bundles: Record<string, string> = {};
const out = mkdtempSync(join(tmpdir(), "idse-bundles-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

beforeAll(async () => {
  for (const name of ["sqlite-store", "postgres-store"]) {
    const r = await Bun.build({
      entrypoints: [join(REPO, "plugins", name, "src/index.ts")],
      target: "node",
      format: "esm",
      outdir: join(out, name),
      naming: "index.js",
    });
    if (!r.success) throw new Error(r.logs.join("\n"));
    bundles[name] = join(out, name, "index.js");
  }
});

function probe(entry: string, options: Record<string, unknown>) {
  const r = spawnSync(DENO, ["run", "-A", "--quiet", PROBE, entry, JSON.stringify(options)], {
    encoding: "utf8",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    timeout: 60_000,
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

const expected = (nul: string) => ({
  runtime: "deno",
  intact: true,
  list: [
    { name: "a.md", kind: "file" },
    { name: "b", kind: "dir" },
    { name: "specs", kind: "dir" },
  ],
  tree: ["a.md", "b", "b/c.md", "specs", "specs/spec.md"],
  hash: sha256Hex("a"),
  has: true,
  locked: "LOCKED",
  nul,
});

describe("store plugins on Deno", () => {
  for (const from of ["source", "bundle"] as const) {
    const entry = (name: string) =>
      from === "source" ? join(REPO, "plugins", name, "src/index.ts") : bundles[name]!;

    test(`sqlite-store (${from}): node:sqlite works; text with U+0000 is refused, not cut`, () => {
      const out = probe(entry("sqlite-store"), { path: join(tempDir(), "idse.db") });
      expect(out).toMatchObject(expected("STORE_INVALID_VALUE"));
      // Deno's node:sqlite binds "a\0b" as "a": the reason sqlite-store refuses U+0000 everywhere.
      expect(out.sqliteNul).toBe(1);
    }, 60_000);

    const pg = pgUnavailable && !process.env.CI ? test.skip : test;
    pg(
      `postgres-store (${from}): the driver works against the server`,
      () => {
        expect(PG_URL).toBeDefined();
        const out = probe(entry("postgres-store"), { schema: freshSchema("deno"), tenant: "deno" });
        expect(out).toMatchObject(expected("STORE_INVALID_VALUE"));
      },
      60_000,
    );
  }
});
