import type { SecretFinding, SyncOutcome, SyncResult } from "../models/sync.ts";
import type { PutOutcome, SyncTransport } from "../plugins/api.ts";
import { type DesignStore, sha256Hex } from "../store/contract.ts";
import { displayKey } from "../store/documents.ts";
import { gcPacer } from "./gc-pace.ts";
import type { Plan, PlanItem } from "./plan.ts";
import { sideKey } from "./plan.ts";
import { isSpineDocument, spineChanged } from "./spine.ts";
import type { SyncState } from "./state.ts";

// Applying a plan in one direction. Only what the plan says moves, each artifact on its own: a failure,
// conflict, blocked secret or held-back change of one never stops the others, and the base (the sync
// state) moves only for the artifacts that succeeded. Writes to the remote are conditional (If-Match on
// the version listed, or create-only), so a remote edit made after the plan is never overwritten; a
// refused write whose remote text turns out to equal ours (a retried request that had already landed)
// counts as done, which is what makes an interrupted push safe to run again.

export interface ApplyOptions {
  direction: "push" | "pull";
  dryRun: boolean;
  force: boolean;
  yes: boolean;
  acceptSpine: boolean;
  concurrency: number;
  /** Fingerprints from sync.secret_allowlist. */
  allowlist: Set<string>;
  onProgress?(done: number, total: number): void;
}

export interface Applied {
  results: SyncResult[];
  /** Sessions that received a pulled document. */
  pulledSessions: Set<string>;
  /** Whether any base entry was added, changed or dropped: if not, the base file need not be rewritten. */
  baseChanged: boolean;
}

/** A push queued in a batch: its result once the batch is sent. */
interface Later {
  later: Promise<SyncResult>;
}

export const FAILED_OUTCOMES: readonly SyncOutcome[] = ["conflict", "blocked", "held", "failed"];
export const MOVED_OUTCOMES: readonly SyncOutcome[] = ["pushed", "pulled", "removed", "planned"];

/** `put` with the create-only extension understood by idse's transports (HTTP If-None-Match: *). */
type Put = (
  key: string,
  text: string,
  o?: { ifMatch?: string; ifNoneMatch?: "*" },
) => Promise<{ etag?: string }>;

/**
 * A push batch's size (transports with putMany): large enough that the lock and the folder fsyncs are paid
 * rarely, small enough to bound the texts held at once. Measured on the 10,001-session first push
 * (docs/benchmarks.md, "Scaling").
 */
const BATCH_DOCS = 512;
const BATCH_BYTES = 8 * 1024 * 1024;

const isStale = (err: unknown) => (err as { code?: unknown })?.code === "REMOTE_STALE";

function errorOf(err: unknown): { code: string; message: string } {
  const code = (err as { code?: unknown })?.code;
  return {
    code: typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : "REMOTE_ERROR",
    message: (err as Error)?.message ?? String(err),
  };
}

