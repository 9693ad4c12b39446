import { beforeAll, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeAjv, validator } from "../contract/ajv.ts";
import { tempDir } from "../helpers.ts";
import { errorOf, expectFail, json, ok, read, readJson, requireBinary, run, sess } from "./util.ts";

// Issue 8 on the compiled binary: the three store plugins install by name from the binary itself;
// `init --store sqlite-store`, sessions and `store info` on it; `store migrate` to the filesystem and
// back; `store export` / `store import` with an agent's edit and a conflict; a damaged database.

beforeAll(requireBinary);
const ajv = makeAjv();

test("sqlite-store, postgres-store and notion-store install with `idse plugin add <name>`, offline", () => {
  const cwd = tempDir();
  ok(["init", "shop", "--no-create-agent-files"], { cwd });
  for (const name of ["sqlite-store", "postgres-store", "notion-store"]) {
    const added = ok(["plugin", "add", name, "--yes", "--offline", "--json"], { cwd }).env;
    expect(validator(ajv, "output-plugin-add")(added)).toBeUndefined();
    expect(added.data.plugin).toMatchObject({ name, kind: "store", source: "builtin", enabled: true });
    expect(existsSync(join(cwd, ".idse", "plugins", name, "index.js"))).toBe(true);
  }
  expect(ok(["plugin", "verify", "--json"], { cwd }).env.data.ok).toBe(true);
  const listed = ok(["plugin", "list", "--json"], { cwd }).env.data.plugins.map(
    (p: { name: string }) => p.name,
  );
  expect(listed).toEqual(["notion-store", "postgres-store", "sqlite-store"]);
  // Without the database URL, or with one nobody answers, the store fails with its own code, exit 1, and
  // the password never shows.
  writeFileSync(join(cwd, ".idse", "config.json"), JSON.stringify({ store: { plugin: "postgres-store" } }));
  expectFail(json(["store", "info"], { cwd }), 1, "STORE_CONFIG");
  const env = { IDSE_POSTGRES_URL: "postgres://idse:s3cret-pw@127.0.0.1:1/idse" };
  const down = expectFail(json(["status"], { cwd, env }), 1, "STORE_UNREACHABLE");
  expect(errorOf(down)).toMatchObject({ plugin: "postgres-store", method: "createStore()" });
  expect(down.stdout + down.stderr).not.toContain("s3cret-pw");
  // notion-store needs its database id: refused by the plugin's options model before any request.
  writeFileSync(join(cwd, ".idse", "config.json"), JSON.stringify({ store: { plugin: "notion-store" } }));
  expectFail(json(["store", "info"], { cwd, env: { NOTION_TOKEN: "ntn_x" } }), 1, "PLUGIN_OPTIONS_INVALID");
});

test("init --store sqlite-store, sessions, store info, migrate to the filesystem and back", () => {
  const cwd = tempDir();
  const init = ok(["init", "shop", "--store", "sqlite-store", "--json"], { cwd }).env;
  expect(validator(ajv, "output-init")(init)).toBeUndefined();
  expect(readJson(join(cwd, ".idse", "config.json")).store).toEqual({ plugin: "sqlite-store" });
  expect(existsSync(join(cwd, ".idse", "idse-store.db"))).toBe(true);
  expect(existsSync(join(cwd, ".idse", "projects"))).toBe(false);
  expect(read(join(cwd, "CLAUDE.md"))).toContain("shop");

  ok(["session", "create", "auth"], { cwd });
  ok(["artifact", "write", "--stage", "intent"], { cwd, stdin: "# Intent\n\nSign in with passkeys.\n" });
  ok(["session", "set-stage", "auth", "--stage", "intent", "--status", "completed"], { cwd });
  const status = ok(["status", "--json"], { cwd }).env;
  expect(status.data).toMatchObject({ project: "shop", session: "auth" });
  expect(status.data.stages[0]).toMatchObject({ stage: "intent", status: "completed" });

  const info = ok(["store", "info", "--json"], { cwd }).env;
  expect(validator(ajv, "output-store-info")(info)).toBeUndefined();
  expect(info.data).toMatchObject({
    plugin: "sqlite-store",
    kind: "sqlite",
    location: join(cwd, ".idse", "idse-store.db"),
    projects: ["shop"],
  });
  expect(ok(["store", "info"], { cwd }).stdout).toContain("store:     sqlite-store");

  // To the filesystem: the canonical layout appears, verified; the database is kept.
  const plan = ok(["store", "migrate", "--to", "filesystem", "--dry-run", "--json"], { cwd }).env;
  expect(plan.data).toMatchObject({ dry_run: true, switched: false });
  expect(existsSync(join(cwd, ".idse", "projects"))).toBe(false);
  const down = ok(["store", "migrate", "--to", "filesystem", "--json"], { cwd }).env;
  expect(validator(ajv, "output-store-migrate")(down)).toBeUndefined();
  expect(down.data.verified).toBe(down.data.keys);
  expect(read(sess(cwd, "shop", "auth", "intents/intent.md"))).toBe("# Intent\n\nSign in with passkeys.\n");
  expect(existsSync(join(cwd, ".idse", "idse-store.db"))).toBe(true);
  expect(json(["status"], { cwd }).env.data.stages[0].status).toBe("completed");

  // Work on the filesystem, then back to sqlite: the change goes along.
  ok(["session", "create", "billing"], { cwd });
  const up = ok(["store", "migrate", "--to", "sqlite-store", "--json"], { cwd }).env;
  expect(up.data).toMatchObject({ installed: false, switched: true });
  expect(up.data.verified).toBe(up.data.keys);
  const sessions = ok(["sessions", "--json"], { cwd }).env.data.sessions.map(
    (s: { session_id: string }) => s.session_id,
  );
  expect(sessions).toEqual(["__blueprint__", "auth", "billing"]);
  expectFail(json(["store", "migrate", "--to", "sqlite-store"], { cwd }), 1, "STORE_SAME");
});

