import { createHash, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Release, StoreDriver, StoreEntry } from "../../../src/plugins/api.ts";
import { byCodeUnit, range } from "../../shared/store-keys.ts";
import { fromSqlite, storeError } from "./errors.ts";
import { migrate } from "./migrations.ts";

// A DesignStore in one SQLite file (node:sqlite, built into Bun and Deno), in WAL mode so readers never
// wait for the writer. Statements are prepared once; node:sqlite is synchronous, so a method never holds
// a transaction across an await and two instances in one process cannot deadlock each other. The host
// wraps it in idse's store core, which checks keys and builds listTree from `keys`.

export interface SqliteStoreOptions {
  /** The database file (created with its directory when missing). */
  path: string;
  /**
   * SQLite's `synchronous` in WAL mode. "normal" (the default): a commit is atomic and survives a crash
   * of idse; a power cut may lose the last commits, never a half-written one. "full" also syncs the WAL
   * on every commit.
   */
  synchronous?: "normal" | "full";
  /** How long a write waits for another process's write transaction (default 5000 ms). */
  busyTimeoutMs?: number;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Opens the database, trying again while it is busy. SQLite does not call the busy handler for every lock
 * an open takes: switching a new file to WAL, or a read that would have to wait for a writer, fails at
 * once with "database is locked" when another process opens the same new file at that moment (six
 * processes opening one fresh file failed about once in a hundred rounds). So the whole open is tried
 * again, after a short random pause, until the busy timeout has passed.
 */
function open(o: SqliteStoreOptions): DatabaseSync {
  const deadline = Date.now() + Math.max(0, Math.trunc(o.busyTimeoutMs ?? 5000));
  for (;;) {
    try {
      return openOnce(o);
    } catch (err) {
      const e = err as { code?: unknown };
      if (e.code !== "LOCKED" || Date.now() >= deadline) throw err;
      // node:sqlite is synchronous, and so is this open: a synchronous pause of 5–25 ms.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 + Math.random() * 20);
    }
  }
}

function openOnce(o: SqliteStoreOptions): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    mkdirSync(dirname(o.path), { recursive: true });
    db = new DatabaseSync(o.path);
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(o.busyTimeoutMs ?? 5000))}`);
    // Migrate (or refuse) first: switching to WAL rewrites the header of a file we may have to leave alone.
    migrate(db, o.path);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(`PRAGMA synchronous = ${o.synchronous === "full" ? "FULL" : "NORMAL"}`);
    return db;
  } catch (err) {
    if (db?.isOpen) db.close();
    throw fromSqlite(err, o.path);
  }
}

export function createSqliteStore(o: SqliteStoreOptions): StoreDriver {
  const { path } = o;
  const db = open(o);

  let closed = false;
  const statements = new Map<string, StatementSync>();
  const q = (sql: string) => {
    if (closed) throw storeError("STORE_FAILED", "the store was disposed", { file: path });
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  /** Runs `fn`, turning node:sqlite errors into StoreErrors. */
  const run = <T>(fn: () => T, key?: string): T => {
    try {
      return fn();
    } catch (err) {
      throw fromSqlite(err, path, key);
    }
  };
  const UPSERT =
    "INSERT INTO entries (key, value, hash, updated_at) VALUES (?, ?, ?, ?) " +
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, hash = excluded.hash, updated_at = excluded.updated_at";
  const upsert = (key: string, value: string, now: string) => q(UPSERT).run(key, value, sha256(value), now);
  const checkValue = (key: string, value: string) => {
    // Deno's node:sqlite cuts text at U+0000 (Bun's keeps it): refuse rather than store a partial document.
    if (value.includes("\0")) {
      throw storeError("STORE_INVALID_VALUE", `the text for ${key} contains U+0000`, { key, file: path });
    }
  };
  const owned = new Set<string>(); // lock owners held by this instance, released on dispose

  return {
    kind: "sqlite",
    location: path,
    async read(key) {
      const row = run(() => q("SELECT value FROM entries WHERE key = ?").get(key), key);
      return row === undefined ? undefined : (row.value as string);
    },
    async write(key, value) {
      checkValue(key, value);
      run(() => upsert(key, value, new Date().toISOString()), key);
    },
    async writeMany(entries) {
      for (const [key, value] of entries) {
        checkValue(key, value);
      }
      const now = new Date().toISOString();
      run(() => {
        q("BEGIN IMMEDIATE").run();
        try {
          for (const [key, value] of entries) upsert(key, value, now);
          q("COMMIT").run();
        } catch (err) {
          if (db.isTransaction) db.exec("ROLLBACK");
          throw err;
        }
      });
    },
    async hash(key) {
      const row = run(() => q("SELECT hash FROM entries WHERE key = ?").get(key), key);
      return row === undefined ? undefined : (row.hash as string);
    },
    async has(key) {
      const { lo, hi } = range(key);
      const row = run(
        () =>
          q(
            "SELECT EXISTS (SELECT 1 FROM entries WHERE key = ?) OR EXISTS (SELECT 1 FROM entries WHERE key > ? AND key < ?) AS x",
          ).get(key, lo, hi),
        key,
      );
      return Number(row?.x) === 1;
    },
    async remove(key) {
      const { lo, hi } = range(key);
      run(() => q("DELETE FROM entries WHERE key = ? OR (key > ? AND key < ?)").run(key, lo, hi), key);
    },
    async list(prefix) {
      const { lo, hi } = range(prefix);
      // A skip scan: one index probe per child, not one row per document below the prefix (a sessions
      // folder of 1,001 sessions holds about 11,000 documents but has 1,001 children).
      const after = q("SELECT key FROM entries WHERE key > ? AND key < ? ORDER BY key LIMIT 1");
      const from = q("SELECT key FROM entries WHERE key >= ? AND key < ? ORDER BY key LIMIT 1");
      const kinds = new Map<string, StoreEntry["kind"]>();
      run(() => {
        let row = after.get(lo, hi);
        while (row) {
          const key = row.key as string;
          const rest = key.slice(lo.length);
          const slash = rest.indexOf("/");
          if (slash < 0) {
            if (!kinds.has(rest)) kinds.set(rest, "file");
            row = after.get(key, hi);
          } else {
            const name = rest.slice(0, slash);
            kinds.set(name, "dir");
            row = from.get(`${lo}${name}0`, hi);
          }
        }
      }, prefix);
      return [...kinds.keys()].sort(byCodeUnit).map((name) => ({ name, kind: kinds.get(name)! }));
    },
    async keys(prefix) {
      const { lo, hi } = range(prefix);
      const rows = run(() => q("SELECT key FROM entries WHERE key > ? AND key < ?").all(lo, hi), prefix);
      return rows.map((r) => r.key as string);
    },
    async lock(key, opts) {
      const owner = randomUUID();
      const me = { pid: process.pid, host: hostname() };
      const deadline = Date.now() + opts.timeoutMs;
      let wait = 5;
      for (;;) {
        const took = run(() => {
          const ins = q(
            "INSERT INTO locks (key, owner, pid, host, acquired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
          ).run(key, owner, me.pid, me.host, new Date().toISOString());
          if (Number(ins.changes) === 1) return true;
          // Held: take it over when its process died on this host (the row is deleted only if unchanged).
          const holder = q("SELECT owner, pid, host FROM locks WHERE key = ?").get(key);
          if (holder && holder.host === me.host && !alive(Number(holder.pid))) {
            q("DELETE FROM locks WHERE key = ? AND owner = ?").run(key, holder.owner as string);
          }
          return false;
        }, key);
        if (took) break;
        if (Date.now() >= deadline) {
          const holder = run(() => q("SELECT pid FROM locks WHERE key = ?").get(key), key);
          throw storeError("LOCKED", `${key} is locked by another idse process`, {
            file: `${path}#${key}`,
            key,
            pid: holder?.pid ?? "?",
          });
        }
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 100);
      }
      owned.add(owner);
      const release: Release = async () => {
        if (!owned.delete(owner) || closed) return;
        run(() => q("DELETE FROM locks WHERE key = ? AND owner = ?").run(key, owner), key);
      };
      return release;
    },
    async dispose() {
      if (closed) return;
      for (const owner of owned) run(() => q("DELETE FROM locks WHERE owner = ?").run(owner));
      owned.clear();
      closed = true;
      statements.clear();
      db.close();
    },
  };
}
