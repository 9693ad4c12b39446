import { join } from "node:path";
import pkg from "../../../plugins/sqlite-store/package.json" with { type: "json" };
import * as plugin from "../../../plugins/sqlite-store/src/index.ts";
import type { DesignStore } from "../../../src/design-store.ts";
import type { PluginManifest } from "../../../src/plugin-api.ts";
import { tempDir } from "../../helpers.ts";
import { openPluginStore } from "./host.ts";
import { storeConformance } from "./suite.ts";

// The sqlite-store plugin, loaded through its factory as the host will load it.
const manifest = pkg.idse as PluginManifest;
const workspaces = new WeakMap<DesignStore, { root: string; idseDir: string }>();

async function open(workspace: { root: string; idseDir: string }): Promise<DesignStore> {
  const store = await openPluginStore(plugin, { manifest, options: {}, workspace });
  workspaces.set(store, workspace);
  return store;
}

storeConformance({
  name: "sqlite",
  open: () => {
    const root = tempDir();
    return open({ root, idseDir: join(root, ".idse") });
  },
  reopen: (store) => open(workspaces.get(store)!),
  unsupported: {
    nul: "Deno's node:sqlite cuts text at U+0000 (Bun's keeps it): the store refuses such text with STORE_INVALID_VALUE rather than keep a partial document on one runtime",
  },
});
