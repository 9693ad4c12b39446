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
