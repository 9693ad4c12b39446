import type { StoreError, StoreErrorCode, StoreErrorData } from "../../src/plugins/api.ts";

// The error every first-party store plugin throws (bundled into each by scripts/build-plugins.ts). A
// plugin imports only types from idse, so it makes its errors itself: an Error with a code from
// STORE_ERROR_CODES and printable data, which the host turns into a diagnostic.

/** `<store> store: <reason>`, with `{ store, reason, ...data }` as its data. */
export function storeErrorOf<C extends StoreErrorCode>(
  store: string,
  code: C,
  reason: string,
  data: Partial<StoreErrorData<C>> = {},
): StoreError<C> {
  const err = new Error(`${store} store: ${reason}`) as StoreError<C>;
  err.name = "StoreError";
  err.code = code;
  // Typed by the catalogue (`reason` and the backend's facts); the spread loses the link to C.
  err.data = { store, reason, ...data } as StoreErrorData<C>;
  return err;
}

/** An error some store code already made with storeErrorOf (or one shaped like it). */
export function isStoreErrorLike(err: unknown): err is StoreError {
  return err instanceof Error && err.name === "StoreError" && typeof (err as StoreError).data === "object";
}
