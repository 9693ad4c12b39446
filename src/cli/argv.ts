import type { OptionSpec } from "./command.ts";

// The command line's own reader. It keeps positionals and option values as the exact strings the user
// typed (a general parser such as mri turns numeric-looking values into numbers, so `--owner 007` or a
// session id `0123` would lose their zeros), finds where the command words are so that two-word commands
// ("session create") are folded into one token, and reads the flags (readFlags).

export interface OptionShape {
  names: string[];
  takesValue: boolean;
  long: string;
}

export function optionShape(spec: OptionSpec): OptionShape {
  // String operations rather than regexes: this runs for every option at every start, and compiling the
  // four regexes it used was about 0.3 ms of every start (docs/benchmarks.md, "Start-up").
  const { flags } = spec;
  const value = firstOf(flags, "<", "[");
  const names = (value < 0 ? flags : flags.slice(0, value))
    .split(",")
    .map((s) => unflag(s.trim()))
    .filter(Boolean);
  const long = camel(positive(names.find((n) => n.length > 1) ?? names[0]!));
  return { names, takesValue: value >= 0, long };
}

/** The first index of either character in `s`, or -1. */
function firstOf(s: string, a: string, b: string): number {
  const i = s.indexOf(a);
  const j = s.indexOf(b);
  return i < 0 ? j : j < 0 ? i : Math.min(i, j);
}

/** A flag's name without its leading dashes ("--json" → "json", "-q" → "q"). */
/** Whether a token can be an option's value: not an option itself; a lone `-` is one (standard input). */
const isValue = (tok: string) => !tok.startsWith("-") || tok === "-";

const unflag = (s: string) => (s.startsWith("--") ? s.slice(2) : s.startsWith("-") ? s.slice(1) : s);

/** The option a negation names ("no-cache" → "cache"). */
export const positive = (name: string) => (name.startsWith("no-") ? name.slice(3) : name);

/** kebab-case to camelCase ("create-agent-files" → "createAgentFiles"), as option keys are read. */
export const camel = (s: string) => {
  if (!s.includes("-")) return s;
  const parts = s.split("-");
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    // Only a lowercase letter after a dash is raised, as the regex /-([a-z])/ did.
    out += p && p[0]! >= "a" && p[0]! <= "z" ? `${p[0]!.toUpperCase()}${p.slice(1)}` : `-${p}`;
  }
  return out;
};

export interface Scan {
  positionals: { value: string; index: number }[];
  /** Raw string values of value-taking options, by camelCase long name, in order of appearance. */
  values: Map<string, string[]>;
  /** Option tokens exactly as typed before any `--` (e.g. "--json"), for flags read before a full parse. */
  options: Set<string>;
}

export function scanArgv(argv: string[], shapes: OptionShape[]): Scan {
  const byName = new Map<string, OptionShape>();
  for (const s of shapes) for (const n of s.names) byName.set(n, s);
  const positionals: Scan["positionals"] = [];
  const values = new Map<string, string[]>();
  const options = new Set<string>();
  const put = (shape: OptionShape, v: string) =>
    values.set(shape.long, [...(values.get(shape.long) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === "--") {
      for (let j = i + 1; j < argv.length; j++) positionals.push({ value: argv[j]!, index: j });
      break;
    }
    if (tok.startsWith("-") && tok.length > 1) {
      options.add(tok);
      const body = unflag(tok);
      const eq = body.indexOf("=");
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const shape = byName.get(name);
      if (!shape?.takesValue) continue;
      if (eq >= 0) put(shape, body.slice(eq + 1));
      else if (i + 1 < argv.length && isValue(argv[i + 1]!)) put(shape, argv[++i]!);
      continue;
    }
    positionals.push({ value: tok, index: i });
  }
  return { positionals, values, options };
}

/**
 * The flags of argv, as cac (through mri) gave them before it was dropped: a flag is true and every name
 * of its option is set; `--no-x` is false, and a negated option's x is true when not given; short flags
 * may be combined (`-qy`); a value option given without a value is true (the caller reports it), with
 * its value otherwise (the caller takes the exact strings from scanArgv); an undeclared flag comes back
 * camelCased, for the caller to report. Tokens after `--` are `"--"`. Written by hand for start-up:
 * building cac's parser cost 2–3 ms of every command's start (docs/benchmarks.md, "Start-up").
 */
export function readFlags(argv: string[], shapes: OptionShape[]): Record<string, unknown> {
  const byName = new Map<string, OptionShape>();
  for (const s of shapes) for (const n of s.names) byName.set(n, s);
  const end = argv.indexOf("--");
  const tokens = end < 0 ? argv : argv.slice(0, end);
  const out: Record<string, unknown> = { "--": end < 0 ? [] : argv.slice(end + 1) };
  const set = (shape: OptionShape | undefined, name: string, value: unknown) => {
    for (const n of shape ? shape.names : [name]) out[camel(positive(n))] = value;
  };
  // A negated option is on unless it is given.
  for (const s of shapes) if (s.names.some((n) => n.startsWith("no-"))) set(s, "", true);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (!tok.startsWith("-") || tok.length < 2) continue;
    if (tok.startsWith("--")) {
      const body = tok.slice(2);
      const eq = body.indexOf("=");
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const shape = byName.get(name);
      if (!shape && name.startsWith("no-")) {
        set(byName.get(name.slice(3)), name.slice(3), false);
        continue;
      }
      if (shape?.takesValue) {
        if (eq >= 0) set(shape, name, body.slice(eq + 1));
        else if (i + 1 < tokens.length && isValue(tokens[i + 1]!)) set(shape, name, tokens[++i]);
        else set(shape, name, true);
        continue;
      }
      const negated = shape !== undefined && name.startsWith("no-");
      const raw = eq >= 0 ? body.slice(eq + 1) : undefined;
      const value = raw === undefined || raw === "true" ? true : raw === "false" ? false : raw;
      set(shape, name, negated ? !value : value);
      continue;
    }
    const letters = tok.slice(1);
    for (let k = 0; k < letters.length; k++) {
      const shape = byName.get(letters[k]!);
      const last = k === letters.length - 1;
      if (shape?.takesValue && last && i + 1 < tokens.length && isValue(tokens[i + 1]!))
        set(shape, letters[k]!, tokens[++i]);
      else set(shape, letters[k]!, true);
    }
  }
  return out;
}
