import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readOwnFile, readRegularFile } from "../../src/store/own-file.ts";
import { tempDir } from "../helpers.ts";

// src/store/own-file.ts: idse's own state files are read only when they are regular files it could have
// written; anything a clone can plant there instead (a link, a FIFO, a device, a folder, a huge file) is
// "foreign", and is never waited on or read into memory.

/** A folder of every kind of thing (temp folders are removed after each test, so one per test). */
function things(): string {
  const dir = tempDir("idse-own-");
  writeFileSync(join(dir, "lock"), "123 host 2026");
  symlinkSync(join(dir, "lock"), join(dir, "link"));
  symlinkSync("/dev/zero", join(dir, "zero"));
  symlinkSync("/dev/stdin", join(dir, "stdin"));
  mkdirSync(join(dir, "folder"));
  writeFileSync(join(dir, "big"), "x".repeat(2000));
  expect(spawnSync("mkfifo", [join(dir, "fifo")]).status).toBe(0);
  return dir;
}

describe("readOwnFile", () => {
  test("a regular file: its text; a missing one: missing", () => {
    const dir = things();
    expect(readOwnFile(join(dir, "lock"), 100)).toEqual({ text: "123 host 2026" });
    expect(readOwnFile(join(dir, "nothing"), 100)).toBe("missing");
    expect(readOwnFile(join(dir, "lock", "below"), 100)).toBe("missing");
  });

  test("a link (even to a regular file), a device, a FIFO, a folder or a file past the limit: foreign", () => {
    const dir = things();
    for (const name of ["link", "zero", "stdin", "fifo", "folder"])
      expect({ name, f: readOwnFile(join(dir, name), 1 << 20) }).toEqual({ name, f: "foreign" });
    expect(readOwnFile(join(dir, "big"), 1999)).toBe("foreign");
    expect(readOwnFile(join(dir, "big"), 2000)).toEqual({ text: "x".repeat(2000) });
  });

  test("readRegularFile with links: a link to a regular file is read, a link to a device is not", () => {
    const dir = things();
    expect(readRegularFile(join(dir, "link"), 100, { links: true })).toEqual({ text: "123 host 2026" });
    expect(readRegularFile(join(dir, "zero"), 100, { links: true })).toBe("foreign");
    expect(readRegularFile(join(dir, "fifo"), 100, { links: true })).toBe("foreign");
  });
});
