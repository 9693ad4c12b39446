import type { StoreDriver } from "../../../src/store/contract.ts";
import { childrenOf, storeCore } from "../../../src/store/core.ts";
import { storeConformance } from "./suite.ts";

// The store core's fallbacks, held to the whole suite: a driver with only read, write, remove and list
// (no keys, has, listTree, hash, writeMany, lock or dispose), so every other method is the core's own.
// memory.test.ts covers the other shape, a driver that lists nothing and gives keys() instead.

function listOnlyDriver(): StoreDriver {
  const data = new Map<string, string>();
  return {
    kind: "list-only",
    location: "memory",
    read: async (key) => data.get(key),
    write: async (key, value) => {
      data.set(key, value);
    },
    remove: async (key) => {
      for (const k of [...data.keys()]) if (k === key || k.startsWith(`${key}/`)) data.delete(k);
    },
    list: async (prefix) => childrenOf(prefix, data.keys()),
  };
}

storeConformance({
  name: "list-only driver through the core",
  open: async () => storeCore(listOnlyDriver()),
  unsupported: {
    "concurrent-instances": "each driver is its own map: no second handle shares its data",
    persistence: "a map keeps nothing once its process is done with it",
  },
});
