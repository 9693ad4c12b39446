import * as v from "valibot";
import type { HostApi, StorePlugin } from "../../../src/plugins/api.ts";
import { notionError } from "./errors.ts";
import { NotionOptions } from "./options.ts";
import { createNotionStore } from "./store.ts";

// notion-store: the DesignStore in a Notion database, one page per document. A plugin module: the
// default export is the factory the host calls (cheap, no I/O); `options` is the schema the host
// validates options with. The token comes only from NOTION_TOKEN, through host.env; every request goes
// through host.fetch, which the host limits to api.notion.com.

export { createNotionStore } from "./store.ts";
export const options = NotionOptions;

export default function notionStore(host: HostApi<NotionOptions>): StorePlugin {
  return {
    kind: "store",
    async createStore() {
      const parsed = v.safeParse(NotionOptions, host.plugin.options ?? {});
      if (!parsed.success) {
        throw notionError("NOTION_CONFIG", `invalid options: ${v.summarize(parsed.issues)}`);
      }
      const o = parsed.output;
      const token = host.env("NOTION_TOKEN");
      if (!token) {
        throw notionError(
          "NOTION_CONFIG",
          "the environment variable NOTION_TOKEN is not set: create an internal integration at notion.so/profile/integrations and export its secret",
          { env: "NOTION_TOKEN" },
        );
      }
      return createNotionStore({
        token,
        databaseId: o.database_id,
        dataSourceId: o.data_source_id,
        mapping: o.properties,
        notionVersion: o.notion_version,
        baseUrl: o.base_url,
        timeoutMs: o.timeout_ms,
        concurrency: o.concurrency,
        retry: {
          maxAttempts: o.retry.max_attempts,
          baseDelayMs: o.retry.base_delay_ms,
          maxDelayMs: o.retry.max_delay_ms,
          maxRetryAfterMs: o.retry.max_retry_after_ms,
        },
        lock: { ttlMs: o.lock.ttl_ms, pollMs: o.lock.poll_ms },
        fetch: (input, init) => host.fetch(input, init),
        log: (level, message) => host.log(level, message),
      });
    },
  };
}
