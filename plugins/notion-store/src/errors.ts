import type { StoreError, StoreErrorCode, StoreErrorData } from "../../../src/plugins/api.ts";

// A plugin imports only types from idse, so it makes its errors itself: an Error whose `code` is one of
// the DesignStore's STORE_ERROR_CODES (so the host maps it to exit 1) and whose data carries the Notion
// code below, stable for scripts. Nothing of the SDK's error object is kept but its status, code and
// message, and every message goes through the redactor, so the token cannot reach a diagnostic or a log.

export const NOTION_CODES = {
  /** Options or environment missing or invalid (NOTION_TOKEN unset, several data sources, bad version). */
  NOTION_CONFIG: "STORE_CONFIG",
  /** 401 unauthorized / 403 restricted_resource: a wrong token, or an integration without the capability. */
  NOTION_UNAUTHORIZED: "STORE_AUTH",
  /** 404 object_not_found for the database: wrong id, or not shared with the integration. */
  NOTION_NOT_FOUND: "STORE_CONFIG",
  /** The database lacks a mapped property, or has it with another type. */
  NOTION_SCHEMA: "STORE_CONFIG",
  /** 429 still after the last try (or a Retry-After longer than allowed). */
  NOTION_RATE_LIMITED: "STORE_UNREACHABLE",
  /** 5xx, a timeout or a network failure still after the last try. */
  NOTION_UNAVAILABLE: "STORE_UNREACHABLE",
  /** 409 conflict_error still after the last try. */
  NOTION_CONFLICT: "STORE_FAILED",
  /** Notion did not keep the text exactly (read back differs); the old text stays. */
  NOTION_INVALID_VALUE: "STORE_INVALID_VALUE",
  /** A page body that matches neither its commit record nor a person's edit. */
  NOTION_CORRUPT: "STORE_CORRUPT",
  /** Any other refusal (400 validation_error, …); data.notion_error and data.reason say which. */
  NOTION_FAILED: "STORE_FAILED",
  /** lock() timed out. */
  NOTION_LOCKED: "LOCKED",
} as const satisfies Record<string, StoreErrorCode>;

export type NotionCode = keyof typeof NOTION_CODES;

export interface NotionStoreError extends StoreError {
  // A store error's data (`reason`, `store`, the backend's facts) whichever code, LOCKED included.
  data: StoreErrorData<"STORE_FAILED"> & { notion_code: NotionCode };
}

let secrets: string[] = [];

/** Registers a secret to be cut out of every message this plugin makes (the token). */
export function addSecret(secret: string): void {
  if (secret && !secrets.includes(secret)) secrets = [...secrets, secret];
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("[redacted]");
  // Bearer tokens of any integration, in case one arrives from elsewhere (a proxy's error page).
  return out.replace(/\b(secret_|ntn_)[A-Za-z0-9]{20,}/g, "[redacted]");
}

export function notionError(
  code: NotionCode,
  reason: string,
  data: Record<string, unknown> = {},
): NotionStoreError {
  const clean = redact(reason);
  const err = new Error(`notion store: ${clean} (${code})`) as NotionStoreError;
  err.name = "StoreError";
  err.code = NOTION_CODES[code];
  err.data = JSON.parse(
    redact(JSON.stringify({ store: "notion", notion_code: code, reason: clean, ...data })),
  );
  return err;
}

export function isNotionStoreError(err: unknown): err is NotionStoreError {
  return (
    err instanceof Error && err.name === "StoreError" && typeof (err as NotionStoreError).data === "object"
  );
}
