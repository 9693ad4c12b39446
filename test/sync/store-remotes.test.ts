import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSqliteStore } from "../../plugins/sqlite-store/src/store.ts";
import type { DesignStore } from "../../src/store/contract.ts";
import { storeCore } from "../../src/store/core.ts";
import { STAGE_PATHS, STAGES } from "../../src/store/layout.ts";
import { tempDir } from "../helpers.ts";
import { FakeNotion, TOKEN as NOTION_TOKEN } from "../stores/notion/fake-notion.ts";
import { openNotion } from "../stores/notion/host.ts";
import { freshSchema, freshTenant, openPg, PG_URL, pgUnavailable } from "../stores/pg.ts";
import { randomString, secretCorpus } from "./corpus.ts";
import { outcomes, PROJECT, type Ws, workspace, wsAt } from "./util.ts";

// Every store plugin is a sync remote (issue #9, scope 5): sqlite-store, postgres-store and notion-store,
// each loaded through the plugin host from the copy bundled in this build, exactly as `idse sync` does
// for a user. The remote side is then read and edited through the same plugin, opened directly, as a
// teammate whose workspace lives in that store would.

interface Kind {
  name: string;
  unavailable?: string;
  /** `remote add` arguments after the name, the environment the remote needs, and a handle on it. */
  setup(): Promise<{ args: string[]; env: Record<string, string>; open(): Promise<DesignStore> }>;
}

const fakes: FakeNotion[] = [];
afterAll(async () => {
  for (const f of fakes.splice(0)) await f.stop();
});

const KINDS: Kind[] = [
  {
    name: "sqlite-store",
    async setup() {
      const path = join(tempDir("idse-sqlite-remote-"), "team.db");
      return {
        args: [path, "--plugin", "sqlite-store"],
        env: {},
        open: async () => storeCore(createSqliteStore({ path })),
      };
    },
  },
  {
    name: "postgres-store",
    unavailable: pgUnavailable,
    async setup() {
      const schema = freshSchema("remote");
      const tenant = freshTenant();
      return {
        args: ["--plugin", "postgres-store", "--option", `schema=${schema}`, "--option", `tenant=${tenant}`],
        env: { IDSE_POSTGRES_URL: PG_URL! },
        open: () => openPg({ schema, tenant }),
      };
    },
  },
  {
    name: "notion-store",
    async setup() {
      const fake = await new FakeNotion().start();
      fakes.push(fake);
      const fast = JSON.stringify({ base_delay_ms: 5, max_delay_ms: 20 });
      return {
        args: [
          "--plugin",
          "notion-store",
          "--option",
          `database_id=${fake.model.databaseId}`,
          "--option",
          `base_url=${fake.url}`,
          "--option",
          `retry=${fast}`,
          "--option",
          "concurrency=8",
        ],
        env: { NOTION_TOKEN },
        open: async () => (await openNotion(fake)).store,
      };
    },
  },
];

const key = (session: string, stage: keyof typeof STAGE_PATHS) =>
  `projects/${PROJECT}/sessions/${session}/${STAGE_PATHS[stage]}`;

async function remoteArtifacts(store: DesignStore, sessions: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const session of sessions) {
    for (const stage of STAGES) {
      const text = await store.read(key(session, stage));
      if (text !== undefined) out[`${session}/${STAGE_PATHS[stage]}`] = text;
    }
  }
  return out;
}

async function withRemote(kind: Kind, sessions: string[] = []) {
  const remote = await kind.setup();
  const ws: Ws = await workspace(sessions, remote.env);
  const add = await ws.json(["remote", "add", "team", ...remote.args]);
  expect(add.code, add.stdout).toBe(0);
  return { ws, open: remote.open };
}

