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
// at the start of every command removes one a killed process left (src/temp-sweep.ts).

/** Pieces up to this many bytes in all stay in memory. */
export const SPILL_THRESHOLD = 8 << 20;
/** Bytes gathered before one write to the file, and read back per read. */
const BLOCK = 1 << 20;
/** Text written or read between two collections of the garbage it leaves (see `churned`). */
const COLLECT_EVERY = 16 << 20;

export class Spill {
  /** Byte offset and length of each piece in the file, by its index in the output. */
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  /** The pieces while in memory, by index. */
  private texts: (string | undefined)[] | undefined = [];
  private pending: string[] = [];
  private pendingBytes = 0;
  private bytes = 0;
  /** Bytes in the file so far. */
  private written = 0;
  private fd: number | undefined;
  private file: string | undefined;
  private readonly onExit = () => this.dispose();
  private churn = 0;

  /**
   * `dir`: called once, when the pieces outgrow `threshold`, for the folder of the scratch file (made
   * ready by the caller). `join`: what follows each piece in the output but the last one (`,\n` between
   * JSON array elements). `block`: bytes per write and per read (small in tests, to cut characters).
   */
  constructor(
    private readonly dir: () => string,
    private readonly threshold = SPILL_THRESHOLD,
    private readonly separator = "",
    private readonly block = BLOCK,
  ) {}

  /** Whether the pieces went to a file (for tests). */
  get spilled(): boolean {
    return this.file !== undefined;
  }

  /** Adds the piece that goes at `index` of the output (pieces may come in any order, each index once). */
  put(index: number, text: string): void {
    if (!text) return;
    const piece = text + this.separator;
    const size = Buffer.byteLength(piece);
    this.bytes += size;
    if (this.texts) {
      this.texts[index] = piece;
      if (this.bytes <= this.threshold) return;
      this.open();
      return;
    }
    this.append(index, piece, size);
  }

  private open(): void {
    const texts = this.texts!;
    this.texts = undefined;
    this.file = tempPath(join(this.dir(), "validate-report"));
    this.fd = openSync(this.file, "wx+", 0o600);
    process.on("exit", this.onExit);
    for (const [i, t] of texts.entries()) if (t !== undefined) this.append(i, t, Buffer.byteLength(t));
  }

  private append(index: number, piece: string, size: number): void {
    this.starts[index] = this.offset();
    this.lengths[index] = size;
    this.pending.push(piece);
    this.pendingBytes += size;
    if (this.pendingBytes >= this.block) this.flush();
  }

  /** Where the next piece lands in the file. */
  private offset(): number {
    return this.written + this.pendingBytes;
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    const buf = Buffer.from(this.pending.join(""), "utf8");
    let at = 0;
    while (at < buf.length) at += writeSync(this.fd!, buf, at, buf.length - at, this.written + at);
    this.written += buf.length;
    this.pending = [];
    this.pendingBytes = 0;
    this.churned(buf.length);
  }

  /**
   * Collects the garbage every few megabytes of text. Each report is serialised into strings that die at
   * once, and each block read back becomes a string and a buffer on its way to stdout; JavaScriptCore
   * counts such large strings as "extra memory" and let hundreds of megabytes of them pile up before it
   * collected (peak RSS of `validate --all --json`, 1,001 filled sessions: 143 MB without this, 107 MB
   * with it; 10,001: 113 MB). A full collection of this small heap takes a few milliseconds.
   */
  private churned(bytes: number): void {
    this.churn += bytes;
    if (this.churn < COLLECT_EVERY) return;
    this.churn = 0;
    (globalThis as { Bun?: { gc(sync: boolean): void } }).Bun?.gc(true);
  }

  /**
   * The pieces in index order, the last one without its separator, in strings of about a megabyte; the
   * scratch file is removed once they are read (or the reader stops), unless `keep` (to read them again).
   */
  *pieces(keep = false): Generator<string> {
    try {
      if (this.texts) {
        const all = this.texts.filter((t) => t !== undefined).join("");
        yield all.slice(0, all.length - this.separator.length);
        return;
      }
      this.flush();
      yield* this.readBack();
    } finally {
      if (!keep) this.dispose();
    }
  }

  private *readBack(): Generator<string> {
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
    const total = this.written - Buffer.byteLength(this.separator);
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const buf = Buffer.allocUnsafe(this.block);
    let left = total;
    for (const [start, length] of ranges) {
      let at = start;
      let rest = Math.min(length, left);
      while (rest > 0) {
        const n = readSync(this.fd!, buf, 0, Math.min(this.block, rest), at);
        if (n === 0) throw new Error(`the report scratch file ${this.file} ended early`);
        at += n;
        rest -= n;
        left -= n;
        this.churned(n);
        // A character cut by the block boundary is held by the decoder until its other bytes come.
        yield decoder.decode(buf.subarray(0, n), { stream: true });
      }
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  }

  /** Removes the scratch file (once; also at exit, if the pieces were never read). */
  dispose(): void {
    this.texts = [];
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.file !== undefined) rmSync(this.file, { force: true });
    this.fd = undefined;
    this.file = undefined;
    process.off("exit", this.onExit);
  }
}
