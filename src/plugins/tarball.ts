import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { unpackTar } from "modern-tar";
import { IdseError } from "../errors.ts";

// Unpacks a plugin tarball (.tgz, as `npm pack` writes it) into a folder. Everything is checked before a
// byte is written: only plain files and folders, relative paths that stay inside, bounded sizes. The
// archive is unpacked in memory (plugins are single bundled files) with modern-tar, a dependency-free
// reader that hands over the raw entry names, so idse can refuse rather than silently "fix" them.

const MAX_BYTES = 100 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

const unsafe = (entry: string, reason: string) => new IdseError("PLUGIN_UNSAFE_ARCHIVE", { entry, reason });

/** Why an entry name is refused, or undefined when it is a safe relative path. */
export function badEntryName(name: string): string | undefined {
  if (name === "") return "empty name";
  if (name.includes("\0")) return "NUL in the name";
  if (name.includes("\\")) return "backslash in the name";
  if (name.startsWith("/") || /^[a-zA-Z]:/.test(name)) return "absolute path";
  if (name.split("/").some((s) => s === "..")) return "`..` in the path";
  return undefined;
}

const TYPES: Record<string, string> = {
  link: "hard link",
  symlink: "symbolic link",
  "character-device": "device",
  "block-device": "device",
  fifo: "FIFO",
};

export interface Unpacked {
  /** Relative path (first folder stripped) → bytes. */
  files: Map<string, Uint8Array>;
}

export async function readTarball(tgz: Uint8Array, label: string): Promise<Unpacked> {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(tgz, { maxOutputLength: MAX_BYTES });
  } catch (err) {
    throw new IdseError("PLUGIN_ARCHIVE_INVALID", { file: label, reason: (err as Error).message });
  }
  // A cut-off archive can still gunzip (a tar inside a complete gzip stream): the end-of-archive
  // marker, zero blocks, must be there.
  const tail = tar.subarray(Math.max(0, tar.length - 512));
  if (tar.length < 1024 || tar.length % 512 !== 0 || tail.some((b) => b !== 0)) {
    throw new IdseError("PLUGIN_ARCHIVE_INVALID", { file: label, reason: "truncated tar archive" });
  }
  let entries: Awaited<ReturnType<typeof unpackTar>>;
  try {
    entries = await unpackTar(tar, { strict: true });
  } catch (err) {
    throw new IdseError("PLUGIN_ARCHIVE_INVALID", { file: label, reason: (err as Error).message });
  }
  if (entries.length > MAX_ENTRIES) throw unsafe(label, `more than ${MAX_ENTRIES} entries`);
  const kept: { name: string; data: Uint8Array }[] = [];
  for (const e of entries) {
    const type = e.header.type ?? "file";
    const name = e.header.name;
    const bad = badEntryName(name);
    if (bad) throw unsafe(name, bad);
    if (type === "directory") continue;
    if (type !== "file") throw unsafe(name, TYPES[type] ?? `entry type ${type}`);
    kept.push({ name: name.replace(/^\.\//, ""), data: e.data ?? new Uint8Array() });
  }
  // npm puts everything under "package/"; strip a first folder that every entry shares.
  const first = kept[0]?.name.split("/")[0];
  const strip = first !== undefined && kept.every((k) => k.name.startsWith(`${first}/`));
  const files = new Map<string, Uint8Array>();
  for (const k of kept) {
    const rel = strip ? k.name.slice(first!.length + 1) : k.name;
    if (rel === "" || rel.endsWith("/")) continue;
    files.set(rel, k.data);
  }
  return { files };
}

/** Writes unpacked files below `dir` (which the caller created and owns). */
export function writeFiles(dir: string, files: Map<string, Uint8Array>): void {
  for (const [rel, data] of files) {
    const target = join(dir, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data, { mode: 0o644 });
  }
}
