import * as v from "valibot";
import type { HostApi, StorePlugin } from "../../../src/plugins/api.ts";
import { storeError } from "./errors.ts";
import { PostgresOptions } from "./options.ts";
import { createPostgresStore } from "./store.ts";

// postgres-store: the DesignStore in a PostgreSQL server, several workspaces (tenants) per database.
// A plugin module: the default export is the factory the host calls; `options` is the schema the host
// validates options with. The connection string comes only from the environment, through host.env.

export { createPostgresStore } from "./store.ts";
export const options = PostgresOptions;

export default function postgresStore(host: HostApi<PostgresOptions>): StorePlugin {
  return {
    kind: "store",
    async createStore() {
      const parsed = v.safeParse(PostgresOptions, host.plugin.options ?? {});
      if (!parsed.success) {
        throw storeError("STORE_CONFIG", `invalid options: ${v.summarize(parsed.issues)}`);
      }
      const o = parsed.output;
      const url = host.env(o.url_env);
      if (!url) {
        throw storeError(
          "STORE_CONFIG",
          `the environment variable ${o.url_env} holding the connection string is not set`,
          {
            env: o.url_env,
          },
        );
      }
      return createPostgresStore({
        url,
        tenant: o.tenant,
        schema: o.schema,
        ssl: o.ssl,
        maxConnections: o.max_connections,
        connectTimeoutS: o.connect_timeout_s,
        idseVersion: host.idseVersion,
      });
    },
  };
}
