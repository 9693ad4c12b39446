import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFilesystemStore } from "../../src/store/fs.ts";
import { requireBinary } from "../e2e/util.ts";
import { BINARY, idse, tempDir } from "../helpers.ts";
import { spawnIdse } from "./audit.ts";

// Two `idse store migrate` at once. Each opens its workspace (and so its source store) before it takes
// the repository lock; the one that waits must not copy from a store the other has already migrated away
// from, or it would overwrite the target with what the old store still holds. Under the lock it reads
// config.json again: already the target, it answers as a later run would (STORE_SAME); another store,
// STORE_CHANGED. Nothing is copied either way.

beforeAll(requireBinary);

const ENV = { IDSE_LOCK_TIMEOUT_MS: "600000" };
const config = (cwd: string) => JSON.parse(readFileSync(join(cwd, ".idse", "config.json"), "utf8"));
const errorOf = (json: { diagnostics: { severity: string; code: string }[] } | undefined) =>
  json?.diagnostics.find((d) => d.severity === "error")?.code;
const spec = ".idse/projects/shop/sessions/__blueprint__/specs/spec.md";

async function shop(): Promise<string> {
  const cwd = tempDir("idse-migrate-race-");
  const r = await spawnIdse(["init", "shop", "--no-create-agent-files"], cwd);
  expect(r.code, r.stderr).toBe(0);
  return cwd;
}

/**
 * This process's filesystem store, which runs a whole other migration to sqlite-store (the compiled
 * binary, to its end) the first time this one lists the projects: after its workspace was opened, before
 * its lock. `after` runs once the other migration is done. Returns the store and the other run's result.
 */
function storeRacedBy(cwd: string, after: () => void = () => {}) {
  const fs = createFilesystemStore(join(cwd, ".idse"), cwd);
  const race: { other?: ReturnType<typeof spawnSync> } = {};
  const store = {
    ...fs,
    list: async (prefix: string) => {
      if (prefix === "projects" && !race.other) {
        race.other = spawnSync(BINARY, ["store", "migrate", "--to", "sqlite-store", "--json"], {
          cwd,
          env: { HOME: cwd, PATH: process.env.PATH ?? "", ...ENV },
          encoding: "utf8",
        });
        after();
      }
      return fs.list(prefix);
    },
  };
  return { store, race };
}

test("a migration that ran after this one opened its workspace: this one copies nothing (STORE_SAME)", async () => {
  const cwd = await shop();
  // The old store is stale once the other migration ran: what it left on disk is not the workspace's.
  const { store, race } = storeRacedBy(cwd, () =>
    writeFileSync(join(cwd, spec), "# stale text the filesystem kept after the migration\n"),
  );
  const r = await idse(["store", "migrate", "--to", "sqlite-store", "--json"], {
    cwd,
    env: ENV,
    io: { store },
  });
  expect(race.other?.status, String(race.other?.stderr)).toBe(0);
  expect({ code: r.code, error: errorOf(r.json) }).toEqual({ code: 1, error: "STORE_SAME" });
  expect(config(cwd).store).toEqual({ plugin: "sqlite-store" });
  // The sqlite store still holds the text the first migration copied, not the stale file.
  const read = await spawnIdse(["artifact", "read", "--stage", "spec", "--session", "__blueprint__"], cwd);
  expect(read.code, read.stderr).toBe(0);
  expect(read.stdout).not.toContain("stale text");
}, 120_000);

test("a migration elsewhere in between: this one copies nothing (STORE_CHANGED)", async () => {
  const cwd = await shop();
  const { store, race } = storeRacedBy(cwd);
  const r = await idse(
    ["store", "migrate", "--to", "sqlite-store", "--option", "path=.idse/other.db", "--json"],
    {
      cwd,
      env: ENV,
      io: { store },
    },
  );
  expect(race.other?.status, String(race.other?.stderr)).toBe(0);
  expect({ code: r.code, error: errorOf(r.json) }).toEqual({ code: 1, error: "STORE_CHANGED" });
  expect(config(cwd).store).toEqual({ plugin: "sqlite-store" });
}, 120_000);

test("four processes migrate a fresh workspace at once, the plugin not yet installed: one migrates", async () => {
  const cwd = await shop();
  for (const s of ["x", "y"]) expect((await spawnIdse(["session", "create", s], cwd)).code).toBe(0);
  const exits = await Promise.all(
    Array.from({ length: 4 }, () =>
      spawnIdse(["store", "migrate", "--to", "sqlite-store", "--json"], cwd, { env: ENV }),
    ),
  );
  const outcomes = exits.map((e) => (e.code === 0 ? "ok" : errorOf(JSON.parse(e.stdout))));
  // Whether a loser opened its workspace before or after the switch, it answers as a later run would.
  expect(outcomes.sort()).toEqual(["STORE_SAME", "STORE_SAME", "STORE_SAME", "ok"]);
  expect(config(cwd).store).toEqual({ plugin: "sqlite-store" });
  const r = await spawnIdse(["sessions", "--json"], cwd);
  expect(
    JSON.parse(r.stdout)
      .data.sessions.map((s: { session_id: string }) => s.session_id)
      .sort(),
  ).toEqual(["__blueprint__", "x", "y"]);
}, 300_000);
