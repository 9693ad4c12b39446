import { writeFilesAtomic } from "../store/atomic-files.ts";
import type { DesignStore } from "../store/contract.ts";

// Committing an import through the batch writer (src/store/atomic-files.ts), as sync's pushes and the stores'
// writeMany: every document is first written to a temp file beside its target; only when all of them are
// written (and synced, below) do the renames begin, so a failure before that (a full disk, a killed
// process) changes no document, and its temp files are removed (a killed import's by the next one).
// During the renames each file is old or new, never partial; then the folders are synced, so the renames
// are on disk before the caller writes the import record.
//
// A file that replaces another (an update; a view kept beside one) is fsynced before the renames, so no
// old text can be lost. A file that did not exist is not (syncNew: false): fsyncing ten thousand new files
// is most of a first import's time (scripts/bench-import.ts), and a power cut can only leave such a file
// empty while the import record (written last, fsynced) is not there yet; the next `idse import-original`
// rewrites it, and never keeps an empty file as a "view".

export async function commitImport(
  store: DesignStore,
  idseDir: string,
  writes: [string, string][],
): Promise<void> {
  if (store.kind !== "filesystem") {
    // A plugin store takes the batch in one call (one transaction in sqlite-store and postgres-store).
    await store.writeMany(writes);
    return;
  }
  const files = writes.map(([key, text]) => ({ path: `${idseDir}/${key}`, text }));
  await writeFilesAtomic(files, undefined, { syncNew: false });
}
