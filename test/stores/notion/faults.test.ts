import { afterAll, describe, expect, test } from "bun:test";
import { retryAfterMs } from "../../../plugins/notion-store/src/api.ts";
import type { DesignStore } from "../../../src/store/contract.ts";
import { FakeNotion, TOKEN } from "./fake-notion.ts";
import { openNotion } from "./host.ts";

// Retries and failures: 429 with Retry-After, 5xx with back-off and jitter, a bounded number of tries and
// a stable code after them; and a write that fails at any step leaves the old text, never a part of the
// new one. Faults are injected in the fake server (a status, or a reply lost after the change was made).

const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => e as Error & { code?: string; data?: Record<string, unknown> },
  );

const fakes: FakeNotion[] = [];
afterAll(async () => {
  for (const f of fakes) await f.stop();
});
async function setup(
  raw: Record<string, unknown> = {},
): Promise<{ fake: FakeNotion; store: DesignStore; logs: string[] }> {
  const fake = await new FakeNotion().start();
  fakes.push(fake);
  return { fake, ...(await openNotion(fake, raw)) };
}
const count = (fake: FakeNotion, method: string, path: RegExp) =>
  fake.requests.filter((r) => r.method === method && path.test(r.path)).length;

const OLD = `# Spec\n\n${"The old text, every line of it.\n".repeat(3000)}`;
const NEW = `# Spec v2\n\n${"The new text — 新しい 😀\n".repeat(24_000)}`;
const KEY = "projects/shop/sessions/auth/specs/spec.md";

describe("retries", () => {
  test("Retry-After is read as seconds or an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("0.5")).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
  });

  test("a 429 waits for Retry-After, then the request goes through", async () => {
    const { fake, store, logs } = await setup();
    fake.inject({
      method: "POST",
      path: /\/query$/,
      status: 429,
      code: "rate_limited",
      message: "You have been rate limited.",
      headers: { "retry-after": "1" },
    });
    const started = Date.now();
    await store.write("a.md", "x");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await store.read("a.md")).toBe("x");
    expect(logs.some((l) => /query: Notion answered 429 rate_limited.*try 2 of 5 in 1000 ms/.test(l))).toBe(
      true,
    );
  });

  test("500, 502, 503 and 504 are retried with exponential back-off and jitter, on every method", async () => {
    const { fake, store, logs } = await setup({ retry: { base_delay_ms: 40, max_delay_ms: 1000 } });
    await store.write("a.md", "v1");
    for (const [status, method, path] of [
      [500, "POST", /\/query$/],
      [502, "PATCH", /\/children$/],
      [503, "GET", /\/children$/],
      [504, "PATCH", /^\/v1\/pages\//],
    ] as const) {
      fake.inject({ method, path, status, times: 2 });
    }
    const started = Date.now();
    await store.write("a.md", "v2");
    // Two failures each: waits of 20–40 ms, then 40–80 ms (half fixed, half random), four times over.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 60);
    expect(await store.read("a.md")).toBe("v2");
    const waits = logs.map((l) => Number(/in (\d+) ms/.exec(l)?.[1])).filter((n) => n > 0);
    expect(waits).toHaveLength(8);
    for (const [i, w] of waits.entries()) {
      const exp = i % 2 === 0 ? 40 : 80;
      expect(w).toBeGreaterThanOrEqual(exp / 2);
      expect(w).toBeLessThanOrEqual(exp);
    }
  });

  test("after the last try: NOTION_UNAVAILABLE, NOTION_RATE_LIMITED, each with its attempts", async () => {
    const { fake, store } = await setup({ retry: { max_attempts: 3, base_delay_ms: 1, max_delay_ms: 2 } });
    fake.inject({ method: "POST", path: /\/query$/, status: 503, code: "service_unavailable", times: 100 });
    const down = await errorOf(store.read("a.md"));
    expect([down?.code, down?.data?.notion_code, down?.data?.attempts, down?.data?.status]).toEqual([
      "STORE_UNREACHABLE",
      "NOTION_UNAVAILABLE",
      3,
      503,
    ]);
    expect(count(fake, "POST", /\/query$/)).toBe(3);
    fake.clearFaults();
    fake.inject({
      method: "POST",
      path: /\/query$/,
      status: 429,
      code: "rate_limited",
      headers: { "retry-after": "0" },
      times: 100,
    });
    const limited = await errorOf(store.read("b.md"));
    expect([limited?.code, limited?.data?.notion_code, limited?.data?.attempts]).toEqual([
      "STORE_UNREACHABLE",
      "NOTION_RATE_LIMITED",
      3,
    ]);
  });

  test("a Retry-After longer than allowed fails at once; 400 and 404 are not retried", async () => {
    const { fake, store } = await setup({ retry: { max_retry_after_ms: 5000 } });
    fake.inject({
      method: "POST",
      path: /\/query$/,
      status: 429,
      code: "rate_limited",
      headers: { "retry-after": "60" },
    });
    // One attempt, so no 60 s wait: the store gave up at once (a clock bound would measure the machine).
    const err = await errorOf(store.read("a.md"));
    expect([err?.data?.notion_code, err?.data?.attempts, err?.data?.retry_after_ms]).toEqual([
      "NOTION_RATE_LIMITED",
      1,
      60_000,
    ]);
    const before = fake.requests.length;
    fake.inject({
      method: "POST",
      path: /\/query$/,
      status: 400,
      code: "validation_error",
      message: "body failed validation.",
    });
    const bad = await errorOf(store.read("a.md"));
    expect([bad?.code, bad?.data?.notion_code, bad?.data?.notion_error]).toEqual([
      "STORE_FAILED",
      "NOTION_FAILED",
      "validation_error",
    ]);
    expect(fake.requests.length - before).toBe(1);
  });

  test("a network failure is retried, then NOTION_UNAVAILABLE", async () => {
    const { fake, store } = await setup({ retry: { max_attempts: 2, base_delay_ms: 1 } });
    await fake.stop();
    const err = await errorOf(store.read("a.md"));
    expect([err?.code, err?.data?.notion_code, err?.data?.attempts]).toEqual([
      "STORE_UNREACHABLE",
      "NOTION_UNAVAILABLE",
      2,
    ]);
  });
});

