import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A small Artifact Core for tests and the benchmark: it follows schemas/artifact-core.openapi.json
// (test/sync/openapi.test.ts checks its answers against the document) and can inject faults — error
// statuses with or without Retry-After, slow answers, dropped connections before or after a write is
// applied, stale writes, and error bodies that echo the caller's token. Listens on 127.0.0.1 only.
// Standalone: `bun test/sync/server.ts [--token T]` prints its URL; POST /__reset empties it.

export interface Doc {
  text: string;
  hash: string;
  etag: string;
}

export type FaultKind =
  | { status: number; retryAfter?: string; detail?: string }
  | { delayMs: number }
  | { drop: "before" | "after" }
  /** An error answer that echoes the Authorization header, raw, URL-encoded and base64-encoded. */
  | { echoToken: true; status?: number };

export interface Fault {
  method?: string;
  /** Matches the document key (single-document requests) or the listed prefix. */
  key?: string | RegExp;
  /** How many matching requests it hits; Infinity for all. */
  times: number;
  kind: FaultKind;
}

export interface LoggedRequest {
  method: string;
  path: string;
  key?: string;
  status: number;
  authorization?: string;
}

export interface TestServer {
  url: string;
  docs: Map<string, Doc>;
  faults: Fault[];
  requests: LoggedRequest[];
  /** Every text received by PUT, in order (to check nothing secret reached the server). */
  received: string[];
  /** Raw request bodies and headers, as a whole (the same check, for anything outside `text`). */
  raw: string[];
  /** Most requests in flight at once since the last reset. */
  maxInFlight: number;
  put(key: string, text: string): Doc;
  reset(): void;
  close(): Promise<void>;
}

const sha256 = (t: string) => createHash("sha256").update(t, "utf8").digest("hex");

