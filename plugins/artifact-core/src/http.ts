import type { HostApi } from "../../../src/plugins/api.ts";
import type { HttpOptions, RetryOptions } from "./contract.ts";

// One HTTP exchange with timeouts and retries. Retried: 429, 5xx (but 501 and 505, which will not
// change), timeouts and dropped connections, with exponential backoff and full jitter (AWS's
// "Exponential Backoff And Jitter"), waiting at least what a Retry-After header asks. Every request the
// transport sends is safe to repeat: reads, and writes made conditional with If-Match / If-None-Match.

/** Codes of the errors this transport throws (`err.code`); idse maps them to its diagnostics. */
export type TransportCode =
  | "REMOTE_STALE"
  | "REMOTE_AUTH"
  | "REMOTE_UNREACHABLE"
  | "REMOTE_TIMEOUT"
  | "REMOTE_UNAVAILABLE"
  | "REMOTE_PROTOCOL"
  | "REMOTE_ERROR"
  | "REMOTE_CONFIG";

export function transportError(
  code: TransportCode,
  message: string,
  data: Record<string, unknown> = {},
): Error & { code: TransportCode; data: Record<string, unknown> } {
  return Object.assign(new Error(message), { code, data });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryable(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Retry-After in ms (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function backoffMs(attempt: number, o: Pick<RetryOptions, "retry_base_ms" | "retry_max_ms">) {
  return Math.random() * Math.min(o.retry_max_ms, o.retry_base_ms * 2 ** attempt);
}

export async function send(
  host: HostApi,
  o: HttpOptions,
  method: string,
  url: string,
  init: { headers: Record<string, string>; body?: string },
): Promise<Reply> {
  const where = { method, url: url.replace(/\?.*$/, "") };
  let last: Error | undefined;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    let wait: number | undefined;
    try {
      const res = await host.fetch(url, {
        method,
        headers: init.headers,
        body: init.body,
        signal: AbortSignal.timeout(o.timeout_ms),
      });
      // Read the body under the same timeout: a connection that drops mid-body is retried too.
      const body = await res.text();
      if (!retryable(res.status)) return { status: res.status, headers: res.headers, body };
      last = transportError("REMOTE_UNAVAILABLE", `the remote answered ${res.status}`, {
        ...where,
        status: res.status,
      });
      wait = retryAfterMs(res.headers.get("retry-after"));
    } catch (err) {
      const name = (err as Error)?.name;
      last =
        name === "TimeoutError" || name === "AbortError"
          ? transportError("REMOTE_TIMEOUT", `no answer within ${o.timeout_ms} ms`, where)
          : transportError(
              "REMOTE_UNREACHABLE",
              `cannot reach the remote: ${(err as Error)?.message}`,
              where,
            );
    }
    if (attempt === o.retries) break;
    const delay = Math.min(o.retry_max_ms, Math.max(wait ?? 0, backoffMs(attempt, o)));
    if (attempt === 0) host.log("info", `${method} ${where.url}: ${last.message}; retrying`);
    await sleep(delay);
  }
  throw last!;
}
