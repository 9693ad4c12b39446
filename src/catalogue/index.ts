// The catalogue of every code idse prints: errors (exit code, message, hint, typed data), store errors
// among them, the codes a sync transport throws, and the codes of warnings, details and findings.
// docs/json-output.md's tables are generated from it (scripts/gen-json-docs.ts, `--check` in CI). A leaf.

import type { CodeDef } from "./define.ts";
import type { ERROR_CODES, ErrorCode } from "./errors.ts";
import type { DoctorFindingCode, NoticeCode } from "./notices.ts";
import type { TransportCode } from "./transport.ts";

export { type CodeSpec, code, type Data, type Exit } from "./define.ts";
export {
  ERROR_CODES as CODES,
  type ErrorCode,
  EXIT,
  STORE_ERROR_CODES,
  type StoreData,
  type StoreErrorCode,
} from "./errors.ts";
export {
  DOCTOR_FINDING_CODES,
  type DoctorFindingCode,
  NOTICE_CODES,
  type Notice,
  type NoticeCode,
  type NoticeDataOf,
  type NoticeSpec,
  notices,
  type Severity,
} from "./notices.ts";
export { TRANSPORT_CODES, type TransportCode } from "./transport.ts";

/** Every code idse prints, in a diagnostic's `code`. */
export type Code = ErrorCode | NoticeCode | TransportCode | DoctorFindingCode;

/** The data an error code's message is made from: `new IdseError(code, data)` must pass it. */
export type DataOf<C extends ErrorCode> = C extends ErrorCode
  ? (typeof ERROR_CODES)[C] extends CodeDef<infer D>
    ? D
    : never
  : never;
