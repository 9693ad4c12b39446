import type { DesignStore } from "../../../src/design-store.ts";
import { freshSchema, freshTenant, openPg, pgUnavailable } from "../../stores/pg.ts";
import { storeConformance } from "./suite.ts";

// The postgres-store plugin against a real PostgreSQL server, loaded through its factory as the host
// will load it. Every store opened here is a fresh tenant in one schema made for this run.
const schema = pgUnavailable ? "" : freshSchema("conf");
const tenants = new WeakMap<DesignStore, string>();

async function open(tenant: string): Promise<DesignStore> {
  const store = await openPg({ schema, tenant });
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
