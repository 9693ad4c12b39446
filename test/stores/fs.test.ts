import { expect, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { IdseError } from "../../src/errors.ts";
import { createFilesystemStore } from "../../src/store/fs.ts";
import { tempDir } from "../helpers.ts";

// What the conformance suite (test/conformance/store/) cannot say about the filesystem store.

test("writes leave no temporary files behind", async () => {
  const root = join(tempDir(), ".idse");
  const s = createFilesystemStore(root);
  for (let i = 0; i < 20; i++) await s.write("projects/p/session_state.json", `{"n":${i}}`);
  await s.writeMany!([["projects/p/a.md", "a"]]);
  expect(readdirSync(join(root, "projects/p")).sort()).toEqual(["a.md", "session_state.json"]);
});

test("a lock held by a live process times out with LOCKED; a dead holder's lock is taken over", async () => {
  const root = join(tempDir(), ".idse");
  const s = createFilesystemStore(root);
  mkdirSync(join(root, "projects/p"), { recursive: true });
  // Our own parent process is alive, so its lock must be respected.
  writeFileSync(join(root, "projects/p/.idse.lock"), `${process.ppid} ${hostname()} 2026-01-01T00:00:00Z`);
  const err = await s.lock!("projects/p/.idse.lock", { timeoutMs: 50 }).catch((e) => e);
  expect(err).toBeInstanceOf(IdseError);
  expect((err as IdseError).code).toBe("LOCKED");
  // A pid that cannot exist: the lock is stale and is taken over.
  writeFileSync(join(root, "projects/p/.idse.lock"), `2147483646 ${hostname()} 2026-01-01T00:00:00Z`);
  const release = await s.lock!("projects/p/.idse.lock", { timeoutMs: 10_000 });
  await release();
  expect(readdirSync(join(root, "projects/p"))).toEqual([]);
});