describe("no partial document, whatever fails", () => {
  const appended = (r: { method: string; path: string; status: number }) =>
    r.method === "PATCH" && r.path.endsWith("/children") && r.status === 200;
  const cases: [string, (f: FakeNotion) => void, (during: FakeNotion["requests"]) => boolean][] = [
    [
      "an append midway (the second batch)",
      (f) => {
        // The first batch goes through, so the failure is in the middle of the text.
        f.inject({ method: "PATCH", path: /\/children$/, status: 503, times: 100, skip: 1 });
      },
      (during) => during.filter(appended).length === 1,
    ],
    [
      "the read-back listing",
      (f) => f.inject({ method: "GET", path: /\/children$/, status: 503, times: 100 }),
      (d) => d.filter(appended).length === 2,
    ],
    [
      "the commit (pages.update)",
      (f) => f.inject({ method: "PATCH", path: /^\/v1\/pages\//, status: 503, times: 100 }),
      (d) => d.filter(appended).length === 2,
    ],
  ];
  for (const [what, inject, happened] of cases) {
    test(`${what} fails: the old text stays, exactly; the next write works and leaves no leftovers`, async () => {
      const { fake, store } = await setup({ retry: { max_attempts: 2, base_delay_ms: 1 } });
      await store.write(KEY, OLD);
      inject(fake);
      const before = fake.requests.length;
      const err = await errorOf(store.write(KEY, NEW));
      expect(err?.data?.notion_code).toBe("NOTION_UNAVAILABLE");
      expect(happened(fake.requests.slice(before))).toBe(true);
      fake.clearFaults();
      expect(await store.read(KEY)).toBe(OLD);
      await store.write(KEY, NEW);
      expect(await store.read(KEY)).toBe(NEW);
      const page = fake.pagesWithId("shop::auth::spec")[0]!;
      const body = fake
        .blocksOf(page)
        .map((b) => b.data.rich_text.map((t: { plain_text: string }) => t.plain_text).join(""))
        .join("");
      expect(body).toBe(NEW);
    });
  }

  test("a reply lost after an append was made: the replayed batch lands after, the text is exact", async () => {
    const { fake, store } = await setup();
    await store.write(KEY, OLD);
    fake.inject({ method: "PATCH", path: /\/children$/, status: 502, after: true });
    await store.write(KEY, NEW);
    expect(await store.read(KEY)).toBe(NEW);
    // The orphaned copy is invisible, and the next write removes it.
    await store.write(KEY, "final\n");
    const page = fake.pagesWithId("shop::auth::spec")[0]!;
    expect(fake.blocksOf(page).length).toBe(1);
    expect(await store.read(KEY)).toBe("final\n");
  });

  test("old blocks that could not be deleted after the commit are invisible, and go with the next write", async () => {
    const { fake, store, logs } = await setup({ retry: { max_attempts: 1 } });
    await store.write(KEY, OLD);
    fake.inject({ method: "DELETE", path: /^\/v1\/blocks\//, status: 503, times: 100 });
    await store.write(KEY, NEW);
    expect(logs.some((l) => l.includes("could not be deleted yet"))).toBe(true);
    expect(await store.read(KEY)).toBe(NEW);
    fake.clearFaults();
    await store.write(KEY, "again\n");
    expect(fake.blocksOf(fake.pagesWithId("shop::auth::spec")[0]!)).toHaveLength(1);
  });

  test("a new document that fails midway does not exist at all", async () => {
    const { fake, store } = await setup({ retry: { max_attempts: 1 } });
    // The first batch comes with pages.create; the second append fails.
    fake.inject({ method: "PATCH", path: /\/children$/, status: 500, times: 100 });
    const err = await errorOf(store.write(KEY, NEW));
    expect(err?.code).toBe("STORE_UNREACHABLE");
    fake.clearFaults();
    expect(await store.read(KEY)).toBeUndefined();
    expect(await store.has("projects/shop")).toBe(false);
    expect(await store.list("projects/shop/sessions/auth")).toEqual([]);
    // A failed commit of a new page: the page stays pending, which is no document either.
    fake.inject({ method: "PATCH", path: /^\/v1\/pages\//, status: 500, times: 1 });
    await errorOf(store.write("new.md", "x"));
    expect(await store.read("new.md")).toBeUndefined();
    expect(await store.has("new.md")).toBe(false);
    await store.write("new.md", "y");
    expect(await store.read("new.md")).toBe("y");
  });

  test("when Notion does not keep the text exactly, the write fails with STORE_INVALID_VALUE and the old text stays", async () => {
    const { fake, store } = await setup();
    await store.write(KEY, "line\r\nline\r\n");
    fake.model.alter = (s) => s.replace(/\r/g, "");
    const err = await errorOf(store.write(KEY, "other\r\n"));
    expect([err?.code, err?.data?.notion_code]).toEqual(["STORE_INVALID_VALUE", "NOTION_INVALID_VALUE"]);
    fake.model.alter = undefined;
    expect(await store.read(KEY)).toBe("line\r\nline\r\n");
    fake.model.alter = (s) => s.replace(/\r/g, "");
    expect((await errorOf(store.write("fresh.md", "a\r\n")))?.code).toBe("STORE_INVALID_VALUE");
    fake.model.alter = undefined;
    expect(await store.has("fresh.md")).toBe(false);
  });
});

describe("the token", () => {
  test("never appears in an error or a log line, even when a server repeats it", async () => {
    const { fake, store, logs } = await setup({ retry: { max_attempts: 2, base_delay_ms: 1 } });
    const seen: string[] = [];
    const collect = (e: unknown) => {
      const err = e as Error & { data?: unknown };
      seen.push(
        String(err),
        err.message,
        err.stack ?? "",
        JSON.stringify(err.data ?? {}),
        JSON.stringify(err),
      );
    };
    fake.inject({ status: 500, message: `bad token ${TOKEN} in Authorization: Bearer ${TOKEN}`, times: 4 });
    collect(await errorOf(store.read("a.md")));
    fake.inject({ status: 400, code: "validation_error", message: `token ${TOKEN}` });
    collect(await errorOf(store.write("a.md", "x")));
    fake.inject({ status: 502, raw: `<html>upstream said ${TOKEN}</html>`, times: 4 });
    collect(await errorOf(store.list("a")));
    await fake.stop();
    collect(await errorOf(store.has("a")));
    expect(seen.length).toBeGreaterThan(8);
    for (const s of [...seen, ...logs]) expect(s).not.toContain(TOKEN);
    expect(seen.join("\n")).toContain("[redacted]");
    // It went where it belongs: the Authorization header.
    expect(fake.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
  });
});
