import type { DesignStore } from "../../../src/plugins/api.ts";
import { NotionApi, type RetryPolicy } from "./api.ts";
import { addSecret, notionError } from "./errors.ts";
import { assertKey, childrenOf, treeOf } from "./keys.ts";
import { Locks } from "./lock.ts";
import type { PropertyMapping } from "./options.ts";
import { Pages } from "./pages.ts";
import { connect } from "./schema.ts";
import { sha256 } from "./text.ts";

// A DesignStore in a Notion database. Opening it checks the connection and the property mapping (see
// schema.ts); each method is a few API calls (pages.ts, body.ts); lock is advisory (lock.ts).

export interface NotionStoreOptions {
  token: string;
  databaseId: string;
  dataSourceId?: string;
  mapping: PropertyMapping;
  notionVersion: string;
  baseUrl: string;
  timeoutMs: number;
  concurrency: number;
  retry: RetryPolicy;
  lock: { ttlMs: number; pollMs: number };
  fetch: (input: string | URL, init?: RequestInit) => Promise<Response>;
  log: (level: "info" | "warn", message: string) => void;
  /** For tests: the source of jitter. */
  random?: () => number;
}

export async function createNotionStore(o: NotionStoreOptions): Promise<DesignStore> {
  addSecret(o.token);
  const api = new NotionApi({ ...o, token: o.token });
  const conn = await connect(api, {
    databaseId: o.databaseId,
    dataSourceId: o.dataSourceId,
    mapping: o.mapping,
  });
  const warn = (m: string) => o.log("warn", m);
  const pages = new Pages(api, conn, o.mapping, warn);
  const locks = new Locks(pages, { ...o.lock, log: warn, random: o.random });
  let closed = false;
  const open = (key: string) => {
    if (closed) throw notionError("NOTION_FAILED", "the store was disposed", { key });
    return assertKey(key);
  };
  // Writes of one key from this handle go one after the other: each is several requests.
  const writing = new Map<string, Promise<unknown>>();
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (writing.get(key) ?? Promise.resolve()).catch(() => {}).then(fn);
    const tail = run.catch(() => {});
    writing.set(key, tail);
    void tail.then(() => writing.get(key) === tail && writing.delete(key));
    return run;
  };

  return {
    kind: "notion",
    location: `notion database ${o.databaseId} ("${conn.title}")`,
    async read(key) {
      open(key);
      return pages.read(key);
    },
    async write(key, value) {
      open(key);
      await serial(key, () => pages.write(key, value));
    },
    async writeMany(entries) {
      for (const [key] of entries) open(key);
      const last = new Map<string, string>();
      for (const [key, value] of entries) {
        last.delete(key);
        last.set(key, value);
      }
      // One after the other, each atomic: a failure midway leaves a prefix of the batch (like the filesystem).
      for (const [key, value] of last) await serial(key, () => pages.write(key, value));
    },
    async hash(key) {
      open(key);
      const text = await pages.read(key);
      return text === undefined ? undefined : sha256(text);
    },
    async has(key) {
      open(key);
      const found = pages.visible(await pages.entries(key, { below: true, any: true }));
      return found.size > 0;
    },
    async remove(key) {
      open(key);
      await pages.remove(key);
    },
    async list(prefix) {
      open(prefix);
      return childrenOf(prefix, pages.visible(await pages.entries(prefix, { below: true })));
    },
    async listTree(prefix) {
      open(prefix);
      return treeOf(prefix, pages.visible(await pages.entries(prefix, { below: true })));
    },
    async lock(key, opts) {
      open(key);
      return locks.acquire(key, opts.timeoutMs);
    },
    async dispose() {
      if (closed) return;
      closed = true;
      await locks.releaseAll();
    },
  };
}
