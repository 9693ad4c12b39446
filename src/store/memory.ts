import { IdseError } from "../errors.ts";
import { assertKey, type DesignStore, type StoreEntry, sha256Hex } from "./contract.ts";

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
    async hash(key) {
      const text = data.get(assertKey(key));
      return text === undefined ? undefined : sha256Hex(text);
    },
    async writeMany(entries) {
      for (const [key] of entries) assertKey(key);
      for (const [key, value] of entries) data.set(key, value);
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
    async listTree(prefix) {
      assertKey(prefix);
      const out = new Set<string>();
      for (const k of data.keys()) {
        if (!k.startsWith(under(prefix))) continue;
        const rel = k.slice(prefix.length + 1);
        out.add(rel);
        for (let i = rel.indexOf("/"); i >= 0; i = rel.indexOf("/", i + 1)) out.add(rel.slice(0, i));
      }
      return [...out].sort();
    },
    async lock(key, opts) {
      // Chain waiters so in-process callers are serialised like separate processes would be. A waiter
      // that times out stays in the chain but hands its turn straight on, so later waiters are not stuck.
      assertKey(key);
      const prev = locks.get(key) ?? Promise.resolve();
      let release!: () => void;
      const next = new Promise<void>((r) => {
        release = r;
      });
      locks.set(
        key,
        prev.then(() => next),
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<"timeout">((r) => {
        timer = setTimeout(() => r("timeout"), opts.timeoutMs);
      });
      const won = await Promise.race([prev.then(() => "turn" as const), timedOut]);
      clearTimeout(timer);
      if (won === "timeout") {
        void prev.then(release);
        throw new IdseError("LOCKED", { file: key, pid: process.pid });
      }
      return async () => release();
    },
    dump() {
      return Object.fromEntries(data);
    },
  };
}
