import type { Context } from "../context.ts";

// What a command is: its name, arguments and options for the parser and the help, a run() that returns
// data (never prints), and a text renderer for people. The CLI decides how to print.

export type { Context, GlobalOptions, Io } from "../context.ts";

export interface OptionSpec {
  /** Flags as help shows them: "--stack <stack>", "--force", "-q, --quiet", "--no-create-agent-files". */
  flags: string;
  description: string;
  /** Allowed values; anything else is a usage error (exit 2). */
  choices?: readonly string[];
  /** Repeatable option: collected into an array. */
  multiple?: boolean;
  /** The option must be given (a usage error otherwise). */
  required?: boolean;
}

/**
 * How run() asks for its result to be printed other than by text(data), when what is printed is made
 * where the data is (validate's formatted report needs the engine run() loaded). The CLI gives one per
 * run and output.ts prints what was asked; a caller that keeps only the data (the MCP server) gives one
 * that ignores it. Nothing else is handed from run() to the printer.
 */
export interface Output {
  /** Print these pieces (text or UTF-8 bytes, written one by one) instead of text(data). */
  text(pieces: () => Iterable<string | Uint8Array>): void;
  /** Print the data run() returns in the JSON envelope, as --json would (`validate --format json`). */
  envelope(): void;
  /**
   * Another process printed this run's output and ended with `exitCode` (src/rerun.ts): print nothing,
   * exit with that. Absent where the caller keeps the data (the MCP server): the command runs itself.
   */
  handOff?(exitCode: number): void;
}

/** A command's implementation. Its name, arguments and summary live in the command table (commands/index.ts). */
export interface CommandDef<O = Record<string, unknown>, D = unknown> {
  options?: OptionSpec[];
  examples?: string[];
  run(ctx: Context, args: string[], opts: O, out: Output): Promise<D>;
  /** Text for people; omitted means the data is printed as indented JSON. */
  text?(data: D): string | Iterable<string | Uint8Array>;
  /** Exit code for a result that ran but found a failure (e.g. doctor finding problems). */
  exitCode?(data: D): number;
}

/** A row of the command table: enough to parse, list and dispatch, without loading the implementation. */
export interface CommandEntry {
  name: string;
  /** Positional arguments: "<project>" required, "[id]" optional, "[...files]" any number. */
  args?: string;
  summary: string;
  load(): Promise<AnyCommand>;
}

/** A command ready to run: its table row and its loaded implementation. */
export type Command = CommandEntry & AnyCommand;

// biome-ignore lint/suspicious/noExplicitAny: the command table holds commands of every option/data shape
export type AnyCommand = CommandDef<any, any>;

export function defineCommand<O, D>(def: CommandDef<O, D>): CommandDef<O, D> {
  return def;
}
