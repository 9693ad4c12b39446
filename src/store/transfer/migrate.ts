import { isUtf8 } from "node:buffer";
import { IdseError } from "../../errors.ts";
import type { StoreMigrateOutput } from "../../models/store.ts";
import { type DesignStore, sha256Hex } from "../contract.ts";
import { readStoreBytes } from "../fs.ts";
import { keys, parseArtifactKey } from "../layout.ts";
import { documentKeys } from "./documents.ts";

// Moving documents between stores (`idse store migrate`): every key under projects/ is read from the
// source, written to the target in batches (writeMany), and verified by the target's hash. The source is
// never written to or deleted from.

export type Category = keyof StoreMigrateOutput["counts"];

export function categoryOf(key: string): Category {
  if (parseArtifactKey(key)) return "artifacts";
  if (/^projects\/[^/]+\/sessions\/[^/]+\/metadata\//.test(key)) return "metadata";
  if (key === keys.currentProject || /^projects\/[^/]+\/([^/]+|sync\/.+)$/.test(key)) return "state";
  return "other";
}

/**
 * The text under `key`. A filesystem source is read as bytes first: a file that is not UTF-8 would be
 * changed by decoding, so it is refused (STORE_NOT_TEXT) instead of copied lossily.
 */
export async function readText(store: DesignStore, key: string): Promise<string | undefined> {
  if (store.kind !== "filesystem") return store.read(key);
  let buf: Buffer | undefined;
  try {
    buf = readStoreBytes(store, key);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EISDIR") return undefined;
    throw err;
  }
  if (buf === undefined) return undefined;
  if (!isUtf8(buf)) throw new IdseError("STORE_NOT_TEXT", { file: `.idse/${key}`, key });
  return buf.toString("utf8");
}

export interface CopyResult {
  keys: string[];
  bytes: number;
  counts: StoreMigrateOutput["counts"];
  copied: number;
  verified: number;
  mismatched: string[];
  extra: string[];
  /** sha256 of each document's text. */
  hashes: Map<string, string>;
}

const BATCH = 500;

/** Reads every document of `source`; with `target`, writes and verifies them batch by batch. */
export async function copyDocuments(
  source: DesignStore,
  target: DesignStore | undefined,
  progress?: (done: number, total: number) => void,
): Promise<CopyResult> {
  const all = await documentKeys(source);
  const r: CopyResult = {
    keys: [],
    bytes: 0,
    counts: { artifacts: 0, metadata: 0, state: 0, other: 0 },
    copied: 0,
    verified: 0,
    mismatched: [],
    extra: [],
    hashes: new Map(),
  };
  for (let i = 0; i < all.length; i += BATCH) {
    const batch: [string, string][] = [];
    for (const key of all.slice(i, i + BATCH)) {
      const text = await readText(source, key);
      if (text === undefined) continue; // an empty folder, or removed meanwhile
      batch.push([key, text]);
      r.keys.push(key);
      r.hashes.set(key, sha256Hex(text));
      r.bytes += Buffer.byteLength(text, "utf8");
      r.counts[categoryOf(key)]++;
    }
    if (!target || batch.length === 0) continue;
    await target.writeMany(batch);
    r.copied += batch.length;
    for (const [key] of batch) {
      if ((await target.hash(key)) === r.hashes.get(key)) r.verified++;
      else r.mismatched.push(key);
    }
    progress?.(Math.min(i + BATCH, all.length), all.length);
  }
  if (target) {
    const have = new Set(r.keys);
    r.extra = (await documentKeys(target)).filter((k) => !have.has(k));
  }
  return r;
}
