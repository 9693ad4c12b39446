import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../src/store/contract.ts";
import { createFilesystemStore } from "../../src/store/fs.ts";
import { attachStatCache, openStatCache } from "../../src/store/stat-cache.ts";
import { hashKeys } from "../../src/sync/hash.ts";
import { tempDir } from "../helpers.ts";

// The stat cache (src/store/stat-cache.ts) behind sync's hashing: a hit is served without reading the file, any
// change to the file is seen (a same-size rewrite with its mtime put back included), the racy-git rule
// re-hashes a file not older than the cache, and a corrupt cache is ignored and rebuilt.

const KEY = "projects/p/sessions/s/specs/spec.md";
const FAKE = "f".repeat(64);

function workspace() {
  const root = tempDir("idse-statcache-");
  const idseDir = join(root, ".idse");
  const file = join(idseDir, KEY);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, "# Spec\n\nfirst\n");
  /** A fresh store with the cache as a new process would open it. */
  const open = () => {
    const store = createFilesystemStore(idseDir, root);
    const cache = openStatCache(idseDir, "local");
    attachStatCache(store, cache);
    return { store, cache };
  };
  const hashNow = async () => {
    const { store, cache } = open();
    const h = (await hashKeys(store, [KEY])).get(KEY);
    cache.save();
    return { h, cache };
  };
  return { root, idseDir, file, hashNow };
}

/** Sets the cache file's mtime (seconds since the epoch, fractional). */
const setMtime = (path: string, secs: number) => utimesSync(path, secs, secs);
const mtimeSecs = (path: string) => statSync(path).mtimeMs / 1000;

describe("stat cache", () => {
  test("a hit answers from the cache without reading the file", async () => {
    const w = workspace();
    const first = await w.hashNow();
    expect(first.h).toBe(sha256Hex("# Spec\n\nfirst\n"));
    // Planting another hash beside the file's own stat: if the next run returns it, it did not read the file.
    const text = readFileSync(first.cache.file, "utf8");
    expect(text.startsWith("idse-stat-cache 2\n")).toBe(true);
    writeFileSync(first.cache.file, text.replace(/[0-9a-f]{64}\n/, `${FAKE}\n`));
    setMtime(first.cache.file, mtimeSecs(w.file) + 10);
    expect((await w.hashNow()).h).toBe(FAKE);
    expect(readFileSync(join(w.idseDir, ".cache", ".gitignore"), "utf8")).toContain("\n*\n");
  });

  test("racy: a file not older than the cache is hashed again even when its stat matches", async () => {
    const w = workspace();
    const tick = Math.floor(Date.now() / 1000) - 100;
    setMtime(w.file, tick);
    const first = await w.hashNow();
    const text = readFileSync(first.cache.file, "utf8");
    writeFileSync(first.cache.file, text.replace(/[0-9a-f]{64}\n/, `${FAKE}\n`));
    // The cache written in the same clock tick as the file's last change: the entry cannot be trusted.
    setMtime(first.cache.file, tick);
    expect((await w.hashNow()).h).toBe(sha256Hex("# Spec\n\nfirst\n"));
  });

  test("changes are seen: another size, and the same size with the old mtime put back", async () => {
    const w = workspace();
    await w.hashNow();
    writeFileSync(w.file, "# Spec\n\nsecond, longer\n");
    expect((await w.hashNow()).h).toBe(sha256Hex("# Spec\n\nsecond, longer\n"));

    // A whole-second mtime well before the cache's, so it can be put back exactly and only the other
    // stat fields can reveal the edit.
    const old = Math.floor(Date.now() / 1000) - 100;
    setMtime(w.file, old);
    const before = statSync(w.file, { bigint: true });
    await w.hashNow();
    writeFileSync(w.file, "# Spec\n\nsecond, LONGER\n"); // same size, in place (same inode)
    setMtime(w.file, old);
    const after = statSync(w.file, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    expect((await w.hashNow()).h).toBe(sha256Hex("# Spec\n\nsecond, LONGER\n"));
  });

  test("a deleted file is not answered from the cache", async () => {
    const w = workspace();
    const c = await w.hashNow();
    setMtime(c.cache.file, mtimeSecs(w.file) + 10);
    rmSync(w.file);
    expect((await w.hashNow()).h).toBeUndefined();
  });

  test("a corrupt cache is ignored and rebuilt", async () => {
    const w = workspace();
    const c = await w.hashNow();
    for (const junk of ["garbage\n", `idse-stat-cache 2\n${KEY}\t1\t2\n`, "idse-stat-cache 2\nno newline"]) {
      writeFileSync(c.cache.file, junk);
      setMtime(c.cache.file, mtimeSecs(w.file) + 10);
      expect((await w.hashNow()).h).toBe(sha256Hex("# Spec\n\nfirst\n"));
      const rebuilt = readFileSync(c.cache.file, "utf8").split("\n");
      expect(rebuilt[0]).toBe("idse-stat-cache 2");
      expect(rebuilt[1]?.startsWith(`${KEY}\t`)).toBe(true);
    }
  });
});

describe("stat cache: containment", () => {
  test("a folder that is a symlink is followed inside the store and refused when it leads out", async () => {
    const { symlinkSync, renameSync, cpSync } = await import("node:fs");
    const w = workspace();
    await w.hashNow();
    const specs = join(w.file, "..");
    // Inside: the folder moved within the store and linked back; hashes as before.
    const moved = join(w.idseDir, "projects", "p", "elsewhere");
    renameSync(specs, moved);
    symlinkSync(moved, specs);
    expect((await w.hashNow()).h).toBe(sha256Hex("# Spec\n\nfirst\n"));
    // Outside the store's boundary: refused, whatever the cache holds.
    const outside = tempDir("idse-statcache-out-");
    cpSync(moved, outside, { recursive: true });
    rmSync(specs);
    symlinkSync(outside, specs);
    await expect(w.hashNow()).rejects.toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE" });
  });

  test("a hit reads nothing, so the same file moved out behind a symlink is never read there", async () => {
    const { symlinkSync, renameSync } = await import("node:fs");
    const w = workspace();
    const c = await w.hashNow();
    // A planted hash beside the file's stat: answered from it, the file was not opened.
    const text = readFileSync(c.cache.file, "utf8");
    writeFileSync(c.cache.file, text.replace(/[0-9a-f]{64}\n/, `${FAKE}\n`));
    setMtime(c.cache.file, mtimeSecs(w.file) + 10);
    // The folder itself (the same inodes) moved out of the repository and linked back.
    const specs = join(w.file, "..");
    const outside = join(tempDir("idse-statcache-out-"), "specs");
    renameSync(specs, outside);
    symlinkSync(outside, specs);
    expect((await w.hashNow()).h).toBe(FAKE);
    // Anything that reads or writes it goes through the store, which refuses the path.
    const store = createFilesystemStore(w.idseDir, w.root);
    await expect(store.read(KEY)).rejects.toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE" });
    await expect(store.write(KEY, "x")).rejects.toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE" });
  });
});
