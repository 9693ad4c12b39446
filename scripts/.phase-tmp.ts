// temporary phase timer (not committed)
import { join } from "node:path";
import { sha256Hex } from "../src/design-store.ts";
import { attachStatCache, openStatCache } from "../src/stat-cache.ts";
import { createFilesystemStore } from "../src/stores/fs.ts";
import { makePlan } from "../src/sync/plan.ts";
import { readSyncState } from "../src/sync/state.ts";
import { storeTransport } from "../src/sync/store-transport.ts";

const ws = process.argv[2]!;
const remoteDir = process.argv[3]!;
const idse = join(ws, ".idse");
let t = performance.now();
const lap = (what: string) => {
  const n = performance.now();
  const r0 = process.memoryUsage().rss;
  if (process.env.GC) Bun.gc(true);
  console.log(
    "   rss before gc",
    (r0 / 2 ** 20).toFixed(0),
    "heap",
    (require("bun:jsc").heapSize() / 2 ** 20).toFixed(0),
  );
  console.log(
    what.padEnd(24),
    (n - t).toFixed(0),
    "ms",
    (process.memoryUsage().rss / 2 ** 20).toFixed(0),
    "MB",
  );
  t = n;
};
const store = createFilesystemStore(idse);
attachStatCache(store, openStatCache(idse, "local"));
lap("local cache load");
const rstore = createFilesystemStore(remoteDir);
attachStatCache(rstore, openStatCache(idse, `remote-${sha256Hex(remoteDir).slice(0, 16)}`));
lap("remote cache load");
const state = await readSyncState(store, "bench", "scale", remoteDir);
lap("state");
const tr = storeTransport(rstore);
const listed = await tr.list("projects/bench/sessions");
lap(`remote list ${listed.length}`);
const plan = await makePlan({
  store,
  transport: { ...tr, list: async () => listed },
  project: "bench",
  scope: { kind: "all" },
  state,
  report: () => {},
});
lap("plan (local+merge)");
console.log(plan.counts);
