import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { writeFilesAtomic } from "../../src/store/atomic-files.ts";
import { tempDir } from "../helpers.ts";

// writeFilesAtomic: every file old or new, never partial, and no temp file left behind after a failure,
// whether it fails while writing the temp files or while renaming them over the targets.

const files = (dir: string, n: number, text: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => ({ path: join(dir, "out", `f${i}.txt`), text: text(i) }));

const leftovers = (dir: string) =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".tmp"));

// Each case twice: with syncfs where this machine has it (src/store/syncfs.ts), and with the per-file
// fsyncs used everywhere else (IDSE_BATCH_FLUSH=fsync).
for (const flush of ["default", "fsync"] as const)
  describe(`writeFilesAtomic (flush: ${flush})`, () => {
    const saved = process.env.IDSE_BATCH_FLUSH;
    beforeAll(() => {
      if (flush === "fsync") process.env.IDSE_BATCH_FLUSH = "fsync";
    });
    afterAll(() => {
      if (saved === undefined) delete process.env.IDSE_BATCH_FLUSH;
      else process.env.IDSE_BATCH_FLUSH = saved;
    });

    test("writes every file, creating folders, and leaves no temp file", async () => {
      const dir = tempDir();
      const batch = [...files(dir, 40, (i) => `file ${i}\n`), { path: join(dir, "a/b/c.txt"), text: "deep" }];
      await writeFilesAtomic(batch);
      for (const f of batch) expect(readFileSync(f.path, "utf8")).toBe(f.text);
      expect(leftovers(dir)).toEqual([]);
      await writeFilesAtomic([]);
    });

    test("replaces existing files", async () => {
      const dir = tempDir();
      await writeFilesAtomic(files(dir, 10, (i) => `old ${i}`));
      await writeFilesAtomic(files(dir, 10, (i) => `new ${i}`));
      for (const f of files(dir, 10, (i) => `new ${i}`)) expect(readFileSync(f.path, "utf8")).toBe(f.text);
      expect(leftovers(dir)).toEqual([]);
    });

    test("a failure before the renames leaves every target old", async () => {
      const dir = tempDir();
      await writeFilesAtomic(files(dir, 10, (i) => `old ${i}`));
      writeFileSync(join(dir, "blocker"), "a file where a folder should be");
      const batch = [
        ...files(dir, 10, (i) => `new ${i}`),
        { path: join(dir, "blocker", "x.txt"), text: "x" },
      ];
      await expect(writeFilesAtomic(batch)).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
      // A name too long for a temp file, after five temp files were written: they are removed.
      const long = files(dir, 10, (i) => `new ${i}`);
      long.splice(5, 0, { path: join(dir, "out", `${"x".repeat(250)}.txt`), text: "x" });
      await expect(writeFilesAtomic(long)).rejects.toMatchObject({ code: "ENAMETOOLONG" });
      for (const f of files(dir, 10, (i) => `old ${i}`)) expect(readFileSync(f.path, "utf8")).toBe(f.text);
      expect(leftovers(dir)).toEqual([]);
    });

    test("a failure during the renames leaves each target old or new, and removes the rest", async () => {
      const dir = tempDir();
      await writeFilesAtomic(files(dir, 10, (i) => `old ${i}`));
      // A folder with something in it cannot be replaced by a file: the sixth rename fails.
      const batch = files(dir, 10, (i) => `new ${i}`);
      const stuck = join(dir, "out", "stuck");
      mkdirSync(join(stuck, "inside"), { recursive: true });
      batch.splice(5, 0, { path: stuck, text: "x" });
      await expect(writeFilesAtomic(batch)).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
      for (let i = 0; i < 10; i++) {
        expect(readFileSync(join(dir, "out", `f${i}.txt`), "utf8")).toBe(i < 5 ? `new ${i}` : `old ${i}`);
      }
      expect(leftovers(dir)).toEqual([]);
    });
  });

