// The longest text a regex can match, read from its source: the secret guard runs each rule only on
// windows around the keywords that must occur in a match, and a window must be wide enough to hold any
// match (secrets.ts). A quantifier without an upper bound (`*`, `+`, `{n,}`) gives Infinity, which is
// also how the tests prove every rule bounded. Understands the syntax the rules use: groups (capturing,
// named, non-capturing, lookaround, flag modifiers), classes, escapes, alternation, quantifiers.

export function maxMatchLength(source: string): number {
  let i = 0;

  function alternation(): number {
    let best = branch();
    while (source[i] === "|") {
      i++;
      best = Math.max(best, branch());
    }
    return best;
  }

  function branch(): number {
    let total = 0;
    while (i < source.length && source[i] !== "|" && source[i] !== ")") {
      const one = atom();
      total += one * quantifier();
    }
    return total;
  }

  function quantifier(): number {
    const c = source[i];
    let max = 1;
    if (c === "*" || c === "+") {
      i++;
      max = Number.POSITIVE_INFINITY;
    } else if (c === "?") {
      i++;
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return 1;
      i += m[0].length;
      max = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    } else {
      return 1;
    }
    if (source[i] === "?") i++; // lazy
    return max;
  }

  function atom(): number {
    const c = source[i]!;
    if (c === "(") {
      i++;
      let zeroWidth = false;
      if (source[i] === "?") {
        const m = /^\?(?:<=|<!|=|!)/.exec(source.slice(i));
        if (m) {
          zeroWidth = true;
          i += m[0].length;
        } else {
          const g = /^\?(?:<[A-Za-z_][A-Za-z0-9_]*>|[-imsx]*:)/.exec(source.slice(i));
          if (g) i += g[0].length;
        }
      }
      const inner = alternation();
      i++; // ')'
      return zeroWidth ? 0 : inner;
    }
    if (c === "[") {
      i++;
      if (source[i] === "^") i++;
      if (source[i] === "]") i++;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i++;
      return 1;
    }
    if (c === "\\") {
      const next = source[i + 1]!;
      i += 2;
      if (next === "b" || next === "B") return 0;
      if (next === "x") i += 2;
      else if (next === "u") i += source[i] === "{" ? source.indexOf("}", i) - i + 1 : 4;
      else if (next === "p" || next === "P") i += source[i] === "{" ? source.indexOf("}", i) - i + 1 : 1;
      else if (/[1-9]/.test(next)) return 1000; // a back-reference: as long as its group, at most
      return 1;
    }
    i++;
    return c === "^" || c === "$" ? 0 : 1;
  }

  return alternation();
}

/**
 * Whether every match of `source` holds one of `keywords` (lowercase), read from the pattern's start: a
 * literal prefix (`PMAK-`, `(?:mailgun)`) or a leading group whose every alternative is a literal
 * (`(?:jfrog|artifactory)`), containing a keyword. Only then may a rule run on windows around its
 * keywords; a rule whose keyword only has to occur somewhere in the document (gitleaks' `airtable` for a
 * `pat…` token) runs on the whole document. Errs on the side of the whole document.
 */
export function keywordInEveryMatch(source: string, keywords: readonly string[]): boolean {
  let s = `(?:${source})`; // an alternation at the top level is then a group's
  for (;;) {
    const m = /^(?:\\b|\^|\((?:\?:|\?i:)?(?=[^?]))/.exec(s);
    if (!m || m[0] === "") break;
    if (m[0].startsWith("(")) {
      const alts = groupAlternatives(s);
      if (!alts) return false;
      if (alts.length > 1) return alts.every((a) => covers(literal(a), keywords));
    }
    s = s.slice(m[0].length);
  }
  return covers(literal(s), keywords);
}

const covers = (lit: string, keywords: readonly string[]) =>
  lit.length > 0 && keywords.some((k) => lit.toLowerCase().includes(k));

/** The literal characters `s` starts with (escapes of punctuation read as the character). */
function literal(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    let ch: string;
    let width = 1;
    if (c === "\\" && /[.\-_/=:~]/.test(s[i + 1] ?? "")) {
      ch = s[i + 1]!;
      width = 2;
    } else if (/[A-Za-z0-9_\-=:/~]/.test(c)) ch = c;
    else break;
    const next = s[i + width];
    // A character a quantifier follows may be absent or repeated: the literal ends before it.
    if (next === "?" || next === "*" || next === "+" || next === "{") break;
    out += ch;
    i += width - 1;
  }
  return out;
}

/** The top-level alternatives of the group `s` starts with; undefined when the group is quantified. */
function groupAlternatives(s: string): string[] | undefined {
  const open = /^\((?:\?:|\?i:)?/.exec(s)![0].length;
  const alts: string[] = [];
  let start = open;
  let cls = false;
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (cls) {
      if (c === "]") cls = false;
      continue;
    }
    if (c === "[") cls = true;
    else if (c === "(") depth++;
    else if (c === "|" && depth === 0) {
      alts.push(s.slice(start, i));
      start = i + 1;
    } else if (c === ")") {
      if (depth > 0) {
        depth--;
        continue;
      }
      const after = s[i + 1];
      if (after === "?" || after === "*" || after === "{") return undefined;
      alts.push(s.slice(start, i));
      return alts;
    }
  }
  return undefined;
}
