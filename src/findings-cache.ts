import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { tempPath, writeTarget } from "./atomic-file.ts";
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
// session: id, key, and the entry as JSON (parsed only on a hit). Written atomically (a temp file renamed
// over it) as the run goes, so no entry is held in memory for it, and put in place only when it differs;
// one that cannot be read or parsed is ignored and rebuilt. At 10,001 filled sessions the file is 365 MB:
// built in memory first, a first run peaked at 2.6 GB. The benchmark row "`validate --all
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
  /** Puts the new cache in place (only the sessions of this run) when it differs. Never fails the command. */
  save(): void;
}

/** Appends to a new cache file (a sibling temp file) as entries come; commit() renames it into place. */
function cacheWriter(file: string) {
  let fd: number | undefined;
  let tmp = "";
  let buf = "";
  const flush = () => {
    if (buf) writeFileSync(fd!, buf);
    buf = "";
  };
  return {
    put(piece: string | Uint8Array) {
      if (fd === undefined) {
        mkdirSync(dirname(file), { recursive: true });
        tmp = tempPath(writeTarget(file, undefined));
        fd = openSync(tmp, "w", 0o644);
      }
      if (typeof piece !== "string") {
        flush();
        writeFileSync(fd, piece);
      } else {
        buf += piece;
        if (buf.length >= 1 << 20) flush();
      }
    },
    commit() {
      if (fd === undefined) return;
      flush();
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, writeTarget(file, undefined));
    },
    abort() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      if (tmp) rmSync(tmp, { force: true });
    },
  };
}

/**
 * The old cache file's entries: session → key and where the entry's JSON lies in `bytes` (kept as bytes,
 * a Buffer outside the JavaScript heap, and decoded only for a hit). Empty when unreadable or stale.
 */
function indexOf(file: string, salt: string) {
  const index = new Map<string, { key: string; start: number; end: number; line: number }>();
  let bytes: Buffer | undefined;
  let writtenMs = 0;
  try {
    writtenMs = statSync(file).mtimeMs;
    bytes = readFileSync(file);
  } catch {
    return { index, bytes: undefined, writtenMs: 0 };
  }
  const head = `${FORMAT}\n${salt}\n`;
  if (bytes.length < head.length || bytes.toString("latin1", 0, head.length) !== head) {
    return { index, bytes: undefined, writtenMs: 0 };
  }
  for (let at = head.length; at < bytes.length; ) {
    const end = bytes.indexOf(10, at);
    const a = bytes.indexOf(9, at);
    const b = a < 0 ? -1 : bytes.indexOf(9, a + 1);
    if (end < 0 || a < 0 || b < 0 || b > end) {
      index.clear();
      return { index, bytes: undefined, writtenMs: 0 };
    }
    index.set(bytes.toString("utf8", at, a), {
      key: bytes.toString("latin1", a + 1, b),
      start: b + 1,
      end,
      line: at,
    });
    at = end + 1;
  }
  return { index, bytes, writtenMs };
}

export function openFindingsCache<E>(
  idseDir: string,
  store: DesignStore,
  project: string,
  saltParts: unknown,
): FindingsCache<E> {
  const file = join(cacheDir(idseDir), "findings", `${project}.tsv`);
  const salt = sha256Hex(JSON.stringify(saltParts));
  const { index, bytes, writtenMs } = indexOf(file, salt);
  // The new file is written as the run goes (no entry is held in memory for it): from the first change
  // on, hits are copied from the old bytes and new entries appended as they are recorded. A run of hits
  // only writes nothing (the hits so far are remembered as ranges and copied at the first change).
  const out = cacheWriter(file);
  let started = false;
  let broken = false;
  let kept = 0;
  const hits: [number, number][] = [];
  const put = (piece: string | Uint8Array) => {
    if (broken) return;
    try {
      if (!started) {
        ensureCacheDir(idseDir);
        out.put(`${FORMAT}\n${salt}\n`);
        for (const [from, to] of hits) out.put(bytes!.subarray(from, to));
        started = true;
      }
      out.put(piece);
    } catch {
      // A cache that cannot be written only costs the next run time.
      broken = true;
      out.abort();
    }
  };
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
      const hit = index.get(session);
      if (!hit || hit.key !== key || !bytes) return undefined;
      let entry: E;
      try {
        entry = JSON.parse(bytes.toString("utf8", hit.start, hit.end)) as E;
      } catch {
        return undefined;
      }
      if (started) put(bytes.subarray(hit.line, hit.end + 1));
      else hits.push([hit.line, hit.end + 1]);
      kept++;
      return entry;
    },
    record(session, key, entry) {
      if (/[\t\n]/.test(session)) return;
      put(`${session}\t${key}\t${JSON.stringify(entry)}\n`);
    },
    save() {
      // Sessions of the run that were neither hits nor recorded (not cacheable) drop out, as do others:
      // the old file stays only when every one of its entries was a hit and nothing was added.
      try {
        if (broken || (!started && kept === index.size)) out.abort();
        else {
          put(""); // an old entry went unused: the new file (maybe only the hits) replaces the old one
          out.commit();
        }
      } catch {
        out.abort();
      }
    },
  };
}
