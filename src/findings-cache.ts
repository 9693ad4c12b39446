import { lstatSync, readFileSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomicPieces } from "./atomic-file.ts";
import { type DesignStore, sha256Hex } from "./design-store.ts";
import { guardRead } from "./path-guard.ts";
import { cacheDir, ensureCacheDir, statKey } from "./stat-cache.ts";
import { storeBoundary } from "./stores/fs.ts";

// The findings of `validate --all` per session, reused while nothing they depend on changed (issue 16:
// a second `validate --all` on 10,001 unchanged sessions within half the time of reading every file).
// A session's entry is keyed by the names of its files and folders and the stat of each file (device, inode,
// size, mtime, ctime: see src/stat-cache.ts) and by a salt: the rule set (idse's version, the resolved
// rule levels and options, --rule, --stage, gate), the stack, the project's state file and the
// blueprint's spec (the Product Spine the Spine rules read). Either changes: the session is validated
// again. The racy-git rule holds here too: a file not older than the cache file's last write is a miss.
// A session with a file that is a symlink is never cached (its files are read through the store, which
// checks where they lead).
//
// Only sessions with a document that is not an untouched template are kept: an untouched template's
// findings are already reused by the engine (src/validation.ts), so validating it costs about what reading
// its cached report would, and 10,001 template sessions made a 374 MB cache that cost more to write (and
// held more memory) than it saved (docs/benchmarks.md, "Scaling").
//
// One file per project, `.idse/.cache/findings/<project>.tsv`: a format line, the salt, then one line per
// session: id, key, and the entry as JSON (parsed only on a hit). Written atomically, only when an entry
// changed; one that cannot be read or parsed is ignored and rebuilt. The benchmark row "`validate --all
// --json`, second run" (docs/benchmarks.md, "Scaling") is what keeps this file.

const FORMAT = "idse-findings-cache 2";

export interface FindingsCache<E> {
  /**
   * The key of a session (the store folder `prefix`, holding `files`) from its files' stat; undefined
   * when it cannot be cached (a symlink in it). `racy`: a file is not older than the cache, so a stored
   * entry cannot be trusted (a new one may still be recorded under this key).
   */
  keyOf(prefix: string, files: readonly string[]): { key: string; racy: boolean } | undefined;
  lookup(session: string, key: string): E | undefined;
  record(session: string, key: string, entry: E): void;
  /** Writes the cache (only the sessions of this run) when an entry changed. Never fails the command. */
  save(sessions: readonly string[]): void;
}

export function openFindingsCache<E>(
  idseDir: string,
  store: DesignStore,
  project: string,
  saltParts: unknown,
): FindingsCache<E> {
  const file = join(cacheDir(idseDir), "findings", `${project}.tsv`);
  const salt = sha256Hex(JSON.stringify(saltParts));
  const lines = new Map<string, { key: string; json: string }>();
  let writtenMs = 0;
  try {
    writtenMs = statSync(file).mtimeMs;
    const text = readFileSync(file, "utf8").split("\n");
    if (text[0] === FORMAT && text[1] === salt && text.at(-1) === "") {
      for (let i = 2; i < text.length - 1; i++) {
        const line = text[i]!;
        const a = line.indexOf("\t");
        const b = line.indexOf("\t", a + 1);
        if (a < 0 || b < 0) {
          lines.clear();
          break;
        }
        lines.set(line.slice(0, a), { key: line.slice(a + 1, b), json: line.slice(b + 1) });
      }
    }
  } catch {
    lines.clear();
  }
  const fresh = new Map<string, { key: string; json: string }>();
  let dirty = false;
  const { base, within } = storeBoundary(store);

  return {
    keyOf(prefix, files) {
      let real: string | undefined;
      try {
        real = guardRead(within, base + prefix);
      } catch {
        return undefined;
      }
      if (real === undefined) return undefined;
      // Folders are known from their files' paths and not stat'd: a file reached through a symlinked
      // folder has its target's stat, so a change there still changes the key (and a hit is only ever
      // for a file the store once read, contained).
      const folders = new Set<string>();
      for (const rel of files)
        for (let i = rel.indexOf("/"); i >= 0; i = rel.indexOf("/", i + 1)) folders.add(rel.slice(0, i));
      const parts: string[] = [salt];
      let racy = false;
      for (const rel of files) {
        if (folders.has(rel)) {
          parts.push(`${rel}\td`);
          continue;
        }
        let st: Stats | undefined;
        try {
          st = lstatSync(`${real}/${rel}`, { throwIfNoEntry: false });
        } catch {
          return undefined;
        }
        if (!st || st.isSymbolicLink()) return undefined;
        if (st.mtimeMs >= writtenMs) racy = true;
        parts.push(`${rel}\t${st.isDirectory() ? "d" : statKey(st)}`);
      }
      return { key: sha256Hex(parts.join("\n")), racy };
    },
    lookup(session, key) {
      const hit = lines.get(session);
      if (!hit || hit.key !== key) return undefined;
      try {
        const entry = JSON.parse(hit.json) as E;
        fresh.set(session, hit);
        return entry;
      } catch {
        return undefined;
      }
    },
    record(session, key, entry) {
      if (/[\t\n]/.test(session)) return;
      fresh.set(session, { key, json: JSON.stringify(entry) });
      dirty = true;
    },
    save(sessions) {
      // Sessions of the run that were neither hits nor recorded (not cacheable) drop out, as do others.
      if (!dirty && fresh.size === lines.size) return;
      function* pieces() {
        yield `${FORMAT}\n${salt}\n`;
        for (const s of sessions) {
          const e = fresh.get(s);
          if (e) yield `${s}\t${e.key}\t${e.json}\n`;
        }
      }
      try {
        ensureCacheDir(idseDir);
        writeFileAtomicPieces(file, pieces());
      } catch {
        // A cache that cannot be written only costs the next run time.
      }
    },
  };
}
