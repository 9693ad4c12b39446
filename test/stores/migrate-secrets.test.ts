import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureCopy, idse, tempDir } from "../helpers.ts";
import { fill } from "../sync/corpus.ts";
import { FakeNotion, TOKEN as NOTION_TOKEN } from "./notion/fake-notion.ts";
import { adminSql, freshSchema, freshTenant, PG_URL, pgUnavailable } from "./pg.ts";

// The secret guard at `store migrate`: a store that is not on this disk (postgres, Notion, any plugin
// store but sqlite) receives no document with a secret in it, metadata included (names, descriptions and
// tags in session.json). Every document is scanned before the first is written: one finding refuses the
// whole migration (SECRET_FOUND, exit 1), and the target and the config are left as they were.

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const readConfig = (cwd: string) => {
  try {
    return readJson(join(cwd, ".idse", "config.json"));
  } catch {
    return {};
  }
};

/** Every file below `dir` with its bytes, by relative path. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const full = join(dir, rel);
    if (statSync(full).isFile()) out[rel] = readFileSync(full).toString("base64");
  }
  return out;
}

/** The fixture with a token in one session's description: metadata, not an artifact. */
function withSecretInMetadata(): { cwd: string; file: string; token: string } {
  const cwd = fixtureCopy();
  const projects = join(cwd, ".idse", "projects");
  const project = readdirSync(projects).find((p) => statSync(join(projects, p)).isDirectory())!;
  const file = join(projects, project, "sessions", "__blueprint__", "metadata", "session.json");
  const meta = readJson(file);
  const token = fill(["sk", "_live_{A:24}"].join(""), 77);
  meta.description = `Checkout rework; staging key ${token} until the vault is ready`;
  writeFileSync(file, JSON.stringify(meta, null, 2));
  return { cwd, file, token };
}

describe("store migrate to a store off this disk", () => {
  test("a secret in session metadata refuses the migration: SECRET_FOUND, masked, nothing changed", async () => {
    const { cwd, token } = withSecretInMetadata();
    const before = files(cwd);
    const r = await idse(["store", "migrate", "--to", "postgres-store", "--dry-run", "--json"], {
      cwd,
      env: { IDSE_POSTGRES_URL: "postgres://u:p@127.0.0.1:9/none" },
    });
    expect(r.code).toBe(1);
    const errors = r.json!.diagnostics.filter((d: { severity: string }) => d.severity === "error");
    expect(errors[0]).toMatchObject({ code: "SECRET_FOUND" });
    const finding = errors.find((d: { fingerprint?: string }) => d.fingerprint);
    expect(finding).toMatchObject({
      code: "SECRET_FOUND",
      rule: "secretlint-stripe",
      file: expect.stringMatching(/__blueprint__\/metadata\/session\.json$/),
      line: expect.any(Number),
    });
    expect(finding.message).toContain("********");
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(files(cwd)).toEqual(before);
  });

  test("an allow-listed fingerprint lets the same document through; a local store needs no scan", async () => {
    const { cwd } = withSecretInMetadata();
    const env = { IDSE_POSTGRES_URL: "postgres://u:p@127.0.0.1:9/none" };
    const refused = await idse(["store", "migrate", "--to", "postgres-store", "--dry-run", "--json"], {
      cwd,
      env,
    });
    const fp = refused.json!.diagnostics.find((d: { fingerprint?: string }) => d.fingerprint).fingerprint;
    const config = join(cwd, ".idse", "config.json");
    writeFileSync(
      config,
      JSON.stringify({ ...readConfig(cwd), sync: { secret_allowlist: [{ fingerprint: fp }] } }),
    );
    const allowed = await idse(["store", "migrate", "--to", "postgres-store", "--dry-run", "--json"], {
      cwd,
      env,
    });
    expect(allowed.code, allowed.stdout).toBe(0);
    const local = await idse(["store", "migrate", "--to", "sqlite-store", "--dry-run", "--json"], {
      cwd: withSecretInMetadata().cwd,
    });
    expect(local.code, local.stdout).toBe(0);
  });
});

const pgSuite = pgUnavailable && !process.env.CI ? describe.skip : describe;
pgSuite("store migrate to postgres-store with a secret", () => {
  test("nothing reaches the database and the repository keeps its store", async () => {
    expect(pgUnavailable).toBeUndefined();
    const { cwd, token } = withSecretInMetadata();
    const schema = freshSchema("secret");
    const options = ["--option", `schema=${schema}`, "--option", `tenant=${freshTenant()}`];
    const r = await idse(["store", "migrate", "--to", "postgres-store", ...options, "--json"], {
      cwd,
      env: { IDSE_POSTGRES_URL: PG_URL },
    });
    expect(r.code, r.stdout).toBe(1);
    expect(r.json!.diagnostics.some((d: { code: string }) => d.code === "SECRET_FOUND")).toBe(true);
    expect(readConfig(cwd).store).toBeUndefined();
    const tables =
      await adminSql()`select table_name from information_schema.tables where table_schema = ${schema}`;
    const rows = [];
    for (const t of tables)
      rows.push(...(await adminSql().unsafe(`select * from "${schema}"."${t.table_name}"`)));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.filter((row) => JSON.stringify(row).includes("session.json"))).toEqual([]);
  });
});

