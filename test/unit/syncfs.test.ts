import { afterEach, expect, test } from "bun:test";
import { chmodSync, mkdirSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { kernelReportsErrors, loadSyncFs, openBatchFlush } from "../../src/store/syncfs.ts";
import { tempDir } from "../helpers.ts";

// The batch writer's syncfs (src/store/syncfs.ts): where it is used, and that it falls back rather than
// fail when it cannot be used.

const saved = process.env.IDSE_BATCH_FLUSH;
afterEach(() => {
  if (saved === undefined) delete process.env.IDSE_BATCH_FLUSH;
  else process.env.IDSE_BATCH_FLUSH = saved;
});

test("syncfs is trusted from Linux 5.8 on, when it began to report write-back errors", () => {
  expect(kernelReportsErrors("5.8.0")).toBe(true);
  expect(kernelReportsErrors("5.15.0-91-generic")).toBe(true);
  expect(kernelReportsErrors("6.1.0")).toBe(true);
  expect(kernelReportsErrors("10.0.0")).toBe(true);
  expect(kernelReportsErrors("5.7.19")).toBe(false);
  expect(kernelReportsErrors("4.19.0-26-amd64")).toBe(false);
  expect(kernelReportsErrors("3.10.0")).toBe(false);
  expect(kernelReportsErrors("")).toBe(false);
  expect(kernelReportsErrors("unknown")).toBe(false);
});

test("IDSE_BATCH_FLUSH=fsync turns syncfs off: no batch flush is opened", async () => {
  process.env.IDSE_BATCH_FLUSH = "fsync";
  expect(await loadSyncFs()).toBeUndefined();
  expect(await openBatchFlush([tempDir()])).toBeUndefined();
});

test("on Linux with glibc syncfs loads; a failed call gives its errno, not a fallback", async () => {
  const sys = await loadSyncFs();
  const glibc = process.platform === "linux" && kernelReportsErrors(release()) && isGlibc();
  expect(sys !== undefined).toBe(glibc);
  if (!sys) return;
  // EBADF (9): an error of the call itself, reported as one (only EPERM and ENOSYS mean "fall back").
  expect(sys.flush(-1)).toBe(9);
  const dir = tempDir();
  const batch = await openBatchFlush([dir, dir, join(dir, ".")]);
  if (sys.suits(dir)) {
    expect(batch).toBeDefined();
    expect(batch!.flush()).toBe(true);
    batch!.close();
  } else expect(batch).toBeUndefined();
});

test("a folder that cannot be opened for syncfs falls back (undefined), it does not fail", async () => {
  const dir = tempDir();
  expect(await openBatchFlush([join(dir, "missing")])).toBeUndefined();
  if (process.getuid?.() === 0) return; // root opens any folder
  const wx = join(dir, "wx");
  mkdirSync(wx);
  chmodSync(wx, 0o300);
  try {
    expect(await openBatchFlush([wx])).toBeUndefined();
  } finally {
    chmodSync(wx, 0o755);
  }
});

/** Whether this process runs on glibc (musl has no libc.so.6: syncfs is not loaded there). */
function isGlibc(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return typeof report?.header?.glibcVersionRuntime === "string";
}
