import {
  type Code,
  type CodeSpec,
  type Data,
  type DataOf,
  type ErrorCode,
  errorCodes,
  type NoticeCode,
  type NoticeDataOf,
  type NoticeSpec,
  noticeCodes,
  type Severity,
} from "./catalogue/index.ts";

// The error every command throws for a failure, and the diagnostic it becomes. Its codes, messages and
// hints are the catalogue's (src/catalogue/); the names callers used before it moved are re-exported here.

export {
  type Code,
  type DataOf,
  type ErrorCode,
  EXIT,
  errorCodes,
  type NoticeCode,
  STORE_ERROR_CODES,
  type StoreData,
  type StoreErrorCode,
  TRANSPORT_CODES,
  type TransportCode,
} from "./catalogue/index.ts";

/** True for a union of codes: a code not known until run time. */
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/**
 * The data argument(s): optional for a code whose data has no required field; refused (never) for a
 * code known only at run time, whose data nothing can check: that is `IdseError.of`.
 */
type DataArgs<C extends ErrorCode> =
  true extends IsUnion<C>
    ? [data: never, details?: Diagnostic[]]
    : Record<never, never> extends DataOf<C>
      ? [data?: DataOf<C>, details?: Diagnostic[]]
      : [data: DataOf<C>, details?: Diagnostic[]];

export class IdseError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  /** The facts the message was made from; read back untyped (they become the diagnostic's keys). */
  readonly data: Data;
  /** Extra diagnostics that explain the failure (e.g. every unmet gate condition). */
  readonly details: Diagnostic[];

  /** The data is type-checked against the code's (`DataOf<C>`): a missing or mistyped field fails tsc. */
  constructor(code: C, ...[data, details]: DataArgs<C>) {
    const d: Data = data ?? {};
    super(spec(code).message(d));
    this.name = "IdseError";
    this.code = code;
    this.data = d;
    this.details = details ?? [];
  }

  /**
   * The untyped escape, for a code known only at run time: one a plugin threw (plugins/wrap.ts), or one
   * carried with its data from where the failure was found to where it is thrown.
   */
  static of(code: ErrorCode, data: Data = {}, details: Diagnostic[] = []): IdseError {
    return new IdseError(code, ...([data, details] as unknown as DataArgs<ErrorCode>));
  }

  get exitCode(): number {
    return errorCodes()[this.code].exit;
  }

  get hint(): string | undefined {
    return spec(this.code).hint?.(this.data);
  }
}

/** A code's spec over untyped data: the constructor has checked the data against the code's type. */
function spec(code: ErrorCode): CodeSpec<Data> {
  return errorCodes()[code] as unknown as CodeSpec<Data>;
}

export interface Diagnostic {
  severity: Severity;
  code: Code;
  message: string;
  hint?: string;
  file?: string;
  [key: string]: unknown;
}

export function toDiagnostic(err: IdseError): Diagnostic {
  const d: Diagnostic = { severity: "error", code: err.code, message: err.message };
  const hint = err.hint;
  if (hint) d.hint = hint;
  for (const [k, v] of Object.entries(err.data)) if (!(k in d)) d[k] = v;
  return d;
}

/** The data argument of a notice: optional when its data has no required field. */
type NoticeArgs<C extends NoticeCode> =
  Record<never, never> extends NoticeDataOf<C> ? [data?: NoticeDataOf<C>] : [data: NoticeDataOf<C>];

/**
 * A warning, a note or an error's detail, built from the catalogue (src/catalogue/notices.ts): its
 * severity, the message and hint made from `data` (type-checked against the code's), and the data's keys
 * the code declares, in that order. A key whose value is undefined is left out; so is an empty hint.
 */
export function notice<C extends NoticeCode>(code: C, ...[data]: NoticeArgs<C>): Diagnostic {
  const spec = noticeCodes()[code] as unknown as NoticeSpec<Record<string, unknown>>;
  const d = (data ?? {}) as Record<string, unknown>;
  const out: Diagnostic = { severity: spec.severity, code, message: spec.message(d) };
  const hint = spec.hint?.(d);
  if (hint) out.hint = hint;
  for (const k of spec.keys) if (d[k] !== undefined) out[k] = d[k];
  return out;
}
