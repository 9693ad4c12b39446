import type { NotionApi } from "./api.ts";
import { notionError } from "./errors.ts";
import {
  batches,
  blockText,
  blockTexts,
  type NBlock,
  type PageRecord,
  paragraph,
  render,
  sha256,
} from "./text.ts";

// A page body, written so that no failure ever leaves a partial document behind. Notion has no
// transactions, so the body is never edited in place:
//   1. the new text is appended after the old blocks (each batch after the previous one's last block,
//      so the new blocks are contiguous even if a replayed request duplicated a batch);
//   2. the page is listed and the new blocks are checked: the same ids, in order, whose text has the
//      sha256 of the text written (a verification by reading back; Notion altering anything fails here);
//   3. one request commits: the hash property gets the record `idse1 doc <sha256> <length> <first block>
//      <count> <time>`, which is atomic on Notion's side;
//   4. only then are the blocks before the new ones deleted.
// A reader takes the blocks the record names and checks their sha256. Until step 3 that is the old text
// (the new blocks after it are ignored), from step 3 on the new text (the old blocks before it are
// ignored), so a crash, a timeout or an error at any step leaves the old text or the new one; the
// leftovers are invisible and the next write deletes them. Blocks a person added (created by another
// user than this integration) are kept in what is read, as markdown lines.

export type Decoded = { ok: true; text: string } | { ok: false; fallback: string };

/** The text of a body, given its commit record; `ok: false` when the record does not match the blocks. */
export function decode(blocks: NBlock[], record: PageRecord, botId: string): Decoded {
  if (record.kind !== "doc") return { ok: true, text: render(blocks, botId) };
  const start = record.start === undefined ? blocks.length : blocks.findIndex((b) => b.id === record.start);
  if (start < 0) return { ok: false, fallback: render(blocks, botId) };
  const mine = blocks.slice(start, start + record.count);
  const text = mine.map(blockText).join("");
  const inRange = (i: number) => i >= start && i < start + record.count;
  const others = blocks.filter((b, i) => !inRange(i) && b.created_by?.id !== botId);
  const kept = blocks.filter((b, i) => inRange(i) || b.created_by?.id !== botId);
  if (mine.length === record.count && text.length === record.length && sha256(text) === record.sha) {
    return { ok: true, text: others.length ? render(kept, botId) : text };
  }
  return { ok: false, fallback: render(kept, botId) };
}

/** Appends `texts` as paragraphs, batch after batch, each after the last block of the one before. */
async function appendAll(api: NotionApi, pageId: string, texts: string[], after?: string): Promise<string[]> {
  const ids: string[] = [];
  let last = after;
  try {
    for (const batch of batches(texts.map(paragraph))) {
      const added = await api.append(pageId, batch, last);
      ids.push(...added.map((b) => b.id));
      last = ids.at(-1);
    }
  } catch (err) {
    await deleteQuietly(api, ids);
    throw err;
  }
  return ids;
}

async function deleteQuietly(api: NotionApi, ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => api.deleteBlock(id).catch(() => {})));
}

export interface Written {
  record: Extract<PageRecord, { kind: "doc" }>;
  /** Blocks before the new text: the old body and leftovers, to delete once committed. */
  stale: string[];
}

/**
 * Steps 1–2: appends `text` to the page (whose first `created` blocks, if any, came with pages.create)
 * and verifies it. Returns the record to commit; on failure deletes what it appended and throws.
 */
export async function stage(
  api: NotionApi,
  pageId: string,
  text: string,
  o: { key: string; created?: number },
): Promise<Written> {
  const texts = blockTexts(text);
  const sha = sha256(text);
  let ids: string[];
  let listed: NBlock[] | undefined;
  if (o.created !== undefined) {
    // A new page made with its first batch: learn those blocks' ids, then append the rest after them.
    if (o.created) listed = await api.children(pageId);
    const first = (listed ?? []).map((b) => b.id);
    if (first.length !== o.created)
      throw mismatch(o.key, "the new page does not hold the blocks it was created with");
    const more = await appendAll(api, pageId, texts.slice(o.created), first.at(-1));
    if (more.length) listed = undefined;
    ids = [...first, ...more];
  } else {
    ids = await appendAll(api, pageId, texts);
  }
  listed ??= await api.children(pageId);
  const at = ids.length ? listed.findIndex((b) => b.id === ids[0]) : listed.length;
  const mine = at < 0 ? [] : listed.slice(at, at + ids.length);
  const sameIds = mine.length === ids.length && mine.every((b, i) => b.id === ids[i]);
  const back = mine.map(blockText).join("");
  if (!sameIds || sha256(back) !== sha) {
    if (o.created === undefined) await deleteQuietly(api, ids);
    if (!sameIds) throw mismatch(o.key, "the page changed while it was being written", "NOTION_CONFLICT");
    const i = firstDifference(text, back);
    throw notionError(
      "NOTION_INVALID_VALUE",
      `Notion did not keep the text of ${o.key} exactly (it differs from character ${i} on); the old text was kept`,
      { key: o.key, at: i },
    );
  }
  const record = {
    kind: "doc" as const,
    sha,
    length: text.length,
    start: ids[0],
    count: ids.length,
    at: Date.now(),
  };
  return { record, stale: listed.slice(0, Math.max(at, 0)).map((b) => b.id) };
}

const mismatch = (key: string, why: string, code: "NOTION_CONFLICT" | "NOTION_FAILED" = "NOTION_FAILED") =>
  notionError(code, `${why} (${key}); nothing was changed`, { key });

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Step 4: deletes the blocks the committed text replaced; a failure only leaves invisible leftovers. */
export async function sweep(api: NotionApi, ids: string[], log: (m: string) => void): Promise<void> {
  const results = await Promise.allSettled(ids.map((id) => api.deleteBlock(id)));
  const failed = results.filter((r) => r.status === "rejected").length;
  if (failed) log(`${failed} old block(s) could not be deleted yet; the next write of the page removes them`);
}
