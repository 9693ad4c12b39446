import { randomUUID } from "node:crypto";
import blockFixture from "./fixtures/block-paragraph.json" with { type: "json" };
import dataSourceFixture from "./fixtures/data-source.json" with { type: "json" };
import pageFixture from "./fixtures/page.json" with { type: "json" };
import richTextFixture from "./fixtures/rich-text.json" with { type: "json" };

// The state of the fake Notion API: one database with its data sources, pages and their blocks, and the
// rules Notion documents and enforces (https://developers.notion.com/reference/request-limits): 2,000
// characters per text object, 100 elements per rich_text array, 100 children per request, property types,
// archived blocks that cannot be edited, start_cursor pagination. Responses are the fixtures' shapes.
// Text filters compare case-insensitively, a deliberate pessimism: the store must filter exactly itself.

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of every shape
export type Json = any;

export class NotionHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const invalid = (message: string) => new NotionHttpError(400, "validation_error", message);
const archived = () =>
  invalid("Can't edit block that is archived. You must unarchive the block before editing.");

export interface FakePage {
  id: string;
  parent: Json;
  createdBy: string;
  editedBy: string;
  inTrash: boolean;
  properties: Record<string, Json>;
  children: string[];
}

export interface FakeBlock {
  id: string;
  pageId: string;
  type: string;
  data: Json;
  createdBy: string;
  editedBy: string;
  inTrash: boolean;
}

const clone = <T>(x: T): T => structuredClone(x);
const minute = () => `${new Date().toISOString().slice(0, 16)}:00.000Z`;
export const defaultSchema = (): Record<string, Json> => clone(dataSourceFixture.properties);

export function richTextResponse(items: Json, path: string): Json[] {
  if (!Array.isArray(items))
    throw invalid(
      `body failed validation: ${path} should be an array, instead was \`${JSON.stringify(items)}\`.`,
    );
  if (items.length > 100)
    throw invalid(
      `body failed validation: ${path}.length should be ≤ \`100\`, instead was \`${items.length}\`.`,
    );
  return items.map((item: Json, i: number) => {
    const content = item?.text?.content;
    if (typeof content !== "string")
      throw invalid(
        `body failed validation: ${path}[${i}].text.content should be defined, instead was \`undefined\`.`,
      );
    if (content.length > 2000) {
      throw invalid(
        `body failed validation: ${path}[${i}].text.content.length should be ≤ \`2000\`, instead was \`${content.length}\`.`,
      );
    }
    const out = clone(richTextFixture) as Json;
    out.text.content = content;
    out.plain_text = content;
    return out;
  });
}

const plain = (items: Json[] | undefined) => (items ?? []).map((t: Json) => t.plain_text).join("");
const TEXT_BLOCKS = new Set([
  "paragraph",
  "heading_1",
  "heading_2",
  "heading_3",
  "bulleted_list_item",
  "numbered_list_item",
  "quote",
  "to_do",
  "toggle",
  "code",
  "callout",
]);

export class Model {
  readonly schema: Record<string, Json>;
  readonly pages = new Map<string, FakePage>();
  readonly blocks = new Map<string, FakeBlock>();
  readonly databaseId = "bc1211ca-e3f1-4939-ae34-5260b16f627c";
  readonly dataSources: { id: string; name: string }[];
  /** What this Notion does to block text it stores (none by default): to test the store's read-back check. */
  alter: ((content: string) => string) | undefined;

  constructor(o: { schema?: Record<string, Json>; dataSources?: { id: string; name: string }[] } = {}) {
    this.schema = o.schema ?? defaultSchema();
    this.dataSources = o.dataSources ?? [
      { id: "a42a62ed-9b51-4b98-9dea-ea6d091bc508", name: "IDSE artifacts" },
    ];
  }

  property(nameOrId: string): [string, Json] | undefined {
    return Object.entries(this.schema).find(([name, p]) => name === nameOrId || p.id === nameOrId);
  }

  /** A property value of a request, checked against the schema, as Notion stores it. */
  private value(name: string, v: Json): Json {
    const found = this.property(name);
    if (!found) throw invalid(`${name} is not a property that exists.`);
    const [prop, schema] = found;
    const type = schema.type as string;
    if (!(type in (v ?? {}))) throw invalid(`${prop} is expected to be ${type}.`);
    if (type === "title" || type === "rich_text") {
      return { id: schema.id, type, [type]: richTextResponse(v[type], `body.properties.${prop}.${type}`) };
    }
    if (type === "select" || type === "status") {
      if (v[type] === null) return { id: schema.id, type, [type]: null };
      const options: Json[] = schema[type].options;
      let option = options.find((o) => o.name === v[type].name);
      if (!option && type === "status")
        throw invalid(`Invalid status option. Status option "${v[type].name}" does not exist".`);
      if (!option) {
        option = { id: randomUUID().slice(0, 4), name: v[type].name, color: "default", description: null };
        options.push(option);
      }
      return { id: schema.id, type, [type]: { id: option.id, name: option.name, color: option.color } };
    }
    throw invalid(`the fake does not support ${type} properties`);
  }

  private emptyValue(name: string): Json {
    const s = this.schema[name];
    if (s.type === "title" || s.type === "rich_text") return { id: s.id, type: s.type, [s.type]: [] };
    if (s.type === "status") {
      const o = s.status.options[0];
      return { id: s.id, type: "status", status: o ? { id: o.id, name: o.name, color: o.color } : null };
    }
    return { id: s.id, type: s.type, [s.type]: null };
  }

  text(page: FakePage, name: string): string {
    const v = page.properties[name];
    return v ? plain(v[v.type]) : "";
  }

