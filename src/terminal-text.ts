// Text for a terminal. A command's text and its diagnostics carry values a repository wrote (a session's
// name, a remote's command line in `idse trust --show`, a file name), and a terminal obeys the control
// characters in them: a carriage return and an erase-line made `trust --show` show a harmless command in
// place of the `curl … | sh` it would approve. On a terminal every control character but a newline, a tab
// and the CR of a CRLF is shown escaped (`\x1b`), as are the Unicode bidi overrides (Trojan Source), and
// colour sequences are kept only when idse is colouring its own output. A pipe or a file gets the bytes
// as they are (`artifact read > spec.md` must keep them), and `--json` escapes in its own way.

const SGR = "\\u001b\\[[0-9;]*m";
const CONTROL =
  "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]|\\r(?!\\n)";
const UNSAFE = new RegExp(`${SGR}|${CONTROL}`, "g");
const ONE = new RegExp(CONTROL.replace("|\\r(?!\\n)", "|\\r"), "g");

const escaped = (c: string) => {
  const n = c.codePointAt(0)!;
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
};

/** `text` made safe to show on a terminal; `keepColor`: idse's colour sequences stay (it is colouring). */
export function forTerminal(text: string, keepColor: boolean): string {
  return text.replace(UNSAFE, (m) => (m.length > 1 && keepColor ? m : m.replace(ONE, escaped)));
}
