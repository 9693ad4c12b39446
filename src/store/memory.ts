import type { DesignStore, StoreDriver } from "./contract.ts";
import { storeCore } from "./core.ts";

/**
 * An in-memory DesignStore for tests; keys behave exactly as paths do in the filesystem store. The
 * driver is a map: folders, presence, hashes, batches and the lock (this process's callers serialised)
 * come from the store core.
 */
export function createMemoryStore(initial: Record<string, string> = {}): DesignStore & {
  dump(): Record<string, string>;
} {
  const data = new Map<string, string>(Object.entries(initial));
  const below = (prefix: string) => `${prefix}/`;
  const driver: StoreDriver = {
    kind: "memory",
    location: "memory",
    async read(key) {
      return data.get(key);
    },
    async write(key, value) {
      data.set(key, value);
    },
    async remove(key) {
      data.delete(key);
      for (const k of [...data.keys()]) if (k.startsWith(below(key))) data.delete(k);
    },
    async keys(prefix) {
      return [...data.keys()].filter((k) => k.startsWith(below(prefix)));
    },
  };
  return Object.assign(storeCore(driver), { dump: () => Object.fromEntries(data) });
}
