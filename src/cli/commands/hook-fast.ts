import type { Diagnostic } from "../../errors.ts";
import type { Io } from "../command.ts";
import { printResult } from "../output.ts";
import { evaluateHook, hookText } from "./hook.ts";

// `idse hook claude-pre-tool-use` with no option, as Claude Code runs it: the same evaluation and output
// as through the CLI (src/cli/commands/hook.ts), without loading the command table or the flag reader. evaluateHook never
// throws (its own failures are denials in a workspace), and the hook always exits 0, as Claude Code expects.

export async function runHookFast(
  io: Omit<Io, "stdinIsTTY"> & { readonly stdinIsTTY: boolean },
): Promise<number> {
  const diagnostics: Diagnostic[] = [];
  const data = await evaluateHook({
    cwd: io.cwd,
    explicitCwd: false,
    home: io.home,
    env: io.env,
    get stdinIsTTY() {
      return io.stdinIsTTY;
    },
    readStdin: () => io.readStdin(),
    stderr: io.stderr,
    report: (d) => diagnostics.push(d),
  });
  printResult(
    io,
    { json: false, quiet: false, command: "hook claude-pre-tool-use" },
    true,
    data,
    diagnostics,
    hookText(data),
  );
  return 0;
}
