import { APIResponseError, Client, isHTTPResponseError, RequestTimeoutError } from "@notionhq/client";
import type { HostApi } from "../../../src/plugins/api.ts";
import { isNotionStoreError, type NotionCode, notionError, redact } from "./errors.ts";
import type { NBlock } from "./text.ts";

// The Notion API as this plugin uses it: the official SDK, with the host's fetch (so the host decides
// which hosts it may reach), its own retries switched off and ours in their place, so the policy is
// explicit and tested: 429 waits for Retry-After; 409, 500, 502, 503, 504, 529, timeouts and network
// failures back off exponentially with jitter; every method is retried, because the write protocol
// (pages.ts) makes a replayed request harmless; after max_attempts the error carries a stable code.

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export interface ApiConfig {
  token: string;
  baseUrl: string;
  notionVersion: string;
  timeoutMs: number;
  concurrency: number;
  retry: RetryPolicy;
  fetch: HostApi["fetch"];
  log: HostApi["log"];
  random?: () => number;
}

export interface NPage {
  id: string;
  object?: string;
  properties: Record<string, { type: string; [type: string]: unknown }>;
  created_by?: { id: string };
}

export interface NList<T> {
  results: T[];
  next_cursor: string | null;
  has_more: boolean;
  request_status?: { type: "complete" | "incomplete"; incomplete_reason?: string };
}

const RETRY_STATUS = new Set([409, 429, 500, 502, 503, 504, 529]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds ("2", "1.5") or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers && typeof (headers as Headers).get === "function")
    return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, unknown> | undefined)?.[name];
  return typeof v === "string" ? v : undefined;
}

interface Failure {
  code: NotionCode;
  retry: boolean;
  reason: string;
  waitMs?: number;
  data: Record<string, unknown>;
}

/** What an SDK, fetch or host error means here. Host errors (PLUGIN_*) pass through untouched. */
function classify(err: unknown): Failure | undefined {
  if (isNotionStoreError(err)) return undefined;
  if (isHTTPResponseError(err)) {
    const status = err.status;
    const notion = APIResponseError.isAPIResponseError(err) ? err.code : undefined;
    const data: Record<string, unknown> = {
      status,
      notion_error: notion ?? null,
      request_id: err.request_id ?? null,
    };
    const reason = `Notion answered ${status}${notion ? ` ${notion}` : ""}: ${err.message}`;
    if (status === 429) {
      const waitMs = retryAfterMs(headerOf(err.headers, "retry-after"));
      return {
        code: "NOTION_RATE_LIMITED",
        retry: true,
        reason,
        waitMs,
        data: { ...data, retry_after_ms: waitMs ?? null },
      };
    }
    if (status === 401 || status === 403) return { code: "NOTION_UNAUTHORIZED", retry: false, reason, data };
    if (status === 409) return { code: "NOTION_CONFLICT", retry: true, reason, data };
    if (RETRY_STATUS.has(status) || status >= 500) {
      return { code: "NOTION_UNAVAILABLE", retry: RETRY_STATUS.has(status), reason, data };
    }
    if (
      notion === "invalid_request" ||
      notion === "invalid_request_url" ||
      /missing_version/.test(err.body)
    ) {
      return { code: "NOTION_CONFIG", retry: false, reason, data };
    }
    return { code: "NOTION_FAILED", retry: false, reason, data };
  }
  if (RequestTimeoutError.isRequestTimeoutError(err) || (err as Error)?.name === "TimeoutError") {
    return { code: "NOTION_UNAVAILABLE", retry: true, reason: "the request timed out", data: {} };
  }
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof e?.code === "string" && e.code.startsWith("PLUGIN_")) return undefined;
  if (err instanceof TypeError || typeof e?.code === "string" || e?.name === "AbortError") {
    const cause = typeof e.code === "string" ? e.code : undefined;
    const reason = `cannot reach Notion: ${String(e.message ?? err)}`;
    return { code: "NOTION_UNAVAILABLE", retry: true, reason, data: cause ? { cause_code: cause } : {} };
  }
  return undefined;
}

