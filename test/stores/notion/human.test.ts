import { afterAll, describe, expect, test } from "bun:test";
import * as plugin from "../../../plugins/notion-store/src/index.ts";
import { sha256 } from "../../../plugins/notion-store/src/text.ts";
import type { StorePlugin } from "../../../src/plugins/api.ts";
import { makeHostApi } from "../../../src/plugins/host.ts";
import type { DesignStore } from "../../../src/store/contract.ts";
import { BOT_ID, FakeNotion, HUMAN_ID, TOKEN } from "./fake-notion.ts";
import { manifest, openNotion } from "./host.ts";

// Notion is shared with people and other idse processes: readers racing writers, people editing a page
// body, pages made by hand (or by the Python original) without a commit record, duplicate pages of a
// key, advisory lock pages, and the host's fetch deciding where the plugin may connect.

const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => e as Error & { code?: string; data?: Record<string, unknown> },
  );
const fakes: FakeNotion[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});
async function two(
  raw: Record<string, unknown> = {},
): Promise<{ fake: FakeNotion; a: DesignStore; b: DesignStore }> {
  const fake = await new FakeNotion().start();
  fakes.push(fake);
  return { fake, a: (await openNotion(fake, raw)).store, b: (await openNotion(fake, raw)).store };
}
const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
};

const KEY = "projects/shop/sessions/auth/specs/spec.md";
const OLD = `# Spec\n\n${"old line\n".repeat(20_000)}`;
const NEW = `# Spec v2\n\n${"new line ✓\n".repeat(60_000)}`;

describe("readers and writers in different processes", () => {
  test("a reader that took the record before a write finished reads the new text, not a mix", async () => {
    const { fake, a, b } = await two();
    await a.write(KEY, OLD);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let held = false;
    fake.beforeRoute = async (r) => {
      if (!held && r.method === "GET" && r.path.endsWith("/children")) {
        held = true;
        await gate; // b has the old record; its listing waits until a has committed and swept
      }
    };
    const reading = b.read(KEY);
    await until(() => held);
    await a.write(KEY, NEW);
    release();
    expect(await reading).toBe(NEW);
  });

  test("a reader while a write is between its appends and its commit reads the old text", async () => {
    const { fake, a, b } = await two();
    await a.write(KEY, OLD);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let held = false;
    fake.beforeRoute = async (r) => {
      if (!held && r.method === "PATCH" && r.path.startsWith("/v1/pages/")) {
        held = true;
        await gate; // the commit waits: the new blocks are all there, after the old ones
      }
    };
    const writing = a.write(KEY, NEW);
    await until(() => held);
    expect(await b.read(KEY)).toBe(OLD);
    expect(await b.hash!(KEY)).toBe(sha256(OLD));
    release();
    await writing;
    expect(await b.read(KEY)).toBe(NEW);
  });
});

describe("people editing in Notion", () => {
  test("an edited block, and blocks a person added, are read as markdown; the next write replaces them", async () => {
    const { fake, a } = await two();
    await a.write(KEY, "# Spec\n\nFirst version.\n");
    const page = fake.pagesWithId("shop::auth::spec")[0]!;
    fake.humanAppend(page, "heading_2", "Risks");
    fake.humanAppend(page, "bulleted_list_item", "Notion may be down");
    fake.humanAppend(page, "paragraph", "Signed off by Ann.");
    expect(await a.read(KEY)).toBe(
      "# Spec\n\nFirst version.\n## Risks\n- Notion may be down\nSigned off by Ann.\n",
    );
    fake.humanEdit(fake.blocksOf(page)[0]!, "# Spec\n\nSecond version, typed in Notion.\n");
    expect(await a.read(KEY)).toBe(
      "# Spec\n\nSecond version, typed in Notion.\n## Risks\n- Notion may be down\nSigned off by Ann.\n",
    );
    await a.write(KEY, "# Spec\n\nThird.\n");
    expect(await a.read(KEY)).toBe("# Spec\n\nThird.\n");
    expect(fake.blocksOf(page).every((b) => b.createdBy === BOT_ID)).toBe(true);
  });

  test("a page made by hand (no commit record) is a document: its blocks as markdown", async () => {
    const { fake, a } = await two();
    const rt = (content: string) => ({ rich_text: [{ type: "text", text: { content } }] });
    const parent = {
      type: "data_source_id",
      data_source_id: fake.model.dataSources[0]!.id,
      database_id: fake.model.databaseId,
    };
    fake.model.createPage(
      {
        properties: {
          Title: { title: rt("Plan").rich_text },
          IDSE_ID: { rich_text: rt("shop::auth::plan").rich_text },
        },
        children: [
          { type: "heading_1", heading_1: rt("Plan") },
          { type: "paragraph", paragraph: rt("Ship it.") },
          { type: "to_do", to_do: { ...rt("write tests"), checked: true } },
          { type: "numbered_list_item", numbered_list_item: rt("one") },
          { type: "code", code: { ...rt("idse status"), language: "shell" } },
          { type: "divider", divider: {} },
          { type: "quote", quote: rt("Less is more.") },
        ],
      },
      parent,
      HUMAN_ID,
    );
    const key = "projects/shop/sessions/auth/plans/plan.md";
    expect(await a.read(key)).toBe(
      "# Plan\nShip it.\n- [x] write tests\n1. one\n```shell\nidse status\n```\n---\n> Less is more.\n",
    );
    expect(await a.has(key)).toBe(true);
    expect(await a.list("projects/shop/sessions/auth")).toEqual([{ name: "plans", kind: "dir" }]);
    await a.write(key, "# Plan\n\nidse owns it now.\n");
    expect(await a.read(key)).toBe("# Plan\n\nidse owns it now.\n");
    expect(fake.pagesWithId("shop::auth::plan")).toHaveLength(1);
  });

  test("two committed pages for one key (two first writes at once): the newer is read, the next write keeps one", async () => {
    const { fake, a, b } = await two();
    let n = 0;
    let both!: () => void;
    const gate = new Promise<void>((r) => {
      both = r;
    });
    fake.beforeRoute = async (r) => {
      // Both writers look before either has created its page.
      if (r.method === "POST" && r.path.endsWith("/query") && r.body?.filter?.rich_text?.equals === "k.md") {
        if (++n === 2) both();
        await gate;
      }
    };
    await Promise.all([a.write("k.md", "from a"), b.write("k.md", "from b")]);
    fake.beforeRoute = undefined;
    expect(fake.pagesWithId("k.md")).toHaveLength(2);
    const seen = await a.read("k.md");
    expect(["from a", "from b"]).toContain(seen!);
    expect(await b.read("k.md")).toBe(seen);
    await a.write("k.md", "settled");
    expect(fake.pagesWithId("k.md")).toHaveLength(1);
    expect(await b.read("k.md")).toBe("settled");
  });
});

