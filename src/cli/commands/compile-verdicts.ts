import { lstatSync, readFileSync, statSync } from "node:fs";
import type { CompiledProfile } from "../../models/agent-profile.ts";
import { readTextIfExists, writeFileAtomic } from "../../store/atomic-file.ts";
import { type DesignStore, sha256Hex } from "../../store/contract.ts";
import { guardRead } from "../../store/path-guard.ts";
import { cacheDir, ensureCacheDir, openStatCache, statKey } from "../../store/stat-cache.ts";
import { hashKeys } from "../../sync/hash.ts";
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
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return entries;
  }
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
 * The verdicts of a filesystem store's workspace; undefined for any other store (its reads cannot be
 * stat-ed, so it compiles every session as before).
 */
export async function openVerdicts(input: VerdictInput): Promise<Verdicts | undefined> {
  const { store, idseDir } = input;
  if (store.kind !== "filesystem") return undefined;
  // Outputs are found through the output folder's real path, resolved and contained once, as the
  // command's own reads would be; a folder that leads out (the read then refuses) turns the cache off.
  let realOut: string | undefined;
  try {
    realOut = input.within === null ? input.outDir : guardRead(input.within, input.outDir);
  } catch {
    return undefined;
  }
  const file = `${cacheDir(idseDir)}/compile-verdicts.tsv`;
  const known = loadVerdicts(file);
  const stats = openStatCache(idseDir, "compile");
  let specHash: Map<string, string>;
  try {
    specHash = await hashKeys(
      store,
      input.sessions.map((s) => s.specKey),
      stats,
    );
  } catch {
    // A spec that cannot be read: the compile reads it too and fails as it always did.
    return undefined;
  }
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

  /** Content hash of an output file, through the stat cache; undefined when it is missing or not a plain file. */
  const outputHash = (session: string, fmt: string): string | undefined => {
    if (realOut === undefined) return undefined;
    const path = input.outPath(session, fmt);
    const real = `${realOut}/${path.slice(path.lastIndexOf("/") + 1)}`;
    const st = lstatOf(real);
    if (!st?.isFile()) return undefined;
    const hit = stats.lookup(path, st);
    if (hit !== undefined) return hit;
    let text: string | undefined;
    try {
      text = readTextIfExists(path, input.within);
    } catch {
      return undefined; // the compile's own read reports it
    }
    if (text === undefined) return undefined;
    const hash = sha256Hex(text);
    const after = lstatOf(real);
    if (after && statKey(after) === statKey(st)) stats.record(path, st, hash);
    return hash;
  };

  const kept = new Map<string, string>();
  return {
    cached(session) {
      const key = specKeyOf.get(session);
      const spec = key === undefined ? undefined : specHash.get(key);
      // Hashed even when there is no verdict yet, so the stat cache knows the outputs by the next run.
      if (spec === undefined) return undefined;
      const outputs: string[] = [];
      for (const fmt of input.formats) {
        const h = outputHash(session, fmt);
        if (h === undefined) return undefined;
        outputs.push(h);
      }
      const k = keyOf(session, spec, outputs);
      const json = known.get(k);
      const row = json === undefined ? undefined : parseRow(json);
      if (row) kept.set(k, json!);
      return row;
    },
    current(session, spec, outputs, row) {
      kept.set(keyOf(session, sha256Hex(spec), outputs.map(sha256Hex)), JSON.stringify(row));
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
