import { createMemoryStore } from "../../../src/store/memory.ts";
import { storeConformance } from "./suite.ts";

storeConformance({
  name: "memory",
  open: async () => createMemoryStore(),
  unsupported: {
    "concurrent-instances": "each memory store is its own map: no second handle shares its data",
    persistence: "a memory store keeps nothing once its process is done with it",
  },
});
