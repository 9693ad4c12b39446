import { type Diagnostic, EXIT, IdseError, toDiagnostic } from "../errors.ts";
import { forTerminal } from "../terminal-text.ts";
import type { Output } from "./command.ts";
import { jsonPieces } from "./json-stream.ts";

// The output contract (DESIGN.md §6). With --json: exactly one JSON document on stdout, on success and on
// failure. Without: the command's text on stdout, diagnostics on stderr.

export interface Envelope {
  ok: boolean;
  command: string;
  data: unknown;
  diagnostics: Diagnostic[];
}

export interface Printer {
  stdout(text: string): void;
  stderr(text: string): void;
  /** UTF-8 bytes for stdout, as they are; absent, they are decoded and given to `stdout`. */
  stdoutBytes?(bytes: Uint8Array): void;
}

/** What a command's run() asked of its Output: nothing (its text(data) or JSON), other pieces, or the envelope. */
export interface OutputRequest extends Output {
  pieces?: () => Iterable<string | Uint8Array>;
  json: boolean;
  /** Set by handOff: the exit code of the process that printed the output. */
  handedOff?: number;
}

/** A fresh Output for one run of a command; cli.ts reads what it was asked after run() returns. */
export function commandOutput(): OutputRequest {
  const req: OutputRequest = {
    json: false,
    text: (pieces) => {
      req.pieces = pieces;
    },
    envelope: () => {
      req.json = true;
    },
    handOff: (exitCode) => {
      req.handedOff = exitCode;
    },
  };
  return req;
}

/** The Output of a caller that keeps only the data (the MCP server): requests are ignored. */
export const DATA_ONLY: Output = { text: () => {}, envelope: () => {} };

export function envelope(command: string, ok: boolean, data: unknown, diagnostics: Diagnostic[]): Envelope {
  return { ok, command, data: data ?? null, diagnostics };
}

export function formatDiagnostic(d: Diagnostic): string {
  // Location first, as compilers print it, unless the message already names the file.
  // A message may name a very long path shortened (IO_ERROR): its start is enough to tell it is named.
  const located = typeof d.file === "string" && !d.message.includes(d.file.slice(0, 79));
  const where = located ? `${d.file}${typeof d.line === "number" ? `:${d.line}` : ""}: ` : "";
  // A validation finding names its rule, so a reader can look it up or suppress it.
  const rule = typeof d.rule_id === "string" ? ` ${d.rule_id}` : "";
  const head = `${where}${d.severity}[${d.code}]${rule}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

export function printResult(
  out: Printer,
  opts: { json: boolean; quiet: boolean; command: string },
  ok: boolean,
  data: unknown,
  diagnostics: Diagnostic[],
  /**
   * A string, or chunks written one by one (text, or UTF-8 bytes copied from a scratch file) so large
   * reports never sit in memory whole.
   */
  text: string | Iterable<string | Uint8Array> | undefined,
): void {
  if (opts.json) {
    // Written as it is serialised: a large document (validate --all) never sits in memory as one string.
    writePieces(out, jsonPieces(envelope(opts.command, ok, data, diagnostics)));
    return;
  }
  if (text && !(opts.quiet && ok)) {
    if (typeof text === "string") out.stdout(text.endsWith("\n") ? text : `${text}\n`);
    else writePieces(out, text);
  }
  for (const d of diagnostics) {
    if (opts.quiet && d.severity !== "error") continue;
    out.stderr(`${formatDiagnostic(d)}\n`);
  }
}

/** Writes text and byte pieces in order; bytes are decoded only for a printer that takes no bytes. */
function writePieces(out: Printer, pieces: Iterable<string | Uint8Array>): void {
  const decoder = out.stdoutBytes ? undefined : new TextDecoder();
  for (const piece of pieces) {
    if (typeof piece === "string") out.stdout((decoder?.decode() ?? "") + piece);
    else if (decoder) out.stdout(decoder.decode(piece, { stream: true }));
    else out.stdoutBytes!(piece);
  }
  const rest = decoder?.decode();
  if (rest) out.stdout(rest);
}

/** Turns anything thrown into diagnostics and an exit code; unexpected errors become INTERNAL. */
export function failure(err: unknown): { exitCode: number; diagnostics: Diagnostic[] } {
  if (err instanceof IdseError)
    return { exitCode: err.exitCode, diagnostics: [toDiagnostic(err), ...err.details] };
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === "string" && typeof e.path === "string") {
    const io = new IdseError("IO_ERROR", { op: e.syscall ?? "access", file: e.path, reason: e.code });
    return { exitCode: io.exitCode, diagnostics: [toDiagnostic(io)] };
  }
  const internal = new IdseError("INTERNAL", { reason: e?.message ?? String(err) });
  return { exitCode: EXIT.failure, diagnostics: [toDiagnostic(internal)] };
}

/** The printer `p`, made safe for whichever of its streams is a terminal (src/terminal-text.ts). */
export function terminalPrinter(
  p: Printer & { readonly stdoutIsTTY?: boolean; readonly stderrIsTTY?: boolean },
  keepColor: boolean,
): Printer {
  const out = p.stdoutIsTTY === true;
  const err = p.stderrIsTTY === true;
  if (!out && !err) return p;
  return {
    stdout: (t) => p.stdout(out ? forTerminal(t, keepColor) : t),
    stderr: (t) => p.stderr(err ? forTerminal(t, keepColor) : t),
    // Bytes are decoded, and so checked, when they go to a terminal.
    ...(!out && p.stdoutBytes ? { stdoutBytes: (b: Uint8Array) => p.stdoutBytes!(b) } : {}),
  };
}
