import type { OptionSpec } from "./command.ts";

// A small scanner run beside cac. cac (through mri) turns numeric-looking values into numbers, so
// `--owner 007` or a session id `0123` would lose their zeros; this scanner keeps positionals and
// option values as the exact strings the user typed, and finds where the command words are so that
// two-word commands ("session create") can be folded into one token before cac matches them.

export interface OptionShape {
  names: string[];
  takesValue: boolean;
  long: string;
}

export function optionShape(spec: OptionSpec): OptionShape {
  const head = spec.flags.replace(/[<[].*$/, "");
  const names = head
    .split(",")
    .map((s) => s.trim().replace(/^-{1,2}/, ""))
    .filter(Boolean);
  const long = camel((names.find((n) => n.length > 1) ?? names[0]!).replace(/^no-/, ""));
  return { names, takesValue: /[<[]/.test(spec.flags), long };
}

export const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

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
      const body = tok.replace(/^-{1,2}/, "");
      const eq = body.indexOf("=");
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const shape = byName.get(name);
      if (!shape?.takesValue) continue;
      if (eq >= 0) put(shape, body.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith("-")) put(shape, argv[++i]!);
      continue;
    }
    positionals.push({ value: tok, index: i });
  }
  return { positionals, values, options };
}
