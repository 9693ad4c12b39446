// A small POSIX-shell reader for the planning-mode hook: splits a command line into simple commands
// (words with quotes removed) and reports what it cannot vouch for. Written by hand because no
// maintained shell parser is small enough to ship in the binary for this. It is deliberately narrower
// than the shell: anything whose effect depends on expansion at run time (`$…`, backticks, `$(…)`,
// process substitution, brace expansion, subshells and grouping, writes through redirections, here-
// documents whose body the shell expands) is a "problem", which denies the call. Here-documents are
// read where the shell reads them (after the line that opens them), never by a search over the text.

export interface SimpleCommand {
  words: string[];
  /** Per word: it holds an unquoted glob character or a leading `~`, so the shell may rewrite it. */
  expands: boolean[];
}

export type Shell = { commands: SimpleCommand[] } | { problem: string };

/** Redirection targets that write nothing. */
const HARMLESS_OUTPUT = /^\/dev\/null$/;
const SPECIAL = new Set([" ", "\t", "\n", ";", "&", "|", "<", ">", "(", ")"]);

class Problem extends Error {}

interface Heredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

// A NUL ends the string the shell is given (so it would run less than was read here); other control
// characters are read differently by different shells. Tabs, newlines and carriage returns stay.
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function shellCommands(src: string): Shell {
  if (CONTROL.test(src)) return { problem: "control characters in a command are not allowed" };
  const commands: SimpleCommand[] = [];
  let words: string[] = [];
  let expands: boolean[] = [];
  let pending: Heredoc[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Problem(why);
  };

  /** Reads one word at i (quotes and escapes removed); undefined when there is none. */
  const readWord = (): { text: string; expands: boolean; quoted: boolean } | undefined => {
    let text: string | undefined;
    let exp = false;
    let quoted = false;
    let bare = ""; // the unquoted characters, for brace expansion
    while (i < src.length) {
      const c = src[i]!;
      if (SPECIAL.has(c)) break;
      if (c === "`") fail("command substitution is not allowed");
      if (c === "$") {
        const next = src[i + 1];
        if (next === "(") fail("command substitution is not allowed");
        if (next !== undefined && !SPECIAL.has(next)) fail("shell expansion ($…) is not allowed");
        text = `${text ?? ""}$`;
        i++;
      } else if (c === "\\") {
        const next = src[i + 1];
        i += 2;
        quoted = true;
        if (next === undefined) break;
        if (next !== "\n") text = `${text ?? ""}${next}`;
        else text ??= undefined;
      } else if (c === "'") {
        const close = src.indexOf("'", i + 1);
        if (close < 0) fail("unterminated quote");
        text = `${text ?? ""}${src.slice(i + 1, close)}`;
        quoted = true;
        i = close + 1;
      } else if (c === '"') {
        quoted = true;
        text ??= "";
        i++;
        for (;;) {
          if (i >= src.length) fail("unterminated quote");
          const d = src[i]!;
          if (d === '"') {
            i++;
            break;
          }
          if (d === "`") fail("command substitution is not allowed");
          if (d === "$" && src[i + 1] !== '"' && src[i + 1] !== undefined && !/\s/.test(src[i + 1]!))
            fail("shell expansion ($…) is not allowed");
          if (d === "\\" && i + 1 < src.length && '$`"\\\n'.includes(src[i + 1]!)) {
            if (src[i + 1] !== "\n") text += src[i + 1];
            i += 2;
            continue;
          }
          text += d;
          i++;
        }
      } else {
        if (c === "*" || c === "?" || c === "[" || (c === "~" && text === undefined)) exp = true;
        bare += c;
        if (c === "#" && text === undefined) break;
        text = `${text ?? ""}${c}`;
        i++;
      }
    }
    // `{a,b}` and `{1..3}` expand to several words; `stash@{0}` does not.
    if (/\{[^{}]*(,|\.\.)[^{}]*\}/.test(bare)) fail("brace expansion is not allowed");
    return text === undefined ? undefined : { text, expands: exp, quoted };
  };

  const endCommand = () => {
    if (words.length) commands.push({ words, expands });
    words = [];
    expands = [];
  };

  const skipBlanks = () => {
    while (src[i] === " " || src[i] === "\t") i++;
  };

  /** The bodies of pending here-documents start on the line after the one that opened them. */
  const readHeredocs = () => {
    for (const h of pending) {
      for (;;) {
        if (i >= src.length) break;
        const eol = src.indexOf("\n", i);
        const line = src.slice(i, eol < 0 ? src.length : eol);
        i = eol < 0 ? src.length : eol + 1;
        const bare = h.stripTabs ? line.replace(/^\t+/, "") : line;
        if (bare.replace(/\r$/, "") === h.delimiter) break;
        if (!h.quoted && /`|\$[({[]/.test(line))
          fail(
            "a here-document whose body the shell expands ($(…), parameter expansion, backticks) is not allowed",
          );
      }
    }
    pending = [];
  };

  const redirection = () => {
    // At i: [n]> >> >| &> &>> >& < << <<- <<< <> <&
    let op = src[i]!;
    i++;
    if (op === "&") op += src[i++]; // &>
    while (src[i] === ">" || src[i] === "<" || src[i] === "|" || src[i] === "&" || src[i] === "-") {
      if (src[i] === "-" && !op.endsWith("<<")) break;
      op += src[i++];
    }
    if (src[i] === "(" && (op === "<" || op === ">")) fail("process substitution is not allowed");
    if (op === "<>") fail("a read-write redirection (<>) is not allowed");
    skipBlanks();
    if (op === "<<" || op === "<<-") {
      const w = readWord();
      if (!w) fail("a here-document needs a delimiter");
      pending.push({ delimiter: w!.text, quoted: w!.quoted, stripTabs: op === "<<-" });
      return;
    }
    const target = readWord();
    if (!target) fail(`a redirection (${op}) needs a target`);
    const t = target!.text;
    const writes = op.includes(">");
    if (!writes) return; // < <& <<<: input only
    if (op.endsWith("&") && !op.startsWith("&") && /^(\d+|-)$/.test(t)) return; // >&2, 2>&1, >&-
    if (!HARMLESS_OUTPUT.test(t) || target!.expands) fail("output redirection to a file is not allowed");
  };

  try {
    while (i < src.length) {
      const c = src[i]!;
      if (c === " " || c === "\t") {
        i++;
      } else if (c === "\n") {
        i++;
        endCommand();
        readHeredocs();
      } else if (c === ";" || c === "|" || (c === "&" && src[i + 1] !== ">")) {
        endCommand();
        i++;
        if ((c === "|" || c === "&") && (src[i] === c || (c === "|" && src[i] === "&"))) i++;
        if (c === ";" && src[i] === ";") fail("`;;` is not allowed");
      } else if (c === "(" || c === ")") {
        fail("subshells and grouping are not allowed");
      } else if (c === "<" || c === ">" || c === "&") {
        redirection();
      } else if (c === "#") {
        while (i < src.length && src[i] !== "\n") i++;
      } else {
        const start = i;
        const w = readWord();
        if (!w) {
          if (i === start) i++; // a comment start or an empty expansion: nothing to add
          continue;
        }
        // `2>file`: a word of digits right before `>` or `<` is the file descriptor, not an argument.
        if (!w.quoted && /^\d+$/.test(w.text) && (src[i] === ">" || src[i] === "<")) continue;
        words.push(w.text);
        expands.push(w.expands);
      }
    }
    if (pending.length) readHeredocs();
    endCommand();
  } catch (err) {
    if (err instanceof Problem) return { problem: err.message };
    throw err;
  }
  return { commands };
}
