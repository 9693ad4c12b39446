import type { StoreError, StoreErrorCode, StoreErrorData } from "../../../src/plugins/api.ts";
import { isStoreErrorLike, storeErrorOf } from "../../shared/store-error.ts";

// Nothing of the driver's error object is kept but its codes and message, so no connection option (the
// password among them) can reach a diagnostic.

/** A store error of this store; its data typed by the catalogue for `code` (StoreErrorData). */
export const storeError = <C extends StoreErrorCode>(
  code: C,
  reason: string,
  data?: Partial<StoreErrorData<C>>,
): StoreError<C> => storeErrorOf("postgres", code, reason, data);

// SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
function bySqlstate(state: string, connecting: boolean): StoreErrorCode | undefined {
  if (state === "28P01" || state === "28000" || state === "42501") return "STORE_AUTH";
  if (state === "3D000" || state === "3F000") return "STORE_CONFIG"; // no such database / schema
  if (state === "57P03" || state === "53300") return "STORE_UNREACHABLE"; // starting up; too many clients
  if (state === "57P01" || state === "57P02" || state.startsWith("08")) {
    return connecting ? "STORE_UNREACHABLE" : "STORE_CONNECTION_LOST";
  }
  if (state === "22021" || state === "22P05") return "STORE_INVALID_VALUE"; // bad byte sequence, e.g. U+0000
  if (state === "23514") return "STORE_CORRUPT"; // entries_hash: the server holds other text than was sent
  return undefined;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const LOST = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNRESET",
  "EPIPE",
]);

/** Turns an error of the driver (or the socket under it) into a StoreError. */
export function fromPostgres(err: unknown, o: { connecting: boolean; key?: string }): StoreError {
  if (isStoreErrorLike(err)) return err;
  const e = (err ?? {}) as { code?: unknown; message?: unknown; name?: unknown; severity?: unknown };
  const message = typeof e.message === "string" ? e.message : String(err);
  const codeOf = typeof e.code === "string" ? e.code : "";
  const data: Record<string, unknown> = o.key === undefined ? {} : { key: o.key };
  let code: StoreErrorCode | undefined;
  if (e.name === "PostgresError" || /^[0-9A-Z]{5}$/.test(codeOf)) {
    data.sqlstate = codeOf;
    code = bySqlstate(codeOf, o.connecting);
  } else if (codeOf) {
    data.cause_code = codeOf;
    if (UNREACHABLE.has(codeOf) || codeOf === "CONNECT_TIMEOUT" || codeOf === "ETIMEDOUT") {
      code = "STORE_UNREACHABLE";
    } else if (LOST.has(codeOf)) code = o.connecting ? "STORE_UNREACHABLE" : "STORE_CONNECTION_LOST";
    else if (/CERT|SSL|TLS/.test(codeOf)) code = "STORE_TLS";
  }
  if (!code && /certificate|ssl|tls/i.test(message)) code = "STORE_TLS";
  // The driver's connection errors read "write CONNECTION_CLOSED host:port"; say it in words instead.
  const reason = /^write [A-Z_]+ /.test(message) ? `${codeOf.toLowerCase().replace(/_/g, " ")}` : message;
  return storeError(code ?? "STORE_FAILED", reason, data);
}
