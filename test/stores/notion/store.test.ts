import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as plugin from "../../../plugins/notion-store/src/index.ts";
import { errorCodes } from "../../../src/errors.ts";
import type { StorePlugin } from "../../../src/plugins/api.ts";
import { checkMethods, instantiate } from "../../../src/plugins/host.ts";
import { guard } from "../../../src/plugins/wrap.ts";
import { sha256Hex } from "../../../src/store/contract.ts";
import { keys, STAGES } from "../../../src/store/layout.ts";
import { defaultSchema } from "./fake-model.ts";
import { FakeNotion, TOKEN } from "./fake-notion.ts";
import createPageRequest from "./fixtures/create-page-request.json" with { type: "json" };
import { manifest, openNotion } from "./host.ts";

// notion-store against the fake Notion API: the Python original's property defaults, documents that are
// not stage artifacts, exact text (200 KB, emoji, CJK, line endings), the connectivity check, API
// versions, and errors that carry a code and never the token.

const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => e as Error & { code?: string; data?: Record<string, unknown> },
  );

const fakes: FakeNotion[] = [];
const fresh = async (o?: ConstructorParameters<typeof FakeNotion>[0]) => {
  const f = await new FakeNotion(o).start();
  fakes.push(f);
  return f;
};
afterAll(async () => {
  for (const f of fakes) await f.stop();
});

