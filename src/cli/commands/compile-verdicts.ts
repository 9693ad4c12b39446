import { lstatSync, type Stats, statSync } from "node:fs";
import { basename } from "node:path";
import type { CompiledProfile } from "../../models/agent-profile.ts";
import { writeFileAtomic } from "../../store/atomic-file.ts";
import { type DesignStore, sha256Hex } from "../../store/contract.ts";
import { storeBoundary } from "../../store/fs.ts";
import { CACHE_MAX_BYTES, ownText } from "../../store/own-file.ts";
import { guardRead } from "../../store/path-guard.ts";
import { cacheDir, ensureCacheDir, openStatCache, statKey } from "../../store/stat-cache.ts";
import { VERSION } from "../../version.ts";

// Verdicts of `compile agent-spec --all` (issue 16, "`compile --check` reads only what changed"): a session
// whose compiled files were byte for byte what its compile produced is remembered, keyed on the content
// hash of everything that compile read or compared, so the next run serves its row without reading,
// parsing or rendering anything. Hashes are taken through a stat cache (src/store/stat-cache.ts), so an
// unchanged file costs an lstat.
//
// The key (one sha256 of all of these) is complete by construction: the compile of a session reads its
// spec.md, the blueprint's spec.md (parsed once for every session), and compares against its output files;
// what it renders depends besides only on the names (project, session, blueprint), the output folder (the
// files' paths and the `$schema` reference), the formats and the code, that is idse's version and the
// binary's own stat (a rebuilt binary of the same version may compile differently). Only a verdict of
// "every file exactly as it would be written" is kept, and it is recorded from the hashes of the very texts
// that compile read, never from the hashes taken for the lookup: a file that changes in between only misses.
// A stale, missing, failed or skipped session is never cached, so every error is computed and worded afresh.
// Exact equality serves both modes: `--check` reports such a file current, and a writing run leaves it.
//
// The file `.idse/.cache/compile-verdicts.tsv` holds one line per current session of the last `--all` run:
// the key, a tab, the row's content hash and profile as JSON. A file that cannot be read, has another
// format line or a malformed line is ignored as a whole; one that cannot be written costs the next run time.

const FORMAT = "idse-compile-verdicts 1";

/** What a cached row holds: the rest (file paths, statuses) is worked out afresh. */
type Cached = Pick<CompiledProfile, "content_hash" | "profile">;

export interface Verdicts {
  /** The row of a session an earlier run found current with these very inputs; undefined on any doubt. */
  cached(session: string): Cached | undefined;
  /** Records that `session` compiled to exactly `outputs`; `spec` and `outputs` are the texts the compile read. */
  current(session: string, spec: string, outputs: readonly string[], row: Cached): void;
  /** Writes the verdicts and the stat cache (atomic); never fails the command. */
  save(): void;
}

export interface VerdictInput {
  store: DesignStore;
  idseDir: string;
  project: string;
  blueprint: string;
  /**
   * The blueprint's spec.md as this run read it; undefined when there is no blueprint session, which
   * compiles differently from a blueprint without a spec.md (provenance, messages).
   */
  blueprintSpec: { text: string | undefined } | undefined;
  /** Every session of the run, with the store key of its spec.md. */
  sessions: readonly { session: string; specKey: string }[];
  outDir: string;
  /** The folder no output may resolve outside of (null: none), as the command reads them. */
  within: string | null;
  formats: readonly string[];
  schemaRef: string;
  /** Path of output file `fmt` of `session`. */
  outPath: (session: string, fmt: string) => string;
}

