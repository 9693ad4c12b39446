import { afterAll } from "bun:test";
import type { DesignStore } from "../../../src/design-store.ts";
import { FakeNotion } from "../../stores/notion/fake-notion.ts";
import { openNotion } from "../../stores/notion/host.ts";
import { storeConformance } from "./suite.ts";

// The notion-store plugin, loaded through its factory as the host will load it, against the local fake
// Notion API (test/stores/notion/fake-notion.ts): every store opened here gets a fresh, empty database
// on its own server; a second handle talks to the same server.
const servers = new Map<DesignStore, FakeNotion>();
afterAll(async () => {
  for (const fake of new Set(servers.values())) await fake.stop();
});

async function open(fake: FakeNotion): Promise<DesignStore> {
  const { store } = await openNotion(fake);
  servers.set(store, fake);
  return store;
}

storeConformance({
  name: "notion",
  open: async () => open(await new FakeNotion().start()),
  reopen: (store) => open(servers.get(store)!),
});
