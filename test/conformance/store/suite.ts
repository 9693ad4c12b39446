import { afterEach, describe, expect, test } from "bun:test";
import type { DesignStore } from "../../../src/store/contract.ts";
import { BASIC_CASES } from "./cases-basic.ts";
import { CLI_CASES } from "./cases-cli.ts";
import { CONCURRENCY_CASES } from "./cases-concurrency.ts";
import { DOCUMENT_CASES } from "./cases-documents.ts";

// The DesignStore conformance suite: one set of cases that every store passes (unstorage runs one suite
// against every driver). A runner file per store (fs.test.ts, sqlite.test.ts, …) describes how to open
// the store and which cases it cannot support, each with the reason; those show up as skipped tests
// whose name carries the reason, so the gap is visible wherever the tests are read.

export interface CaseContext {
  /** Opens a fresh, empty store (disposed after the test). */
  open(): Promise<DesignStore>;
  /** A second handle on the data of `store`, as another process would open it (disposed after the test). */
  reopen(store: DesignStore): Promise<DesignStore>;
}

export interface StoreCase {
  id: string;
  title: string;
  /** Optional DesignStore methods the case exercises: a store without one must declare the case. */
  needs?: (keyof DesignStore)[];
  /** The case opens a second handle on the same data. */
  needsReopen?: boolean;
  timeoutMs?: number;
  run(ctx: CaseContext): Promise<void>;
}

export const CASES: StoreCase[] = [...DOCUMENT_CASES, ...BASIC_CASES, ...CONCURRENCY_CASES, ...CLI_CASES];

export interface StoreSubject {
  name: string;
  open(): Promise<DesignStore>;
  /** A second handle on the data of `store`; absent when handles never share data (memory). */
  reopen?(store: DesignStore): Promise<DesignStore>;
  /** Cases this store cannot support, by id, each with the reason. */
  unsupported?: Record<string, string>;
  /**
   * Set when the store cannot be tested here (no server). Outside CI the suite is skipped and says
   * why; in CI (CI set) it fails instead, since CI provides every backend.
   */
  unavailable?: string;
}

export function storeConformance(subject: StoreSubject): void {
  const unknown = Object.keys(subject.unsupported ?? {}).filter((id) => !CASES.some((c) => c.id === id));
  if (unknown.length) throw new Error(`${subject.name}: unknown conformance cases ${unknown.join(", ")}`);

  if (subject.unavailable) {
    if (process.env.CI) {
      test(`${subject.name} store: the backend is available in CI`, () => {
        throw new Error(subject.unavailable);
      });
    } else {
      console.warn(`skipping the ${subject.name} store conformance suite: ${subject.unavailable}`);
      describe.skip(`${subject.name} store conformance (${subject.unavailable})`, () => {
        for (const c of CASES) test(c.title, () => {});
      });
    }
    return;
  }

  describe(`${subject.name} store conformance`, () => {
    const opened: DesignStore[] = [];
    afterEach(async () => {
      for (const s of opened.splice(0).reverse()) await s.dispose?.();
    });
    const ctx: CaseContext = {
      async open() {
        const s = await subject.open();
        opened.push(s);
        return s;
      },
      async reopen(store) {
        if (!subject.reopen) throw new Error(`${subject.name}: no second handle (declare the case)`);
        const s = await subject.reopen(store);
        opened.push(s);
        return s;
      },
    };
    for (const c of CASES) {
      const reason = subject.unsupported?.[c.id];
      if (reason) {
        test.skip(`${c.id}: ${c.title} — not supported: ${reason}`, () => {});
        continue;
      }
      test(
        `${c.id}: ${c.title}`,
        async () => {
          if (c.needsReopen && !subject.reopen) {
            throw new Error(`${subject.name} opens no second handle: support it or declare "${c.id}"`);
          }
          if (c.needs?.length) {
            const probe = await ctx.open();
            const missing = c.needs.filter((m) => typeof probe[m] !== "function");
            expect(missing, `optional methods missing: implement them or declare "${c.id}"`).toEqual([]);
          }
          await c.run(ctx);
        },
        c.timeoutMs ?? 30_000,
      );
    }
  });
}
