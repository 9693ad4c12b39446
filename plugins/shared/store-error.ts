import type { StoreError, StoreErrorCode } from "../../src/plugins/api.ts";

// The error every first-party store plugin throws (bundled into each by scripts/build-plugins.ts). A
// plugin imports only types from idse, so it makes its errors itself: an Error with a code from
// STORE_ERROR_CODES and printable data, which the host turns into a diagnostic.

/** `<store> store: <reason>`, with `{ store, reason, ...data }` as its data. */
export function storeErrorOf(
  store: string,
  code: StoreErrorCode,
  reason: string,
  data: Record<string, unknown> = {},
): StoreError {
  const err = new Error(`${store} store: ${reason}`) as StoreError;
  err.name = "StoreError";
  err.code = code;
  err.data = { store, reason, ...data };
  return err;
}

/** An error some store code already made with storeErrorOf (or one shaped like it). */
export function isStoreErrorLike(err: unknown): err is StoreError {
  return err instanceof Error && err.name === "StoreError" && typeof (err as StoreError).data === "object";
}
