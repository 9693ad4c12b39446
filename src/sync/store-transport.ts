import type { PutItem, PutOutcome, RemoteEntry, SyncTransport } from "../plugins/api.ts";
import { writeFilesAtomic } from "../store/atomic-files.ts";
import { assertKey, type DesignStore, sha256Hex, withLock } from "../store/contract.ts";
import { storeBoundary } from "../store/fs.ts";
import { STAGE_PATHS } from "../store/layout.ts";
import { hashKeys } from "./hash.ts";

// Any DesignStore as a sync remote: a filesystem path now (which keeps the canonical layout, so the
// remote is browsable and can itself be a workspace's .idse), and every store plugin once the plugin
// host lands. The version tag is the sha256 of the text, so If-Match compares content; the check and the
// write happen under the store's lock, so two idse processes cannot both win one version.
//
// putMany (a push's batches, src/sync/apply.ts) takes the lock once per batch instead of once per file,
// checks every version, and writes a filesystem remote with the batch writer (src/store/atomic-files.ts: temp
// files, fsyncs overlapped, renames, then each folder fsynced once): a first push of 70,007 documents
// paid one lock and one waited-for fsync per file before (docs/benchmarks.md, "Scaling").

const LOCK_KEY = ".sync.lock";
const LOCK_TIMEOUT_MS = 10_000;

export function staleError(key: string): Error & { code: "REMOTE_STALE" } {
  return Object.assign(new Error(`${key} changed on the remote`), { code: "REMOTE_STALE" as const });
}

/** A store's failure code (STORE_ERROR_CODES) → the transport code the sync engine reports it with. */
const TRANSPORT_CODE: Record<string, string> = {
  STORE_UNREACHABLE: "REMOTE_UNREACHABLE",
  STORE_CONNECTION_LOST: "REMOTE_UNREACHABLE",
  STORE_AUTH: "REMOTE_AUTH",
};

/**
 * A plugin store's error as a transport error, so the engine names the remote ("remote "team" cannot be
 * reached") instead of a store that could as well be the workspace's own. Its message and code are kept
 * (`store_code`); anything else (a file system error with its path, a stale write) passes unchanged.
 */
export function asTransportError(err: unknown): unknown {
  const e = err as { code?: unknown; data?: { reason?: unknown }; message?: string };
  if (typeof e?.code !== "string" || !(/^STORE_/.test(e.code) || e.code === "LOCKED")) return err;
  const reason = typeof e.data?.reason === "string" ? e.data.reason : (e.message ?? String(err));
  return Object.assign(new Error(`${reason} (${e.code})`), {
    code: TRANSPORT_CODE[e.code] ?? "REMOTE_ERROR",
    store_code: e.code,
    cause: err,
  });
}

/** Runs `fn`, turning a store's error into a transport error. */
async function remoteCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asTransportError(err);
  }
}

/** Files (not folders) among the entries of a listTree. */
function filesOf(entries: string[]): string[] {
  const dirs = new Set<string>();
  for (const e of entries) {
    for (let i = e.indexOf("/"); i >= 0; i = e.indexOf("/", i + 1)) dirs.add(e.slice(0, i));
  }
  return entries.filter((e) => !dirs.has(e));
}

async function walk(store: DesignStore, prefix: string): Promise<string[]> {
  if (store.listTree) return (await store.listTree(prefix)).map((rel) => `${prefix}/${rel}`);
  const out: string[] = [];
  for (const e of await store.list(prefix)) {
    const key = `${prefix}/${e.name}`;
    out.push(key);
    if (e.kind === "dir") out.push(...(await walk(store, key)));
  }
  return out;
}

export function storeTransport(store: DesignStore): SyncTransport & { store: DesignStore } {
  const hashOf = async (key: string) => {
    if (store.hash) return store.hash(key);
    const text = await store.read(key);
    return text === undefined ? undefined : sha256Hex(text);
  };
  const guarded = <T>(fn: () => Promise<T>) => withLock(store, LOCK_KEY, LOCK_TIMEOUT_MS, fn);

  async function list(prefix: string): Promise<RemoteEntry[]> {
    const out: RemoteEntry[] = [];
    // Sessions hold more than their seven documents; naming the documents spares walking the rest
    // (a third of `sync status` on 1,001 sessions went to the recursive listing).
    const sessions = /^projects\/[^/]+\/sessions(\/[^/]+)?$/.exec(prefix);
    if (sessions) {
      const dirs = sessions[1]
        ? [prefix]
        : (await store.list(prefix)).filter((e) => e.kind === "dir").map((e) => `${prefix}/${e.name}`);
      const wanted = dirs.flatMap((dir) => Object.values(STAGE_PATHS).map((rel) => `${dir}/${rel}`));
      for (const [key, hash] of await hashKeys(store, wanted)) out.push({ key, hash, etag: hash });
      return out;
    }
    for (const key of filesOf(await walk(store, prefix))) {
      if (key.endsWith(LOCK_KEY)) continue;
      const hash = await hashOf(key);
      if (hash !== undefined) out.push({ key, hash, etag: hash });
    }
    return out;
  }

  async function get(key: string) {
    const text = await store.read(key);
    return text === undefined ? undefined : { text, etag: sha256Hex(text) };
  }

  async function put(key: string, text: string, o?: { ifMatch?: string; ifNoneMatch?: "*" }) {
    const write = async () => {
      await store.write(key, text);
      return { etag: sha256Hex(text) };
    };
    if (o?.ifMatch === undefined && o?.ifNoneMatch === undefined) return write();
    return guarded(async () => {
      const current = await hashOf(key);
      if (o.ifNoneMatch === "*" ? current !== undefined : current !== o.ifMatch) throw staleError(key);
      return write();
    });
  }

  async function putMany(items: readonly PutItem[]): Promise<PutOutcome[]> {
    return guarded(async () => {
      const current = await hashKeys(
        store,
        items.map((it) => it.key),
      );
      const out: PutOutcome[] = [];
      const accepted: PutItem[] = [];
      for (const it of items) {
        const now = current.get(it.key);
        const stale =
          it.ifNoneMatch === "*" ? now !== undefined : it.ifMatch !== undefined && now !== it.ifMatch;
        out.push(stale ? { error: staleError(it.key) } : { etag: sha256Hex(it.text) });
        if (!stale) accepted.push(it);
      }
      if (store.kind === "filesystem") {
        const { base, within } = storeBoundary(store);
        const files = accepted.map((it) => ({ path: base + assertKey(it.key), text: it.text }));
        await writeFilesAtomic(files, within, { syncDirs: true });
      } else if (store.writeMany) {
        await store.writeMany(accepted.map((it) => [it.key, it.text] as [string, string]));
      } else {
        for (const it of accepted) await store.write(it.key, it.text);
      }
      return out;
    });
  }

  async function remove(key: string, o?: { ifMatch?: string }) {
    if (o?.ifMatch === undefined) return store.remove(key);
    await guarded(async () => {
      const current = await hashOf(key);
      if (current === undefined) return;
      if (current !== o.ifMatch) throw staleError(key);
      await store.remove(key);
    });
  }

  return {
    store,
    list: (prefix) => remoteCall(() => list(prefix)),
    get: (key) => remoteCall(() => get(key)),
    put: (key, text, o?: { ifMatch?: string; ifNoneMatch?: "*" }) => remoteCall(() => put(key, text, o)),
    remove: (key, o) => remoteCall(() => remove(key, o)),
    putMany: (items) => remoteCall(() => putMany(items)),
    async dispose() {
      await store.dispose?.();
    },
  };
}