function loadVerdicts(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  // Not a file idse wrote (a link, a device: a clone can commit one) is no cache: every profile is checked.
  const text = ownText(file, CACHE_MAX_BYTES);
  if (text === undefined) return entries;
  if (!text.startsWith(`${FORMAT}\n`) || !text.endsWith("\n")) return entries;
  for (const line of text.slice(FORMAT.length + 1, -1).split("\n")) {
    if (!/^[0-9a-f]{64}\t\{/.test(line)) return new Map();
    entries.set(line.slice(0, 64), line.slice(65));
  }
  return entries;
}

/** The row's JSON, if it has the shape of one; anything else is a miss. */
function parseRow(json: string): Cached | undefined {
  try {
    const row = JSON.parse(json) as Cached;
    const ok =
      typeof row === "object" &&
      row !== null &&
      typeof row.content_hash === "string" &&
      typeof row.profile === "object" &&
      row.profile !== null;
    return ok ? { content_hash: row.content_hash, profile: row.profile } : undefined;
  } catch {
    return undefined;
  }
}

/** A file's lstat; undefined when it cannot be had (the compile's own read then says why). */
function lstatOf(path: string) {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The binary's own stat: a rebuild keeps the version number but not its inode, size and times. */
function binaryStamp(): string {
  const exe = (globalThis as { process?: { execPath?: string } }).process?.execPath;
  try {
    return exe ? statKey(statSync(exe)) : "";
  } catch {
    return "";
  }
}

/**
 * The real path of each store folder below the store's real root, one lstat a folder: a folder that is a
 * symlink (or not a folder) is null, so what the cache stats is where a contained read would land. Sync
 * (src/sync/hash.ts) skips this check for a hit, which reads nothing; here it is kept because a verdict
 * serves a whole compiled row, and a folder check per session is a small part of a run.
 */
function folderResolver(realRoot: string): (folder: string) => string | null {
  const real = new Map<string, string | null>([["", realRoot]]);
  const resolve = (folder: string): string | null => {
    let r = real.get(folder);
    if (r !== undefined) return r;
    const slash = folder.lastIndexOf("/");
    const parent = resolve(slash < 0 ? "" : folder.slice(0, slash));
    const path = parent === null ? undefined : `${parent}/${folder.slice(slash + 1)}`;
    r = path !== undefined && lstatOf(path)?.isDirectory() ? path : null;
    real.set(folder, r);
    return r;
  };
  return resolve;
}

/**
 * The verdicts of a filesystem store's workspace; undefined for any other store (its reads cannot be
 * stat-ed, so it compiles every session as before).
 */
export function openVerdicts(input: VerdictInput): Verdicts | undefined {
  const { store, idseDir } = input;
  if (store.kind !== "filesystem") return undefined;
  // The store's root and the output folder are resolved and contained once, as the command's own reads
  // would be; one that leads out (the read then refuses) turns the cache off.
  let realOut: string | undefined;
  let realStore: string | undefined;
  const { base, within } = storeBoundary(store);
  try {
    realOut = input.within === null ? input.outDir : guardRead(input.within, input.outDir);
    realStore = guardRead(within, base);
  } catch {
    return undefined;
  }
  const storeFolder = realStore === undefined ? () => null : folderResolver(realStore);
  const file = `${cacheDir(idseDir)}/compile-verdicts.tsv`;
  const known = loadVerdicts(file);
  const stats = openStatCache(idseDir, "compile");
  const specKeyOf = new Map(input.sessions.map((s) => [s.session, s.specKey]));
  const fixed = JSON.stringify([
    FORMAT,
    VERSION,
    binaryStamp(),
    input.project,
    input.blueprint,
    input.outDir,
    input.schemaRef,
    input.formats,
    input.blueprintSpec === undefined
      ? "no blueprint session"
      : input.blueprintSpec.text === undefined
        ? "no blueprint spec"
        : sha256Hex(input.blueprintSpec.text),
  ]);
  const keyOf = (session: string, spec: string, outputs: readonly string[]) =>
    sha256Hex(JSON.stringify([fixed, session, spec, outputs]));

  // A file whose stat the cache does not know is not read here: the compile reads it anyway, and when it
  // records a verdict it hands over the texts it read, whose hashes are then recorded against the stat
  // taken here, if the file still has it (so the stat describes those bytes).
  const pending = new Map<string, { real: string; st: Stats }>();
  /** The cached hash of the plain file `real` (cache key `key`), or undefined: a miss. */
  const hashOf = (real: string, key: string): string | undefined => {
    const st = lstatOf(real);
    if (!st?.isFile()) return undefined;
    const hit = stats.lookup(key, st);
    if (hit === undefined) pending.set(key, { real, st });
    return hit;
  };
  const settle = (key: string, hash: string) => {
    const p = pending.get(key);
    const after = p && lstatOf(p.real);
    if (after && statKey(after) === statKey(p.st)) stats.record(key, p.st, hash);
  };
  const specFile = (session: string): { key: string; real: string } | undefined => {
    const key = specKeyOf.get(session);
    const slash = key?.lastIndexOf("/") ?? -1;
    const folder = key === undefined || slash < 0 ? null : storeFolder(key.slice(0, slash));
    return folder === null ? undefined : { key: key!, real: `${folder}/${key!.slice(slash + 1)}` };
  };
  const outFile = (session: string, fmt: string) => {
    const key = input.outPath(session, fmt);
    return { key, real: `${realOut}/${basename(key)}` };
  };

  const kept = new Map<string, string>();
  return {
    cached(session) {
      const spec = specFile(session);
      const specHash = spec && hashOf(spec.real, spec.key);
      // Every output is looked at even after a miss, so that each unknown one is pending.
      const outputs = input.formats.map((fmt) => {
        const f = outFile(session, fmt);
        return realOut === undefined ? undefined : hashOf(f.real, f.key);
      });
      if (specHash === undefined || outputs.some((h) => h === undefined)) return undefined;
      const k = keyOf(session, specHash, outputs as string[]);
      const json = known.get(k);
      const row = json === undefined ? undefined : parseRow(json);
      if (row) kept.set(k, json!);
      return row;
    },
    current(session, spec, outputs, row) {
      const specHash = sha256Hex(spec);
      const outHashes = outputs.map(sha256Hex);
      kept.set(keyOf(session, specHash, outHashes), JSON.stringify(row));
      const sf = specFile(session);
      if (sf) settle(sf.key, specHash);
      input.formats.forEach((fmt, i) => {
        settle(outFile(session, fmt).key, outHashes[i]!);
      });
    },
    save() {
      stats.save();
      // Unchanged when every verdict read was used and none was added: nothing to write.
      if (kept.size === known.size && [...kept.keys()].every((k) => known.has(k))) return;
      try {
        ensureCacheDir(idseDir);
        const lines = [FORMAT, ...[...kept].map(([k, json]) => `${k}\t${json}`)];
        writeFileAtomic(file, `${lines.join("\n")}\n`);
      } catch {
        // A read-only checkout or a full disk: the next run compiles those sessions again.
      }
    },
  };
}
