import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeBlock, type FakePage, type Json, Model, NotionHttpError } from "./fake-model.ts";
import dataSourceFixture from "./fixtures/data-source.json" with { type: "json" };
import databaseFixture from "./fixtures/database.json" with { type: "json" };
import database2022 from "./fixtures/database-2022-06-28.json" with { type: "json" };
import userFixture from "./fixtures/user-bot.json" with { type: "json" };

// A local HTTP server that implements the part of the Notion API the notion-store plugin uses, on
// 127.0.0.1: users/me, databases retrieve (and query, before 2025-09-03), data sources retrieve and
// query, pages create/retrieve/update, block children list/append, block delete. It checks the bearer
// token and the Notion-Version header, answers errors as Notion's error objects, and lets a test inject
// faults (429 with Retry-After, 5xx, a reply lost after the change was made) and act as a person editing.

export const TOKEN = "ntn_fake_5f0c3b1e9a2d4c6b8e7f1a3c5d7e9b2a4c6d8e0f";
export const BOT_ID = userFixture.id;
export const HUMAN_ID = "7a2f5b1c-0d3e-4f5a-8b6c-9d0e1f2a3b4c";
const MAX_BODY = 500_000;

export interface Fault {
  method?: string;
  path?: RegExp;
  status: number;
  code?: string;
  message?: string;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Perform the request, then answer with the error: a reply lost on the way back. */
  after?: boolean;
  /** Answer this body as it is (not an error object). */
  raw?: string;
}

export interface Logged {
  method: string;
  path: string;
  version: string | undefined;
  auth: string | undefined;
  bytes: number;
  body: Json;
  status: number;
}

export class FakeNotion {
  readonly model: Model;
  readonly requests: Logged[] = [];
  readonly tokens = new Map<string, string>([[TOKEN, BOT_ID]]);
  private faults: (Fault & { left: number })[] = [];
  /** At most this many results per query (Notion's query_result_limit_reached), when set. */
  queryLimit: number | undefined;
  /** Awaited before each request is carried out: lets a test hold one request while others run. */
  beforeRoute: ((request: Logged) => Promise<void> | void) | undefined;
  private server: Server | undefined;
  url = "";

  constructor(o: ConstructorParameters<typeof Model>[0] = {}) {
    this.model = new Model(o);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
    this.server?.closeAllConnections?.();
  }

