import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeFilesAtomic } from "../../src/atomic-files.ts";
import { tempDir } from "../helpers.ts";

// writeFilesAtomic: every file old or new, never partial, and no temp file left behind after a failure,
// whether it fails while writing the temp files or while renaming them over the targets.

const files = (dir: string, n: number, text: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => ({ path: join(dir, "out", `f${i}.txt`), text: text(i) }));

const leftovers = (dir: string) =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".tmp"));

describe("writeFilesAtomic", () => {
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
    const batch = [...files(dir, 10, (i) => `new ${i}`), { path: join(dir, "blocker", "x.txt"), text: "x" }];
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
