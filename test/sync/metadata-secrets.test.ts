import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSqliteStore } from "../../plugins/sqlite-store/src/store.ts";
import { storeCore } from "../../src/store/core.ts";
import { tempDir } from "../helpers.ts";
import { FakeNotion, TOKEN as NOTION_TOKEN } from "../stores/notion/fake-notion.ts";
import { adminSql, freshSchema, freshTenant, PG_URL, pgUnavailable } from "../stores/pg.ts";
import { fill } from "./corpus.ts";
import { startMcpHttpServer } from "./mcp-server.ts";
import { startServer } from "./server.ts";
import { outcomes, PROJECT, type Ws, workspace } from "./util.ts";

// Metadata and the secret guard on every sync transport (docs/security.md, "Secrets"). A sync remote
// receives the seven stage documents and their keys, nothing else: a session's description, tags, name
// and owner stay in session.json and .owner, which no transport sends. The key carries the project and
// session ids, so those are scanned like a document: a session whose id is a token is blocked (its
// documents are not sent), and a sync scoped to it is refused before the first request.
//
// Each transport is the real one, against a loopback server or a local file: the filesystem store, the
// artifact-core plugin over HTTP and over MCP (Streamable HTTP), sqlite-store, postgres-store (a real
// PostgreSQL: skipped here without one, required in CI), and notion-store against the fake Notion API. After each push, everything the remote holds or was sent is searched for every
// secret.

// Generated, never real: a GitLab token is a valid session id (lowercase letters, digits and '-').
const SECRET_ID = fill("glpat-{l:20}", 11);
const DESCRIPTION = fill(["sk", "_live_{A:24}"].join(""), 12);
const TAG = fill("xoxb-{d:12}-{d:13}-{A:24}", 13);
const OWNER = fill("ghp_{A:36}", 14);
const NAME = fill("npm_{A:36}", 15);
const SECRETS = [SECRET_ID, DESCRIPTION, TAG, OWNER, NAME];
const HTTP_TOKEN = ["tok", "_", "Qm4xR8vN2kW7pL5z"].join("");

/** Every file below `dir`, as one string (a local remote, read whole). */
function everything(dir: string): string {
  if (!existsSync(dir)) return "";
  let out = "";
  for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const full = join(dir, rel);
    out += `${rel}\n`;
    if (statSync(full).isFile()) out += `${readFileSync(full).toString("latin1")}\n`;
  }
  return out;
}

/** A workspace whose feature session `billing` holds secrets in all of its metadata, and a session named by a token. */
async function withSecretMetadata(env: Record<string, string>): Promise<Ws> {
  const ws = await workspace(["billing", SECRET_ID], env);
  const meta = join(ws.cwd, ".idse", "projects", PROJECT, "sessions", "billing", "metadata");
  const file = join(meta, "session.json");
  const session = JSON.parse(readFileSync(file, "utf8"));
  Object.assign(session, {
    name: `Billing ${NAME}`,
    description: `staging key ${DESCRIPTION} until the vault is ready`,
    tags: [TAG],
    owner: OWNER,
  });
  writeFileSync(file, JSON.stringify(session, null, 2));
  writeFileSync(join(meta, ".owner"), `${OWNER}\n`);
  for (const s of ["billing", SECRET_ID]) ws.write(s, "intent", `# Intent\n\nplain words for ${s.length}\n`);
  return ws;
}

interface Transport {
  name: string;
  /** Why it cannot run here (no PostgreSQL); in CI it must. */
  unavailable?: string;
  /** Adds the remote `team` to `ws`; returns everything the remote holds or received so far. */
  setup(): Promise<{ env: Record<string, string>; add(ws: Ws): Promise<void>; seen(): Promise<string> }>;
}

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const addRemote = async (ws: Ws, args: string[]) => {
  const r = await ws.json(["remote", "add", "team", ...args, "--default"]);
  expect(r.code, r.stdout).toBe(0);
};