export class NotionApi {
  readonly client: Client;
  private active = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly c: ApiConfig) {
    const timeoutMs = c.timeoutMs;
    this.client = new Client({
      auth: c.token,
      baseUrl: c.baseUrl,
      notionVersion: c.notionVersion,
      timeoutMs: timeoutMs + 1000,
      retry: false,
      logger: () => {},
      fetch: (url, init) =>
        c.fetch(url, {
          method: init?.method,
          headers: init?.headers,
          body: init?.body as string | undefined,
          signal: AbortSignal.timeout(timeoutMs),
        }) as never,
    });
  }

  /** The Notion-Version in use is 2025-09-03 or later (data sources, in_trash). */
  get dataSources(): boolean {
    return this.c.notionVersion >= "2025-09-03";
  }

  private async slot(): Promise<void> {
    if (this.active < this.c.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  private free(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  /** Runs one request under the concurrency limit and the retry policy. */
  async call<T>(label: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const { maxAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs } = this.c.retry;
    for (let attempt = 1; ; attempt++) {
      await this.slot();
      let failure: Failure | undefined;
      try {
        return await fn(this.client);
      } catch (err) {
        failure = classify(err);
        if (!failure) throw err;
      } finally {
        this.free();
      }
      const data = { ...failure.data, operation: label, attempts: attempt };
      if (!failure.retry || attempt >= maxAttempts) throw notionError(failure.code, failure.reason, data);
      if (failure.waitMs !== undefined && failure.waitMs > maxRetryAfterMs) {
        throw notionError(
          failure.code,
          `${failure.reason} (Retry-After ${failure.waitMs} ms is over the limit)`,
          data,
        );
      }
      const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const delay = failure.waitMs ?? Math.round(exp / 2 + (this.c.random ?? Math.random)() * (exp / 2));
      this.c.log(
        "info",
        redact(`${label}: ${failure.reason}; try ${attempt + 1} of ${maxAttempts} in ${delay} ms`),
      );
      await sleep(delay);
    }
  }

  /** Every item of a paginated list (or those up to the page where `enough` says so). */
  async all<T>(
    label: string,
    page: (client: Client, cursor: string | undefined) => Promise<NList<T>>,
    enough?: (items: T[]) => boolean,
  ): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const res = await this.call(label, (client) => page(client, cursor));
      if (res.request_status?.type === "incomplete") {
        // A partial answer would list too few keys, or miss a page: fail instead.
        const why = res.request_status.incomplete_reason ?? "incomplete";
        throw notionError("NOTION_FAILED", `Notion answered ${label} only in part (${why})`, {
          operation: label,
          reason_code: why,
        });
      }
      out.push(...res.results);
      cursor = res.has_more && res.next_cursor ? res.next_cursor : undefined;
    } while (cursor && !enough?.(out));
    return out;
  }

  children(blockId: string): Promise<NBlock[]> {
    return this.all(
      "blocks.children.list",
      (c, cursor) =>
        c.blocks.children.list({ block_id: blockId, page_size: 100, start_cursor: cursor }) as Promise<
          NList<NBlock>
        >,
    );
  }

  /** Appends `children` (after `after`, else at the end); returns the new blocks, in order. */
  async append(blockId: string, children: unknown[], after?: string): Promise<NBlock[]> {
    // `after` became `position` in Notion-Version 2026-03-11.
    const where = !after
      ? {}
      : this.c.notionVersion >= "2026-03-11"
        ? { position: { type: "after_block", after_block: { id: after } } }
        : { after };
    const res = (await this.call("blocks.children.append", (c) =>
      c.blocks.children.append({ block_id: blockId, children, ...where } as never),
    )) as NList<NBlock>;
    if (res.results.length < children.length) {
      throw notionError("NOTION_FAILED", "Notion did not return the appended blocks", {
        operation: "blocks.children.append",
      });
    }
    return res.results.slice(0, children.length);
  }

  async deleteBlock(blockId: string): Promise<void> {
    await this.call("blocks.delete", (c) => c.blocks.delete({ block_id: blockId }));
  }

  createPage(body: Record<string, unknown>): Promise<NPage> {
    return this.call("pages.create", (c) => c.pages.create(body as never) as Promise<NPage>);
  }

  updatePage(pageId: string, body: Record<string, unknown>): Promise<NPage> {
    return this.call(
      "pages.update",
      (c) => c.pages.update({ page_id: pageId, ...body } as never) as Promise<NPage>,
    );
  }

  /** Moves a page to the trash (`in_trash` from 2025-09-03, `archived` before). */
  trash(pageId: string): Promise<NPage> {
    return this.updatePage(pageId, this.dataSources ? { in_trash: true } : { archived: true });
  }
}
