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

/** Pieces up to this many characters in all stay in memory. */
export const SPILL_THRESHOLD = 8 << 20;
/** Bytes read back per read. */
const BLOCK = 1 << 20;
/** Text written or read between two collections of the garbage it leaves (see `churned`). */
const COLLECT_EVERY = 128 << 20;

export class Spill {
  /** Byte offset and length of each piece in the file, by its index in the output. */
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  /** The pieces while in memory, by index. */
  private texts: (string | undefined)[] | undefined = [];
  private bytes = 0;
  /** Bytes in the file so far. */
  private written = 0;
  private fd: number | undefined;
  private file: string | undefined;
  private readonly onExit = () => this.dispose();
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
  ) {}

  /** Adds the piece that goes at `index` of the output (pieces may come in any order, each index once). */
  put(index: number, text: string): void {
    if (!text) return;
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

  private open(): void {
    const texts = this.texts!;
    this.texts = undefined;
    this.file = tempPath(join(this.dir(), "validate-report"));
    this.fd = openSync(this.file, "wx+", 0o600);
    process.on("exit", this.onExit);
    for (const [i, t] of texts.entries()) if (t !== undefined) this.append(i, t);
  }

  /**
   * One write per piece, of the string itself: the runtime encodes it straight into the write, and the
   * count it returns is the piece's length in bytes (no buffer, join or byteLength of our own).
   */
  private append(index: number, piece: string): void {
    let size = writeSync(this.fd!, piece, this.written, "utf8");
    // Bytes are never fewer than UTF-16 units, and as many only for ASCII: only other text is measured.
    if (size !== piece.length && size < Buffer.byteLength(piece)) {
      // A short write (a full disk answers with an error instead): write the rest from a buffer.
      const buf = Buffer.from(piece, "utf8");
      while (size < buf.length)
        size += writeSync(this.fd!, buf, size, buf.length - size, this.written + size);
    }
    this.starts[index] = this.written;
    this.lengths[index] = size;
    this.written += size;
    this.churned(size);
  }

  /**
   * Collects the garbage every few megabytes of text. Each report is serialised into strings that die at
   * once, and each block read back becomes a string and a buffer on its way to stdout; JavaScriptCore
   * counts such large strings as "extra memory" and lets them pile up before it collects. Peak RSS of
   * `validate --all --json` on 10,001 filled sessions (566 MB of JSON), in process: 201 MB without this,
   * 154 MB with a collection every 128 MB, 139 MB every 64 MB but a third more CPU time (each collection
   * hands memory back to the system, which the next reports fault in again).
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
   * only for the writer to encode it again cost a tenth of the run). The scratch file is removed once
   * they are read (or the reader stops), unless `keep` (to read them again).
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
    let left = total;
    for (const [start, length] of ranges) {
      let at = start;
      let rest = Math.min(length, left);
      while (rest > 0) {
        const buf = Buffer.allocUnsafe(Math.min(this.block, rest));
        const n = readSync(this.fd!, buf, 0, buf.length, at);
        if (n === 0) throw new Error(`the report scratch file ${this.file} ended early`);
        at += n;
        rest -= n;
        left -= n;
        this.churned(n);
        yield buf.subarray(0, n);
      }
    }
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
