import { PersonalRemotesFile, type RemoteConfig } from "../models/sync.ts";
import { writeFileAtomic } from "../store/atomic-file.ts";
import { acquireFileLock } from "../store/file-lock.ts";
import { resolveReal } from "../store/path-guard.ts";
import { readUserJson, userConfigFile } from "../user-config-dir.ts";

// Personal remotes: a filesystem remote whose folder is neither inside the repository nor beside it
// (`/srv/design-backup`) names a place on this machine only, so it is recorded in the user's own config
// directory, keyed by the repository's real path, never in the committed `.idse/config.json` (as Claude
// Code's hook entry naming this machine's binary goes to its per-user settings file).

export interface UserDirs {
  env: Record<string, string | undefined>;
  home: string;
}

export const personalRemotesPath = (u: UserDirs) => userConfigFile(u.env, u.home, "remotes.json");

const read = (file: string): PersonalRemotesFile =>
  readUserJson(file, PersonalRemotesFile, { repositories: {} });

/** This repository's personal remotes (none when the user has no such file). */
export function readPersonalRemotes(u: UserDirs, root: string): Record<string, RemoteConfig> {
  return read(personalRemotesPath(u)).repositories[resolveReal(root)]?.remotes ?? {};
}

/**
 * Changes this repository's personal remotes under a lock on the file (several idse runs, in several
 * repositories, may change it at once); the file is written only when `change` returns without throwing.
 */
export async function updatePersonalRemotes<T>(
  u: UserDirs,
  root: string,
  change: (remotes: Record<string, RemoteConfig>) => T,
): Promise<T> {
  const file = personalRemotesPath(u);
  const release = await acquireFileLock(`${file}.lock`, 10_000);
  try {
    const doc = read(file);
    const key = resolveReal(root);
    const remotes = { ...(doc.repositories[key]?.remotes ?? {}) };
    const out = change(remotes);
    if (Object.keys(remotes).length) doc.repositories[key] = { remotes };
    else delete doc.repositories[key];
    writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`, null);
    return out;
  } finally {
    await release();
  }
}
