// The catalogue of every code idse prints: errors (exit code, message, hint, typed data), store errors
// among them, the codes a sync transport throws, and the codes of warnings, details and findings.
// docs/json-output.md's tables are generated from it (scripts/gen-json-docs.ts, `--check` in CI). A leaf.

import type { CodeDef } from "./define.ts";
import type { ErrorCode, ErrorCodes } from "./errors.ts";
import type { DoctorFindingCode, NoticeCode } from "./notices.ts";
import type { TransportCode } from "./transport.ts";

export { type CodeSpec, code, type Data, type Exit } from "./define.ts";
export {
  type ErrorCode,
  type ErrorCodes,
  EXIT,
  errorCodes,
  STORE_ERROR_CODES,
  type StoreData,
  type StoreErrorCode,
} from "./errors.ts";
export {
  DOCTOR_FINDING_CODES,
  type DoctorFindingCode,
  type Notice,
  type NoticeCode,
  type NoticeCodes,
  type NoticeDataOf,
  type NoticeSpec,
  noticeCodes,
  notices,
  type Severity,
} from "./notices.ts";
export { TRANSPORT_CODES, type TransportCode } from "./transport.ts";

/** Every code idse prints, in a diagnostic's `code`. */
export type Code = ErrorCode | NoticeCode | TransportCode | DoctorFindingCode;

/** The data an error code's message is made from: `new IdseError(code, data)` must pass it. */
export type DataOf<C extends ErrorCode> = C extends ErrorCode
  ? ErrorCodes[C] extends CodeDef<infer D>
    ? D
    : never
  : never;
