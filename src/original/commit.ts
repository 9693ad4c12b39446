import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname, join } from "node:path";
import { tempPath } from "../store/atomic-file.ts";
import type { DesignStore } from "../store/contract.ts";
import { alive } from "../store/file-lock.ts";

// Committing an import: stage everything, then rename. Every document is first written to a temp file
// beside its target; only when all of them are written (and synced, below) do the renames begin, so a
// failure before that (a full disk, a killed process) changes no document; leftover temp files are
// removed (a killed import's by the next one). During the renames each file is old or new, never partial.
//
// A file that replaces another (an update; a view kept beside one) is fsynced before the renames, so no
// old text can be lost. A file that did not exist is not: fsyncing ten thousand new files is most of a
// first import's time (scripts/bench-import.ts), and a power cut can only leave such a file empty while
// the import record (written last, fsynced) is not there yet; the next `idse import-original` rewrites
// it, and never keeps an empty file as a "view".

/** fsyncs in flight at once: enough to keep the I/O threads busy, few descriptors. */
const IN_FLIGHT = 16;

/** A temp file of tempPath(): `<name>.<pid>.<n>.tmp`. */
const TEMP = /\.(\d+)\.\d+\.tmp$/;

function sweepTemps(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(TEMP.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) rmSync(join(dir, name), { force: true });
  }
}

export async function commitImport(
  store: DesignStore,
  idseDir: string,
  writes: [string, string][],
  creates: ReadonlySet<string>,
): Promise<void> {
  if (store.kind !== "filesystem") {
    // A plugin store takes the batch in one call (one transaction in sqlite-store and postgres-store).
    if (store.writeMany) await store.writeMany(writes);
    else for (const [k, text] of writes) await store.write(k, text);
    return;
  }
  const staged: { path: string; tmp: string; sync: boolean }[] = [];
  let renamed = 0;
  try {
    const made = new Set<string>();
    for (const [key, text] of writes) {
      const path = join(idseDir, key);
      const dir = dirname(path);
      if (!made.has(dir)) {
        // A folder that already existed may hold the temp files of an import that was killed: remove them.
        if (mkdirSync(dir, { recursive: true }) === undefined) sweepTemps(dir);
        made.add(dir);
      }
      const tmp = tempPath(path);
      staged.push({ path, tmp, sync: !creates.has(key) });
      writeFileSync(tmp, text, { mode: 0o644 });
    }
    const toSync = staged.filter((s) => s.sync).map((s) => s.tmp);
    let next = 0;
    const lane = async () => {
      while (next < toSync.length) {
        const handle = await open(toSync[next++]!, "r+");
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, toSync.length) }, lane));
    for (; renamed < staged.length; renamed++) renameSync(staged[renamed]!.tmp, staged[renamed]!.path);
  } catch (err) {
    for (const s of staged.slice(renamed)) rmSync(s.tmp, { force: true });
    throw err;
  }
}