/** The shape of a JSON value: its keys (recursively) and types, not its values. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .map(([k, x]) => [k, shape(x)])
        .sort(),
    );
  return typeof v;
}

describe("pages as the Python original laid them out", () => {
  let fake: FakeNotion;
  beforeAll(async () => {
    fake = await fresh();
  });

  test("a stage artifact: IDSE_ID project::session::stage, Stage Title-Cased, Session, Title; Status left alone", async () => {
    const { store } = await openNotion(fake);
    // It has every method its manifest's capabilities promise.
    checkMethods({ ...manifest, env: [], hosts: [] }, store);
    const intent = "# Intent\n\nLet people sign in.\n";
    await store.write(keys.artifact("shop", "auth", "intent"), intent);
    const [page] = fake.pagesWithId("shop::auth::intent");
    expect(page).toBeDefined();
    const m = fake.model;
    expect(m.text(page!, "Title")).toBe("shop / auth / Intent");
    expect(m.text(page!, "Session")).toBe("auth");
    expect(page!.properties.Stage.select.name).toBe("Intent");
    expect(page!.properties.Status.status.name).toBe("Not started");
    expect(m.text(page!, "IDSE_Hash")).toMatch(
      new RegExp(`^idse1 doc ${sha256Hex(intent)} ${intent.length} \\S+ 1 \\d+$`),
    );
    // The body is the markdown, in paragraph blocks.
    expect(fake.blocksOf(page!).map((b) => b.type)).toEqual(["paragraph"]);
    // The request had the documented shape of "Create a page" in a data source.
    const create = fake.requests.find((r) => r.method === "POST" && r.path === "/v1/pages")!;
    expect(shape(create.body)).toEqual(shape(createPageRequest));
    expect(create.version).toBe("2025-09-03");
    for (const stage of STAGES) await store.write(keys.artifact("shop", "auth", stage), `# ${stage}\n`);
    expect(fake.pagesWithId("shop::auth::implementation")[0]!.properties.Stage.select.name).toBe(
      "Implementation",
    );
    expect(await store.read(keys.artifact("shop", "auth", "tasks"))).toBe("# tasks\n");
    await store.dispose?.();
  });

  test("every other key is a page too, its IDSE_ID the key itself, with its session when it has one", async () => {
    const { store } = await openNotion(fake);
    const docs: Record<string, string> = {
      [keys.sessionMetadata("shop", "auth")]: '{\n  "session_id": "auth"\n}\n',
      [keys.stageState("shop", "auth")]: "{}\n",
      [keys.owner("shop", "auth")]: "Created: 2026-03-01T10:00:00.000Z\nOwner: alice\n",
      [keys.sessionState("shop")]: "{}\n",
      [keys.currentSession("shop")]: "auth",
      [keys.agentRegistry("shop")]: '{"agents":[]}',
      [keys.meta("shop")]: "# Meta\n",
      [keys.config]: "{}",
      "a::b::intent": "a top-level key that looks like an artifact id",
    };
    for (const [k, v] of Object.entries(docs)) await store.write(k, v);
    for (const [k, v] of Object.entries(docs)) expect(await store.read(k)).toBe(v);
    const meta = fake.pagesWithId(keys.sessionMetadata("shop", "auth"))[0]!;
    expect(fake.model.text(meta, "Session")).toBe("auth");
    expect(meta.properties.Stage.select).toBeNull();
    expect(fake.model.text(fake.pagesWithId(keys.currentSession("shop"))[0]!, "Session")).toBe("");
    expect(fake.pagesWithId("./a::b::intent")).toHaveLength(1);
    expect((await store.list("projects/shop/sessions/auth/metadata")).map((e) => e.name)).toEqual([
      ".owner",
      "session.json",
      "stage_state.json",
    ]);
  });

  test("200 KB, emoji and CJK text, trailing newlines, CRLF and a BOM come back byte for byte", async () => {
    const { store } = await openNotion(fake);
    const texts = [
      `${"## Requirement\n\n- The system shall keep every byte — ünïcødé.\n".repeat(3300)}\n\n\n`,
      `${"😀👩🏽‍💻🏳️‍🌈".repeat(20_000)}`,
      `${"日本語のテキスト、中文文本、한국어 텍스트。".repeat(8000)}\n`,
      "\uFEFF# Spec\r\n\r\nline\r\n\n",
      "no newline at the end",
      "",
    ];
    expect(Buffer.byteLength(texts[0]!)).toBeGreaterThan(200_000);
    for (const [i, t] of texts.entries()) {
      await store.write(`x/${i}.md`, t);
      expect(await store.read(`x/${i}.md`)).toBe(t);
      expect(await store.hash!(`x/${i}.md`)).toBe(sha256Hex(t));
    }
    // Overwriting a long text with a short one and back leaves no old block behind.
    await store.write("x/0.md", "short\n");
    expect(await store.read("x/0.md")).toBe("short\n");
    const page = fake.pagesWithId("x/0.md")[0]!;
    expect(fake.blocksOf(page).map((b) => b.type)).toEqual(["paragraph"]);
    // Every request stayed within Notion's limits (the fake refuses the others, too).
    for (const r of fake.requests) expect(r.bytes).toBeLessThanOrEqual(500_000);
    for (const r of fake.requests.filter((q) => q.body?.children))
      expect(r.body.children.length).toBeLessThanOrEqual(100);
  });
});

describe("the connectivity check", () => {
  test("names a missing property, a mistyped one and a misspelled one, all at once, as NOTION_SCHEMA", async () => {
    const schema = defaultSchema();
    delete schema.IDSE_Hash;
    schema.Stage = { id: "x", name: "Stage", type: "rich_text", rich_text: {} };
    schema["IDSE Id"] = { ...schema.IDSE_ID, name: "IDSE Id" };
    delete schema.IDSE_ID;
    const fake = await fresh({ schema });
    const err = await errorOf(openNotion(fake));
    expect(err?.code).toBe("STORE_CONFIG");
    expect(err?.data?.notion_code).toBe("NOTION_SCHEMA");
    expect(err?.message).toContain('property "Stage" (stage) has type rich_text, expected select');
    expect(err?.message).toContain('property "IDSE_Hash" (hash) is missing: expected type rich_text');
    expect(err?.message).toContain(
      'property "IDSE_ID" (id) is missing: expected type rich_text; the database has "IDSE Id"',
    );
    expect(err?.data?.problems).toHaveLength(3);
  });

  test("a wrong property type exits 1 through the plugin host, with the code in the message", async () => {
    const schema = defaultSchema();
    schema.Status = { id: "s", name: "Status", type: "checkbox", checkbox: {} };
    const fake = await fresh({ schema });
    const grants = { ...manifest, env: manifest.env ?? [], hosts: manifest.hosts ?? [] };
    const instance = (await instantiate(plugin, grants, {
      options: { database_id: fake.model.databaseId, base_url: fake.url },
      env: { NOTION_TOKEN: TOKEN },
      remotes: [fake.url],
    })) as StorePlugin;
    const err = await errorOf(
      Promise.resolve(guard("notion-store", "createStore()", 10_000, () => instance.createStore())),
    );
    // The store's code is kept (a catalogue code since issue 8 item 5), with the plugin's data.
    expect(err?.code).toBe("STORE_CONFIG");
    expect(errorCodes().STORE_CONFIG.exit).toBe(1);
    expect(err?.data).toMatchObject({ plugin: "notion-store", notion_code: "NOTION_SCHEMA" });
    expect(String(err?.data?.reason)).toContain(
      '"Status" (status) has type checkbox, expected status or select',
    );
  });

  test("a custom mapping is checked and used; null skips Status", async () => {
    const base = defaultSchema();
    const schema = {
      Name: { ...base.Title, name: "Name" },
      Key: { ...base.IDSE_ID, name: "Key" },
      Sess: { ...base.Session, name: "Sess" },
      Phase: { ...base.Stage, name: "Phase" },
      Check: { ...base.IDSE_Hash, name: "Check" },
    };
    const fake = await fresh({ schema });
    const properties = {
      title: "Name",
      id: "Key",
      session: "Sess",
      stage: "Phase",
      status: null,
      hash: "Check",
    };
    const { store } = await openNotion(fake, { properties });
    await store.write(keys.artifact("p", "s", "plan"), "# Plan\n");
    const [page] = fake.pagesWithId("p::s::plan", "Key");
    expect(page!.properties.Phase.select.name).toBe("Plan");
    expect(await store.read(keys.artifact("p", "s", "plan"))).toBe("# Plan\n");
  });

  test("a database that is not shared, several data sources, a missing token and a wrong one", async () => {
    const fake = await fresh({
      dataSources: [
        { id: "a42a62ed-9b51-4b98-9dea-ea6d091bc508", name: "Artifacts" },
        { id: "b42a62ed-9b51-4b98-9dea-ea6d091bc509", name: "Archive" },
      ],
    });
    const missing = await errorOf(openNotion(fake, { database_id: "00000000000000000000000000000001" }));
    expect(missing?.data?.notion_code).toBe("NOTION_NOT_FOUND");
    expect(missing?.message).toContain("share the database with the integration");
    const several = await errorOf(openNotion(fake));
    expect(several?.data?.notion_code).toBe("NOTION_CONFIG");
    expect(several?.message).toContain('"Archive" (b42a62ed-9b51-4b98-9dea-ea6d091bc509)');
    const { store } = await openNotion(fake, { data_source_id: "a42a62ed9b514b989deaea6d091bc508" });
    await store.write("k", "v");
    expect(await store.read("k")).toBe("v");
    const unset = await errorOf(openNotion(fake, {}, { env: {} }));
    expect([unset?.code, unset?.data?.notion_code]).toEqual(["STORE_CONFIG", "NOTION_CONFIG"]);
    expect(unset?.message).toContain("NOTION_TOKEN");
    const wrong = await errorOf(
      openNotion(fake, {}, { env: { NOTION_TOKEN: "ntn_wrong_token_0123456789abcdefghijkl" } }),
    );
    expect([wrong?.code, wrong?.data?.notion_code]).toEqual(["STORE_AUTH", "NOTION_UNAUTHORIZED"]);
    expect(JSON.stringify(wrong?.data)).not.toContain("ntn_wrong_token");
    expect(wrong?.message).not.toContain("ntn_wrong_token");
  });
});

describe("API versions", () => {
  for (const version of ["2022-06-28", "2026-03-11"]) {
    test(`Notion-Version ${version}: the same store, through that version's endpoints`, async () => {
      const fake = await fresh();
      const { store } = await openNotion(fake, { notion_version: version });
      const big = `${"Lorem ipsum — 日本語 😀\n".repeat(40_000)}`;
      await store.write("projects/p/sessions/s/specs/spec.md", big);
      await store.write("projects/p/CURRENT_SESSION", "s");
      expect(await store.read("projects/p/sessions/s/specs/spec.md")).toBe(big);
      expect(await store.list("projects/p")).toEqual([
        { name: "CURRENT_SESSION", kind: "file" },
        { name: "sessions", kind: "dir" },
      ]);
      await store.remove("projects/p");
      expect(await store.has("projects/p")).toBe(false);
      expect(fake.requests.every((r) => r.version === version)).toBe(true);
      const paths = new Set(
        fake.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, ":id")}`),
      );
      if (version === "2022-06-28") {
        expect(paths.has("POST /v1/databases/:id/query")).toBe(true);
        expect(fake.requests.some((r) => r.body?.archived === true)).toBe(true);
      } else {
        expect(paths.has("POST /v1/data_sources/:id/query")).toBe(true);
        expect(fake.requests.some((r) => r.body?.position?.type === "after_block")).toBe(true);
      }
    });
  }
});

describe("query results", () => {
  test("list pages through every page of results; a query Notion cut short fails rather than list too few", async () => {
    const fake = await fresh();
    const { store } = await openNotion(fake);
    await Promise.all(
      Array.from({ length: 250 }, (_, i) => store.write(`many/${String(i).padStart(3, "0")}.md`, `${i}`)),
    );
    expect((await store.list("many")).length).toBe(250);
    expect(
      fake.requests.filter((r) => r.path.endsWith("/query") && r.body?.start_cursor).length,
    ).toBeGreaterThanOrEqual(2);
    fake.queryLimit = 200;
    const err = await errorOf(store.list("many"));
    expect([err?.code, err?.data?.notion_code, err?.data?.reason_code]).toEqual([
      "STORE_FAILED",
      "NOTION_FAILED",
      "query_result_limit_reached",
    ]);
  });
});

describe("options", () => {
  test("are checked: an id or a URL for the database, base_url only on this machine, no unknown keys", async () => {
    const check = (o: unknown) =>
      plugin.options["~standard"].validate(o) as { issues?: unknown[]; value?: { database_id: string } };
    expect(
      check({ database_id: "https://www.notion.so/team/IDSE-bc1211cae3f14939ae345260b16f627c?v=1" }).value
        ?.database_id,
    ).toBe("bc1211ca-e3f1-4939-ae34-5260b16f627c");
    expect(check({ database_id: "nope" }).issues).toBeDefined();
    expect(
      check({ database_id: "bc1211cae3f14939ae345260b16f627c", base_url: "https://evil.example" }).issues,
    ).toBeDefined();
    expect(
      check({ database_id: "bc1211cae3f14939ae345260b16f627c", base_url: "http://127.0.0.1:9" }).issues,
    ).toBeUndefined();
    expect(check({ database_id: "bc1211cae3f14939ae345260b16f627c", databse: 1 }).issues).toBeDefined();
    expect(check({ database_id: "bc1211cae3f14939ae345260b16f627c", token: "x" }).issues).toBeDefined();
  });
});
