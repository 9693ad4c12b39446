import { expect } from "bun:test";
import { type DesignStore, withLock } from "../../../src/store/contract.ts";
import type { StoreCase } from "./suite.ts";

// Writers at the same time (in one handle and across two handles on the same data), locks, persistence
// and dispose.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LOCK = "projects/p/.idse.lock";

async function errorOf(p: Promise<unknown>): Promise<{ code?: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err as { code?: string };
  }
}

/** Read-modify-write of a counter under the lock, from `tasks` concurrent tasks over `handles`. */
async function countUnderLock(handles: DesignStore[], tasks: number, rounds: number): Promise<number> {
  await handles[0]!.write("count/n", "0");
  await Promise.all(
    Array.from({ length: tasks }, async (_, t) => {
      const s = handles[t % handles.length]!;
      for (let r = 0; r < rounds; r++) {
        await withLock(s, LOCK, 10_000, async () => {
          const n = Number(await s.read("count/n"));
          await sleep(1);
          await s.write("count/n", String(n + 1));
        });
      }
    }),
  );
  return Number(await handles[0]!.read("count/n"));
}

export const CONCURRENCY_CASES: StoreCase[] = [
  {
    id: "concurrent-writers",
    title: "concurrent writes all land, and a reader sees a whole old or new document, never a mix",
    needs: ["lock"],
    async run({ open }) {
      const s = await open();
      await Promise.all(Array.from({ length: 100 }, (_, i) => s.write(`c/${i}.md`, `v${i}`)));
      expect((await s.list("c")).length).toBe(100);
      expect(await s.read("c/42.md")).toBe("v42");

      const a = "a".repeat(200_000);
      const b = "b".repeat(200_000);
      const seen = new Set<string | undefined>();
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => s.write("c/same.md", i % 2 ? a : b)),
        ...Array.from({ length: 20 }, async () => seen.add(await s.read("c/same.md"))),
      ]);
      for (const v of seen) expect(v === undefined || v === a || v === b).toBe(true);
      expect([a, b]).toContain((await s.read("c/same.md"))!);
      expect(await countUnderLock([s], 5, 4)).toBe(20);
    },
  },
  {
    id: "concurrent-instances",
    title: "two handles on the same data see each other's writes and exclude each other's locks",
    needs: ["lock"],
    needsReopen: true,
    async run({ open, reopen }) {
      const one = await open();
      const two = await reopen(one);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).write(`ci/${i}.md`, `from ${i % 2}`)),
      );
      expect((await one.list("ci")).length).toBe(40);
      expect(await two.read("ci/1.md")).toBe("from 1");
      expect(await one.read("ci/2.md")).toBe("from 0");
      await one.remove("ci/1.md");
      expect(await two.has("ci/1.md")).toBe(false);

      const release = await one.lock!(LOCK, { timeoutMs: 10_000 });
      expect((await errorOf(two.lock!(LOCK, { timeoutMs: 100 })))?.code).toBe("LOCKED");
      await release();
      await (await two.lock!(LOCK, { timeoutMs: 10_000 }))();
      expect(await countUnderLock([one, two], 4, 4)).toBe(16);
    },
  },
  {
    id: "locks",
    title: "a lock serialises its holders, times out with LOCKED, and leaves other keys free",
    needs: ["lock"],
    async run({ open }) {
      const s = await open();
      const order: string[] = [];
      const job = (name: string) =>
        withLock(s, LOCK, 5000, async () => {
          order.push(`${name}:start`);
          await sleep(20);
          order.push(`${name}:end`);
        });
      await Promise.all([job("a"), job("b")]);
      // Either may go first (the contract promises exclusion, not order), but never both at once.
      expect([order.join(), [...order.slice(2), ...order.slice(0, 2)].join()]).toContain(
        "a:start,a:end,b:start,b:end",
      );

      const release = await s.lock!(LOCK, { timeoutMs: 10_000 });
      const started = Date.now();
      const err = await errorOf(s.lock!(LOCK, { timeoutMs: 150 }));
      expect(err?.code).toBe("LOCKED");
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      // Another key is independent of the one held.
      await (await s.lock!("projects/q/.idse.lock", { timeoutMs: 10_000 }))();
      await release();
      await release(); // harmless
      const again = await s.lock!(LOCK, { timeoutMs: 10_000 });
      await again();
    },
  },
  {
    id: "persistence",
    title: "what one handle wrote is there for a handle opened after it was disposed",
    needsReopen: true,
    async run({ open, reopen }) {
      const s = await open();
      await s.write("projects/p/CURRENT_SESSION", "auth");
      const later = await reopen(s);
      await s.dispose?.();
      expect(await later.read("projects/p/CURRENT_SESSION")).toBe("auth");
      expect(await later.list("projects/p")).toEqual([{ name: "CURRENT_SESSION", kind: "file" }]);
    },
  },
  {
    id: "dispose",
    title: "dispose may be called twice, and releases the locks its handle held",
    async run({ open, reopen }) {
      const s = await open();
      await s.write("d/a.md", "x");
      const other = s.lock ? await reopen(s).catch(() => undefined) : undefined;
      if (s.lock) await s.lock(LOCK, { timeoutMs: 10_000 });
      await s.dispose?.();
      await s.dispose?.();
      if (other?.lock) await (await other.lock(LOCK, { timeoutMs: 10_000 }))();
    },
  },
];
