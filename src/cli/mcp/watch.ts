import { existsSync, type FSWatcher, watch } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Workspace } from "../../workspace.ts";

// Resource-updated notifications: a subscribed resource's file is watched while the server runs, so an
// edit made by the CLI, an editor or another agent reaches the client. The folder is watched rather than
// the file, since atomic writes replace the file (a rename into the folder); events are debounced, as one
// save can fire several. Only the filesystem store has files to watch: with a store plugin, subscriptions
// are accepted and never notified (docs/mcp.md).

const DEBOUNCE_MS = 40;

export interface Watcher {
  subscribe(uri: string, key: string): void;
  unsubscribe(uri: string): void;
  close(): void;
}

export function resourceWatcher(ws: () => Workspace, changed: (uri: string) => void): Watcher {
  const dirs = new Map<string, { watcher: FSWatcher; files: Map<string, Set<string>> }>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const where = new Map<string, string>();

  const fire = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        if (where.has(uri)) changed(uri);
      }, DEBOUNCE_MS),
    );
  };

  return {
    subscribe(uri, key) {
      const w = ws();
      if (w.store.kind !== "filesystem" || where.has(uri)) return;
      const file = join(w.idseDir, key);
      const dir = dirname(file);
      if (!existsSync(dir)) return;
      let entry = dirs.get(dir);
      if (!entry) {
        const files = new Map<string, Set<string>>();
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          // Without a name (some platforms), every subscribed file of the folder may have changed.
          const hit = name ? files.get(String(name)) : new Set([...files.values()].flatMap((s) => [...s]));
          for (const u of hit ?? []) fire(u);
        });
        watcher.on("error", () => {});
        entry = { watcher, files };
        dirs.set(dir, entry);
      }
      const name = basename(file);
      if (!entry.files.has(name)) entry.files.set(name, new Set());
      entry.files.get(name)!.add(uri);
      where.set(uri, file);
    },
    unsubscribe(uri) {
      const file = where.get(uri);
      if (!file) return;
      where.delete(uri);
      const entry = dirs.get(dirname(file));
      const set = entry?.files.get(basename(file));
      set?.delete(uri);
      if (entry && set?.size === 0) entry.files.delete(basename(file));
      if (entry && entry.files.size === 0) {
        entry.watcher.close();
        dirs.delete(dirname(file));
      }
    },
    close() {
      for (const t of timers.values()) clearTimeout(t);
      for (const { watcher } of dirs.values()) watcher.close();
      dirs.clear();
      where.clear();
    },
  };
}