for (const kind of KINDS) {
  describe.skipIf(kind.unavailable !== undefined && !process.env.CI)(`a ${kind.name} remote`, () => {
    test("push, an edit on the remote, pull: byte for byte, through the plugin host", async () => {
      const { ws, open } = await withRemote(kind, ["auth"]);
      const push = await ws.json(["sync", "push", "--all-sessions"]);
      expect(push.code, push.stdout + push.stderr).toBe(0);
      expect(push.json.data.remote).toMatchObject({ name: "team", plugin: kind.name });
      expect(push.json.data.moved).toBe(14);
      const store = await open();
      try {
        expect(await remoteArtifacts(store, ["__blueprint__", "auth"])).toEqual(ws.artifacts());
        const edited = "# Spec\n\nedited by a teammate: ünïcødé ✓, CRLF\r\n\n";
        await store.write(key("auth", "spec"), edited);
        const pull = await ws.json(["sync", "pull", "--all-sessions"]);
        expect(pull.code, pull.stdout).toBe(0);
        expect(outcomes(pull)).toEqual({ "auth/spec": "pulled" });
        expect(ws.read("auth", "spec")).toBe(edited);
        expect((await ws.json(["sync", "status", "--all-sessions"])).json.data.entries).toEqual([]);
      } finally {
        await store.dispose?.();
      }
    }, 60_000);

    test("push then pull is the identity: random edits in two checkouts arrive byte for byte", async () => {
      const { ws: a, open } = await withRemote(kind, ["auth"]);
      expect((await a.run(["sync", "push", "--all-sessions"])).code).toBe(0);
      const b = wsAt(tempDir("idse-clone-"), a.env);
      cpSync(join(a.cwd, ".idse"), join(b.cwd, ".idse"), { recursive: true });
      // A second checkout is another repository: its remote's URL (notion's) is approved there too.
      expect((await b.json(["trust"])).code).toBe(0);
      let n = 0;
      for (const [writer, reader] of [
        [a, b],
        [b, a],
      ] as const) {
        for (const session of ["__blueprint__", "auth"]) {
          for (const stage of STAGES) {
            if (n++ % 3 !== 0) continue;
            writer.write(session, stage, `# ${stage}\n\n${randomString("abc xyz\n", 300, n)}\nünïcødé ✓\r\n`);
          }
        }
        const pushed = await writer.json(["sync", "push", "--all-sessions"]);
        expect(pushed.code, pushed.stdout).toBe(0);
        expect(pushed.json.data.moved).toBeGreaterThan(0);
        const pulled = await reader.json(["sync", "pull", "--all-sessions"]);
        expect(pulled.code, pulled.stdout).toBe(0);
        expect(reader.artifacts()).toEqual(writer.artifacts());
      }
      const store = await open();
      try {
        expect(await remoteArtifacts(store, ["__blueprint__", "auth"])).toEqual(a.artifacts());
      } finally {
        await store.dispose?.();
      }
    }, 60_000);

    test("an edit on both sides is a conflict: nothing is overwritten on either side", async () => {
      const { ws, open } = await withRemote(kind);
      expect((await ws.run(["sync", "push"])).code).toBe(0);
      const store = await open();
      try {
        await store.write(key("__blueprint__", "plan"), "# Plan\n\nremote edit\n");
        ws.write("__blueprint__", "plan", "# Plan\n\nlocal edit\n");
        const push = await ws.json(["sync", "push"]);
        expect(push.code).toBe(1);
        expect(push.json.diagnostics.map((d: { code: string }) => d.code)).toContain("SYNC_CONFLICT");
        expect(await store.read(key("__blueprint__", "plan"))).toBe("# Plan\n\nremote edit\n");
        const pull = await ws.json(["sync", "pull"]);
        expect(pull.code).toBe(1);
        expect(ws.read("__blueprint__", "plan")).toBe("# Plan\n\nlocal edit\n");
        const copy = ws.path("__blueprint__", "plan").replace(/\.md$/, ".remote.md");
        expect(existsSync(copy)).toBe(true);
      } finally {
        await store.dispose?.();
      }
    }, 60_000);

    test("a document holding a secret never reaches the remote", async () => {
      const { ws, open } = await withRemote(kind);
      const leak = secretCorpus().find((c) => c.format === "github-pat")!;
      ws.write("__blueprint__", "context", `# Context\n\n${leak.text}\n`);
      const push = await ws.json(["sync", "push"]);
      expect(push.code).toBe(1);
      expect(outcomes(push)["__blueprint__/context"]).toBe("blocked");
      const store = await open();
      try {
        expect(await store.read(key("__blueprint__", "context"))).toBeUndefined();
        expect(Object.values(await remoteArtifacts(store, ["__blueprint__"])).join("\n")).not.toContain(
          leak.secret,
        );
      } finally {
        await store.dispose?.();
      }
    }, 60_000);
  });
}