const TRANSPORTS: Transport[] = [
  {
    name: "filesystem",
    async setup() {
      const dir = join(tempDir("idse-meta-remote-"), "backup");
      return { env: {}, add: (ws) => addRemote(ws, [dir]), seen: async () => everything(dir) };
    },
  },
  {
    name: "artifact-core over HTTP",
    async setup() {
      const server = await startServer({ token: HTTP_TOKEN });
      stops.push(() => server.close());
      return {
        env: { IDSE_ARTIFACT_TOKEN: HTTP_TOKEN },
        add: (ws) => addRemote(ws, [server.url]),
        seen: async () =>
          [
            ...server.raw,
            ...server.requests.map((r) => `${r.path} ${r.key ?? ""}`),
            ...[...server.docs].map(([k, d]) => `${k}\n${d.text}`),
          ].join("\n"),
      };
    },
  },
  {
    name: "artifact-core over MCP",
    async setup() {
      const server = await startMcpHttpServer({ token: HTTP_TOKEN });
      stops.push(() => server.close());
      return {
        env: { IDSE_ARTIFACT_TOKEN: HTTP_TOKEN },
        add: (ws) => addRemote(ws, [server.url, "--option", "transport=mcp"]),
        seen: async () => [...server.raw, JSON.stringify(server.state.docs)].join("\n"),
      };
    },
  },
  {
    name: "sqlite-store",
    async setup() {
      const path = join(tempDir("idse-meta-sqlite-"), "team.db");
      return {
        env: {},
        add: (ws) => addRemote(ws, [path, "--plugin", "sqlite-store"]),
        async seen() {
          if (!existsSync(path)) return "";
          const store = storeCore(createSqliteStore({ path }));
          try {
            const keys = await store.listTree("projects");
            let out = keys.join("\n");
            for (const k of keys) out += `\n${(await store.read(`projects/${k}`).catch(() => "")) ?? ""}`;
            // The file's bytes too: a deleted row may linger in a page.
            return `${out}\n${readFileSync(path).toString("latin1")}`;
          } finally {
            await store.dispose();
          }
        },
      };
    },
  },
  {
    name: "postgres-store",
    unavailable: pgUnavailable,
    async setup() {
      const schema = freshSchema("meta");
      const tenant = freshTenant();
      return {
        env: { IDSE_POSTGRES_URL: PG_URL! },
        add: (ws) =>
          addRemote(ws, [
            "--plugin",
            "postgres-store",
            "--option",
            `schema=${schema}`,
            "--option",
            `tenant=${tenant}`,
          ]),
        async seen() {
          // Every row of every table of the schema, whatever the store keeps where.
          const tables =
            await adminSql()`select table_name from information_schema.tables where table_schema = ${schema}`;
          const rows: unknown[] = [];
          for (const t of tables)
            rows.push(...(await adminSql().unsafe(`select * from "${schema}"."${t.table_name}"`)));
          return JSON.stringify(rows);
        },
      };
    },
  },
  {
    name: "notion-store",
    async setup() {
      const fake = await new FakeNotion().start();
      stops.push(() => fake.stop());
      const fast = JSON.stringify({ base_delay_ms: 5, max_delay_ms: 20 });
      return {
        env: { NOTION_TOKEN },
        add: (ws) =>
          addRemote(ws, [
            "--plugin",
            "notion-store",
            "--option",
            `database_id=${fake.model.databaseId}`,
            "--option",
            `base_url=${fake.url}`,
            "--option",
            `retry=${fast}`,
          ]),
        seen: async () =>
          fake.requests.map((r) => `${r.method} ${r.path}\n${JSON.stringify(r.body)}`).join("\n"),
      };
    },
  },
];

const leaked = (seen: string) => SECRETS.filter((s) => seen.includes(s));

