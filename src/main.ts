import { fstatSync, readSync, writeSync } from "node:fs";
import { VERSION } from "./version.ts";

// Entry point: wires the process to runCli. The only place that exits the process.

// Output goes straight to the file descriptors: touching process.stdout makes Bun build its stream
// machinery, about 2 ms of start-up (docs/benchmarks.md). A non-blocking pipe that is full answers
// EAGAIN: wait a millisecond and retry. A reader that went away (`idse sessions | head -1`) answers
// EPIPE: stop writing quietly, as other command-line tools do.
const closed = new Set<number>();
// Made on the first EAGAIN only: the first SharedArrayBuffer of a process costs about 1 ms to create.
let pause: Int32Array | undefined;
/** Waits a millisecond (a non-blocking pipe that answered EAGAIN). */
function nap(): void {
  pause ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(pause, 0, 0, 1);
}
function writeFd(fd: number, text: string | Uint8Array): void {
  let bytes: Uint8Array;
  if (typeof text === "string") {
    // A string goes to writeSync as it is: encoding it into a Buffer first cost about 0.2 ms of the
    // first write of every command (docs/benchmarks.md). Only what a partial write left goes as bytes.
    let n = -1;
    while (n < 0 && !closed.has(fd)) {
      try {
        n = writeSync(fd, text);
      } catch (err) {
        failedWrite(fd, err);
      }
    }
    if (n < 0 || n === Buffer.byteLength(text, "utf8")) return;
    bytes = Buffer.from(text, "utf8").subarray(n);
  } else bytes = text;
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (buf.length > 0 && !closed.has(fd)) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (err) {
      failedWrite(fd, err);
    }
  }
}

/** Set when standard output could not be written (a full disk): the run then fails. */
let outputLost = false;

/**
 * EPIPE: the reader is gone, stop writing; EAGAIN: wait and retry. Anything else (ENOSPC of a full disk or
 * /dev/full, EIO) loses the output: say so once on stderr in idse's words (not the runtime's trace) and
 * fail the run with exit 1.
 */
function failedWrite(fd: number, err: unknown): void {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EPIPE") closed.add(fd);
  else if (code === "EAGAIN") nap();
  else {
    closed.add(fd);
    if (fd === 1) {
      outputLost = true;
      writeFd(2, `error[IO_ERROR]: cannot write standard output: ${code ?? String(err)}\n`);
    }
  }
}

// Standard input is read with readSync until its end, as the output is written: Bun.stdin.bytes() sets
// up Bun's stream machinery first, about 2 ms of every hook call, and process.stdin builds a Node stream,
// about 18 ms (docs/benchmarks.md). The same on Deno. A non-blocking pipe with nothing in it yet answers
// EAGAIN: wait and retry. A closed standard input (`<&-`) reads as empty, as it did through Bun's reader.
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  // A new buffer only once the last one holds data: a late writer's EAGAINs reuse the same one.
  let buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        nap();
        continue;
      }
      // EOF: the end of a pipe on Windows; EBADF: no standard input at all (Bun opens /dev/null on a
      // closed descriptor 0 at start; a runtime that does not gets here).
      if (code === "EOF" || code === "EBADF") break;
      throw err;
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    buf = Buffer.allocUnsafe(64 * 1024);
  }
  // Strict: bytes that are not UTF-8 are INVALID_ENCODING, never U+FFFD; a BOM is kept.
  const { decodeUtf8 } = await import("./utf8.ts");
  return decodeUtf8(Buffer.concat(chunks), "standard input");
}

// node:os only when HOME is unset: importing it costs about 1 ms of every start (the hook's budget).
const homedir = async () => (await import("node:os")).homedir();

// A `validate --all` run again by its parent with FTL off (src/rerun.ts): die with that parent. The name
// is rerun.ts's RERUN_PARENT, spelt out here so that every start does not load that module.
const rerunParent = process.env.IDSE_RERUN_PARENT;
if (rerunParent !== undefined) {
  delete process.env.IDSE_RERUN_PARENT; // not handed on to anything this run starts
  await (await import("./rerun.ts")).followParent(rerunParent);
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  // Fast path, written by hand for the `--version` budget (docs/benchmarks.md): answering before the
  // command table, the flag reader and the models are loaded halves the start-up time of this most-run probe.
  writeFd(1, `idse ${VERSION}\n`);
} else if (argv.length === 2 && argv[0] === "hook" && argv[1] === "claude-pre-tool-use") {
  // Fast path for the Claude Code hook, run before every Edit, Write and Bash call of an agent: exactly
  // the command Claude Code runs, answered without the command table, the flag reader or the plugin host (issue 16).
  const { runHookFast } = await import("./cli/commands/hook-fast.ts");
  process.exitCode = await runHookFast({
    cwd: process.cwd(),
    env: process.env,
    home: process.env.HOME || process.env.USERPROFILE || (await homedir()),
    stdout: (t) => writeFd(1, t),
    stderr: (t) => writeFd(2, t),
    readStdin,
    // Not process.stdin.isTTY: touching process.stdin builds its stream. A terminal (or /dev/null, which
    // holds no input either) is a character device; Claude Code's pipe is not.
    get stdinIsTTY() {
      try {
        return fstatSync(0).isCharacterDevice();
      } catch {
        return true;
      }
    },
  });
} else {
  const { runCli } = await import("./cli/cli.ts");
  process.exitCode = await runCli(argv, {
    cwd: process.cwd(),
    env: process.env,
    home: process.env.HOME || process.env.USERPROFILE || (await homedir()),
    stdout: (t) => writeFd(1, t),
    stdoutBytes: (b) => writeFd(1, b),
    stderr: (t) => writeFd(2, t),
    readStdin,
    // A getter: process.stdin builds a stream (about 2 ms), so only artifact write asks.
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    // Colour and emoji only on a terminal (src/cli/style.ts); a character device, as for stderr below.
    get stdoutIsTTY() {
      try {
        return fstatSync(1).isCharacterDevice();
      } catch {
        return false;
      }
    },
    // Only sync asks (for its progress line). A character device rather than isatty(): importing
    // node:tty costs about 2.5 ms of every start-up; /dev/null also counts, where a line is harmless.
    get stderrIsTTY() {
      try {
        return fstatSync(2).isCharacterDevice();
      } catch {
        return false;
      }
    },
  });
}
if (outputLost) process.exitCode = 1;
