import type { NList, NotionApi, NPage } from "./api.ts";
import { decode, stage, sweep } from "./body.ts";
import { isNotionStoreError, notionError } from "./errors.ts";
import { artifactOf, idOf, idPatterns, keyOf, sessionOf, stageTitle } from "./keys.ts";
import type { PropertyMapping } from "./options.ts";
import type { Connection } from "./schema.ts";
import {
  batches,
  blockTexts,
  formatRecord,
  type PageRecord,
  paragraph,
  parseRecord,
  richText,
} from "./text.ts";

// The database as a key/value store: one page per document, found by its IDSE_ID. Every question is a
// database query (paginated, 100 pages at a time) filtered on IDSE_ID: Notion is the only source of
// truth, since other idse processes and people change it; nothing about pages is cached between calls.

export interface Entry {
  key: string;
  page: NPage;
  record: PageRecord;
}

/** A pending page older than this is an abandoned creation, removed by the next write of its key. */
const ABANDONED_MS = 10 * 60_000;

const plainOf = (prop: { type: string; [t: string]: unknown } | undefined) => {
  const items = prop ? (prop[prop.type] as { plain_text?: string }[] | undefined) : undefined;
  return Array.isArray(items) ? items.map((t) => t.plain_text ?? "").join("") : "";
};

export class Pages {
  constructor(
    private readonly api: NotionApi,
    readonly conn: Connection,
    private readonly map: PropertyMapping,
    private readonly log: (message: string) => void,
  ) {}

  entryOf(page: NPage): Entry | undefined {
    const key = keyOf(plainOf(page.properties[this.map.id]));
    return key === undefined
      ? undefined
      : { key, page, record: parseRecord(plainOf(page.properties[this.map.hash])) };
  }

  /**
   * Pages whose key is `key` or below it (documents, pending creations and locks alike); with `any`,
   * pagination stops at the first page of results that holds a document.
   */
  async entries(key: string, o: { below: boolean; any?: boolean }): Promise<Entry[]> {
    const rt = (cond: Record<string, unknown>) => ({ property: this.map.id, rich_text: cond });
    const p = idPatterns(key);
    const conds = o.below
      ? p.all
        ? [rt({ is_not_empty: true })]
        : [...p.equals.map((e) => rt({ equals: e })), ...p.startsWith.map((s) => rt({ starts_with: s }))]
      : [rt({ equals: idOf(key) })];
    const filter = conds.length === 1 ? conds[0] : { or: conds };
    const { parent } = this.conn;
    const wanted = (page: NPage): Entry | undefined => {
      if (page.object && page.object !== "page") return undefined;
      const e = this.entryOf(page);
      return e && (e.key === key || (o.below && e.key.startsWith(`${key}/`))) ? e : undefined;
    };
    const pages = await this.api.all(
      "query",
      (c, cursor) => {
        const body = { filter, start_cursor: cursor, page_size: 100 };
        return (
          parent.kind === "data_source"
            ? c.dataSources.query({ data_source_id: parent.id, ...body } as never)
            : c.request({ path: `databases/${parent.id}/query`, method: "post", body })
        ) as Promise<NList<NPage>>;
      },
      o.any
        ? (got) => got.some((p) => this.visible([wanted(p)].filter((e): e is Entry => !!e)).size > 0)
        : undefined,
    );
    return pages.map(wanted).filter((e): e is Entry => e !== undefined);
  }

  /** The page that holds `key`'s document: the newest committed one, else one made by hand. */
  current(entries: Entry[], key: string): Entry | undefined {
    const own = entries.filter((e) => e.key === key);
    const docs = own.filter((e) => e.record.kind === "doc");
    const at = (e: Entry) => (e.record.kind === "doc" ? e.record.at : 0);
    docs.sort((a, b) => at(b) - at(a) || (a.page.id < b.page.id ? -1 : 1));
    return docs[0] ?? own.find((e) => e.record.kind === "none");
  }

  /** The keys that have a document, among `entries`. */
  visible(entries: Entry[]): Set<string> {
    return new Set(
      entries.filter((e) => e.record.kind === "doc" || e.record.kind === "none").map((e) => e.key),
    );
  }

