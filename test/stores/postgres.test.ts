import { describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { SCHEMA_VERSION } from "../../plugins/postgres-store/src/migrations.ts";
import type { DesignStore } from "../../src/store/contract.ts";
import { adminSql, freshSchema, freshTenant, openPg, PG_TLS, PG_URL, pgUnavailable, urlWith } from "./pg.ts";

// What the conformance suite cannot say about postgres-store, against a real server: every fault the
// issue names exits with a code (wrong password, wrong port, a schema from the future, a connection
// killed mid-write), no partial document is ever stored, tenants are apart, migrations run once, TLS.

type Failure = Error & { code?: string; data?: Record<string, unknown> };
const errorOf = async (p: Promise<unknown>): Promise<Failure | undefined> =>
  p.then(
    () => undefined,
    (e) => e as Failure,
  );

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => srv.once("listening", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const password = () => decodeURIComponent(new URL(PG_URL!).password);

/** Every string an error could show a person or a log, to check that the password is in none. */
const printed = (err: Failure) =>
  [err.message, err.stack ?? "", JSON.stringify(err.data), String(err)].join("\n");

/** Waits until the store's backend (by application_name) is blocked on a lock, and terminates it. */
async function killWhenBlocked(tenant: string): Promise<number> {
  const admin = adminSql();
  for (let i = 0; i < 200; i++) {
    const rows = await admin`
      SELECT pid FROM pg_stat_activity WHERE application_name = ${`idse:${tenant}`} AND wait_event_type = 'Lock'`;
    if (rows.length) {
      await admin`SELECT pg_terminate_backend(${rows[0]!.pid as number})`;
      return rows[0]!.pid as number;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the store's write never blocked");
}

if (pgUnavailable && !process.env.CI) console.warn(`skipping the postgres-store tests: ${pgUnavailable}`);
const suite = pgUnavailable && !process.env.CI ? describe.skip : describe;

suite("postgres-store against a real server", () => {
  test("the server is there (CI always provides one)", () => {
    expect(pgUnavailable).toBeUndefined();
  });

  test("a wrong password is STORE_AUTH, and no message shows the password", async () => {
    const bad = urlWith((u) => {
      u.password = "not-the-password";
    });
    const err = await errorOf(openPg({ schema: freshSchema("auth") }, { IDSE_POSTGRES_URL: bad }));
    expect(err?.code).toBe("STORE_AUTH");
    expect(err?.data?.sqlstate).toBe("28P01");
    expect(printed(err!)).not.toContain("not-the-password");
    expect(printed(err!)).not.toContain(password());
  });

  test("a port nobody listens on is STORE_UNREACHABLE", async () => {
    const port = await freePort();
    const url = urlWith((u) => {
      u.port = String(port);
    });
    const err = await errorOf(openPg({ schema: freshSchema("port") }, { IDSE_POSTGRES_URL: url }));
    expect(err?.code).toBe("STORE_UNREACHABLE");
    expect(printed(err!)).not.toContain(password());
  });

  test("an unset connection variable or a missing database is STORE_CONFIG", async () => {
    const unset = await errorOf(openPg({ url_env: "IDSE_POSTGRES_URL" }, { IDSE_POSTGRES_URL: undefined }));
    expect(unset?.code).toBe("STORE_CONFIG");
    expect(unset?.data?.env).toBe("IDSE_POSTGRES_URL");
    // A variable the manifest does not declare is not visible to the plugin at all.
    const undeclared = await errorOf(openPg({ url_env: "OTHER_URL" }, { OTHER_URL: PG_URL }));
    expect(undeclared?.code).toBe("STORE_CONFIG");
    const nodb = urlWith((u) => {
      u.pathname = "/no_such_database";
    });
    expect((await errorOf(openPg({}, { IDSE_POSTGRES_URL: nodb })))?.code).toBe("STORE_CONFIG");
    const garbled = await errorOf(openPg({}, { IDSE_POSTGRES_URL: "postgres://u:s3cr3t@[oops/db" }));
    expect(garbled?.code).toBe("STORE_CONFIG");
    expect(printed(garbled!)).not.toContain("s3cr3t");
  });

  test("a schema_version row from the future is STORE_SCHEMA_NEWER, and nothing is changed", async () => {
    const schema = freshSchema("future");
    const first = await openPg({ schema });
    await first.write("projects/p/CURRENT_SESSION", "auth");
    await first.dispose!();
    const admin = adminSql();
    await admin`INSERT INTO ${admin(schema)}.schema_version (version, idse) VALUES (${SCHEMA_VERSION + 1}, '9.9.9')`;
    const err = await errorOf(openPg({ schema }));
    expect(err?.code).toBe("STORE_SCHEMA_NEWER");
    expect(err?.data).toMatchObject({ found: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION });
    const versions = await admin`SELECT version FROM ${admin(schema)}.schema_version ORDER BY version`;
    expect(versions.map((r) => r.version)).toEqual([1, SCHEMA_VERSION + 1]);
  });

  test("a connection killed mid-write is STORE_CONNECTION_LOST; the old text stays; the store goes on", async () => {
    const schema = freshSchema("kill");
    const tenant = freshTenant();
    const s = await openPg({ schema, tenant });
    await s.write("k/doc.md", "old");
    const admin = adminSql();
    let err: Failure | undefined;
    // Hold the row so the store's write blocks inside the server, then end the store's session.
    await admin.begin(async (tx) => {
      await tx`SELECT 1 FROM ${tx(schema)}.entries WHERE tenant = ${tenant} AND key = 'k/doc.md' FOR UPDATE`;
      const writing = errorOf(s.write("k/doc.md", "new"));
      await killWhenBlocked(tenant);
      err = await writing;
    });
    expect(err?.code).toBe("STORE_CONNECTION_LOST");
    expect(err?.data?.key).toBe("k/doc.md");
    expect(await s.read("k/doc.md")).toBe("old");
    await s.write("k/doc.md", "new");
    expect(await s.read("k/doc.md")).toBe("new");
    await s.dispose!();
  });

  test("a batch whose connection is killed midway stores none of its documents", async () => {
    const schema = freshSchema("killbatch");
    const tenant = freshTenant();
    const s = await openPg({ schema, tenant });
    await s.write("b/050.md", "old");
    const batch = Array.from(
      { length: 100 },
      (_, i) => [`b/${String(i).padStart(3, "0")}.md`, `new ${i}`] as const,
    );
    const admin = adminSql();
    let err: Failure | undefined;
    await admin.begin(async (tx) => {
      await tx`SELECT 1 FROM ${tx(schema)}.entries WHERE tenant = ${tenant} AND key = 'b/050.md' FOR UPDATE`;
      const writing = errorOf(s.writeMany!(batch));
      await killWhenBlocked(tenant);
      err = await writing;
    });
    expect(err?.code).toBe("STORE_CONNECTION_LOST");
    expect(await s.list("b")).toEqual([{ name: "050.md", kind: "file" }]);
    expect(await s.read("b/050.md")).toBe("old");
    await s.dispose!();
  });

  test("a lock dies with its holder's connection", async () => {
    const schema = freshSchema("lockkill");
    const tenant = freshTenant();
    const holder = await openPg({ schema, tenant });
    const other = await openPg({ schema, tenant });
    await holder.lock!("projects/p/.idse.lock", { timeoutMs: 1000 });
    expect((await errorOf(other.lock!("projects/p/.idse.lock", { timeoutMs: 50 })))?.code).toBe("LOCKED");
    const admin = adminSql();
    await admin`
      SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
       WHERE l.locktype = 'advisory' AND a.application_name = ${`idse:${tenant}`}`;
    await (await other.lock!("projects/p/.idse.lock", { timeoutMs: 2000 }))();
    await holder.dispose!();
    await other.dispose!();
  });

  test("tenants share a schema but not their documents or locks", async () => {
    const schema = freshSchema("tenants");
    const a = await openPg({ schema, tenant: "acme" });
    const b = await openPg({ schema, tenant: "globex" });
    await a.write("projects/shop/CURRENT_SESSION", "auth");
    await b.write("projects/shop/CURRENT_SESSION", "billing");
    await b.write("projects/other/CURRENT_SESSION", "x");
    expect(await a.read("projects/shop/CURRENT_SESSION")).toBe("auth");
    expect(await b.read("projects/shop/CURRENT_SESSION")).toBe("billing");
    expect((await a.list("projects")).map((e) => e.name)).toEqual(["shop"]);
    await a.remove("projects");
    expect(await b.has("projects/shop")).toBe(true);
    const held = await a.lock!("projects/shop/.idse.lock", { timeoutMs: 10_000 });
    await (await b.lock!("projects/shop/.idse.lock", { timeoutMs: 10_000 }))();
    await held();
    expect(a.location).toContain("tenant acme");
    expect(a.location).not.toContain(password());
    await a.dispose!();
    await b.dispose!();
  });

  test("the first open migrates once, even when several open at the same moment", async () => {
    const schema = freshSchema("migrate");
    const stores = await Promise.all(
      Array.from({ length: 5 }, () => openPg({ schema, tenant: freshTenant() })),
    );
    const admin = adminSql();
    const rows = await admin`SELECT version, idse FROM ${admin(schema)}.schema_version`;
    expect(rows.map((r) => [r.version, r.idse])).toEqual([[1, "0.0.0-test"]]);
    for (const s of stores) await s.dispose!();
  });

  test("text with U+0000 is STORE_INVALID_VALUE; the server refuses a text whose hash does not match", async () => {
    const schema = freshSchema("values");
    const tenant = freshTenant();
    const s = await openPg({ schema, tenant });
    expect((await errorOf(s.write("a.md", "x\0y")))?.code).toBe("STORE_INVALID_VALUE");
    expect(
      (
        await errorOf(
          s.writeMany!([
            ["b.md", "ok"],
            ["c.md", "\0"],
          ]),
        )
      )?.code,
    ).toBe("STORE_INVALID_VALUE");
    expect(await s.has("b.md")).toBe(false);
    const admin = adminSql();
    const forged = await errorOf(
      admin`INSERT INTO ${admin(schema)}.entries (tenant, key, value, hash)
            VALUES (${tenant}, 'd.md', 'text', ${"0".repeat(64)})`.then(() => {}),
    );
    expect((forged as { code?: string })?.code).toBe("23514"); // check_violation
    await s.dispose!();
  });

  test("writeMany copes with a batch larger than one statement", async () => {
    const s: DesignStore = await openPg({ schema: freshSchema("bigbatch"), tenant: freshTenant() });
    const batch = Array.from(
      { length: 4500 },
      (_, i) => [`m/${i}`, `doc ${i} ${"é".repeat(i % 50)}`] as const,
    );
    await s.writeMany!(batch);
    expect((await s.list("m")).length).toBe(4500);
    expect(await s.read("m/4499")).toBe(batch[4499]![1]);
    await s.dispose!();
  });
});

const tls = PG_TLS || process.env.CI ? suite : describe.skip;
tls("postgres-store TLS", () => {
  const sslOf = async (s: DesignStore) => {
    // The store's own sessions, seen from the server.
    const tenant = s.location.match(/tenant ([^)]+)\)/)![1]!;
    await s.read("probe");
    const admin = adminSql();
    const rows = await admin`
      SELECT bool_and(s.ssl) AS ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
       WHERE a.application_name = ${`idse:${tenant}`}`;
    return rows[0]?.ssl as boolean | null;
  };

  test("ssl: 'require' encrypts; ssl: false does not", async () => {
    expect(PG_TLS).toBe(true);
    const schema = freshSchema("tls");
    const enc = await openPg({ schema, tenant: freshTenant(), ssl: "require" });
    expect(await sslOf(enc)).toBe(true);
    const plain = await openPg({ schema, tenant: freshTenant(), ssl: false });
    expect(await sslOf(plain)).toBe(false);
    await enc.dispose!();
    await plain.dispose!();
  });

  test("ssl: true verifies the certificate: a self-signed one is STORE_TLS", async () => {
    const err = await errorOf(openPg({ schema: freshSchema("tlsv"), ssl: true }));
    expect(err?.code).toBe("STORE_TLS");
    expect(printed(err!)).not.toContain(password());
  });
});
