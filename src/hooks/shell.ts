// A small POSIX-shell reader for the planning-mode hook: splits a command line into simple commands
// (words with quotes removed) and reports what it cannot vouch for. Written by hand because no
// maintained shell parser is small enough to ship in the binary for this; it errs on the side of
// "problem", which denies the call.

export type Shell = { commands: string[][] } | { problem: string };

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

/** Removes here-document bodies (their text is input, not commands) and their `<<WORD` operators. */
function dropHeredocs(text: string): string {
  const out: string[] = [];
  const pending: string[] = [];
  for (const line of text.split("\n")) {
    if (pending.length) {
      if (line.trim() === pending[0]) pending.shift();
      continue;
    }
    for (const m of line.matchAll(HEREDOC)) pending.push(m[2]!);
    out.push(line.replace(HEREDOC, " "));
  }
  return out.join("\n");
}

/** Redirection targets that write nothing. */
const HARMLESS_TARGET = /^(\/dev\/null|&\d|&-|-)$/;

export function shellCommands(text: string): Shell {
  const src = dropHeredocs(text);
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const next = src[i + 1];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === "`" || (c === "$" && next === "(")) return { problem: "command substitution is not allowed" };
    if (c === "\\") {
      if (next !== "\n") word = (word ?? "") + (next ?? "");
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "#" && word === undefined) {
      while (i < src.length && src[i] !== "\n") i++;
      endCommand();
    } else if (c === ";" || c === "\n" || c === "|" || c === "&") {
      if (c === "&" && next === ">") return { problem: "output redirection to a file is not allowed" };
      endCommand();
      if ((c === "|" || c === "&") && next === c) i++;
    } else if (c === ">" || c === "<") {
      if (next === "(") return { problem: "process substitution is not allowed" };
      if (word !== undefined && /^\d+$/.test(word)) word = undefined;
      endWord();
      let j = i + 1;
      if (src[j] === ">" || (c === ">" && src[j] === "|")) j++;
      let target = "";
      if (src[j] === "&") target = src[j++]! + (src[j++] ?? "");
      else {
        while (src[j] === " " || src[j] === "\t") j++;
        while (j < src.length && !/[\s;&|<>]/.test(src[j]!)) target += src[j++];
      }
      if (c === ">" && !HARMLESS_TARGET.test(target))
        return { problem: "output redirection to a file is not allowed" };
      i = j - 1;
    } else if (c === " " || c === "\t" || c === "\r") {
      endWord();
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) return { problem: "unterminated quote" };
  endCommand();
  return { commands };
}