export async function applyPlan(
  store: DesignStore,
  transport: SyncTransport,
  plan: Plan,
  state: SyncState,
  o: ApplyOptions,
): Promise<Applied> {
  const pulledSessions = new Set<string>();
  const put = transport.put.bind(transport) as Put;

  const done = (item: PlanItem, outcome: SyncOutcome, message: string, extra: Partial<SyncResult> = {}) => {
    const { etag: _etag, base: _base, ...entry } = item;
    return { ...entry, outcome, message, ...extra } as SyncResult;
  };
  const fail = (item: PlanItem, err: unknown) => {
    const error = errorOf(err);
    return done(item, "failed", error.message, { error });
  };
  let baseChanged = false;
  const setBase = (key: string, hash: string, etag: string | undefined) => {
    // An entry set to what it already was leaves the file's bytes as they were (its key keeps its place).
    const prev = state.artifacts[key];
    if (prev?.hash !== hash || prev.etag !== etag || prev.pending_remote !== undefined) baseChanged = true;
    state.artifacts[key] = etag !== undefined ? { hash, etag } : { hash };
  };
  const dropBase = (key: string) => {
    if (Object.hasOwn(state.artifacts, key)) baseChanged = true;
    delete state.artifacts[key];
  };

  // ---- push side ----
  /** A document ready to send: read, checked for secrets, its write's condition decided. */
  interface Outgoing {
    item: PlanItem;
    text: string;
    hash: string;
    cond: { ifMatch?: string; ifNoneMatch?: "*" };
  }

  const preparePush = async (item: PlanItem): Promise<SyncResult | Outgoing> => {
    const text = await store.read(item.key);
    if (text === undefined) return done(item, "failed", "the local document disappeared during the push");
    // The guard's rules load on the first push, so commands that never push do not pay for them.
    const { findSecrets, findSecretsInNames } = await import("./guard.ts");
    // The key goes with the text: its project and session ids are scanned as the document is.
    const findings: SecretFinding[] = [
      ...(await findSecretsInNames([item.key], o.allowlist)),
      ...(await findSecrets(item.key, item.path, text, o.allowlist)),
    ];
    if (findings.length) {
      const n = findings.length;
      return done(item, "blocked", `${n} possible secret${n === 1 ? "" : "s"} found; nothing was sent`, {
        findings,
      });
    }
    if (o.dryRun) return done(item, "planned", "would be pushed");
    const cond =
      item.remote_hash !== null ? { ifMatch: item.etag ?? item.remote_hash } : { ifNoneMatch: "*" as const };
    return { item, text, hash: sha256Hex(text), cond };
  };

  /** The outcome of one write: stored, or refused (a stale refusal checked against the remote's text). */
  const settle = async (out: Outgoing, written: { etag?: string } | { error: unknown }) => {
    const { item, hash } = out;
    if (!("error" in written)) {
      setBase(item.key, hash, written.etag);
      return done(item, "pushed", "sent to the remote");
    }
    const err = written.error;
    if (!isStale(err)) return fail(item, err);
    try {
      const now = await transport.get(item.key);
      if (now && sha256Hex(now.text) === hash) {
        setBase(item.key, hash, now.etag);
        return done(item, "pushed", "sent to the remote (it already held this text)");
      }
    } catch (again) {
      return fail(item, again);
    }
    return done(item, "conflict", "the remote changed after the plan was made; nothing was overwritten", {
      error: errorOf(err),
    });
  };

  const pushOne = async (out: Outgoing): Promise<SyncResult> => {
    try {
      return await settle(out, await put(out.item.key, out.text, out.cond));
    } catch (err) {
      return settle(out, { error: err });
    }
  };

  // With a transport that takes batches, documents ready to send queue up and go in batches of at most
  // BATCH_DOCS documents or BATCH_BYTES of text, one batch at a time; the worker that fills a batch sends
  // it (and waits), so only about one batch of texts is held in memory.
  const batching = transport.putMany !== undefined && !o.dryRun;
  let queue: { out: Outgoing; resolve(r: SyncResult): void }[] = [];
  let queuedBytes = 0;
  let sending: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = queue;
    queue = [];
    queuedBytes = 0;
    if (!batch.length) return sending;
    sending = sending.then(async () => {
      let outcomes: PutOutcome[] | undefined;
      let failure: unknown;
      try {
        outcomes = await transport.putMany!(
          batch.map(({ out }) => ({ key: out.item.key, text: out.text, ...out.cond })),
        );
      } catch (err) {
        failure = err;
      }
      for (const [i, { out, resolve }] of batch.entries()) {
        const written = outcomes?.[i] ?? { error: failure ?? new Error("the remote gave no answer") };
        resolve(await settle(out, written));
      }
    });
    return sending;
  };

  /** Sent now, or (batching) queued: then its result comes with its batch, `later`. */
  const pushText = async (item: PlanItem): Promise<SyncResult | Later> => {
    const ready = await preparePush(item);
    if (!("text" in ready)) return ready;
    if (!batching) return pushOne(ready);
    const later = new Promise<SyncResult>((resolve) => queue.push({ out: ready, resolve }));
    queuedBytes += ready.text.length;
    // The worker that fills a batch waits for it to be sent: that bounds the texts read ahead.
    if (queue.length >= BATCH_DOCS || queuedBytes >= BATCH_BYTES) await flush();
    return { later };
  };

  const removeRemote = async (item: PlanItem, why: string): Promise<SyncResult> => {
    if (!o.yes) return done(item, "held", `${why}; pass --yes to delete it on the remote too`);
    if (!transport.remove) {
      return done(item, "failed", "this remote cannot delete documents", {
        error: { code: "REMOTE_ERROR", message: "the transport has no remove()" },
      });
    }
    if (o.dryRun) return done(item, "planned", "would be deleted on the remote");
    try {
      await transport.remove(item.key, { ifMatch: item.etag ?? item.remote_hash ?? undefined });
      dropBase(item.key);
      return done(item, "removed", "deleted on the remote");
    } catch (err) {
      if (isStale(err)) return done(item, "conflict", "the remote changed after the plan; not deleted");
      return fail(item, err);
    }
  };

  // ---- pull side ----
  /** The local text now, checked against the plan: a local edit made meanwhile is never overwritten. */
  const localNow = async (item: PlanItem) => {
    const text = await store.read(item.key);
    const hash = text === undefined ? null : sha256Hex(text);
    return { text, unchanged: hash === item.local_hash };
  };

  const pullText = async (item: PlanItem): Promise<SyncResult> => {
    const spine = isSpineDocument(item.key, plan.project);
    if (o.dryRun && !spine) return done(item, "planned", "would be pulled");
    const got = await transport.get(item.key);
    if (!got) return done(item, "failed", "gone from the remote since the plan was made");
    const local = await localNow(item);
    if (!local.unchanged)
      return done(item, "conflict", "changed locally while pulling; nothing was overwritten");
    if (spine && !o.acceptSpine && spineChanged(local.text, got.text)) {
      return done(
        item,
        "held",
        "the remote text changes the Product Spine table; review it and pass --accept-spine to take it",
      );
    }
    if (o.dryRun) return done(item, "planned", "would be pulled");
    await store.write(item.key, got.text);
    setBase(item.key, sha256Hex(got.text), got.etag);
    pulledSessions.add(item.session);
    return done(item, "pulled", "written here");
  };

  const keepBeside = async (item: PlanItem): Promise<SyncResult> => {
    const beside = displayKey(store, sideKey(item.key));
    const hint = "merge it into the document, delete the copy, then `idse sync push`";
    if (o.dryRun) {
      return done(item, "conflict", `changed on both sides; the remote text would be written to ${beside}`);
    }
    const got = await transport.get(item.key);
    if (!got) return done(item, "failed", "gone from the remote since the plan was made");
    await store.write(sideKey(item.key), got.text);
    const base = state.artifacts[item.key];
    state.artifacts[item.key] = { ...base, pending_remote: sha256Hex(got.text) };
    baseChanged = true;
    return done(item, "conflict", `changed on both sides; the remote text is in ${beside}: ${hint}`, {
      kept: beside,
    });
  };

  const removeLocal = async (item: PlanItem, why: string): Promise<SyncResult> => {
    if (!o.yes) return done(item, "held", `${why}; pass --yes to delete it here too`);
    const local = await localNow(item);
    if (!local.unchanged) return done(item, "conflict", "changed locally while pulling; not deleted");
    if (o.dryRun) return done(item, "planned", "would be deleted here");
    await store.remove(item.key);
    dropBase(item.key);
    return done(item, "removed", "deleted here");
  };

  const step = async (item: PlanItem): Promise<SyncResult | Later | undefined> => {
    if (item.action === "unchanged") return undefined;
    if (item.action === "deleted" && item.deleted_on === "both") {
      if (!o.dryRun) dropBase(item.key);
      return done(item, "unchanged", "deleted on both sides; dropped from the sync base");
    }
    if (o.direction === "push") {
      switch (item.action) {
        case "push":
          return pushText(item);
        case "pull":
          return done(item, "skipped", "changed on the remote: run `idse sync pull`");
        case "conflict":
          if (!o.force) {
            return done(
              item,
              "conflict",
              "changed on both sides: `idse sync pull` fetches the remote text beside yours; `idse sync push --force` overwrites the remote",
            );
          }
          return item.local_hash !== null
            ? pushText(item)
            : removeRemote(item, "deleted here, edited on the remote");
        default:
          if (item.deleted_on === "local") return removeRemote(item, "deleted here");
          if (o.force) return pushText(item);
          return done(
            item,
            "skipped",
            "deleted on the remote: `idse sync pull --yes` deletes it here, `idse sync push --force` restores it",
          );
      }
    }
    switch (item.action) {
      case "pull":
        return pullText(item);
      case "push":
        return done(item, "skipped", "changed here: run `idse sync push`");
      case "conflict":
        if (!o.force) return keepBeside(item);
        return item.remote_hash !== null
          ? pullText(item)
          : removeLocal(item, "deleted on the remote, edited here");
      default:
        if (item.deleted_on === "remote") return removeLocal(item, "deleted on the remote");
        if (o.force) return pullText(item);
        return done(
          item,
          "skipped",
          "deleted here: `idse sync push --yes` deletes it on the remote, `idse sync pull --force` restores it",
        );
    }
  };

  // Bounded concurrency: a few workers draining one queue (ten lines; no dependency needed for that).
  // Unchanged artifacts have no plan item; those whose base lags are brought up to date here.
  if (!o.dryRun) for (const r of plan.refresh) setBase(r.key, r.hash, r.etag);
  const results: (SyncResult | undefined)[] = new Array(plan.items.length);
  const work = plan.items.map((item, i) => ({ item, i }));
  let next = 0;
  let finished = 0;
  const pending: Promise<void>[] = [];
  // Each document pushed leaves its text, its secret scan and its request behind as garbage: collected
  // every few batches, so a first push of 70,007 documents stays near what it keeps (src/sync/gc-pace.ts).
  // Every two batches since the batch writer's syncfs: with no fsyncs to wait on, eight batches of garbage
  // took a first push at 10,001 sessions to 328-341 MB; every two, 275 MB.
  const pace = gcPacer(2 * BATCH_DOCS, true);
  const worker = async () => {
    while (next < work.length) {
      pace();
      const { item, i } = work[next++]!;
      let r: SyncResult | Later | undefined;
      try {
        r = await step(item);
      } catch (err) {
        r = fail(item, err);
      }
      if (r && "later" in r) {
        // Queued in a batch: the worker goes on preparing the next document.
        pending.push(
          r.later.then((res) => {
            results[i] = res;
            o.onProgress?.(++finished, work.length);
          }),
        );
        continue;
      }
      results[i] = r;
      o.onProgress?.(++finished, work.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, work.length)) }, worker));
  await flush();
  await Promise.all(pending);
  return { results: results.filter((r): r is SyncResult => r !== undefined), pulledSessions, baseChanged };
}
