import type { DesignStore } from "../../../src/store/contract.ts";
import { freshSchema, freshTenant, PG_URL, pgUnavailable } from "../../stores/pg.ts";
import { installedStore, workspaceWith } from "./installed.ts";
import { storeConformance } from "./suite.ts";

// The postgres-store plugin against a real PostgreSQL server, installed with `idse plugin add` and loaded
// by the plugin host as the CLI loads it. Every store opened here is a fresh tenant in one schema made for
// this run.
const schema = pgUnavailable ? "" : freshSchema("conf");
const tenants = new WeakMap<DesignStore, string>();

async function open(tenant: string): Promise<DesignStore> {
  const store = await installedStore(await workspaceWith("postgres-store"), "postgres-store", {
    options: { schema, tenant },
    env: { IDSE_POSTGRES_URL: PG_URL },
  });
  tenants.set(store, tenant);
  return store;
}

storeConformance({
  name: "postgres",
  unavailable: pgUnavailable,
  open: () => open(freshTenant()),
  reopen: (store) => open(tenants.get(store)!),
  unsupported: {
    nul: "PostgreSQL text cannot hold U+0000: the store refuses such text with STORE_INVALID_VALUE",
  },
});