describe("store remotes and the plugin host", () => {
  test("the bundled plugin is loaded without installing anything into the repository", async () => {
    const { ws } = await withRemote(KINDS[0]!);
    expect((await ws.run(["sync", "status"])).code).toBe(0);
    expect(existsSync(join(ws.cwd, ".idse", "plugins.json"))).toBe(false);
    expect(existsSync(join(ws.cwd, ".idse", "plugins"))).toBe(false);
    // It was unpacked once into the user's cache (home is the test's directory), named by its integrity.
    const cache = join(ws.cwd, ".cache", "idse", "bundled");
    expect(readdirSync(cache).filter((d) => d.startsWith("sqlite-store-"))).toHaveLength(1);
  });

  test("a store remote that is the workspace's own store is refused", async () => {
    const ws = await workspace();
    const dir = ws.cwd;
    const init = await ws.json(["store", "migrate", "--to", "sqlite-store"]);
    expect(init.code, init.stdout).toBe(0);
    expect((await ws.run(["remote", "add", "self", "--plugin", "sqlite-store"])).code).toBe(0);
    const st = await ws.json(["sync", "status"]);
    expect(st.code).toBe(2);
    expect(st.json.diagnostics[0]).toMatchObject({ code: "REMOTE_INVALID" });
    expect(st.json.diagnostics[0].message).toContain("own store");
    expect(existsSync(join(dir, ".idse", "idse-store.db"))).toBe(true);
  });

  test.skipIf(pgUnavailable !== undefined && !process.env.CI)(
    "a postgres remote's connection string from the credentials file, beside the environment's",
    async () => {
      // IDSE_POSTGRES_URL names another server (the workspace's own, say); the remote's entry wins.
      const ws = await workspace([], {
        IDSE_POSTGRES_URL: "postgres://idse:other-pass-word@127.0.0.1:1/nodb",
      });
      const file = join(ws.cwd, "cfg", "idse", "credentials.json");
      mkdirSync(join(ws.cwd, "cfg", "idse"), { recursive: true });
      writeFileSync(file, JSON.stringify({ remotes: { team: { IDSE_POSTGRES_URL: PG_URL } } }), {
        mode: 0o600,
      });
      ws.env.XDG_CONFIG_HOME = join(ws.cwd, "cfg");
      const schema = freshSchema("cred");
      expect(
        (
          await ws.run([
            "remote",
            "add",
            "team",
            "--plugin",
            "postgres-store",
            "--option",
            `schema=${schema}`,
          ])
        ).code,
      ).toBe(0);
      const push = await ws.json(["sync", "push"]);
      expect(push.code, push.stdout).toBe(0);
      expect(push.json.data.moved).toBe(7);
      const password = new URL(PG_URL!).password;
      expect(push.stdout + push.stderr).not.toContain(password);
    },
    30_000,
  );

  test("a store that cannot be opened fails the run before anything moves, its secret redacted", async () => {
    const secretUrl = "postgres://idse:s3cret-pass-word@127.0.0.1:1/nodb";
    const ws = await workspace([], { IDSE_POSTGRES_URL: secretUrl });
    expect((await ws.run(["remote", "add", "team", "--plugin", "postgres-store"])).code).toBe(0);
    const st = await ws.json(["sync", "push"]);
    expect(st.code).not.toBe(0);
    // Named as the remote (the workspace's own store could be a postgres-store too), the store's code kept.
    expect(st.json.diagnostics[0]).toMatchObject({ code: "REMOTE_UNREACHABLE", remote: "team" });
    expect(st.json.diagnostics[0].message).toContain("(STORE_UNREACHABLE)");
    expect(st.stdout + st.stderr).not.toContain("s3cret-pass-word");
  }, 30_000);
});