  async read(key: string): Promise<string | undefined> {
    let cur = this.current(await this.entries(key, { below: false }), key);
    for (let round = 0; cur && round < 5; round++) {
      let fallback: string | undefined;
      try {
        const decoded = decode(await this.api.children(cur.page.id), cur.record, this.conn.botId);
        if (decoded.ok) return decoded.text;
        fallback = decoded.fallback;
      } catch (err) {
        // The page was trashed, or its blocks deleted under the listing's cursor, by a writer meanwhile.
        if (!isNotionStoreError(err) || (err.data.status !== 404 && err.data.status !== 400)) throw err;
      }
      const fresh = this.current(await this.entries(key, { below: false }), key);
      if (
        fallback !== undefined &&
        fresh?.page.id === cur.page.id &&
        formatOf(fresh.record) === formatOf(cur.record)
      ) {
        // The record did not move, so nobody is writing: a person edited the blocks of the text.
        return fallback;
      }
      cur = fresh;
    }
    if (!cur) return undefined;
    throw notionError("NOTION_CORRUPT", `the page of ${key} kept changing while it was read`, {
      key,
      page: cur.page.id,
    });
  }

  async write(key: string, text: string): Promise<void> {
    const entries = await this.entries(key, { below: false });
    const target = this.current(entries, key);
    let pageId: string;
    let written: Awaited<ReturnType<typeof stage>>;
    if (target) {
      pageId = target.page.id;
      written = await stage(this.api, pageId, text, { key });
    } else {
      const { created, page } = await this.create(key, text);
      pageId = page.id;
      try {
        written = await stage(this.api, pageId, text, { key, created });
      } catch (err) {
        await this.api.trash(pageId).catch(() => {});
        throw err;
      }
    }
    await this.api.updatePage(pageId, { properties: this.recordProp(formatRecord(written.record)) });
    await sweep(this.api, written.stale, this.log);
    // Pages left by other writers or by an abandoned creation of the same key.
    const old = entries.filter(
      (e) =>
        e.page.id !== pageId &&
        ((e.record.kind === "doc" && e.record.at <= written.record.at) ||
          (e.record.kind === "pending" && e.record.at < Date.now() - ABANDONED_MS)),
    );
    await Promise.allSettled(old.map((e) => this.api.trash(e.page.id)));
  }

  /** pages.create with the key's properties, a pending record and as much of the text as one request takes. */
  private async create(key: string, text: string): Promise<{ page: NPage; created: number }> {
    const first = batches(blockTexts(text).map(paragraph))[0] ?? [];
    const page = await this.api.createPage({
      parent: this.parentRef(),
      properties: {
        ...this.properties(key),
        ...this.recordProp(formatRecord({ kind: "pending", at: Date.now() })),
      },
      ...(first.length ? { children: first } : {}),
    });
    return { page, created: first.length };
  }

  /** Trashes every document page of `key` and below (locks are left to their holders). */
  async remove(key: string): Promise<void> {
    const entries = await this.entries(key, { below: true });
    const doomed = entries.filter((e) => e.record.kind !== "lock");
    const results = await Promise.allSettled(doomed.map((e) => this.api.trash(e.page.id)));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** A lock page: the key's IDSE_ID, a lock record, no body. */
  createLock(key: string, holder: string, expires: number): Promise<NPage> {
    return this.api.createPage({
      parent: this.parentRef(),
      properties: {
        [this.map.title]: { title: richText(`🔒 ${key}`) },
        [this.map.id]: { rich_text: richText(idOf(key)) },
        ...this.recordProp(formatRecord({ kind: "lock", holder, expires })),
      },
    });
  }

  renewLock(pageId: string, holder: string, expires: number): Promise<NPage> {
    return this.api.updatePage(pageId, {
      properties: this.recordProp(formatRecord({ kind: "lock", holder, expires })),
    });
  }

  trash(pageId: string): Promise<NPage> {
    return this.api.trash(pageId);
  }

  private parentRef() {
    const p = this.conn.parent;
    return p.kind === "data_source"
      ? { type: "data_source_id", data_source_id: p.id }
      : { type: "database_id", database_id: p.id };
  }

  private recordProp(record: string) {
    return { [this.map.hash]: { rich_text: richText(record) } };
  }

  /** Title (set once: people may retitle), IDSE_ID, Session and Stage of a new page. */
  private properties(key: string): Record<string, unknown> {
    const a = artifactOf(key);
    const session = sessionOf(key);
    const title = a ? `${a.project} / ${a.session} / ${stageTitle(a.stage)}` : key;
    return {
      [this.map.title]: { title: richText(title) },
      [this.map.id]: { rich_text: richText(idOf(key)) },
      ...(session !== undefined ? { [this.map.session]: { rich_text: richText(session) } } : {}),
      ...(a ? { [this.map.stage]: { select: { name: stageTitle(a.stage) } } } : {}),
    };
  }
}

const formatOf = (r: PageRecord) => (r.kind === "none" ? "" : formatRecord(r));
