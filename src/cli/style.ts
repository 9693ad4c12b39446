// Decoration of text output: colour and emoji go to a terminal only, never into a pipe, a file or a
// log. NO_COLOR (any non-empty value, no-color.org) turns both off; FORCE_COLOR (anything but 0 or
// false, as Node and chalk read it) turns them on without a terminal. One decision per command run,
// made by the CLI before the command's text renderer runs (renderers take data only).

export interface Style {
  color: boolean;
  emoji: boolean;
}

const PLAIN: Style = { color: false, emoji: false };
let current: Style = PLAIN;

export function decideStyle(env: Record<string, string | undefined>, stdoutIsTTY: boolean): Style {
  const force = env.FORCE_COLOR;
  if (env.NO_COLOR) return PLAIN;
  if (force !== undefined && force !== "0" && force !== "false") return { color: true, emoji: true };
  if (force === "0" || force === "false") return PLAIN;
  const on = stdoutIsTTY && env.TERM !== "dumb";
  return { color: on, emoji: on };
}

export function setStyle(s: Style): void {
  current = s;
}

export function style(): Style {
  return current;
}

const paint = (code: number) => (text: string) => (current.color ? `\u001b[${code}m${text}\u001b[39m` : text);
export const green = paint(32);
export const yellow = paint(33);
export const red = paint(31);
