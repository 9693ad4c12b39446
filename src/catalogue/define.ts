// How a code is declared: `code<{ …data… }>({ exit, message, hint })`. The type argument is the code's
// data, what every `new IdseError(code, data)` must pass (the compiler checks it: a missing or mistyped
// field fails `tsc`); at run time a code is only its exit code and two functions. A leaf: imports nothing.

export type Exit = 1 | 2 | 130;

/** A code's data: the facts its message is made from, printed as the diagnostic's extra keys. */
export type Data = Record<string, unknown>;

export interface CodeSpec<D> {
  exit: Exit;
  message: (d: D) => string;
  hint?: (d: D) => string;
}

/** A declared code. `data` exists only in the type: it carries D to `DataOf` (never set at run time). */
export interface CodeDef<D extends object> extends CodeSpec<D> {
  readonly data?: D;
}

/**
 * Declares a code whose data is D. Messages still render whatever data arrives: a plugin's code reaches
 * them untyped (plugins/wrap.ts), and a message must never throw while an error is being built, since
 * that would hide the error it describes; test/contract/catalogue.test.ts builds every code from `{}`.
 */
export function code<D extends object = Record<never, never>>(spec: CodeSpec<D>): CodeDef<D> {
  return spec;
}

/** The text of a value; "" for a field the data left out. */
export const s = (v: unknown): string => String(v ?? "");
/** A list in the data, joined; a non-list is printed as it is and a missing one as "". */
export const list = (v: unknown, sep = ", "): string => (Array.isArray(v) ? v.map(s).join(sep) : s(v));
/** The first item of a list in the data. */
export const first = (v: unknown): string => (Array.isArray(v) ? s(v[0]) : s(v));

/** `make()` on the first call, the same value after: a table built when it is first needed. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
