import type { ErrorCode } from "./errors.ts";

/**
 * The codes a sync transport (a sync plugin, or a store used as a remote) throws on purpose, as the `code`
 * of a plain Error (a plugin cannot import IdseError). The plugin host passes them through untouched
 * (plugins/wrap.ts) and the sync engine turns each into the catalogue error named by `becomes`, keeping
 * the transport's code as `transport_code` (src/sync/engine.ts, remoteError); a stale write is a conflict instead.
 */
export const TRANSPORT_CODES = {
  REMOTE_STALE: {
    becomes: "conflict",
    meaning:
      "the `code` of the error a sync transport throws when a write is refused because the remote changed (HTTP 409/412); `idse sync` reports the artifact as a conflict",
  },
  REMOTE_AUTH: { becomes: "REMOTE_AUTH", meaning: "the remote refused the credentials (HTTP 401/403)" },
  REMOTE_UNREACHABLE: {
    becomes: "REMOTE_UNREACHABLE",
    meaning: "the remote cannot be reached (connection refused, unknown host)",
  },
  REMOTE_TIMEOUT: { becomes: "REMOTE_UNREACHABLE", meaning: "the remote did not answer in time" },
  REMOTE_UNAVAILABLE: {
    becomes: "REMOTE_UNREACHABLE",
    meaning: "the remote answered that it cannot serve now (HTTP 5xx, 429)",
  },
  REMOTE_PROTOCOL: {
    becomes: "REMOTE_ERROR",
    meaning: "the remote answered off its contract (a malformed answer, a hash that does not match)",
  },
  REMOTE_ERROR: { becomes: "REMOTE_ERROR", meaning: "the remote failed in another way" },
  REMOTE_CONFIG: {
    becomes: "REMOTE_ERROR",
    meaning: "the remote's options are invalid, or a host it would contact is refused",
  },
} as const satisfies Record<string, { becomes: ErrorCode | "conflict"; meaning: string }>;

export type TransportCode = keyof typeof TRANSPORT_CODES;
