import type { DesignStore } from "./design-store.ts";
import type { Diagnostic } from "./errors.ts";
import type { Workspace } from "./workspace.ts";

// What a command is: its name, arguments and options for the parser and the help, a run() that returns
// data (never prints), and a text renderer for people. The CLI decides how to print.

export interface OptionSpec {
  /** cac syntax: "--stack <stack>", "--force", "--no-create-agent-files". */
  flags: string;
  description: string;
  /** Allowed values; anything else is a usage error (exit 2). */
  choices?: readonly string[];
  /** Repeatable option: collected into an array. */
  multiple?: boolean;
  /** The option must be given (a usage error otherwise). */
  required?: boolean;
}

export interface Io {
  cwd: string;
  env: Record<string, string | undefined>;
  home: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** UTF-8 bytes for stdout as they are (a large report copied from its scratch file); absent, decoded. */
  stdoutBytes?(bytes: Uint8Array): void;
  readStdin(): Promise<string>;
  stdinIsTTY: boolean;
  /** Whether stdout is a terminal (colour and emoji are printed only then, src/style.ts); absent means no. */
  stdoutIsTTY?: boolean;
  /** Whether stderr is a terminal (progress lines are drawn only then); absent means no. */
  stderrIsTTY?: boolean;
  now?: () => Date;
  /** Test seam: a store to use instead of the workspace's filesystem store. */
  store?: DesignStore;
}

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  yes: boolean;
  project?: string;
  cwd: string;
}

export interface Context {
  io: Io;
  global: GlobalOptions;
  /** The workspace that owns the working directory (NO_WORKSPACE when there is none). */
  workspace(): Workspace;
  /** The project the command is about (see workspace.resolveProject). */
  project(): Promise<string>;
  /** The current time as an ISO-8601 string; one value per command run. */
  now: string;
  /** Adds a warning or info diagnostic to the result. */
  report(d: Diagnostic): void;
  /** Runs `fn` holding the project's lock, so concurrent idse processes do not interleave writes. */
  mutate<T>(project: string, fn: (ws: Workspace) => Promise<T>): Promise<T>;
}

/** A command's implementation. Its name, arguments and summary live in the command table (commands/index.ts). */
export interface CommandDef<O = Record<string, unknown>, D = unknown> {
  options?: OptionSpec[];
  examples?: string[];
  run(ctx: Context, args: string[], opts: O): Promise<D>;
  /** Text for people; omitted means the data is printed as indented JSON. */
  text?(data: D): string | Iterable<string | Uint8Array>;
  /** Exit code for a result that ran but found a failure (e.g. doctor finding problems). */
  exitCode?(data: D): number;
}

/** A row of the command table: enough to parse, list and dispatch, without loading the implementation. */
export interface CommandEntry {
  name: string;
  /** Positional arguments in cac syntax: "<project>", "[id]". */
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