export async function startServer(
  o: { token?: string; pageSize?: number; record?: boolean } = {},
): Promise<TestServer> {
  const record = o.record !== false;
  const docs = new Map<string, Doc>();
  const faults: Fault[] = [];
  const requests: LoggedRequest[] = [];
  const received: string[] = [];
  const raw: string[] = [];
  let version = 0;
  const store = (key: string, text: string): Doc => {
    const hash = sha256(text);
    const doc = { text, hash, etag: `"v${++version}-${hash.slice(0, 8)}"` };
    docs.set(key, doc);
    return doc;
  };

  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const json = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      ...(json ? { "content-type": status >= 400 ? "application/problem+json" : "application/json" } : {}),
      ...headers,
    });
    res.end(json);
  };
  const problem = (res: ServerResponse, status: number, title: string, detail?: string, h = {}) =>
    send(res, status, { type: "about:blank", title, status, ...(detail ? { detail } : {}) }, h);

  const takeFault = (method: string, key: string | undefined): Fault | undefined => {
    const f = faults.find(
      (x) =>
        x.times > 0 &&
        (!x.method || x.method === method) &&
        (x.key === undefined ||
          (key !== undefined && (typeof x.key === "string" ? x.key === key : x.key.test(key)))),
    );
    if (f) f.times--;
    return f;
  };

  async function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const key = url.searchParams.get("key") ?? url.searchParams.get("prefix") ?? undefined;
    const auth = req.headers.authorization;
    if (record) raw.push(`${JSON.stringify(req.headers)}\n${body}`);
    const log = (status: number) => {
      if (record)
        requests.push({ method, path: url.pathname, key: key ?? undefined, status, authorization: auth });
    };

    if (url.pathname === "/__reset" && method === "POST") {
      docs.clear();
      return send(res, 204);
    }
    const fault = takeFault(method, key);
    if (fault && "delayMs" in fault.kind)
      await new Promise((r) => setTimeout(r, (fault.kind as { delayMs: number }).delayMs));
    if (fault && "drop" in fault.kind && fault.kind.drop === "before") {
      log(0);
      return req.socket.destroy();
    }
    if (fault && "status" in fault.kind && !("echoToken" in fault.kind)) {
      log(fault.kind.status);
      return problem(
        res,
        fault.kind.status,
        "Injected fault",
        fault.kind.detail,
        fault.kind.retryAfter ? { "retry-after": fault.kind.retryAfter } : {},
      );
    }
    if (fault && "echoToken" in fault.kind) {
      const status = fault.kind.status ?? 500;
      log(status);
      const forms = `${auth} ${encodeURIComponent(auth ?? "")} ${Buffer.from(auth?.replace(/^Bearer /, "") ?? "").toString("base64")}`;
      return problem(res, status, `Refused ${auth}`, `the header was ${forms}`);
    }
    if (o.token !== undefined && auth !== `Bearer ${o.token}`) {
      log(401);
      return problem(res, 401, "Unauthorized", "a bearer token is required", {
        "www-authenticate": "Bearer",
      });
    }
    const after = fault && "drop" in fault.kind && fault.kind.drop === "after";
    const reply = (status: number, payload?: unknown, headers?: Record<string, string>) => {
      log(status);
      if (after) return req.socket.destroy();
      return send(res, status, payload, headers);
    };

    if (url.pathname === "/documents" && method === "GET") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const under = prefix === "" ? "" : `${prefix}/`;
      const all = [...docs.keys()].filter((k) => k.startsWith(under)).sort();
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const size = o.pageSize ?? 1000;
      const page = all
        .slice(start, start + size)
        .map((k) => ({ key: k, hash: docs.get(k)!.hash, etag: docs.get(k)!.etag }));
      const next = start + size < all.length ? String(start + size) : null;
      return reply(200, { documents: page, next_cursor: next });
    }
    if (url.pathname !== "/document" || !key) {
      log(404);
      return problem(res, 404, "Not Found");
    }
    const current = docs.get(key);
    if (method === "GET") {
      if (!current) {
        log(404);
        return problem(res, 404, "Not Found");
      }
      return reply(
        200,
        { key, text: current.text, hash: current.hash, etag: current.etag },
        { etag: current.etag },
      );
    }
    const ifMatch = req.headers["if-match"];
    const ifNoneMatch = req.headers["if-none-match"];
    const stale =
      (ifMatch !== undefined && current?.etag !== ifMatch) || (ifNoneMatch === "*" && current !== undefined);
    if (method === "PUT") {
      let text: unknown;
      try {
        text = JSON.parse(body).text;
      } catch {}
      if (typeof text !== "string") {
        log(400);
        return problem(res, 400, "Bad Request", 'expected {"text": string}');
      }
      if (record) received.push(text);
      if (stale) {
        log(409);
        return problem(res, 409, "Conflict", "the document changed");
      }
      const doc = store(key, text);
      return reply(current ? 200 : 201, { key, hash: doc.hash, etag: doc.etag }, { etag: doc.etag });
    }
    if (method === "DELETE") {
      if (!current) {
        log(404);
        return problem(res, 404, "Not Found");
      }
      if (stale) {
        log(409);
        return problem(res, 409, "Conflict", "the document changed");
      }
      docs.delete(key);
      return reply(204);
    }
    log(405);
    return problem(res, 405, "Method Not Allowed");
  }

  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const settle = () => {
      if (counted) inFlight--;
      counted = false;
    };
    res.on("close", settle);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch((err) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    docs,
    faults,
    requests,
    received,
    raw,
    put: store,
    get maxInFlight() {
      return maxInFlight;
    },
    reset() {
      maxInFlight = 0;
      docs.clear();
      requests.length = 0;
      received.length = 0;
      raw.length = 0;
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

if (import.meta.main) {
  const i = process.argv.indexOf("--token");
  // The benchmark keeps no history, so memory stays flat over many pushes.
  const s = await startServer({ token: i > 0 ? process.argv[i + 1] : undefined, record: false });
  process.stdout.write(`${s.url}\n`);
}
