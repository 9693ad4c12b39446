import { type ErrorCode, errorCodes, IdseError, TRANSPORT_CODES } from "../errors.ts";

// Every call into a plugin goes through here (Rollup's plugin driver is the model): an error names the
// plugin and the method, and a call that never settles fails with PLUGIN_TIMEOUT instead of hanging idse.

export function attribute(plugin: string, method: string, err: unknown): Error {
  const e = err as { name?: string; code?: unknown; data?: Record<string, unknown>; message?: string };
  // A transport's own codes pass untouched: the sync engine branches on them (a stale write is a conflict)
  // and names the remote in what it reports (docs/sync.md, "Transports").
  if (typeof e?.code === "string" && Object.hasOwn(TRANSPORT_CODES, e.code)) return err as Error;
  if (err instanceof IdseError && err.code.startsWith("PLUGIN_")) return err;
  const reason = e?.message ?? String(err);
  // A plugin cannot import idse's errors, so it throws an Error with a `code` (and `data`): a code of
  // the catalogue is kept (e.g. a store's LOCKED), anything else becomes PLUGIN_ERROR carrying it.
  if (typeof e?.code === "string" && Object.hasOwn(errorCodes(), e.code)) {
    const data = { reason, ...(e.data && typeof e.data === "object" ? e.data : {}), plugin, method };
    return Object.assign(IdseError.of(e.code as ErrorCode, data), { cause: err });
  }
  const extra = typeof e?.code === "string" && /^[A-Z][A-Z0-9_]*$/.test(e.code) ? { error_code: e.code } : {};
  return Object.assign(new IdseError("PLUGIN_ERROR", { plugin, method, reason, ...extra }), { cause: err });
}

/** Calls `fn`, attributing its errors; an async result must settle within `timeoutMs`. */
export function guard<T>(plugin: string, method: string, timeoutMs: number, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (err) {
    throw attribute(plugin, method, err);
  }
  if (!(result instanceof Promise)) return result;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new IdseError("PLUGIN_TIMEOUT", { plugin, method, ms: timeoutMs })),
      timeoutMs,
    );
  });
  return Promise.race([result, timeout])
    .catch((err) => {
      throw attribute(plugin, method, err);
    })
    .finally(() => clearTimeout(timer)) as T;
}

/**
 * A copy of `target` whose listed methods go through `guard`. Methods the target lacks stay absent, so
 * optional ones are still detected by presence; other properties are copied as they are.
 */
export function wrapMethods<T extends object>(
  plugin: string,
  target: T,
  methods: readonly string[],
  timeoutFor: (method: string, args: unknown[]) => number,
  /** What is wrong with a method's result, when it is not what the contract says (PLUGIN_ERROR). */
  check?: (method: string, value: unknown) => string | undefined,
): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(target)) out[key] = (target as Record<string, unknown>)[key];
  // Getters and prototype members too (a class instance keeps `kind` and `location` on itself or its
  // prototype).
  for (const key of ["kind", "location", "name", "label", "aliases", "paths"]) {
    if (!(key in out) && key in target) out[key] = (target as Record<string, unknown>)[key];
  }
  for (const m of methods) {
    const fn = (target as Record<string, unknown>)[m];
    if (typeof fn !== "function") {
      delete out[m];
      continue;
    }
    const checked = (value: unknown) => {
      const problem = check?.(m, value);
      if (problem) throw new IdseError("PLUGIN_ERROR", { plugin, method: `${m}()`, reason: problem });
      return value;
    };
    out[m] = (...args: unknown[]) =>
      guard(plugin, `${m}()`, timeoutFor(m, args), () => {
        const r = fn.apply(target, args);
        return check ? (r instanceof Promise ? r.then(checked) : checked(r)) : r;
      });
  }
  return out as T;
}
