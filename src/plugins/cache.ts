import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJsonText } from "../json-text.ts";
import { readTextIfExists, writeFileAtomic } from "../store/atomic-file.ts";
import { sri } from "./integrity.ts";

// A per-user cache of downloaded tarballs, keyed by their sha512 (a file is found by what it is, not by
// where it came from, so a tampered cache entry is simply not found), and of the last packument seen
// per registry and package, so `--offline` can resolve a range without a network.

export interface CacheEnv {
  env: Record<string, string | undefined>;
  home: string;
}

export function cacheDir(o: CacheEnv): string {
  if (o.env.IDSE_CACHE_DIR) return o.env.IDSE_CACHE_DIR;
  if (o.env.XDG_CACHE_HOME) return join(o.env.XDG_CACHE_HOME, "idse");
  if (process.platform === "win32" && o.env.LOCALAPPDATA) return join(o.env.LOCALAPPDATA, "idse", "cache");
  return join(o.home, ".cache", "idse");
}

const hex = (integrity: string) => Buffer.from(integrity.replace(/^sha512-/, ""), "base64").toString("hex");
const tarballPath = (o: CacheEnv, integrity: string) =>
  join(cacheDir(o), "tarballs", `${hex(integrity)}.tgz`);

/** The cached tarball with this integrity, re-hashed on every read; undefined when absent or corrupt. */
export function getTarball(o: CacheEnv, integrity: string): Uint8Array | undefined {
  const file = tarballPath(o, integrity);
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  return sri(bytes) === integrity ? bytes : undefined;
}

export function putTarball(o: CacheEnv, integrity: string, bytes: Uint8Array): void {
  try {
    writeFileAtomic(tarballPath(o, integrity), bytes);
  } catch {
    // A read-only or full cache must not fail an install that has already succeeded.
  }
}

const packumentPath = (o: CacheEnv, registry: string, name: string) =>
  join(
    cacheDir(o),
    "packuments",
    `${createHash("sha256").update(`${registry}\n${name}`).digest("hex")}.json`,
  );

export function getPackument(o: CacheEnv, registry: string, name: string): unknown {
  const text = readTextIfExists(packumentPath(o, registry, name));
  if (text === undefined) return undefined;
  try {
    return parseJsonText(text);
  } catch {
    return undefined;
  }
}

export function putPackument(o: CacheEnv, registry: string, name: string, doc: unknown): void {
  try {
    writeFileAtomic(packumentPath(o, registry, name), JSON.stringify(doc));
  } catch {}
}