test("store export / import: an agent's edit comes back, a conflict is held and reported", () => {
  const cwd = tempDir();
  ok(["init", "shop", "--store", "sqlite-store", "--no-create-agent-files"], { cwd });
  ok(["session", "create", "auth"], { cwd });
  const exported = ok(["store", "export", "--json"], { cwd }).env;
  expect(validator(ajv, "output-store-export")(exported)).toBeUndefined();
  expect(validator(ajv, "store-export")(readJson(join(cwd, ".idse", "store-export.json")))).toBeUndefined();
  const spec = sess(cwd, "shop", "auth", "specs/spec.md");
  const plan = sess(cwd, "shop", "auth", "plans/plan.md");
  expect(read(spec)).toBe(ok(["artifact", "read", "--stage", "spec"], { cwd }).stdout);

  // The agent edits the spec; the store changes the plan while the agent edits it too.
  writeFileSync(spec, "# Spec\n\nWritten by the agent.\n");
  writeFileSync(plan, "# Plan\n\nThe agent's plan.\n");
  ok(["artifact", "write", "--stage", "plan"], { cwd, stdin: "# Plan\n\nThe store's plan.\n" });

  const imported = run(["store", "import", "--json"], { cwd });
  expect(imported.code).toBe(1);
  expect(validator(ajv, "output-store-import")(imported.env)).toBeUndefined();
  const byKey = Object.fromEntries(
    imported.env.data.results.map((r: { key: string; result: string }) => [r.key, r.result]),
  );
  expect(byKey["projects/shop/sessions/auth/specs/spec.md"]).toBe("imported");
  expect(byKey["projects/shop/sessions/auth/plans/plan.md"]).toBe("conflict");
  expect(errorOf(imported)).toMatchObject({
    code: "STORE_CONFLICT",
    file: ".idse/projects/shop/sessions/auth/plans/plan.md",
  });
  expect(ok(["artifact", "read", "--stage", "spec"], { cwd }).stdout).toBe(
    "# Spec\n\nWritten by the agent.\n",
  );
  expect(ok(["artifact", "read", "--stage", "plan"], { cwd }).stdout).toBe("# Plan\n\nThe store's plan.\n");
  // Text output lists each key's result.
  const text = run(["store", "import"], { cwd });
  expect(text.code).toBe(1);
  expect(text.stdout).toContain("conflict    .idse/projects/shop/sessions/auth/plans/plan.md");
  expect(text.stderr).toContain("error[STORE_CONFLICT]");
  // Resolved by taking the file.
  ok(["store", "import", "--force"], { cwd });
  expect(ok(["artifact", "read", "--stage", "plan"], { cwd }).stdout).toBe("# Plan\n\nThe agent's plan.\n");
});

test("a damaged database: exit 1 with STORE_CORRUPT, for every command that reads it", () => {
  const cwd = tempDir();
  ok(["init", "shop", "--store", "sqlite-store", "--no-create-agent-files"], { cwd });
  for (const f of ["idse-store.db-wal", "idse-store.db-shm"]) {
    if (existsSync(join(cwd, ".idse", f))) writeFileSync(join(cwd, ".idse", f), "");
  }
  writeFileSync(join(cwd, ".idse", "idse-store.db"), "this is not a database, it is a text file ".repeat(20));
  for (const argv of [["status"], ["sessions"], ["store", "info"]]) {
    const r = expectFail(json(argv, { cwd }), 1, "STORE_CORRUPT");
    expect(errorOf(r)).toMatchObject({ plugin: "sqlite-store", store: "sqlite" });
  }
});
