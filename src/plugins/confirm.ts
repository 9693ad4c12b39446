import type { Context } from "../context.ts";
import { IdseError } from "../errors.ts";
import { forTerminal } from "../terminal-text.ts";

// Asking before granting a plugin its capabilities. Never waits without a terminal: `--yes` skips the
// question, and without a TTY (CI, a pipe) and without `--yes` the command fails with a code.

/** Tests (and embedders) can answer through `io.prompt`; otherwise a terminal is read line by line. */
type PromptIo = Context["io"] & { prompt?: (question: string) => Promise<string> };

async function terminalPrompt(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export async function confirm(
  ctx: Context,
  action: string,
  lines: string[],
  question: string,
  /** A question `--yes` does not answer (replacing another package), and the refusal without a terminal. */
  always?: { refusal: IdseError },
): Promise<void> {
  // `--yes` never prompts (the global option's promise): a question it does not answer is refused.
  if (ctx.global.yes) {
    if (!always) return;
    throw always.refusal;
  }
  const io = ctx.io as PromptIo;
  const prompt = io.prompt ?? (io.stdinIsTTY && process.stdin.isTTY === true ? terminalPrompt : undefined);
  // What would be granted is printed in any case: CONFIRMATION_REQUIRED's hint says to read it first.
  // A package's own text is in it: shown as text, never as terminal controls (src/terminal-text.ts).
  if (!always || prompt) io.stderr(`${forTerminal(lines.join("\n"), false)}\n`);
  if (!prompt) throw always?.refusal ?? new IdseError("CONFIRMATION_REQUIRED", { action });
  // Ctrl-C or Ctrl-D at the question ends it without an answer: that is a no, not a failure of idse.
  const answer = await prompt(`${question} [y/N] `).catch(() => "");
  if (!/^\s*y(es)?\s*$/i.test(answer)) throw new IdseError("CANCELLED", { action });
}
