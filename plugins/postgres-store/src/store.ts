import { createHash } from "node:crypto";
import postgres, { type Sql } from "postgres";
import type { DesignStore, Release, StoreEntry } from "../../../src/plugins/api.ts";
import { assertKey, byCodeUnit, range, treeOf } from "../../shared/store-keys.ts";
import { driverOptions, redact, type Ssl } from "./connect.ts";
import { fromPostgres, storeError } from "./errors.ts";
import { migrate } from "./migrations.ts";

// A DesignStore in PostgreSQL through the `postgres` driver (porsager/postgres). One table holds every
// tenant's documents, keyed by (tenant, key); every write, a batch included, is one atomic
// statement, so a dropped connection leaves every document old or new. Locks are session-level
// advisory locks on a connection of their own: if idse dies, the server ends the session and frees them.

export interface PostgresStoreOptions {
  /** The connection string (a secret: it never appears in `location` nor in an error). */
  url: string;
  /** The workspace's key within the shared table. */
  tenant: string;
  /** The PostgreSQL schema (namespace) of the tables. */
  schema: string;
  /** TLS: undefined leaves it to the URL's sslmode; true and "verify-full" verify the certificate. */
  ssl?: Ssl;
  maxConnections?: number;
  connectTimeoutS?: number;
  idseVersion?: string;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createPostgresStore(o: PostgresStoreOptions): Promise<DesignStore> {
  const { tenant, schema } = o;
  const location = `${redact(o.url)} (schema ${schema}, tenant ${tenant})`;
  const clientOptions = driverOptions(o.url, {
    ssl: o.ssl,
    connectTimeoutS: o.connectTimeoutS ?? 10,
    applicationName: `idse:${tenant}`,
  });
  let sql: Sql;
  try {
    sql = postgres(o.url, { ...clientOptions, max: o.maxConnections ?? 4 });
  } catch {
    // Not the parser's message: some runtimes quote the whole string, password and all.
    throw storeError("STORE_CONFIG", "the connection string is not a valid postgres:// URL");
  }
  try {
    await migrate(sql, schema, o.idseVersion ?? "unknown");
  } catch (err) {
    await sql.end({ timeout: 0 }).catch(() => {}); // nothing in flight; see dispose
    throw fromPostgres(err, { connecting: true });
  }

  const S = sql(schema);
  let closed = false;
  let lost = false; // a connection dropped under us (see dispose)
  /** Runs a query, turning driver errors into StoreErrors. */
  const run = async <T>(key: string | undefined, fn: () => Promise<T>): Promise<T> => {
    if (closed) throw storeError("STORE_FAILED", "the store was disposed", { key });
    try {
      return await fn();
    } catch (err) {
      const e = fromPostgres(err, { connecting: false, key });
      if (e.code === "STORE_CONNECTION_LOST") lost = true;
      throw e;
    }
  };
  const checkValue = (key: string, value: string) => {
    if (value.includes("\0")) {
      throw storeError(
        "STORE_INVALID_VALUE",
        `the text for ${key} contains U+0000, which PostgreSQL text cannot hold`,
        {
          key,
        },
      );
    }
  };
  const held = new Set<Release>();

  return {
    kind: "postgres",
    location,
    async read(key) {
      assertKey(key);
      const rows = await run(
        key,
        () => sql`SELECT value FROM ${S}.entries WHERE tenant = ${tenant} AND key = ${key}`,
      );
      return rows[0]?.value as string | undefined;
    },
    async write(key, value) {
      assertKey(key);
      checkValue(key, value);
      await run(
        key,
        () => sql`
          INSERT INTO ${S}.entries (tenant, key, value, hash) VALUES (${tenant}, ${key}, ${value}, ${sha256(value)})
          ON CONFLICT (tenant, key) DO UPDATE
            SET value = excluded.value, hash = excluded.hash, updated_at = now()`,
      );
    },
    async writeMany(entries) {
      // Later entries win: one INSERT cannot update a row twice, so keep the last of each key.
      const last = new Map<string, string>();
      for (const [key, value] of entries) {
        assertKey(key);
        checkValue(key, value);
        last.delete(key);
        last.set(key, value);
      }
      if (last.size === 0) return;
      const keys = [...last.keys()];
      const values = [...last.values()];
      // ONE statement, so atomic without BEGIN/COMMIT: a transaction block would have the driver send
      // ROLLBACK on a dropped connection, which crashes postgres 3.4.9 (see the note on locks below).
      await run(
        undefined,
        () => sql`
          INSERT INTO ${S}.entries (tenant, key, value, hash)
          SELECT ${tenant}, k, v, h
            FROM unnest(${keys}::text[], ${values}::text[], ${values.map(sha256)}::text[]) AS t(k, v, h)
          ON CONFLICT (tenant, key) DO UPDATE
            SET value = excluded.value, hash = excluded.hash, updated_at = now()`,
      );
    },
    async hash(key) {
      assertKey(key);
      const rows = await run(
        key,
        () => sql`SELECT hash FROM ${S}.entries WHERE tenant = ${tenant} AND key = ${key}`,
      );
      return rows[0]?.hash as string | undefined;
    },
    async has(key) {
      assertKey(key);
      const { lo, hi } = range(key);
      const [row] = await run(
        key,
        () => sql`
          SELECT EXISTS (SELECT 1 FROM ${S}.entries WHERE tenant = ${tenant} AND key = ${key})
              OR EXISTS (SELECT 1 FROM ${S}.entries WHERE tenant = ${tenant} AND key > ${lo} AND key < ${hi}) AS x`,
      );
      return row?.x === true;
    },
    async remove(key) {
      assertKey(key);
      const { lo, hi } = range(key);
      await run(
        key,
        () => sql`
          DELETE FROM ${S}.entries
           WHERE tenant = ${tenant} AND (key = ${key} OR (key > ${lo} AND key < ${hi}))`,
      );
    },
    async list(prefix) {
      assertKey(prefix);
      const { lo, hi } = range(prefix);
      // A skip scan in one round trip: each step jumps past the folder it found (to `<lo><name>0`), so
      // the server visits one index entry per child, not every document below the prefix.
      const rows = await run(
        prefix,
        () => sql`
          WITH RECURSIVE walk(k) AS (
            (SELECT key FROM ${S}.entries WHERE tenant = ${tenant} AND key > ${lo} AND key < ${hi} ORDER BY key LIMIT 1)
            UNION ALL
            SELECT (
              SELECT e.key FROM ${S}.entries e
               WHERE e.tenant = ${tenant} AND e.key > w.k AND e.key < ${hi}
                 AND e.key >= CASE WHEN strpos(substr(w.k, char_length(${lo}) + 1), '/') > 0
                                   THEN ${lo} || split_part(substr(w.k, char_length(${lo}) + 1), '/', 1) || '0'
                                   ELSE ${lo} END
               ORDER BY e.key LIMIT 1)
            FROM walk w WHERE w.k IS NOT NULL
          )
          SELECT k FROM walk WHERE k IS NOT NULL`,
      );
      const kinds = new Map<string, StoreEntry["kind"]>();
      for (const { k } of rows) {
        const rest = (k as string).slice(lo.length);
        const slash = rest.indexOf("/");
        if (slash >= 0) kinds.set(rest.slice(0, slash), "dir");
        else if (!kinds.has(rest)) kinds.set(rest, "file");
      }
      return [...kinds.keys()].sort(byCodeUnit).map((name) => ({ name, kind: kinds.get(name)! }));
    },
    async listTree(prefix) {
      assertKey(prefix);
      const { lo, hi } = range(prefix);
      const rows = await run(
        prefix,
        () => sql`SELECT key FROM ${S}.entries WHERE tenant = ${tenant} AND key > ${lo} AND key < ${hi}`,
      );
      return treeOf(
        lo,
        rows.map((r) => r.key as string),
      );
    },
    async lock(key, opts) {
      assertKey(key);
      const name = `${schema}\n${tenant}\n${key}`;
      // An advisory lock belongs to a session, so each lock gets a client of one connection of its own:
      // waiters never starve the pool, and `onclose` says when the session (and the lock) is gone. The
      // pool's reserve() is no use here: postgres 3.4.9 crashes the process (a write to a null socket,
      // uncaught) when a query runs on a reserved connection the server has dropped.
      let dead = false;
      const lc = postgres(o.url, {
        ...clientOptions,
        max: 1,
        // Never closed for idleness or age: that would free the lock behind the holder's back.
        idle_timeout: 0,
        max_lifetime: 0,
        onclose: () => {
          dead = true;
        },
      });
      const end = () => lc.end({ timeout: dead ? 0 : 5 }).catch(() => {});
      const deadline = Date.now() + opts.timeoutMs;
      let wait = 5;
      try {
        for (;;) {
          const [row] = await run(
            key,
            () => lc`SELECT pg_try_advisory_lock(hashtextextended(${name}, 0)) AS ok`,
          );
          if (row?.ok === true) break;
          if (Date.now() >= deadline) {
            throw storeError("LOCKED", `${key} is locked by another idse process`, {
              file: `${location}#${key}`,
              key,
              pid: "?",
            });
          }
          await sleep(wait);
          wait = Math.min(wait * 2, 100);
        }
      } catch (err) {
        await end();
        throw err;
      }
      const release: Release = async () => {
        if (!held.delete(release)) return;
        // Ending the session frees the lock; unlock first so it is free when this resolves.
        if (!dead) await lc`SELECT pg_advisory_unlock(hashtextextended(${name}, 0))`.catch(() => {});
        await end();
      };
      held.add(release);
      return release;
    },
    async dispose() {
      if (closed) return;
      for (const release of [...held]) await release();
      closed = true;
      // After a dropped connection, postgres 3.4.9's end() waits for it forever (porsager/postgres#1097):
      // nothing is in flight by then, so close at once instead of after the grace period.
      await sql.end({ timeout: lost ? 0 : 5 });
    },
  };
}
