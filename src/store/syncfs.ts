import { closeSync, openSync, statfsSync, statSync } from "node:fs";

// syncfs(2): one system call that makes every file of one filesystem durable, data and metadata (renames,
// new folder entries), instead of one fsync per file and one per folder. The batch writer
// (src/store/atomic-files.ts) uses it where it is known to be sound, and falls back to per-file fsyncs
// everywhere else; docs/reliability.md, "Batched durable writes", says why flushing the whole filesystem
// is safe (it writes back other programs' dirty pages too, which only costs time) and what it buys.
//
// There is no syncfs in node:fs, so it is called through bun:ffi from the C library. Loaded on the first
// batch only (about 2 ms), behind a dynamic import that may fail: the same source runs on Deno and under
// other runtimes, where this module answers "no syncfs" and the writer does what it did before.
// node:os and node:util are imported there too, not at the top: this module is in every command's start
// path (the store imports the batch writer), and node:util alone costs a compiled binary about 2.5 ms.

/** Filesystems whose syncfs writes back data and metadata, by statfs f_type. Others fall back. */
const LOCAL_FS = new Set([
  0xef53, // ext2, ext3, ext4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs (nothing to flush; syncfs returns at once)
]);

/** errno values that mean "syncfs is not available here" (a seccomp filter, an old kernel): fall back. */
const UNAVAILABLE = new Set([1 /* EPERM */, 38 /* ENOSYS */]);

export interface SyncFs {
  /** syncfs(fd): undefined when done, "unavailable" to fall back, or the errno of a failed flush. */
  flush(fd: number): undefined | "unavailable" | number;
  /** Whether the filesystem holding `dir` is one where syncfs is trusted. */
  suits(dir: string): boolean;
  /** The name of a (negative) errno: node:util's getSystemErrorName, loaded with the rest. */
  errorName(errno: number): string;
}

let loaded: Promise<SyncFs | undefined> | undefined;

/**
 * syncfs through the C library, or undefined: not Linux, a kernel before 5.8 (syncfs did not report
 * write-back errors before it), IDSE_BATCH_FLUSH=fsync, or bun:ffi / glibc not there (Deno, musl).
 */
export function loadSyncFs(): Promise<SyncFs | undefined> {
  if (process.env.IDSE_BATCH_FLUSH === "fsync") return Promise.resolve(undefined);
  loaded ??= load().catch(() => undefined);
  return loaded;
}

/** Linux `release()` is "major.minor.patch-…": syncfs reports write-back errors from 5.8 on. */
export function kernelReportsErrors(rel: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 5 || (major === 5 && minor >= 8);
}

async function load(): Promise<SyncFs | undefined> {
  if (process.platform !== "linux") return undefined;
  const [{ release }, { getSystemErrorName }] = await Promise.all([import("node:os"), import("node:util")]);
  if (!kernelReportsErrors(release())) return undefined;
  // A variable specifier: bundlers and Deno leave it to run time, where it may throw (caught above).
  const specifier = "bun:ffi";
  const ffi = (await import(specifier)) as typeof import("bun:ffi");
  const { symbols } = ffi.dlopen("libc.so.6", {
    syncfs: { args: [ffi.FFIType.i32], returns: ffi.FFIType.i32 },
    __errno_location: { args: [], returns: ffi.FFIType.ptr },
  });
  return {
    errorName: getSystemErrorName,
    flush(fd) {
      if (symbols.syncfs(fd) === 0) return undefined;
      // errno is read on the same thread right after the call, before anything else can change it.
      const errno = ffi.read.i32(symbols.__errno_location()!, 0);
      return UNAVAILABLE.has(errno) ? "unavailable" : errno;
    },
    suits(dir) {
      try {
        return LOCAL_FS.has(Number(statfsSync(dir).type));
      } catch {
        return false;
      }
    },
  };
}

/** A batch's flush: one descriptor per filesystem its folders are on. */
export interface BatchFlush {
  /** Everything written so far on those filesystems made durable: true, or false to fall back. */
  flush(): boolean;
  close(): void;
}

/**
 * Opens one folder per filesystem among `dirs` (the batch's folders), before any file of the batch is
 * written: syncfs reports a write-back error that happened after its descriptor was opened, so the
 * descriptor must be older than our writes. Undefined (fall back to per-file fsync) when syncfs is not
 * available, a filesystem is not one of LOCAL_FS, or a folder cannot be opened (mode -wx).
 */
export async function openBatchFlush(dirs: Iterable<string>): Promise<BatchFlush | undefined> {
  const sys = await loadSyncFs();
  if (!sys) return undefined;
  const fds: number[] = [];
  const close = () => {
    for (const fd of fds.splice(0)) closeSync(fd);
  };
  try {
    const devices = new Set<number>();
    for (const dir of dirs) {
      const dev = statSync(dir).dev;
      if (devices.has(dev)) continue;
      devices.add(dev);
      if (!sys.suits(dir)) {
        close();
        return undefined;
      }
      fds.push(openSync(dir, "r"));
    }
  } catch {
    close();
    return undefined;
  }
  return {
    flush() {
      for (const fd of fds) {
        const r = sys.flush(fd);
        if (r === "unavailable") return false;
        // A write-back error (EIO, ENOSPC …) is the batch's failure: falling back to fsync would hide it,
        // since a descriptor opened after the error does not see it.
        if (r !== undefined) throw errnoError(r, sys.errorName);
      }
      return true;
    },
    close,
  };
}

function errnoError(errno: number, nameOf: (errno: number) => string): NodeJS.ErrnoException {
  const code = nameOf(-errno);
  return Object.assign(new Error(`${code}: syncfs failed to write the batch back to disk`), {
    code,
    errno: -errno,
    syscall: "syncfs",
  });
}
