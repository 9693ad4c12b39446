import { randomUUID } from "node:crypto";
import type { Release } from "../../../src/plugins/api.ts";
import { notionError } from "./errors.ts";
import type { Pages } from "./pages.ts";

// Notion has no locks, so this is an advisory lock made of pages, with expiry. To take `key`:
//   1. wait (in this process) for the holders of `key` in this process, like the memory store does;
//   2. look for live lock pages of `key` (record `idse1 lock <holder> <expires>`, expires in the future);
//      if there is one, wait and look again, until the timeout (LOCKED);
//   3. create one's own lock page, then look again: if any other live lock page exists, both writers
//      saw each other, so trash one's own and go back to 2 after a random pause; else the lock is held.
// Two takers cannot both win: whichever looks second sees the other's page (Notion's query shows a page
// once its create has returned). A holder renews its page every ttl/3; a holder that died stops renewing,
// and after ttl its page no longer counts (and is trashed by the next taker). Lock pages are not
// documents: list, read and remove never see them.

export interface LockOptions {
  ttlMs: number;
  pollMs: number;
  log: (message: string) => void;
  random?: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export class Locks {
  private readonly local = new Map<string, Promise<void>>();
  private readonly held = new Set<Release>();

  constructor(
    private readonly pages: Pages,
    private readonly o: LockOptions,
  ) {}

  async acquire(key: string, timeoutMs: number): Promise<Release> {
    const deadline = Date.now() + timeoutMs;
    const leaveLocal = await this.enterLocal(key, deadline);
    try {
      const { pageId, holder } = await this.takeNotion(key, deadline);
      let expires = Date.now() + this.o.ttlMs;
      const timer = setInterval(
        () => {
          expires = Date.now() + this.o.ttlMs;
          this.pages
            .renewLock(pageId, holder, expires)
            .catch(() => this.o.log(`the lock on ${key} could not be renewed`));
        },
        Math.max(1000, Math.floor(this.o.ttlMs / 3)),
      );
      (timer as { unref?: () => void }).unref?.();
      let done = false;
      const release: Release = async () => {
        if (done) return;
        done = true;
        clearInterval(timer);
        this.held.delete(release);
        try {
          await this.pages.trash(pageId);
        } catch {
          this.o.log(
            `the lock page of ${key} could not be removed; it expires by itself in ${this.o.ttlMs} ms`,
          );
        } finally {
          leaveLocal();
        }
      };
      this.held.add(release);
      return release;
    } catch (err) {
      leaveLocal();
      throw err;
    }
  }

  /** Releases every lock this handle holds (dispose). */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.held].map((r) => r()));
  }

  private locked(key: string) {
    return notionError("NOTION_LOCKED", `${key} is locked by another idse process`, {
      file: key,
      key,
      pid: "?",
    });
  }

  /** Queues behind this process's holders of `key`; a waiter that times out passes its turn on. */
  private async enterLocal(key: string, deadline: number): Promise<() => void> {
    const prev = this.local.get(key) ?? Promise.resolve();
    let leave!: () => void;
    const mine = new Promise<void>((r) => {
      leave = r;
    });
    this.local.set(
      key,
      prev.then(() => mine),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), Math.max(0, deadline - Date.now()));
    });
    const won = await Promise.race([prev.then(() => "turn" as const), timeout]);
    clearTimeout(timer);
    if (won === "timeout") {
      void prev.then(leave);
      throw this.locked(key);
    }
    return leave;
  }

  private async takeNotion(key: string, deadline: number): Promise<{ pageId: string; holder: string }> {
    const random = this.o.random ?? Math.random;
    for (;;) {
      const live = await this.live(key);
      if (live.length === 0) {
        const holder = randomUUID();
        const page = await this.pages.createLock(key, holder, Date.now() + this.o.ttlMs);
        const others = (await this.live(key)).filter((id) => id !== page.id);
        if (others.length === 0) return { pageId: page.id, holder };
        await this.pages.trash(page.id).catch(() => {});
      }
      const left = deadline - Date.now();
      if (left <= 0) throw this.locked(key);
      await sleep(Math.min(left, this.o.pollMs * (0.5 + random())));
    }
  }

  /** Ids of the live lock pages of `key`; expired ones are trashed on the way. */
  private async live(key: string): Promise<string[]> {
    const now = Date.now();
    const locks = (await this.pages.entries(key, { below: false })).filter((e) => e.record.kind === "lock");
    const expired = locks.filter((e) => e.record.kind === "lock" && e.record.expires <= now);
    await Promise.allSettled(expired.map((e) => this.pages.trash(e.page.id)));
    return locks.filter((e) => !expired.includes(e)).map((e) => e.page.id);
  }
}
