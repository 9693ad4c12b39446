import type { DesignStore } from "../../../src/store/contract.ts";
import type { Workspace } from "../../../src/workspace.ts";
import { installedStore, workspaceWith } from "./installed.ts";
import { storeConformance } from "./suite.ts";

// The sqlite-store plugin, installed with `idse plugin add` and loaded by the plugin host as the CLI
// loads it; each store is a fresh workspace, whose .idse/idse-store.db a second handle opens again.
const workspaces = new WeakMap<DesignStore, Workspace>();

async function open(ws: Workspace): Promise<DesignStore> {
  const store = await installedStore(ws, "sqlite-store");
  workspaces.set(store, ws);
  return store;
}

storeConformance({
  name: "sqlite",
  open: async () => open(await workspaceWith("sqlite-store")),
  reopen: (store) => open(workspaces.get(store)!),
  unsupported: {
    nul: "Deno's node:sqlite cuts text at U+0000 (Bun's keeps it): the store refuses such text with STORE_INVALID_VALUE rather than keep a partial document on one runtime",
  },
});
