import { readdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic-file.ts";
import { writeFilesAtomic } from "./atomic-files.ts";
import { assertKey, type DesignStore, type StoreDriver, type StoreEntry } from "./contract.ts";
import { storeCore } from "./core.ts";
import { acquireFileLock } from "./file-lock.ts";
import { guardRead, guardWrite, readContained } from "./path-guard.ts";
import { walkTree } from "./walk-tree.ts";

/**
 * DesignStoreFilesystem, the default store: markdown and JSON files under `.idse/`, in the layout of the
 * Python original. Methods are async to honour the contract but use sync I/O inside. This is for
 * simplicity, not speed: in a cold CLI process reading 1,001 sessions, sync and promise-based reads
 * measured the same (docs/benchmarks.md, "Where the time goes"), and the atomic write and the lock are
 * sync anyway.
 *
 * Every path is contained (src/store/path-guard.ts): a key whose file, through symlinks, resolves outside the
 * store's boundary is refused with PATH_OUTSIDE_WORKSPACE, for reads as for writes. The boundary is the
 * repository root for the workspace's own store (a symlink to elsewhere in the repository is followed)
 * and the folder itself for a filesystem remote.
 *
 * A driver (contract.ts, StoreDriver): the store core (core.ts) checks every key before it gets here and
 * gives `hash` by reading; what is here is what files do better than the core's fallbacks.
 */
/** The text of a file; undefined when it is missing or is a folder (a folder has no text of its own). */
function readText(within: string, path: string): string | undefined {
  try {
    return readContained(within, path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EISDIR" || code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}

const boundaries = new WeakMap<DesignStore, { base: string; within: string }>();

/**
 * A filesystem store's file as bytes, contained like its reads; undefined when missing. For callers that
 * hash bytes without decoding them (src/sync/hash.ts) or copy them (store migrate).
 */
export function readStoreBytes(store: DesignStore, key: string): Buffer | undefined {
  const b = storeBoundary(store);
  return readContained(b.within, b.base + assertKey(key));
}

/** A filesystem store's folder (with a trailing '/') and the folder no file may resolve outside of. */
export function storeBoundary(store: DesignStore): { base: string; within: string } {
  // A wrapped copy of a filesystem store (the benchmark's) is bounded by its own folder.
  const loc = store.location.endsWith("/") ? store.location : `${store.location}/`;
  return boundaries.get(store) ?? { base: loc, within: store.location };
}

/** `within`: the folder no file may resolve outside of (default: `root`). */
export function createFilesystemStore(root: string, within: string = root): DesignStore {
  // Concatenation rather than path.join: keys are checked, '/'-separated and relative, and join was a
  // tenth of `validate --all` in the profile (docs/benchmarks.md). Node and Bun accept '/' on Windows.
  // The core has checked every key before it gets here.
  const base = root.endsWith("/") || root.endsWith("\\") ? root : `${root}/`;
  const path = (key: string) => base + key;
  const held = new Set<() => Promise<void>>(); // lock releases, run by dispose
  /** A folder's real path to list, or undefined when it is missing. */
  const dir = (prefix: string) => guardRead(within, path(prefix));
  /** A key's folder, resolved and contained: what is removed or locked there stays inside. */
  const inFolder = (key: string) => {
    const p = path(key);
    return join(guardWrite(within, dirname(p)), basename(p));
  };
  const driver: StoreDriver = {
    kind: "filesystem",
    location: root,
    async read(key) {
      return readText(within, path(key));
    },
    async write(key, value) {
      writeFileAtomic(path(key), value, within);
    },
    async has(key) {
      return guardRead(within, path(key)) !== undefined;
    },
    async writeMany(entries) {
      // Files have no transactions: the batch writer (src/store/atomic-files.ts) checks every key (and where it
      // leads) first, so a key that leads out refuses the batch before anything is written; then writes
      // every temp file, fsyncs them overlapped, renames them in order and fsyncs their folders. Each
      // file is old or new at any moment, and all are durable once this returns (store migrate and
      // store import write here: one waited-for fsync per file before, issue 16).
      await writeFilesAtomic(
        entries.map(([key, text]) => ({ path: path(key), text })),
        within,
        { syncDirs: true },
      );
    },
    async remove(key) {
      // rm removes a symlink itself, never what it points to; its folder is what must be ours.
      rmSync(inFolder(key), { recursive: true, force: true });
    },
    async list(prefix) {
      let dirents: import("node:fs").Dirent[];
      let real: string | undefined;
      try {
        real = dir(prefix);
        if (real === undefined) return [];
        dirents = readdirSync(real, { withFileTypes: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return [];
        throw err;
      }
      const out: StoreEntry[] = [];
      for (const e of dirents) {
        let kind = e.isDirectory() ? "dir" : e.isFile() ? "file" : undefined;
        if (e.isSymbolicLink()) {
          // Listed as what it leads to when that is inside the boundary; refused when it leads out.
          const to = guardRead(within, join(real, e.name));
          const st = to === undefined ? undefined : statSync(to, { throwIfNoEntry: false });
          kind = st?.isDirectory() ? "dir" : st?.isFile() ? "file" : undefined;
        }
        if (kind) out.push({ name: e.name, kind: kind as StoreEntry["kind"] });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async listTree(prefix) {
      // One readdir per folder; a symlinked folder is entered when it stays inside the boundary (as reads
      // follow it), and a link that leads out is refused, as `list` refuses it (src/store/walk-tree.ts).
      try {
        const real = dir(prefix);
        if (real === undefined) return [];
        return walkTree(real, { real, follow: (p) => guardRead(within, p) })!.sort();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return [];
        throw err;
      }
    },
    async lock(key, opts) {
      const release = await acquireFileLock(inFolder(key), opts.timeoutMs);
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
  const store = storeCore(driver);
  boundaries.set(store, { base, within });
  return store;
}
