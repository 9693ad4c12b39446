import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import * as v from "valibot";
import type { HostApi, StorePlugin } from "../../../src/plugins/api.ts";
import { storeError } from "./errors.ts";
import { APPLICATION_ID } from "./migrations.ts";
import { SqliteOptions } from "./options.ts";
import { createSqliteStore } from "./store.ts";

// sqlite-store: the DesignStore in one SQLite file, `.idse/idse-store.db` by default. A plugin module: the
// default export is the factory the host calls; `options` is the schema the host validates options with.

export { createSqliteStore } from "./store.ts";

/** idse's own file name: `.idse/idse.db` is the Python original's database, which idse never writes. */
export const STORE_FILE = "idse-store.db";
const OLD_FILE = "idse.db";

/** The application id in a SQLite file's header (0 for a missing or foreign file). */
function applicationId(path: string): number {
  try {
    const fd = openSync(path, "r");
    try {
      const head = Buffer.alloc(72);
      return readSync(fd, head, 0, 72, 0) === 72 ? head.readUInt32BE(68) : 0;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}

/**
 * The default database: `.idse/idse-store.db`; a store an earlier idse created as `.idse/idse.db` (marked
 * with idse's application id) keeps working where it is. The original's file of that name is never used.
 */
export function defaultPath(idseDir: string): string {
  const current = join(idseDir, STORE_FILE);
  const old = join(idseDir, OLD_FILE);
  if (!existsSync(current) && applicationId(old) === APPLICATION_ID) return old;
  return current;
}
export const options = SqliteOptions;

export default function sqliteStore(host: HostApi<SqliteOptions>): StorePlugin {
  return {
    kind: "store",
    async createStore() {
      const parsed = v.safeParse(SqliteOptions, host.plugin.options ?? {});
      if (!parsed.success) {
        throw storeError("STORE_CONFIG", `invalid options: ${v.summarize(parsed.issues)}`);
      }
      const o = parsed.output;
      const ws = host.workspace;
      let path: string;
      if (o.path !== undefined && isAbsolute(o.path)) path = o.path;
      else if (ws) path = o.path === undefined ? defaultPath(ws.idseDir) : resolve(ws.root, o.path);
      else throw storeError("STORE_CONFIG", "no workspace, and no absolute `path` option for the database");
      // A database inside the repository is opened where it really is: a committed
      // `.idse/idse-store.db` that is a symlink to another repository's database is refused.
      if (ws?.contain) path = ws.contain(path);
      return createSqliteStore({
        path,
        synchronous: o.synchronous,
        busyTimeoutMs: o.busy_timeout_ms,
      });
    },
  };
}