// Every field of a session's metadata, and the ids in its keys, one at a time, on a migration to Notion
// (the notion-store plugin against the fake Notion API on loopback): each refuses the whole migration,
// and the service receives no request at all (the scan runs before the store is opened). Without the
// secret the same command opens the store (the last test), so the guard is what stops it.
const NOTION_CASES: {
  field: string;
  token: string;
  edit(meta: Record<string, unknown>, dir: string): void;
}[] = [
  {
    field: "description",
    token: fill(["sk", "_live_{A:24}"].join(""), 21),
    edit: (m) => {
      m.description = `staging key ${NOTION_CASES[0]!.token}`;
    },
  },
  {
    field: "tags",
    token: fill("xoxb-{d:12}-{d:13}-{A:24}", 22),
    edit: (m) => {
      m.tags = ["billing", NOTION_CASES[1]!.token];
    },
  },
  {
    field: "name",
    token: fill("ghp_{A:36}", 23),
    edit: (m) => {
      m.name = `Billing ${NOTION_CASES[2]!.token}`;
    },
  },
  {
    field: "owner (session.json and metadata/.owner)",
    token: fill("glpat-{A:20}", 24),
    edit: (m, dir) => {
      m.owner = NOTION_CASES[3]!.token;
      writeFileSync(join(dir, ".owner"), `${NOTION_CASES[3]!.token}\n`);
    },
  },
];

const fakes: FakeNotion[] = [];
afterAll(async () => {
  for (const f of fakes.splice(0)) await f.stop();
});

const errorsOf = (r: Awaited<ReturnType<typeof idse>>): { code: string; rule?: string }[] =>
  r.json!.diagnostics.filter((d: { severity: string }) => d.severity === "error");

async function notionMigrate(cwd: string) {
  const fake = await new FakeNotion().start();
  fakes.push(fake);
  const r = await idse(
    [
      "store",
      "migrate",
      "--to",
      "notion-store",
      "--option",
      `database_id=${fake.model.databaseId}`,
      "--option",
      `base_url=${fake.url}`,
      "--yes",
      "--json",
    ],
    { cwd, env: { NOTION_TOKEN } },
  );
  return { r, fake };
}

async function featureWorkspace(session = "billing"): Promise<string> {
  const cwd = tempDir("idse-notion-migrate-");
  for (const argv of [
    ["init", "shop", "-q", "--no-create-agent-files"],
    ["spawn", "--plan", "feature", session, "-q"],
  ]) {
    const r = await idse(argv, { cwd });
    if (r.code !== 0) throw new Error(r.stdout + r.stderr);
  }
  return cwd;
}

describe("store migrate to notion-store (the fake Notion API): a secret in any metadata field", () => {
  for (const c of NOTION_CASES) {
    test(`${c.field}: refused, and Notion receives no request`, async () => {
      const cwd = await featureWorkspace();
      const dir = join(cwd, ".idse", "projects", "shop", "sessions", "billing", "metadata");
      const meta = readJson(join(dir, "session.json"));
      c.edit(meta, dir);
      writeFileSync(join(dir, "session.json"), JSON.stringify(meta, null, 2));
      // The whole of .idse/: a refused migration does not even install the plugin (plugins.json).
      const before = files(join(cwd, ".idse"));
      const { r, fake } = await notionMigrate(cwd);
      expect(r.code, r.stdout).toBe(1);
      expect(errorsOf(r)[0]).toMatchObject({ code: "SECRET_FOUND" });
      expect(
        r.json!.diagnostics.some((d: { file?: string }) => /billing\/metadata\//.test(d.file ?? "")),
      ).toBe(true);
      expect(fake.requests).toEqual([]);
      expect(r.stdout + r.stderr).not.toContain(c.token);
      expect(readConfig(cwd).store).toBeUndefined();
      expect(files(join(cwd, ".idse"))).toEqual(before);
    }, 60_000);
  }

  test("a session id that is a token: refused by its name, Notion receives no request", async () => {
    const id = fill("glpat-{l:20}", 25);
    const cwd = await featureWorkspace(id);
    const { r, fake } = await notionMigrate(cwd);
    expect(r.code, r.stdout).toBe(1);
    expect(errorsOf(r)[0]).toMatchObject({ code: "SECRET_FOUND" });
    expect(errorsOf(r).find((d) => d.rule)).toMatchObject({ rule: expect.stringContaining("gitlab") });
    expect(fake.requests).toEqual([]);
  }, 60_000);

  test("without the secret the same migration gets past the guard and opens the store", async () => {
    // The control: the plugin is then loaded and reaches for the fake's host, which a store plugin may
    // not contact (its manifest grants api.notion.com only), so nothing else is asked of it here.
    const cwd = await featureWorkspace();
    const { r, fake } = await notionMigrate(cwd);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(errorsOf(r)).toEqual([
      expect.objectContaining({ code: "PLUGIN_NETWORK_DENIED", host: new URL(fake.url).host }),
    ]);
  }, 60_000);
});
