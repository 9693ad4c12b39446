import { assertKey, type DesignStore, type StoreEntry } from "../design-store.ts";

/** An in-memory DesignStore for tests; keys behave exactly as paths do in the filesystem store. */
export function createMemoryStore(initial: Record<string, string> = {}): DesignStore & {
  dump(): Record<string, string>;
} {
  const data = new Map<string, string>(Object.entries(initial));
  const locks = new Map<string, Promise<void>>();
  const under = (prefix: string) => `${prefix}/`;
  return {
    kind: "memory",
    location: "memory",
    async read(key) {
      return data.get(assertKey(key));
    },
    async write(key, value) {
      data.set(assertKey(key), value);
    },
    async has(key) {
      assertKey(key);
      if (data.has(key)) return true;
      for (const k of data.keys()) if (k.startsWith(under(key))) return true;
      return false;
    },
    async remove(key) {
      assertKey(key);
      data.delete(key);
      for (const k of [...data.keys()]) if (k.startsWith(under(key))) data.delete(k);
    },
    async list(prefix) {
      assertKey(prefix);
      const seen = new Map<string, StoreEntry>();
      for (const k of data.keys()) {
        if (!k.startsWith(under(prefix))) continue;
        const rest = k.slice(prefix.length + 1);
        const slash = rest.indexOf("/");
        const name = slash < 0 ? rest : rest.slice(0, slash);
        if (!seen.has(name)) seen.set(name, { name, kind: slash < 0 ? "file" : "dir" });
      }
      return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async lock(key) {
      // Chain waiters so in-process callers are serialised like separate processes would be.
      const prev = locks.get(key) ?? Promise.resolve();
      let release!: () => void;
      const next = new Promise<void>((r) => {
        release = r;
      });
      locks.set(
        key,
        prev.then(() => next),
      );
      await prev;
      return async () => release();
    },
    dump() {
      return Object.fromEntries(data);
    },
  };
}
