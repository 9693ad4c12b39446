import { createHash } from "node:crypto";

// How a document's text becomes a page body and back, exactly. The text is cut into paragraph blocks
// (each at most BLOCK_BYTES of UTF-8, ending after a newline where one is near), each block's text into
// rich_text objects of at most 2,000 UTF-16 code units (Notion's limit per text object), never inside a
// surrogate pair. Reading concatenates the blocks' rich_text in order: the same bytes, trailing newlines,
// CRLF, a BOM and astral characters included. Requests stay under Notion's 100 children and 500 KB.

export const TEXT_LIMIT = 2000;
export const BLOCK_BYTES = 64_000;
export const REQUEST_BYTES = 450_000;
export const REQUEST_BLOCKS = 100;

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

const utf8Len = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
const encoder = new TextEncoder();
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** The texts of the paragraph blocks holding `text` (none for the empty text). */
export function blockTexts(text: string, maxBytes = BLOCK_BYTES): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = start;
    let bytes = 0;
    while (end < text.length) {
      const cp = text.codePointAt(end)!;
      if (bytes + utf8Len(cp) > maxBytes) break;
      bytes += utf8Len(cp);
      end += cp > 0xffff ? 2 : 1;
    }
    if (end < text.length) {
      // End the block after the last newline in its second half, so blocks read as whole lines.
      const nl = text.lastIndexOf("\n", end - 1);
      if (nl >= start + (end - start) / 2) end = nl + 1;
    }
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

/** `text` in pieces of at most `limit` UTF-16 code units, none ending inside a surrogate pair. */
export function chunks(text: string, limit = TEXT_LIMIT): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    let end = Math.min(i + limit, text.length);
    if (end < text.length && isHigh(text.charCodeAt(end - 1))) end--;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

export const richText = (text: string) =>
  chunks(text).map((content) => ({ type: "text" as const, text: { content } }));

export interface BlockRequest {
  object: "block";
  type: "paragraph";
  paragraph: { rich_text: ReturnType<typeof richText> };
}

export const paragraph = (text: string): BlockRequest => ({
  object: "block",
  type: "paragraph",
  paragraph: { rich_text: richText(text) },
});

/** Blocks grouped into requests: at most REQUEST_BLOCKS and about `budget` bytes of JSON each. */
export function batches<T>(blocks: T[], budget = REQUEST_BYTES, max = REQUEST_BLOCKS): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let size = 0;
  for (const b of blocks) {
    const n = encoder.encode(JSON.stringify(b)).length + 1;
    if (cur.length && (cur.length >= max || size + n > budget)) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(b);
    size += n;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** A block as Notion returns it (the fields this plugin reads). */
export interface NBlock {
  id: string;
  type: string;
  created_by?: { id: string };
  [type: string]: unknown;
}

interface RichTextItem {
  plain_text?: string;
  text?: { content?: string };
}

const itemsOf = (b: NBlock): RichTextItem[] =>
  ((b[b.type] as { rich_text?: RichTextItem[] } | undefined)?.rich_text ?? []) as RichTextItem[];

/** The exact text of a paragraph this plugin wrote. */
export const blockText = (b: NBlock) =>
  itemsOf(b)
    .map((t) => t.plain_text ?? t.text?.content ?? "")
    .join("");

const PREFIX: Record<string, string> = {
  heading_1: "# ",
  heading_2: "## ",
  heading_3: "### ",
  bulleted_list_item: "- ",
  numbered_list_item: "1. ",
  quote: "> ",
  callout: "> ",
  toggle: "- ",
};

/** A block a person added, as a markdown line (best effort; nested children are not fetched). */
function markdownOf(b: NBlock): string | undefined {
  const text = blockText(b);
  if (b.type === "divider") return "---";
  if (b.type === "to_do") return `- [${(b.to_do as { checked?: boolean }).checked ? "x" : " "}] ${text}`;
  if (b.type === "code") return `\`\`\`${(b.code as { language?: string }).language ?? ""}\n${text}\n\`\`\``;
  if (b.type === "paragraph" || PREFIX[b.type]) return `${PREFIX[b.type] ?? ""}${text}`;
  return itemsOf(b).length ? text : undefined;
}

/**
 * The text of a body people have edited: this plugin's paragraphs concatenate exactly as written; a block
 * somebody else made is a line of markdown of its own.
 */
export function render(blocks: NBlock[], botId: string | undefined): string {
  let out = "";
  for (const b of blocks) {
    if (b.type === "paragraph" && botId !== undefined && b.created_by?.id === botId) {
      out += blockText(b);
      continue;
    }
    const line = markdownOf(b);
    if (line === undefined) continue;
    if (out !== "" && !out.endsWith("\n")) out += "\n";
    out += `${line}\n`;
  }
  return out;
}

// The commit record, kept in the hash property (rich text, so people can read it):
//   idse1 doc <sha256> <length> <first block id | -> <blocks> <written at, ms>
//   idse1 pending <created at, ms>              a page being created: not a document yet
//   idse1 lock <holder> <expires at, ms>        an advisory lock, not a document
export type PageRecord =
  | { kind: "doc"; sha: string; length: number; start: string | undefined; count: number; at: number }
  | { kind: "pending"; at: number }
  | { kind: "lock"; holder: string; expires: number }
  | { kind: "none" };

export function formatRecord(r: Exclude<PageRecord, { kind: "none" }>): string {
  if (r.kind === "doc") return `idse1 doc ${r.sha} ${r.length} ${r.start ?? "-"} ${r.count} ${r.at}`;
  if (r.kind === "pending") return `idse1 pending ${r.at}`;
  return `idse1 lock ${r.holder} ${r.expires}`;
}

export function parseRecord(text: string): PageRecord {
  const f = text.trim().split(" ");
  const n = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : Number.NaN);
  if (f[0] !== "idse1") return { kind: "none" };
  if (f[1] === "doc" && f.length === 7 && /^[0-9a-f]{64}$/.test(f[2]!)) {
    const r = {
      kind: "doc" as const,
      sha: f[2]!,
      length: n(f[3]),
      start: f[4] === "-" ? undefined : f[4],
      count: n(f[5]),
      at: n(f[6]),
    };
    if (Number.isFinite(r.length) && Number.isFinite(r.count) && Number.isFinite(r.at)) return r;
  }
  if (f[1] === "pending" && f.length === 3 && Number.isFinite(n(f[2])))
    return { kind: "pending", at: n(f[2]) };
  if (f[1] === "lock" && f.length === 4 && f[2] && Number.isFinite(n(f[3]))) {
    return { kind: "lock", holder: f[2], expires: n(f[3]) };
  }
  return { kind: "none" };
}
