import { afterAll } from "bun:test";
import type { DesignStore } from "../../../src/store/contract.ts";
import { FakeNotion, TOKEN } from "../../stores/notion/fake-notion.ts";
import { FAST } from "../../stores/notion/host.ts";
import { installedStore, workspaceWith } from "./installed.ts";
import { storeConformance } from "./suite.ts";

// The notion-store plugin, installed with `idse plugin add` and loaded by the plugin host as the CLI
// loads it, against the local fake Notion API (test/stores/notion/fake-notion.ts): every store opened
// here gets a fresh, empty database on its own server; a second handle talks to the same server. The
// fake's origin is passed as a remote, the way a configured remote widens the host's fetch.
const servers = new Map<DesignStore, FakeNotion>();
afterAll(async () => {
  for (const fake of new Set(servers.values())) await fake.stop();
});

async function open(fake: FakeNotion): Promise<DesignStore> {
  const store = await installedStore(await workspaceWith("notion-store"), "notion-store", {
    options: { database_id: fake.model.databaseId, base_url: fake.url, concurrency: 8, ...FAST },
    env: { NOTION_TOKEN: TOKEN },
    remotes: [fake.url],
  });
  servers.set(store, fake);
  return store;
}

storeConformance({
  name: "notion",
  open: async () => open(await new FakeNotion().start()),
  reopen: (store) => open(servers.get(store)!),
});