  inject(f: Fault): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }

  /** The service recovers: no injected fault is left. */
  clearFaults(): void {
    this.faults = [];
  }

  /** The live pages (not trashed) whose IDSE_ID is `id`. */
  pagesWithId(id: string, property = "IDSE_ID"): FakePage[] {
    return [...this.model.pages.values()].filter((p) => !p.inTrash && this.model.text(p, property) === id);
  }

  blocksOf(page: FakePage): FakeBlock[] {
    return page.children.map((id) => this.model.blocks.get(id)!);
  }

  /** A person adds a block at the end of a page. */
  humanAppend(page: FakePage, type: string, text: string): void {
    this.model.append(
      page,
      [{ type, [type]: { rich_text: [{ type: "text", text: { content: text } }] } }],
      undefined,
      HUMAN_ID,
    );
  }

  /** A person retypes the text of a block. */
  humanEdit(block: FakeBlock, text: string): void {
    block.data.rich_text = [
      { type: "text", text: { content: text, link: null }, plain_text: text, annotations: {}, href: null },
    ];
    block.editedBy = HUMAN_ID;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://x");
    const entry: Logged = {
      method: req.method ?? "GET",
      path: url.pathname,
      version: req.headers["notion-version"] as string | undefined,
      auth: req.headers.authorization,
      bytes: raw.length,
      body: undefined,
      status: 200,
    };
    this.requests.push(entry);
    const send = (status: number, body: Json, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    let fault = this.faults.find(
      (f) => f.left > 0 && (!f.method || f.method === entry.method) && (!f.path || f.path.test(entry.path)),
    );
    if (fault?.skip) {
      fault.skip--;
      fault = undefined;
    }
    if (fault) fault.left--;
    const fail = (f: Fault) =>
      send(
        f.status,
        f.raw ?? {
          object: "error",
          status: f.status,
          code: f.code ?? "internal_server_error",
          message: f.message ?? "Unexpected error occurred.",
          request_id: randomUUID(),
        },
        f.headers,
      );
    if (fault && !fault.after) return fail(fault);
    try {
      if (raw.length > MAX_BODY)
        throw new NotionHttpError(413, "validation_error", "Request body too large.");
      const user = this.auth(entry.auth);
      if (!entry.version) {
        throw new NotionHttpError(
          400,
          "missing_version",
          "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.",
        );
      }
      let body: Json = {};
      if (raw.length) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          throw new NotionHttpError(400, "invalid_json", "Error parsing JSON body.");
        }
      }
      entry.body = body;
      await this.beforeRoute?.(entry);
      const out = this.route(entry.method, url, body, user, entry.version);
      if (fault?.after) return fail(fault);
      send(200, { ...out, request_id: randomUUID() });
    } catch (err) {
      if (!(err instanceof NotionHttpError))
        return send(500, {
          object: "error",
          status: 500,
          code: "internal_server_error",
          message: String(err),
        });
      send(
        err.status,
        {
          object: "error",
          status: err.status,
          code: err.code,
          message: err.message,
          request_id: randomUUID(),
        },
        err.headers,
      );
    }
  }

  private auth(header: string | undefined): string {
    const token = /^Bearer (.+)$/.exec(header ?? "")?.[1];
    const user = token ? this.tokens.get(token) : undefined;
    if (!user) throw new NotionHttpError(401, "unauthorized", "API token is invalid.");
    return user;
  }

  private route(method: string, url: URL, body: Json, user: string, version: string): Json {
    const m = this.model;
    const sources = version >= "2025-09-03";
    const notFound = (kind: string, id: string) =>
      new NotionHttpError(
        404,
        "object_not_found",
        `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
      );
    const parts = url.pathname.replace(/^\/v1\//, "").split("/");
    const [root, id, sub] = parts;
    const same = (a: string | undefined, b: string) => a?.replace(/-/g, "") === b.replace(/-/g, "");
    const page = (pid: string | undefined) => {
      const p = [...m.pages.values()].find((x) => same(pid, x.id));
      if (!p) throw notFound("page", pid ?? "");
      return p;
    };
    if (method === "GET" && root === "users" && id === "me") return { ...userFixture, id: user };
    if (root === "databases" && same(id, m.databaseId)) {
      if (method === "GET" && !sub) {
        if (sources) return { ...databaseFixture, data_sources: m.dataSources };
        return { ...database2022, properties: m.schema };
      }
      if (method === "POST" && sub === "query") {
        if (sources) throw new NotionHttpError(400, "invalid_request_url", "Invalid request URL.");
        return this.query(body, { type: "database_id", database_id: m.databaseId }, "page_or_database");
      }
    }
    if (root === "databases") throw notFound("database", id ?? "");
    if (root === "data_sources") {
      const ds = m.dataSources.find((d) => same(id, d.id));
      if (!sources) throw new NotionHttpError(400, "invalid_request_url", "Invalid request URL.");
      if (!ds) throw notFound("data_source", id ?? "");
      if (method === "GET" && !sub) return { ...dataSourceFixture, id: ds.id, properties: m.schema };
      if (method === "POST" && sub === "query") {
        return this.query(
          body,
          { type: "data_source_id", data_source_id: ds.id, database_id: m.databaseId },
          "page_or_data_source",
        );
      }
    }
    if (root === "pages" && method === "POST" && !id) {
      const parent = body.parent ?? {};
      const wanted = sources ? parent.data_source_id : parent.database_id;
      if (sources ? !m.dataSources.some((d) => same(wanted, d.id)) : !same(wanted, m.databaseId)) {
        throw notFound(sources ? "data_source" : "database", String(wanted));
      }
      const p = sources
        ? { type: "data_source_id", data_source_id: wanted, database_id: m.databaseId }
        : { type: "database_id", database_id: m.databaseId };
      return m.pageJson(m.createPage(body, p, user));
    }
    if (root === "pages" && method === "GET") return m.pageJson(page(id));
    if (root === "pages" && method === "PATCH") {
      const p = page(id);
      m.updatePage(p, body, user);
      return m.pageJson(p);
    }
    if (root === "blocks" && sub === "children" && method === "GET") {
      const p = [...m.pages.values()].find((x) => same(id, x.id));
      if (!p && ![...m.blocks.keys()].some((b) => same(id, b))) throw notFound("block", id ?? "");
      const size = Number(url.searchParams.get("page_size") ?? 100);
      if (!(size >= 1 && size <= 100))
        throw new NotionHttpError(
          400,
          "validation_error",
          "body failed validation: page_size should be ≤ `100`.",
        );
      return this.paginate(
        p ? p.children.map((b) => m.blockJson(m.blocks.get(b)!)) : [],
        url.searchParams.get("start_cursor"),
        size,
        "block",
      );
    }
    if (root === "blocks" && sub === "children" && method === "PATCH") {
      const p = page(id);
      let after: string | undefined = body.after;
      if (body.position !== undefined) {
        if (version < "2026-03-11")
          throw new NotionHttpError(
            400,
            "validation_error",
            "body failed validation: body.position is not supported in this version.",
          );
        after = body.position.type === "after_block" ? body.position.after_block.id : undefined;
      } else if (after !== undefined && version >= "2026-03-11") {
        throw new NotionHttpError(
          400,
          "validation_error",
          "body failed validation: body.after was replaced by body.position.",
        );
      }
      const added = m.append(p, body.children, after, user);
      return {
        object: "list",
        results: added.map((b) => m.blockJson(b)),
        next_cursor: null,
        has_more: false,
        type: "block",
        block: {},
      };
    }
    if (root === "blocks" && method === "DELETE" && !sub) {
      const b = [...m.blocks.values()].find((x) => same(id, x.id));
      if (!b) throw notFound("block", id ?? "");
      m.deleteBlock(b, user);
      return m.blockJson(b);
    }
    throw new NotionHttpError(400, "invalid_request_url", "Invalid request URL.");
  }

  private query(body: Json, parent: Json, type: string): Json {
    const size = body.page_size ?? 100;
    if (!(size >= 1 && size <= 100))
      throw new NotionHttpError(
        400,
        "validation_error",
        "body failed validation: body.page_size should be ≤ `100`.",
      );
    // Every page of the database is in its (first) data source, whichever version created it.
    const ds = (p: FakePage) => p.parent.data_source_id ?? this.model.dataSources[0]?.id;
    const inParent = (p: FakePage) =>
      parent.data_source_id ? ds(p) === parent.data_source_id : p.parent.database_id === parent.database_id;
    const pages = [...this.model.pages.values()].filter(
      (p) => !p.inTrash && inParent(p) && this.model.matches(p, body.filter),
    );
    const cut = this.queryLimit !== undefined && pages.length > this.queryLimit;
    const out = this.paginate(
      pages.slice(0, this.queryLimit).map((p) => this.model.pageJson(p)),
      body.start_cursor ?? null,
      size,
      type,
    );
    // Data source queries (2025-09-03) say when Notion stopped counting.
    if (parent.data_source_id) {
      out.request_status = cut
        ? { type: "incomplete", incomplete_reason: "query_result_limit_reached" }
        : { type: "complete" };
    }
    return out;
  }

  private paginate(all: Json[], cursor: string | null, size: number, type: string): Json {
    let from = 0;
    if (cursor) {
      from = all.findIndex((x) => x.id === cursor);
      if (from < 0)
        throw new NotionHttpError(400, "validation_error", `start_cursor provided is invalid: ${cursor}`);
    }
    const results = all.slice(from, from + size);
    const next = all[from + size];
    return {
      object: "list",
      results,
      next_cursor: next ? next.id : null,
      has_more: Boolean(next),
      type,
      [type]: {},
    };
  }
}
