import type { Diagnostic } from "./errors.ts";
import type { DesignStore } from "./store/contract.ts";
import type { Workspace } from "./workspace.ts";

// What one run of idse has to work with: the process's streams and environment as values (Io), the global
// flags, the workspace and the project lock. The CLI builds it (src/cli/cli.ts) and so does the MCP server;
// the layers below take it (or just its Io) as a type, so nothing below the CLI imports the CLI.

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
  /** Whether stdout is a terminal (colour and emoji are printed only then, src/cli/style.ts); absent means no. */
  stdoutIsTTY?: boolean;
  /** Whether stderr is a terminal (progress lines are drawn only then); absent means no. */
  stderrIsTTY?: boolean;
  now?: () => Date;
  /** Test seam: a store to use instead of the workspace's filesystem store. */
  store?: DesignStore;
}

/** What the global flags said; read-only, so a command cannot change how the CLI prints its result. */
export interface GlobalOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly yes: boolean;
  readonly project?: string;
  readonly cwd: string;
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
