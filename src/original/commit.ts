import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempPath } from "../atomic-file.ts";
import { writeFilesAtomic } from "../atomic-files.ts";
import type { DesignStore } from "../design-store.ts";

// Committing an import. Every file goes through a temp file and a rename, so a killed import leaves each
// file absent, old or new, never partial. A file that replaces another (an update, the view kept beside
// it) is also fsynced before its rename (writeFilesAtomic), so no old text can be lost. A file that did
// not exist is not: fsyncing ten thousand new files is most of a first import's time (the benchmark in
// scripts/bench-import.ts), and a power cut can only leave such a file empty, with the import record
// (written last, fsynced) not yet there; the next `idse import-original` rewrites it, and an empty file
// is never kept as a "view".

export async function commitImport(
  store: DesignStore,
  idseDir: string,
  writes: [string, string][],
  creates: ReadonlySet<string>,
): Promise<void> {
  if (store.kind !== "filesystem") {
    // A plugin store commits the batch in one transaction (sqlite, postgres) or key by key.
    if (store.writeMany) await store.writeMany(writes);
    else for (const [k, text] of writes) await store.write(k, text);
    return;
  }
  const fresh = writes.filter(([k]) => creates.has(k));
  const replacing = writes.filter(([k]) => !creates.has(k));
  const temps: string[] = [];
  let renamed = 0;
  try {
    const made = new Set<string>();
    for (const [k, text] of fresh) {
      const path = join(idseDir, k);
      const dir = dirname(path);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const tmp = tempPath(path);
      temps.push(tmp);
      writeFileSync(tmp, text, { mode: 0o644 });
    }
    for (; renamed < fresh.length; renamed++) renameSync(temps[renamed]!, join(idseDir, fresh[renamed]![0]));
  } catch (err) {
    for (const tmp of temps.slice(renamed)) rmSync(tmp, { force: true });
    throw err;
  }
  await writeFilesAtomic(replacing.map(([k, text]) => ({ path: join(idseDir, k), text })));
}