  createPage(body: Json, parent: Json, user: string): FakePage {
    const page: FakePage = {
      id: randomUUID(),
      parent,
      createdBy: user,
      editedBy: user,
      inTrash: false,
      properties: {},
      children: [],
    };
    for (const name of Object.keys(this.schema)) page.properties[name] = this.emptyValue(name);
    for (const [name, v] of Object.entries(body.properties ?? {})) {
      const [prop] = this.property(name) ?? [name];
      page.properties[prop] = this.value(name, v);
    }
    const blocks = this.newBlocks(body.children ?? [], page.id, user, "body.children");
    this.pages.set(page.id, page);
    for (const b of blocks) this.blocks.set(b.id, b);
    page.children.push(...blocks.map((b) => b.id));
    return page;
  }

  updatePage(page: FakePage, body: Json, user: string): void {
    const trash = body.in_trash ?? body.archived;
    if (page.inTrash && trash !== false && body.properties) throw archived();
    const values = Object.entries(body.properties ?? {}).map(([name, v]) => [
      this.property(name)?.[0] ?? name,
      this.value(name, v),
    ]);
    for (const [name, v] of values) page.properties[name] = v;
    if (typeof trash === "boolean") page.inTrash = trash;
    page.editedBy = user;
  }

  newBlocks(children: Json, pageId: string, user: string, path: string): FakeBlock[] {
    if (!Array.isArray(children)) throw invalid(`body failed validation: ${path} should be an array.`);
    if (children.length > 100)
      throw invalid(
        `body failed validation: ${path}.length should be ≤ \`100\`, instead was \`${children.length}\`.`,
      );
    return children.map((c: Json, i: number) => {
      const type = c?.type ?? Object.keys(c ?? {}).find((k) => TEXT_BLOCKS.has(k) || k === "divider");
      if (type === "divider")
        return { id: randomUUID(), pageId, type, data: {}, createdBy: user, editedBy: user, inTrash: false };
      if (!TEXT_BLOCKS.has(type))
        throw invalid(`body failed validation: ${path}[${i}] is not a supported block.`);
      const data = {
        ...c[type],
        rich_text: richTextResponse(c[type]?.rich_text, `${path}[${i}].${type}.rich_text`),
        color: "default",
      };
      if (this.alter)
        for (const t of data.rich_text) t.plain_text = t.text.content = this.alter(t.text.content);
      return { id: randomUUID(), pageId, type, data, createdBy: user, editedBy: user, inTrash: false };
    });
  }

  /** Inserts blocks into a page, after `after` (a child of it) or at the end. */
  append(page: FakePage, children: Json, after: string | undefined, user: string): FakeBlock[] {
    if (page.inTrash) throw archived();
    const blocks = this.newBlocks(children, page.id, user, "body.children");
    let at = page.children.length;
    if (after !== undefined) {
      const i = page.children.indexOf(after);
      if (i < 0) throw invalid(`Block ${after} is not a child of ${page.id}.`);
      at = i + 1;
    }
    for (const b of blocks) this.blocks.set(b.id, b);
    page.children.splice(at, 0, ...blocks.map((b) => b.id));
    page.editedBy = user;
    return blocks;
  }

  deleteBlock(block: FakeBlock, user: string): void {
    if (block.inTrash) throw archived();
    block.inTrash = true;
    block.editedBy = user;
    const page = this.pages.get(block.pageId);
    if (page) page.children = page.children.filter((id) => id !== block.id);
  }

  matches(page: FakePage, filter: Json): boolean {
    if (!filter) return true;
    if (Array.isArray(filter.or)) return filter.or.some((f: Json) => this.matches(page, f));
    if (Array.isArray(filter.and)) return filter.and.every((f: Json) => this.matches(page, f));
    const found = this.property(filter.property);
    if (!found) throw invalid(`Could not find property with name or id: ${filter.property}`);
    const [name, schema] = found;
    const cond = filter[schema.type];
    if (!cond) throw invalid(`body failed validation: body.filter.${schema.type} should be defined.`);
    const v = page.properties[name];
    const value = (
      schema.type === "select" || schema.type === "status"
        ? (v?.[schema.type]?.name ?? "")
        : this.text(page, name)
    ).toLowerCase();
    const [op, arg] = Object.entries(cond)[0] as [string, Json];
    const a = typeof arg === "string" ? arg.toLowerCase() : arg;
    if (op === "equals") return value === a;
    if (op === "does_not_equal") return value !== a;
    if (op === "contains") return value.includes(a);
    if (op === "starts_with") return value.startsWith(a);
    if (op === "is_empty") return value === "";
    if (op === "is_not_empty") return value !== "";
    throw invalid(`the fake does not support the filter ${op}`);
  }

  // --- responses, shaped like the fixtures -------------------------------------------------------------

  pageJson(page: FakePage): Json {
    const out = clone(pageFixture) as Json;
    Object.assign(out, {
      id: page.id,
      created_time: minute(),
      last_edited_time: minute(),
      created_by: { object: "user", id: page.createdBy },
      last_edited_by: { object: "user", id: page.editedBy },
      parent: page.parent,
      archived: page.inTrash,
      in_trash: page.inTrash,
      properties: clone(page.properties),
      url: `https://www.notion.so/${page.id.replace(/-/g, "")}`,
    });
    delete out.request_id;
    return out;
  }

  blockJson(b: FakeBlock): Json {
    const out = clone(blockFixture) as Json;
    delete out.paragraph;
    Object.assign(out, {
      id: b.id,
      parent: { type: "page_id", page_id: b.pageId },
      created_time: minute(),
      last_edited_time: minute(),
      created_by: { object: "user", id: b.createdBy },
      last_edited_by: { object: "user", id: b.editedBy },
      archived: b.inTrash,
      in_trash: b.inTrash,
      type: b.type,
      [b.type]: clone(b.data),
    });
    return out;
  }
}
