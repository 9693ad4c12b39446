import { existsSync, readdirSync, rmSync } from "node:fs";
import { sep } from "node:path";
import { readTextIfExists, writeFileAtomic } from "../atomic-file.ts";
import { assertKey, type DesignStore, type StoreEntry, sha256Hex } from "../design-store.ts";
import { acquireFileLock } from "./file-lock.ts";

/**
 * DesignStoreFilesystem, the default store: markdown and JSON files under `.idse/`, in the layout of the
 * Python original. Methods are async to honour the contract but use sync I/O inside. This is for
 * simplicity, not speed: in a cold CLI process reading 1,001 sessions, sync and promise-based reads
 * measured the same (docs/benchmarks.md, "Where the time goes"), and the atomic write and the lock are
 * sync anyway.
 */
/** The text of a file; undefined when it is missing or is a folder (a folder has no text of its own). */
function readText(path: string): string | undefined {
  try {
    return readTextIfExists(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EISDIR") return undefined;
    throw err;
  }
}

export function createFilesystemStore(root: string): DesignStore {
  // Concatenation rather than path.join: keys are checked, '/'-separated and relative, and join was a
  // tenth of `validate --all` in the profile (docs/benchmarks.md). Node and Bun accept '/' on Windows.
  const base = root.endsWith("/") || root.endsWith("\\") ? root : `${root}/`;
  const path = (key: string) => base + assertKey(key);
  const held = new Set<() => Promise<void>>(); // lock releases, run by dispose
  return {
    kind: "filesystem",
    location: root,
    async read(key) {
      return readText(path(key));
    },
    async write(key, value) {
      writeFileAtomic(path(key), value);
    },
    async has(key) {
      return existsSync(path(key));
    },
    async hash(key) {
      const text = readText(path(key));
      return text === undefined ? undefined : sha256Hex(text);
    },
    async writeMany(entries) {
      // Files have no transactions: check every key first, then write each atomically, in order.
      const paths = entries.map(([key]) => path(key));
      for (const [i, [, value]] of entries.entries()) writeFileAtomic(paths[i]!, value);
    },
    async remove(key) {
      rmSync(path(key), { recursive: true, force: true });
    },
    async list(prefix) {
      let dirents: import("node:fs").Dirent[];
      try {
        dirents = readdirSync(path(prefix), { withFileTypes: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return [];
        throw err;
      }
      const out: StoreEntry[] = [];
      for (const e of dirents) {
        if (e.isDirectory()) out.push({ name: e.name, kind: "dir" });
        else if (e.isFile()) out.push({ name: e.name, kind: "file" });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async listTree(prefix) {
      // Names only (no file types): one readdir per folder, which is what `validate --all` pays for.
      try {
        const list = readdirSync(path(prefix), { recursive: true }) as string[];
        return (sep === "/" ? list : list.map((p) => p.split(sep).join("/"))).sort();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return [];
        throw err;
      }
    },
    async lock(key, opts) {
      const release = await acquireFileLock(path(key), opts.timeoutMs);
      const once = async () => {
        if (held.delete(once)) await release();
      };
      held.add(once);
      return once;
    },
    async dispose() {
      for (const release of [...held]) await release();
    },
  };
}