describe("advisory locks", () => {
  const LOCK = "projects/p/.idse.lock";

  test("a lock page is no document, and remove leaves it to its holder", async () => {
    const { fake, a } = await two();
    await a.write("projects/p/CURRENT_SESSION", "s");
    const release = await a.lock!(LOCK, { timeoutMs: 10_000 });
    const [page] = fake.pagesWithId(LOCK);
    expect(fake.model.text(page!, "IDSE_Hash")).toMatch(/^idse1 lock \S+ \d+$/);
    expect(fake.model.text(page!, "Title")).toBe(`🔒 ${LOCK}`);
    expect(await a.list("projects/p")).toEqual([{ name: "CURRENT_SESSION", kind: "file" }]);
    expect(await a.has(LOCK)).toBe(false);
    expect(await a.read(LOCK)).toBeUndefined();
    await a.remove("projects/p");
    expect(fake.pagesWithId(LOCK)).toHaveLength(1);
    await release();
    expect(fake.pagesWithId(LOCK)).toHaveLength(0);
  });

  test("a live lock of another process times out with LOCKED; an expired one is taken over", async () => {
    const { fake, a } = await two();
    const rt = (content: string) => [{ type: "text", text: { content } }];
    const parent = {
      type: "data_source_id",
      data_source_id: fake.model.dataSources[0]!.id,
      database_id: fake.model.databaseId,
    };
    const foreign = (expires: number) =>
      fake.model.createPage(
        {
          properties: {
            IDSE_ID: { rich_text: rt(LOCK) },
            IDSE_Hash: { rich_text: rt(`idse1 lock other ${expires}`) },
          },
        },
        parent,
        BOT_ID,
      );
    const live = foreign(Date.now() + 60_000);
    const started = Date.now();
    const err = await errorOf(a.lock!(LOCK, { timeoutMs: 150 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect([err?.code, err?.data?.notion_code, err?.data?.file]).toEqual(["LOCKED", "NOTION_LOCKED", LOCK]);
    live.inTrash = true;
    const dead = foreign(Date.now() - 1);
    const release = await a.lock!(LOCK, { timeoutMs: 10_000 });
    expect(dead.inTrash).toBe(true);
    await release();
  });

  test("the holder renews its lock page while it holds it", async () => {
    const { fake, a } = await two({ lock: { ttl_ms: 3000, poll_ms: 10 } });
    const release = await a.lock!(LOCK, { timeoutMs: 10_000 });
    const expiry = () => Number(fake.model.text(fake.pagesWithId(LOCK)[0]!, "IDSE_Hash").split(" ")[3]);
    const first = expiry();
    // Renewal is due after ttl/3 (1 s); wait for it with a deadline no busy machine reaches, rather than
    // sleep a fixed 1.15 s that a late timer misses.
    const deadline = Date.now() + 20_000;
    while (expiry() <= first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(expiry()).toBeGreaterThan(first);
    await release();
  });
});

describe("the host's fetch", () => {
  test("every request goes through host.fetch: a host that grants only api.notion.com stops the fake server", async () => {
    const fake = await new FakeNotion().start();
    fakes.push(fake);
    const grants = { ...manifest, env: manifest.env ?? [], hosts: manifest.hosts ?? [] };
    const options = await plugin.options["~standard"].validate({
      database_id: fake.model.databaseId,
      base_url: fake.url,
    });
    const host = await makeHostApi(grants, (options as { value: unknown }).value, {
      env: { NOTION_TOKEN: TOKEN },
    });
    const instance = (await plugin.default(host as never)) as StorePlugin;
    const err = await errorOf(instance.createStore());
    expect(err?.code).toBe("PLUGIN_NETWORK_DENIED");
    expect(fake.requests).toHaveLength(0);
  });
});
