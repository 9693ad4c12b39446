import type { Diagnostic } from "../../errors.ts";
import { openWorkspace, resolveProject, type Workspace, withProjectLock } from "../../workspace.ts";
import type { AnyCommand, Context, Io } from "../command.ts";
import { COMMANDS } from "../commands/index.ts";
import { DATA_ONLY } from "../output.ts";

// Runs a CLI command's run() for a tool call: the same functions `idse <command> --json` runs, with a
// Context of their own per call (its own clock and diagnostics) and one workspace shared by the server's
// life (the store reads the disk at every call, so edits made by the CLI meanwhile are seen).

export interface McpEnv {
  io: Io;
  /** --project given to `idse mcp`, used when a tool call names none. */
  project?: string;
  cwd: string;
  workspace(): Workspace;
}

export function mcpEnv(io: Io, cwd: string, project: string | undefined): McpEnv {
  let ws: Workspace | undefined;
  return {
    io,
    project,
    cwd,
    workspace: () => {
      ws ??= openWorkspace({ cwd, home: io.home, env: io.env, store: io.store, log: io.stderr });
      return ws;
    },
  };
}

const loaded = new Map<string, Promise<AnyCommand>>();

export function loadCommand(name: string): Promise<AnyCommand> {
  let p = loaded.get(name);
  if (!p) {
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) throw new Error(`no command ${name}`);
    p = entry.load();
    loaded.set(name, p);
  }
  return p;
}

export interface CallResult<D> {
  data: D;
  diagnostics: Diagnostic[];
}

/** A Context as cli.ts builds one, for a call that names `project` (or none). */
export function callContext(
  env: McpEnv,
  project: string | undefined,
  diagnostics: Diagnostic[],
  stdin?: string,
): Context {
  const io: Io = {
    ...env.io,
    // Commands never print; the protocol owns stdout.
    stdout: () => {},
    stdinIsTTY: false,
    readStdin: async () => stdin ?? "",
  };
  const ctx: Context = {
    io,
    global: { json: true, quiet: true, yes: true, project: project ?? env.project, cwd: env.cwd },
    now: (env.io.now?.() ?? new Date()).toISOString(),
    workspace: env.workspace,
    project: async () => resolveProject(env.workspace(), project ?? env.project, env.io.env),
    report: (d) => diagnostics.push(d),
    mutate: async (p, fn) => {
      const w = env.workspace();
      return withProjectLock(w, p, () => fn(w));
    },
  };
  return ctx;
}

/** Runs one CLI command as a tool call would: its data and the diagnostics it reported. */
export async function runCommand<D>(
  env: McpEnv,
  name: string,
  args: string[],
  opts: Record<string, unknown>,
  o: { project?: string; stdin?: string } = {},
): Promise<CallResult<D>> {
  const cmd = await loadCommand(name);
  const diagnostics: Diagnostic[] = [];
  const ctx = callContext(env, o.project, diagnostics, o.stdin);
  const data = (await cmd.run(ctx, args, opts, DATA_ONLY)) as D;
  return { data, diagnostics };
}