for (const t of TRANSPORTS) {
  describe.skipIf(t.unavailable !== undefined && !process.env.CI)(
    `metadata and the secret guard: ${t.name}`,
    () => {
      test("push --all-sessions: the token-named session is blocked; no metadata secret reaches the remote", async () => {
        const remote = await t.setup();
        const ws = await withSecretMetadata(remote.env);
        await remote.add(ws);
        const push = await ws.json(["sync", "push", "--all-sessions"]);
        expect(push.code, push.stdout).toBe(1);
        const out = outcomes(push);
        // Every document of the session named by a token is blocked, for its name; the others go.
        expect(out[`${SECRET_ID}/intent`]).toBe("blocked");
        expect(out["billing/intent"]).toBe("pushed");
        expect(out["__blueprint__/intent"]).toBe("pushed");
        const blocked = push.json.diagnostics.filter((d: { code: string }) => d.code === "SECRET_FOUND");
        expect(blocked.length).toBeGreaterThan(0);
        expect(blocked[0]).toMatchObject({ rule: expect.stringContaining("gitlab") });
        const seen = await remote.seen();
        // The remote did receive the other sessions, so the search below searches something.
        expect(seen).toContain("billing");
        expect(leaked(seen)).toEqual([]);
      }, 60_000);

      test("push and status --session <token>: refused before the remote is contacted", async () => {
        const remote = await t.setup();
        const ws = await withSecretMetadata(remote.env);
        await remote.add(ws);
        const before = await remote.seen();
        const push = await ws.json(["sync", "push", "--session", SECRET_ID]);
        expect(push.code, push.stdout).toBe(1);
        expect(push.json.diagnostics[0]).toMatchObject({ code: "SECRET_FOUND" });
        expect(await remote.seen()).toBe(before);
        const status = await ws.json(["sync", "status", "--session", SECRET_ID]);
        expect(status.json.diagnostics[0]).toMatchObject({ code: "SECRET_FOUND" });
        expect(await remote.seen()).toBe(before);
      }, 60_000);
    },
  );
}

describe("a session id the guard flags, allow-listed", () => {
  test("its fingerprint in sync.secret_allowlist lifts the refusal; the documents are scanned on their own", async () => {
    const ws = await workspace([SECRET_ID]);
    const dir = join(tempDir("idse-meta-allow-"), "backup");
    await addRemote(ws, [dir]);
    const config = join(ws.cwd, ".idse", "config.json");
    const allow = (fps: string[]) => {
      const current = JSON.parse(readFileSync(config, "utf8"));
      const have = current.sync?.secret_allowlist ?? [];
      const list = [...have, ...fps.map((fingerprint) => ({ fingerprint }))];
      writeFileSync(config, JSON.stringify({ ...current, sync: { secret_allowlist: list } }));
    };
    const fingerprints = (r: { json: { diagnostics: { fingerprint?: string }[] } }) =>
      r.json.diagnostics.flatMap((d) => (d.fingerprint ? [d.fingerprint] : []));
    // Refused as a whole for the name: nothing planned, one finding, the id's.
    const refused = await ws.json(["sync", "push", "--session", SECRET_ID]);
    expect(refused.code, refused.stdout).toBe(1);
    expect(refused.json.data).toBeNull();
    expect(fingerprints(refused)).toHaveLength(1);
    allow(fingerprints(refused));
    // The name passes now; the templates mention the id, so each document is blocked on its own text.
    const second = await ws.json(["sync", "push", "--session", SECRET_ID]);
    expect(second.json.data.results.length).toBe(7);
    expect(Object.values(outcomes(second))).toEqual(Array(7).fill("blocked"));
    allow(fingerprints(second));
    const pushed = await ws.json(["sync", "push", "--session", SECRET_ID]);
    expect(pushed.code, pushed.stdout).toBe(0);
    expect(outcomes(pushed)[`${SECRET_ID}/intent`]).toBe("pushed");
    expect(everything(dir)).toContain(SECRET_ID);
  }, 60_000);
});
