import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSection, updateRepoConfig, withRepoLock } from "../../src/config.ts";
import { beginIntent, readIntent } from "../../src/intent-journal.ts";
import { recoverProject } from "../../src/recovery.ts";
import { createSession } from "../../src/session-graph.ts";
import { pointStateAt, writeStageStateDoc } from "../../src/stage-state.ts";
import { keys } from "../../src/store/layout.ts";
import { createMemoryStore } from "../../src/store/memory.ts";
import { sweepTemps, tempPid } from "../../src/store/temp-sweep.ts";
import { idse, tempDir } from "../helpers.ts";

const NOW = "2026-01-01T00:00:00.000Z";

/** The pid of a process that has exited (so no longer alive). */
function deadPid(): number {
  const p = Bun.spawnSync([process.execPath, "-e", "0"]);
  return p.pid;
}

async function project() {
  const store = createMemoryStore();
  const base = {
    type: "feature" as const,
    parent: null,
    owner: "o",
    description: null,
    stack: "go",
    now: NOW,
  };
  await createSession(store, "shop", { ...base, id: "__blueprint__", type: "blueprint" });
  await store.write(keys.currentSession("shop"), "__blueprint__");
  await pointStateAt(store, "shop", "__blueprint__", NOW);
  return store;
}

describe("temp sweep", () => {
  test("only idse's own temp names, only of processes that are gone", () => {
    const dir = tempDir("idse-sweep-");
    mkdirSync(join(dir, "a", "b"), { recursive: true });
    const dead = deadPid();
    const files = {
      dead: `a/b/config.json.${dead}.3.tmp`,
      deadLock: `a/.idse.lock.${dead}.tmp`,
      live: `a/config.json.${process.ppid}.1.tmp`,
      mine: `config.json.${process.pid}.1.tmp`,
      user: "notes.tmp",
      userDotted: "report.v2.tmp",
    };
    for (const f of Object.values(files)) writeFileSync(join(dir, f), "x");
    expect(tempPid(`x.${dead}.1.tmp`)).toBe(dead);
    expect(tempPid("notes.tmp")).toBeUndefined();
    expect(sweepTemps(dir)).toEqual([]); // not recursive: nothing of idse's at the top
    expect(sweepTemps(dir, { recursive: true }).sort()).toEqual([files.deadLock, files.dead].sort());
    for (const f of [files.live, files.mine, files.user, files.userDotted]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    expect(sweepTemps(join(dir, "missing"))).toEqual([]);
  });

  test("a symlinked folder is not gone into: what it leads to (outside the repository) is left alone", async () => {
    const repo = tempDir("idse-sweep-repo-");
    const outside = tempDir("idse-sweep-outside-");
    const dead = deadPid();
    const theirs = join(outside, `data.json.${dead}.1.tmp`);
    writeFileSync(theirs, "someone else's");
    mkdirSync(join(repo, ".idse", "governance"), { recursive: true });
    symlinkSync(outside, join(repo, ".idse", "governance", "link"));
    expect(sweepTemps(join(repo, ".idse", "governance"), { recursive: true })).toEqual([]);
    // And through the start of any command (recoverAtStart sweeps .idse's folders).
    await idse(["status"], { cwd: repo });
    expect(readFileSync(theirs, "utf8")).toBe("someone else's");
  });
});

describe("recoverProject", () => {
  test("a session create killed before session.json is rolled back; CURRENT_SESSION is untouched", async () => {
    const store = await project();
    await beginIntent(store, "shop", { op: "session-create", session: "half", make_current: true });
    await store.write(keys.artifact("shop", "half", "intent"), "# Intent\n");
    const done = await recoverProject(store, "shop", NOW);
    expect(done).toEqual(["rolled back the unfinished creation of session half in shop"]);
    expect(await store.has(keys.session("shop", "half"))).toBe(false);
    expect(await store.read(keys.currentSession("shop"))).toBe("__blueprint__");
    expect(await readIntent(store, "shop")).toBeUndefined();
  });

  test("a session create killed after session.json is finished: current, and state agrees", async () => {
    const store = await project();
    await beginIntent(store, "shop", { op: "session-create", session: "whole", make_current: true });
    const base = {
      type: "feature" as const,
      parent: null,
      owner: "o",
      description: null,
      stack: "go",
      now: NOW,
    };
    await createSession(store, "shop", { ...base, id: "whole" });
    const done = await recoverProject(store, "shop", NOW);
    expect(done).toEqual(["finished the interrupted creation of session whole in shop"]);
    expect(await store.read(keys.currentSession("shop"))).toBe("whole");
    expect(JSON.parse((await store.read(keys.sessionState("shop")))!).session_id).toBe("whole");
  });

  test("a stage change killed between the two files: session_state.json takes stage_state.json's stages", async () => {
    const store = await project();
    await beginIntent(store, "shop", { op: "stage-mirror", session: "__blueprint__" });
    const stages = JSON.parse((await store.read(keys.sessionState("shop")))!).stages;
    await writeStageStateDoc(
      store,
      "shop",
      "__blueprint__",
      { ...stages, plan: "completed" },
      "unknown",
      NOW,
    );
    expect(await recoverProject(store, "shop", NOW)).toHaveLength(1);
    expect(JSON.parse((await store.read(keys.sessionState("shop")))!).stages.plan).toBe("completed");
    expect(await recoverProject(store, "shop", NOW)).toEqual([]); // nothing left to do
  });

  test("an unreadable journal names nothing: it is removed", async () => {
    const store = await project();
    await store.write(keys.intent("shop"), "{not json");
    expect(await recoverProject(store, "shop", NOW)).toEqual([
      "removed an unreadable intent journal of project shop",
    ]);
    expect(await store.has(keys.intent("shop"))).toBe(false);
  });
});

describe("updateRepoConfig", () => {
  test("a refused change writes nothing and releases the lock", async () => {
    const idseDir = join(tempDir("idse-cfg-"), ".idse");
    mkdirSync(idseDir);
    writeFileSync(join(idseDir, "config.json"), '{"owner":"a"}');
    await expect(
      updateRepoConfig(idseDir, (obj) => {
        obj.owner = "b";
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(readFileSync(join(idseDir, "config.json"), "utf8")).toBe('{"owner":"a"}');
    expect(existsSync(join(idseDir, ".idse.lock"))).toBe(false);
    // Reentrant: a change inside a held repository lock does not wait for itself.
    await withRepoLock(idseDir, 1000, () =>
      updateRepoConfig(idseDir, (obj) => {
        obj.sync = { secret_allowlist: [{ fingerprint: "aws-key:0123456789abcdef" }] };
      }),
    );
    expect(readSection(idseDir, "sync")?.secret_allowlist?.[0]?.fingerprint).toBe("aws-key:0123456789abcdef");
    expect(existsSync(join(idseDir, ".idse.lock"))).toBe(false);
  });
});

describe("a store switched while a command waited for the lock", () => {
  test("the waiting command changes nothing and says STORE_CHANGED", async () => {
    const { createFilesystemStore } = await import("../../src/store/fs.ts");
    const { idse, initShop } = await import("../helpers.ts");
    const cwd = await initShop("--no-create-agent-files");
    const idseDir = join(cwd, ".idse");
    const fs = createFilesystemStore(idseDir);
    // The lock is granted only after "another process" (this test) has switched the store, as a
    // migration holding the lock would have done by the time it lets go.
    const store = {
      ...fs,
      async lock(key: string, o: { timeoutMs: number }) {
        writeFileSync(join(idseDir, "config.json"), JSON.stringify({ store: { plugin: "sqlite-store" } }));
        return fs.lock!(key, o);
      },
    };
    const r = await idse(["session", "create", "late", "--json"], { cwd, io: { store } });
    expect(r.code).toBe(1);
    expect(r.json?.diagnostics[0]?.code).toBe("STORE_CHANGED");
    expect(existsSync(join(idseDir, "projects", "shop", "sessions", "late"))).toBe(false);
  });
});