test("temp files left by a killed process are swept; a live process's are kept", async () => {
  const dir = tempDir();
  const out = join(dir, "out");
  mkdirSync(out, { recursive: true });
  // A pid that cannot be running (above the kernel's limit), and this process's parent, which is.
  writeFileSync(join(out, "f0.txt.4194999.3.tmp"), "half");
  writeFileSync(join(out, `f1.txt.${process.ppid}.1.tmp`), "in progress");
  await writeFilesAtomic(files(dir, 2, (i) => `new ${i}`));
  expect(leftovers(dir).sort()).toEqual([`out/f1.txt.${process.ppid}.1.tmp`]);
});

test("only temp files of the files it writes are swept: someone else's `*.<n>.<n>.tmp` stays", async () => {
  const dir = tempDir();
  const out = join(dir, "out");
  mkdirSync(out, { recursive: true });
  // Shaped like a temp file of a dead process, but not of a file this batch writes.
  const others = ["notes.1.2.tmp", "f9.txt.4194999.3.tmp", "report.4194999.1.tmp"];
  for (const name of others) writeFileSync(join(out, name), "someone else's");
  writeFileSync(join(out, "f0.txt.4194999.3.tmp"), "half");
  await writeFilesAtomic(files(dir, 2, (i) => `new ${i}`));
  expect(leftovers(dir).sort()).toEqual(others.map((n) => `out/${n}`).sort());
});

test("a replaced file keeps its mode; a symlinked target is written through", async () => {
  const dir = tempDir();
  const out = join(dir, "out");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "f0.txt"), "old", { mode: 0o600 });
  chmodSync(join(out, "f0.txt"), 0o640);
  writeFileSync(join(dir, "real.txt"), "old");
  symlinkSync("../real.txt", join(out, "f1.txt"));
  await writeFilesAtomic(
    files(dir, 2, (i) => `new ${i}`),
    dir,
  );
  expect(statSync(join(out, "f0.txt")).mode & 0o777).toBe(0o640);
  expect(lstatSync(join(out, "f1.txt")).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, "real.txt"), "utf8")).toBe("new 1");
});

test("a target that leads outside the boundary refuses the whole batch before anything is written", async () => {
  const dir = tempDir();
  const outside = tempDir("idse-outside-");
  mkdirSync(join(dir, "out"));
  symlinkSync(outside, join(dir, "out", "linked"));
  const batch = [
    { path: join(dir, "out", "a.txt"), text: "a" },
    { path: join(dir, "out", "linked", "b.txt"), text: "b" },
  ];
  await expect(writeFilesAtomic(batch, dir)).rejects.toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE" });
  expect(readdirSync(outside)).toEqual([]);
  expect(readdirSync(join(dir, "out")).sort()).toEqual(["linked"]);
});

test("syncDirs and syncNew: false write the same files: folders made several levels deep, files replaced", async () => {
  const dir = tempDir();
  const deep = (text: string) => [
    { path: join(dir, "a", "b", "c", "new.txt"), text },
    { path: join(dir, "a", "b", "d", "new.txt"), text },
    { path: join(dir, "top.txt"), text },
  ];
  await writeFilesAtomic(deep("one"), dir, { syncDirs: true, syncNew: false });
  for (const f of deep("one")) expect(readFileSync(f.path, "utf8")).toBe("one");
  // Replacements are always synced; the batch is the same either way.
  await writeFilesAtomic(deep("two"), dir, { syncDirs: true, syncNew: false });
  for (const f of deep("two")) expect(readFileSync(f.path, "utf8")).toBe("two");
  expect(leftovers(dir)).toEqual([]);
});

test("syncDirs: a folder made inside a parent that cannot be read (mode -wx) does not fail the batch", async () => {
  // Root reads any folder, so there this only checks the batch; as another user it takes the EACCES path.
  if (process.platform === "win32") return;
  const dir = tempDir();
  const parent = join(dir, "wx");
  mkdirSync(parent);
  chmodSync(parent, 0o300);
  try {
    await writeFilesAtomic([{ path: join(parent, "made", "f.txt"), text: "x" }], dir, { syncDirs: true });
    expect(readFileSync(join(parent, "made", "f.txt"), "utf8")).toBe("x");
  } finally {
    chmodSync(parent, 0o755);
  }
});
