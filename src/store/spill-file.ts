import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { tempPath } from "./atomic-file.ts";

// Text produced piece by piece that must be written out later, in another order or after a head that
// depends on all of it: `validate --all`'s reports, whose envelope starts with `ok` (issue #16). Below a
// threshold the pieces stay in memory; past it they go to a scratch file under `.idse/.cache/`, so the
// memory of a run stays flat in the number of sessions whatever the size of the document.
//
// The scratch file is not written atomically: no one reads it but this process, which removes it once it
// is read (or at exit). It is named like every idse temp file (`<name>.<pid>.<n>.tmp`), so the temp sweep
// at the start of every command removes one a killed process left (src/store/temp-sweep.ts).
//
// A spill can instead be backed by a file that outlives it (`backWith`: the findings cache's data file,
// src/validation/findings-cache.ts): new pieces are appended after what it holds, a piece an earlier run
// wrote there is taken by its place (`reuse`), nothing is kept in memory, and the file stays.

/** Pieces up to this many characters in all stay in memory. */
export const SPILL_THRESHOLD = 8 << 20;
const decoder = new TextDecoder();

/** Bytes read back per read. */
const BLOCK = 1 << 20;
/** Bytes gathered before a write to the scratch file. */
const WRITE_BUFFER = 1 << 20;
/** Text written between two collections of the garbage it leaves (see `churned`). */
const COLLECT_EVERY = 128 << 20;

export class Spill {
  /** Byte offset and length of each piece in the file, by its index in the output. */
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  /** The pieces while in memory, by index. */
  private texts: (string | undefined)[] | undefined = [];
  private bytes = 0;
  /** Where the next piece goes in the file: bytes in the file plus those in `buffer`. */
  private end = 0;
  /** Bytes of all the pieces taken, wherever they are in the file. */
  private total = 0;
  /** Bytes in the file so far. */
  private inFile = 0;
  /** Pieces encoded but not yet written, `used` bytes of it (allocated when the file is opened). */
  private buffer = Buffer.alloc(0);
  private used = 0;
  private fd: number | undefined;
  /** The scratch file, removed by dispose (undefined for a backing file, which stays). */
  private file: string | undefined;
  private readonly onExit = () => this.dispose();
  private readonly separatorBytes: Uint8Array;
  private churn = 0;

  /**
   * `dir`: called once, when the pieces outgrow `threshold`, for the folder of the scratch file (made
   * ready by the caller). `separator`: what follows each piece in the output but the last one (`,\n` between
   * JSON array elements). `block`: bytes per read (small in tests, to cut characters).
   */
  constructor(
    private readonly dir: () => string,
    private readonly threshold = SPILL_THRESHOLD,
    private readonly separator = "",
    private readonly block = BLOCK,
  ) {
    this.separatorBytes = Buffer.from(separator, "utf8");
  }

  /**
   * Adds the piece that goes at `index` of the output (pieces may come in any order, each index once): text,
   * or its UTF-8 bytes (a worker thread's report, encoded there and handed over without a copy).
   */
  put(index: number, text: string | Uint8Array): void {
    if (!text.length) return;
    if (typeof text !== "string") {
      if (!this.texts) {
        this.appendBytes(index, text);
        return;
      }
      text = decoder.decode(text); // below the threshold: kept as text, like every other piece
    }
    const piece = text + this.separator;
    if (this.texts) {
      this.texts[index] = piece;
      // Characters, not bytes: the threshold bounds memory, and counting bytes costs a pass over the text.
      this.bytes += piece.length;
      if (this.bytes > this.threshold) this.open();
      return;
    }
    this.append(index, piece);
  }

  /**
   * Backs the spill with the open file `fd` of `size` bytes, before any piece: pieces are appended after
   * them, and `reuse` takes one already there. The descriptor is the spill's now (closed by dispose); the
   * file is not removed.
   */
  backWith(fd: number, size: number): void {
    if (!this.texts || this.texts.length) throw new Error("a spill is backed before its first piece");
    this.texts = undefined;
    this.fd = fd;
    this.inFile = this.end = size;
    this.buffer = Buffer.allocUnsafe(WRITE_BUFFER);
  }

  /** Takes the `length` bytes at `start` of the backing file (a piece with its separator) as piece `index`. */
  reuse(index: number, start: number, length: number): void {
    if (this.texts) throw new Error("only a backed spill reuses a piece");
    if (length === 0) return;
    this.starts[index] = start;
    this.lengths[index] = length;
    this.total += length;
  }

  /** Where piece `index` lies in the file (undefined: none, or still in memory). */
  range(index: number): { start: number; length: number } | undefined {
    const start = this.starts[index];
    return start === undefined || this.texts ? undefined : { start, length: this.lengths[index]! };
  }

  private open(): void {
    const texts = this.texts!;
    this.texts = undefined;
    this.file = tempPath(join(this.dir(), "validate-report"));
    this.fd = openSync(this.file, "wx+", 0o600);
    this.buffer = Buffer.allocUnsafe(WRITE_BUFFER);
    process.on("exit", this.onExit);
    for (const [i, t] of texts.entries()) if (t !== undefined) this.append(i, t);
  }

