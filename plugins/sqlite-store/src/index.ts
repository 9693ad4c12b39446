import { isAbsolute, join, resolve } from "node:path";
import * as v from "valibot";
import type { HostApi, StorePlugin } from "../../../src/plugin-api.ts";
import { storeError } from "./errors.ts";
import { SqliteOptions } from "./options.ts";
import { createSqliteStore } from "./store.ts";

// sqlite-store: the DesignStore in one SQLite file, `.idse/idse.db` by default. A plugin module: the
// default export is the factory the host calls; `options` is the schema the host validates options with.

export { createSqliteStore } from "./store.ts";
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
      else if (ws) path = o.path === undefined ? join(ws.idseDir, "idse.db") : resolve(ws.root, o.path);
      else throw storeError("STORE_CONFIG", "no workspace, and no absolute `path` option for the database");
      return createSqliteStore({
        path,
        synchronous: o.synchronous,
        busyTimeoutMs: o.busy_timeout_ms,
      });
    },
  };
}