  /**
   * Encodes the piece into the write buffer (the count `write` returns is its length in bytes: no
   * byteLength pass of our own) and writes the buffer out when the next piece might not fit. One
   * `writeSync` per piece cost five times as much as one per megabyte: 10,001 reports of 3 KB took 70-110 ms
   * against 16-21 ms (a write system call and an encode into a fresh buffer each); docs/benchmarks.md,
   * "Scaling". A piece larger than the buffer is written on its own.
   */
  private append(index: number, piece: string): void {
    // A UTF-16 unit is at most three bytes of UTF-8, so this much room always holds the piece.
    const room = piece.length * 3;
    if (this.used + room > this.buffer.length) this.flush();
    let size: number;
    if (room <= this.buffer.length) {
      size = this.buffer.write(piece, this.used, "utf8");
      this.used += size;
    } else {
      size = this.writeAll(Buffer.from(piece, "utf8"));
    }
    this.starts[index] = this.end;
    this.lengths[index] = size;
    this.end += size;
    this.total += size;
    this.churned(size);
  }

  /** `append` for a piece already in UTF-8: copied into the write buffer, then its separator. */
  private appendBytes(index: number, bytes: Uint8Array): void {
    const separator = this.separatorBytes;
    const size = bytes.length + separator.length;
    if (this.used + size > this.buffer.length) this.flush();
    if (size <= this.buffer.length) {
      this.buffer.set(bytes, this.used);
      this.buffer.set(separator, this.used + bytes.length);
      this.used += size;
    } else {
      this.writeAll(bytes);
      this.writeAll(separator);
    }
    this.starts[index] = this.end;
    this.lengths[index] = size;
    this.end += size;
    this.total += size;
    this.churned(size);
  }

  /** Writes the buffered bytes to the file. */
  flush(): void {
    if (this.used === 0) return;
    this.writeAll(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  /** Writes `bytes` after what the file holds (a short write is continued; a full disk throws). */
  private writeAll(bytes: Uint8Array): number {
    let size = 0;
    while (size < bytes.length)
      size += writeSync(this.fd!, bytes, size, bytes.length - size, this.inFile + size);
    this.inFile += size;
    return size;
  }

  /**
   * Collects the garbage every few megabytes of text written. Each report is serialised into strings that
   * die at once; JavaScriptCore counts such large strings as "extra memory" and lets them pile up before it
   * collects. Peak RSS of `validate --all --json` on 10,001 filled sessions (566 MB of JSON), in process:
   * 201 MB without this, 154 MB with a collection every 128 MB, 139 MB every 64 MB but a third more CPU
   * time (each collection hands memory back to the system, which the next reports fault in again). Reading
   * back needs none: the blocks go out as bytes, through one buffer (peak RSS of that run from the binary,
   * text or JSON, to a file or a pipe, the same with and without, 91-126 MB; four collections cost 0.1 s).
   */
  private churned(bytes: number): void {
    this.churn += bytes;
    if (this.churn < COLLECT_EVERY) return;
    this.churn = 0;
    (globalThis as { Bun?: { gc(sync: boolean): void } }).Bun?.gc(true);
  }

  /**
   * The pieces in index order, the last one without its separator: a string while they are in memory,
   * else the file's bytes a megabyte at a time (copied to the output as they are: decoding them to text
   * only for the writer to encode it again cost a tenth of the run). Each block is read into the same
   * buffer: a reader must use a piece before it asks for the next (every writer here writes or decodes
   * it at once). The scratch file is removed once they are read (or the reader stops), unless `keep`.
   */
  *pieces(keep = false): Generator<string | Uint8Array> {
    try {
      if (this.texts) {
        const all = this.texts.filter((t) => t !== undefined).join("");
        yield all.slice(0, all.length - this.separator.length);
        return;
      }
      yield* this.readBack();
    } finally {
      if (!keep) this.dispose();
    }
  }

  private *readBack(): Generator<Uint8Array> {
    this.flush();
    // Ranges of consecutive pieces are read as one: in a run, only the blueprint (validated last, for
    // spine-coverage) comes out of order.
    const ranges: [number, number][] = [];
    for (let i = 0; i < this.starts.length; i++) {
      const start = this.starts[i];
      if (start === undefined) continue;
      const last = ranges[ranges.length - 1];
      if (last && last[0] + last[1] === start) last[1] += this.lengths[i]!;
      else ranges.push([start, this.lengths[i]!]);
    }
    const total = this.total - Buffer.byteLength(this.separator);
    let left = total;
    // One buffer for every block: a fresh one each time cost a page fault per 4 KiB read (a tenth of a
    // 10,001-session run's output time). Hence the rule in `pieces`.
    const buf = Buffer.allocUnsafe(Math.min(this.block, Math.max(total, 1)));
    for (const [start, length] of ranges) {
      let at = start;
      let rest = Math.min(length, left);
      while (rest > 0) {
        const n = readSync(this.fd!, buf, 0, Math.min(buf.length, rest), at);
        if (n === 0) throw new Error(`the report scratch file ${this.file} ended early`);
        at += n;
        rest -= n;
        left -= n;
        yield buf.subarray(0, n);
      }
    }
  }

  /** Removes the scratch file (once; also at exit, if the pieces were never read). */
  dispose(): void {
    this.texts = [];
    this.buffer = Buffer.alloc(0);
    this.used = 0;
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.file !== undefined) rmSync(this.file, { force: true });
    this.fd = undefined;
    this.file = undefined;
    process.off("exit", this.onExit);
  }
}
