import { describe, expect, test } from "bun:test";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { createSqliteStore } from "../../plugins/sqlite-store/src/store.ts";
import { generateWorkspace } from "../../scripts/bench-workspace.ts";
import { makeAjv, validator } from "../contract/ajv.ts";
import { FIXTURE, fixtureCopy, idse, tempDir } from "../helpers.ts";
import { pluginFolder } from "../plugins/fixtures.ts";
import { freshSchema, freshTenant, PG_URL, pgUnavailable, urlWith } from "./pg.ts";

// `idse store migrate` (every document copied, verified by hash, the source kept, the config switched
// last) and `idse store export` / `import` (files for agents, with conflicts reported), through the real
// plugin host and the real sqlite-store (installed from this build's catalogue).

const ajv = makeAjv();
// biome-ignore lint/suspicious/noExplicitAny: diagnostics carry code-specific keys
const firstError = (r: { json?: { diagnostics: any[] } }) =>
  r.json?.diagnostics.find((d) => d.severity === "error");
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

/** Every file below `dir` with its bytes (base64), by '/'-separated relative path. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const full = join(dir, rel);
    if (statSync(full).isFile()) out[rel.split("\\").join("/")] = readFileSync(full).toString("base64");
  }
  return out;
}

async function ok(argv: string[], cwd: string, stdin?: string) {
  const r = await idse([...argv, "--json"], { cwd, stdin });
  if (r.code !== 0) throw new Error(`idse ${argv.join(" ")} exited ${r.code}\n${r.stdout}${r.stderr}`);
  return r;
}

/** A copy of `root` without .idse/projects: what a clone of a repository with a plugin store holds. */
function freshClone(root: string): string {
  const dir = tempDir("idse-clone-");
  cpSync(root, dir, {
    recursive: true,
    filter: (src) => relative(root, src).split("\\").join("/") !== ".idse/projects",
  });
  expect(existsSync(join(dir, ".idse", "projects"))).toBe(false);
  return dir;
}

describe("store migrate: lossless, filesystem → sqlite → filesystem", () => {
  test("the Python original's workspace comes back byte for byte", async () => {
    const cwd = fixtureCopy();
    const before = files(cwd);
    const to = await ok(["store", "migrate", "--to", "sqlite-store"], cwd);
    expect(validator(ajv, "output-store-migrate")(to.json)).toBeUndefined();
    const n = Object.keys(before).filter((f) => f.startsWith(".idse/projects/")).length;
    expect(to.json?.data).toMatchObject({
      dry_run: false,
      from: { plugin: "filesystem" },
      to: { plugin: "sqlite-store", location: join(cwd, ".idse", "idse-store.db"), options: {} },
      installed: true,
      keys: n,
      copied: n,
      verified: n,
      extra: [],
      switched: true,
    });
    const stageFile =
      /\/sessions\/[^/]+\/(intents\/intent|contexts\/context|specs\/spec|plans\/plan|tasks\/tasks|implementation\/README|feedback\/feedback)\.md$/;
    expect(to.json?.data.counts.artifacts).toBe(Object.keys(before).filter((f) => stageFile.test(f)).length);
    expect(readJson(join(cwd, ".idse", "config.json")).store).toEqual({ plugin: "sqlite-store" });
    // Nothing of the source was changed or deleted.
    const after = files(cwd);
    for (const [f, bytes] of Object.entries(before)) expect(after[f], f).toBe(bytes);

    // A clone without the files: everything now comes from the database.
    const clone = freshClone(cwd);
    const sessions = await ok(["sessions"], clone);
    const ids = readdirSync(join(FIXTURE, ".idse/projects/idse-orchestrator/sessions")).sort();
    expect(sessions.json?.data.sessions.map((x: { session_id: string }) => x.session_id).sort()).toEqual(ids);
    const back = await ok(["store", "migrate", "--to", "filesystem"], clone);
    expect(back.json?.data).toMatchObject({ keys: n, verified: n, installed: false, switched: true });
    expect(readJson(join(clone, ".idse", "config.json")).store).toEqual({ plugin: "filesystem" });
    const restored = files(clone);
    for (const [f, bytes] of Object.entries(before)) expect(restored[f], f).toBe(bytes);
    const projectFiles = (m: Record<string, string>) =>
      Object.keys(m).filter((f) => f.startsWith(".idse/projects/"));
    expect(projectFiles(restored)).toEqual(projectFiles(before));
    // Once the files are the store again, no export is tracked.
    expect(existsSync(join(clone, ".idse", "store-export.json"))).toBe(false);
  });

  test("the 1,001-session benchmark workspace comes back byte for byte", async () => {
    const root = tempDir("idse-bench-");
    await generateWorkspace(join(root, "ws"));
    const cwd = join(root, "ws");
    const before = files(join(cwd, ".idse", "projects"));
    const to = await ok(["store", "migrate", "--to", "sqlite-store"], cwd);
    const n = Object.keys(before).length;
    expect(to.json?.data).toMatchObject({ keys: n, verified: n });
    const clone = freshClone(cwd);
    expect((await ok(["status"], clone)).json?.data.project).toBe("bench");
    const back = await ok(["store", "migrate", "--to", "filesystem"], clone);
    expect(back.json?.data).toMatchObject({ keys: n, verified: n });
    expect(files(join(clone, ".idse", "projects"))).toEqual(before);
    // About 7 s alone, 72 s beside a CPU burner on 2 cores: the budget is a generous multiple of that.
  }, 600_000);
});

describe("store migrate: plan, refusals, failures", () => {
  async function workspace() {
    const cwd = tempDir();
    await ok(["init", "shop", "--no-create-agent-files"], cwd);
    await ok(["session", "create", "auth"], cwd);
    return cwd;
  }

  test("--dry-run prints the plan and changes nothing (no plugin installed, no database created)", async () => {
    const cwd = await workspace();
    const before = files(cwd);
    const r = await ok(["store", "migrate", "--to", "sqlite-store", "--dry-run"], cwd);
    expect(validator(ajv, "output-store-migrate")(r.json)).toBeUndefined();
    expect(r.json?.data).toMatchObject({
      dry_run: true,
      installed: true,
      to: { plugin: "sqlite-store", location: null },
      copied: 0,
      verified: 0,
      switched: false,
    });
    expect(r.json?.data.keys).toBeGreaterThan(20);
    expect(files(cwd)).toEqual(before);
    const text = await idse(["store", "migrate", "--to", "sqlite-store", "--dry-run"], { cwd });
    expect(text.stdout).toContain("Dry run: nothing was changed.");
  });

  test("a target that does not keep what it was given: exit 1, the config still names the source", async () => {
    const cwd = await workspace();
    // A store that drops trailing newlines: every document reads back different.
    const code = `const docs = new Map();
export default () => ({ kind: "store", async createStore() { return {
  kind: "lossy", location: "memory",
  read: async (k) => docs.get(k), write: async (k, v) => { docs.set(k, v.trimEnd()); },
  has: async (k) => docs.has(k), remove: async (k) => { docs.delete(k); },
  list: async () => [],
}; } });`;
    const add = await idse(["plugin", "add", pluginFolder({ name: "lossy-store", code }), "--yes"], { cwd });
    expect(add.code).toBe(0);
    const projects = files(join(cwd, ".idse", "projects"));
    const r = await idse(["store", "migrate", "--to", "lossy-store", "--json"], { cwd });
    expect(r.code).toBe(1);
    expect(r.json?.diagnostics[0]).toMatchObject({ code: "STORE_VERIFY_FAILED", source: "filesystem" });
    expect(r.json?.diagnostics[0].count).toBeGreaterThan(0);
    expect(existsSync(join(cwd, ".idse", "config.json"))).toBe(false);
    expect(files(join(cwd, ".idse", "projects"))).toEqual(projects);
  });

  test("refusals: the same store, options for the filesystem, an unknown plugin, a bad name", async () => {
    const cwd = await workspace();
    const code = async (argv: string[]) => {
      const r = await idse([...argv, "--json"], { cwd });
      return [r.code, r.json?.diagnostics[0]?.code];
    };
    expect(await code(["store", "migrate", "--to", "filesystem"])).toEqual([1, "STORE_SAME"]);
    expect(await code(["store", "migrate", "--to", "sqlite-store", "--option", "nope"])).toEqual([
      2,
      "USAGE",
    ]);
    expect(await code(["store", "migrate", "--to", "nope-store"])).toEqual([1, "PLUGIN_NOT_FOUND"]);
    expect(await code(["store", "migrate", "--to", "Nope"])).toEqual([2, "USAGE"]);
    expect(await code(["store", "migrate"])).toEqual([2, "USAGE"]);
    await ok(["store", "migrate", "--to", "sqlite-store"], cwd);
    expect(await code(["store", "migrate", "--to", "sqlite-store"])).toEqual([1, "STORE_SAME"]);
    expect(await code(["store", "migrate", "--to", "filesystem", "--option", "a=1"])).toEqual([2, "USAGE"]);
    // The same plugin with other options is another store.
    const other = await ok(["store", "migrate", "--to", "sqlite-store", "--option", "path=other.db"], cwd);
    expect(other.json?.data.to.location).toBe(join(cwd, "other.db"));
    expect(readJson(join(cwd, ".idse", "config.json")).store).toEqual({
      plugin: "sqlite-store",
      options: { path: "other.db" },
    });
  });

  test("a file that is not UTF-8 text is refused before anything is written", async () => {
    const cwd = await workspace();
    writeFileSync(
      join(cwd, ".idse/projects/shop/sessions/auth/diagram.png"),
      Buffer.from([0x89, 0x50, 0xff, 0xfe]),
    );
    const r = await idse(["store", "migrate", "--to", "sqlite-store", "--json"], { cwd });
    expect([r.code, firstError(r)?.code]).toEqual([1, "STORE_NOT_TEXT"]);
    expect(firstError(r)?.file).toBe(".idse/projects/shop/sessions/auth/diagram.png");
    expect(existsSync(join(cwd, ".idse", "config.json"))).toBe(false);
  });

  test("text sqlite cannot keep (U+0000): exit 1 with the store's code; no document reaches the target", async () => {
    const cwd = await workspace();
    await ok(["artifact", "write", "--stage", "plan"], cwd, "# Plan\n\u0000\n");
    const r = await idse(["store", "migrate", "--to", "sqlite-store", "--json"], { cwd });
    expect([r.code, firstError(r)?.code]).toEqual([1, "STORE_INVALID_VALUE"]);
    expect(existsSync(join(cwd, ".idse", "config.json"))).toBe(false);
    const db = createSqliteStore({ path: join(cwd, ".idse", "idse-store.db") });
    expect(await db.list!("projects")).toEqual([]);
    await db.dispose!();
  });

  test("documents the target holds and the source lacks are reported and left; build output is no document", async () => {
    const cwd = await workspace();
    // compile agent-spec output lives on disk whatever the store: not copied, not reported.
    mkdirSync(join(cwd, ".idse/projects/shop/build/agents"), { recursive: true });
    writeFileSync(join(cwd, ".idse/projects/shop/build/agents/auth.profile.yaml"), "id: auth\n");
    const to = await ok(["store", "migrate", "--to", "sqlite-store"], cwd);
    expect(to.json?.data.counts.other).toBe(0);
    writeFileSync(join(cwd, ".idse/projects/shop/stray.md"), "left behind\n");
    const back = await idse(["store", "migrate", "--to", "filesystem", "--json"], { cwd });
    expect(back.code).toBe(0);
    expect(back.json?.data.extra).toEqual(["projects/shop/stray.md"]);
    expect(back.json?.diagnostics.map((d) => d.code)).toContain("STORE_EXTRA_KEYS");
    expect(readFileSync(join(cwd, ".idse/projects/shop/stray.md"), "utf8")).toBe("left behind\n");
  });
});

describe("store export / import", () => {
  const sessionFile = (cwd: string, rel: string) => join(cwd, ".idse/projects/shop/sessions/auth", rel);

  /** A workspace whose documents live in sqlite only (nothing under .idse/projects/). */
  async function sqliteWorkspace() {
    const cwd = tempDir();
    await ok(["init", "shop", "--store", "sqlite-store", "--no-create-agent-files"], cwd);
    await ok(["session", "create", "auth"], cwd);
    expect(existsSync(join(cwd, ".idse", "projects"))).toBe(false);
    return cwd;
  }
  const code = async (cwd: string, argv: string[]) => {
    const r = await idse([...argv, "--json"], { cwd });
    return { code: r.code, json: r.json!, codes: r.json?.diagnostics.map((d) => d.code) ?? [] };
  };

  test("refused while the store is the filesystem; import needs an export first", async () => {
    const cwd = tempDir();
    await ok(["init", "shop"], cwd);
    expect((await code(cwd, ["store", "export"])).codes[0]).toBe("STORE_IS_FILESYSTEM");
    expect((await code(cwd, ["store", "import"])).codes[0]).toBe("STORE_IS_FILESYSTEM");
    const sq = await sqliteWorkspace();
    const r = await code(sq, ["store", "import"]);
    expect([r.code, r.codes[0]]).toEqual([1, "STORE_NO_EXPORT"]);
  });

  test("export writes the canonical layout and a manifest; an edit comes back; a conflict is held", async () => {
    const cwd = await sqliteWorkspace();
    const exp = await ok(["store", "export"], cwd);
    expect(validator(ajv, "output-store-export")(exp.json)).toBeUndefined();
    expect(exp.json?.data.counts.written).toBe(exp.json?.data.results.length);
    expect(validator(ajv, "store-export")(readJson(join(cwd, ".idse", "store-export.json")))).toBeUndefined();
    const intent = sessionFile(cwd, "intents/intent.md");
    expect(readFileSync(intent, "utf8")).toBe(
      (await ok(["artifact", "read", "--stage", "intent"], cwd)).json?.data.content,
    );

    // An agent edits the file: a dry run says so and writes nothing; the import takes it.
    writeFileSync(intent, "# Intent\n\nEdited by an agent.\n");
    const dry = await ok(["store", "import", "--dry-run"], cwd);
    expect(validator(ajv, "output-store-import")(dry.json)).toBeUndefined();
    expect(dry.json?.data.results.filter((r: { result: string }) => r.result !== "unchanged")).toEqual([
      {
        key: "projects/shop/sessions/auth/intents/intent.md",
        file: ".idse/projects/shop/sessions/auth/intents/intent.md",
        result: "imported",
      },
    ]);
    expect((await ok(["artifact", "read", "--stage", "intent"], cwd)).json?.data.content).not.toContain(
      "Edited",
    );
    const imp = await ok(["store", "import"], cwd);
    expect(imp.json?.data.counts).toMatchObject({ imported: 1, conflict: 0 });
    expect((await ok(["artifact", "read", "--stage", "intent"], cwd)).json?.data.content).toBe(
      "# Intent\n\nEdited by an agent.\n",
    );
    // Imported once: a second import has nothing to do.
    expect((await ok(["store", "import"], cwd)).json?.data.counts.imported).toBe(0);

    // Both sides change the spec: a conflict, exit 1, nothing written for it.
    const spec = sessionFile(cwd, "specs/spec.md");
    writeFileSync(spec, "# Spec\n\nThe agent's version.\n");
    await ok(["artifact", "write", "--stage", "spec"], cwd, "# Spec\n\nThe store's version.\n");
    const conflict = await code(cwd, ["store", "import"]);
    expect(conflict.code).toBe(1);
    expect(conflict.codes).toContain("STORE_CONFLICT");
    expect(conflict.json.diagnostics.find((d) => d.code === "STORE_CONFLICT")).toMatchObject({
      file: ".idse/projects/shop/sessions/auth/specs/spec.md",
    });
    expect((await ok(["artifact", "read", "--stage", "spec"], cwd)).json?.data.content).toBe(
      "# Spec\n\nThe store's version.\n",
    );
    // Export keeps the unimported edit (exit 1) rather than overwrite it.
    const kept = await code(cwd, ["store", "export"]);
    expect([kept.code, kept.codes]).toEqual([1, ["STORE_FILE_EDITED"]]);
    expect(readFileSync(spec, "utf8")).toBe("# Spec\n\nThe agent's version.\n");
    // --force on import takes the file.
    const forced = await ok(["store", "import", "--force"], cwd);
    expect(forced.json?.data.counts.overwritten).toBe(1);
    expect((await ok(["artifact", "read", "--stage", "spec"], cwd)).json?.data.content).toBe(
      "# Spec\n\nThe agent's version.\n",
    );
  });

  test("stale files, new files, deleted files; export --force and export refreshes", async () => {
    const cwd = await sqliteWorkspace();
    await ok(["store", "export"], cwd);
    // The store changes, the file does not: stale (a warning), nothing written.
    await ok(["artifact", "write", "--stage", "plan"], cwd, "# Plan from the store\n");
    const stale = await code(cwd, ["store", "import"]);
    expect(stale.code).toBe(0);
    expect(new Set(stale.codes)).toEqual(new Set(["STORE_FILE_STALE"]));
    expect(
      stale.json.data.results.find(
        (r: { key: string }) => r.key === "projects/shop/sessions/auth/plans/plan.md",
      ).result,
    ).toBe("stale");
    expect((await ok(["artifact", "read", "--stage", "plan"], cwd)).json?.data.content).toBe(
      "# Plan from the store\n",
    );
    // export refreshes a file nobody edited.
    const again = await ok(["store", "export"], cwd);
    expect(
      again.json?.data.results.find(
        (r: { key: string }) => r.key === "projects/shop/sessions/auth/plans/plan.md",
      ).action,
    ).toBe("written");
    expect(readFileSync(sessionFile(cwd, "plans/plan.md"), "utf8")).toBe("# Plan from the store\n");
    // A new file in a session folder is added; a deleted one is reported, and the store keeps it.
    writeFileSync(sessionFile(cwd, "notes.md"), "# Notes\n");
    unlinkSync(sessionFile(cwd, "tasks/tasks.md"));
    const mixed = await code(cwd, ["store", "import"]);
    expect(mixed.code).toBe(0);
    expect(mixed.json.data.counts).toMatchObject({ added: 1, missing: 1 });
    expect(mixed.codes).toEqual(["STORE_FILE_MISSING"]);
    expect((await ok(["artifact", "read", "--stage", "tasks"], cwd)).json?.data.content).toContain("Tasks");
    // An edit not imported, then export --force: overwritten.
    writeFileSync(sessionFile(cwd, "plans/plan.md"), "# scribble\n");
    const forced = await ok(["store", "export", "--force"], cwd);
    expect(forced.json?.data.counts.overwritten).toBe(1);
    expect(readFileSync(sessionFile(cwd, "plans/plan.md"), "utf8")).toBe("# Plan from the store\n");
  });

  test("--session exports one session; --dir writes elsewhere; import reads where export wrote", async () => {
    const cwd = await sqliteWorkspace();
    const out = join(cwd, "agent-view");
    const exp = await ok(["store", "export", "--session", "auth", "--dir", "agent-view"], cwd);
    expect(exp.json?.data).toMatchObject({
      dir: "agent-view",
      scopes: ["projects/shop/sessions/auth"],
      manifest: ".idse/store-export.json",
    });
    expect(
      exp.json?.data.results.every((r: { key: string }) => r.key.startsWith("projects/shop/sessions/auth/")),
    ).toBe(true);
    expect(existsSync(join(out, "projects/shop/sessions/auth/specs/spec.md"))).toBe(true);
    expect(existsSync(join(out, "projects/shop/sessions/__blueprint__"))).toBe(false);
    expect(existsSync(join(cwd, ".idse", "projects"))).toBe(false);
    writeFileSync(join(out, "projects/shop/sessions/auth/specs/spec.md"), "# Spec\n\nFrom agent-view.\n");
    const imp = await ok(["store", "import"], cwd);
    expect(imp.json?.data).toMatchObject({ dir: "agent-view", counts: { imported: 1 } });
    const bad = await code(cwd, ["store", "export", "--session", "ghost"]);
    expect([bad.code, bad.codes[0]]).toEqual([1, "SESSION_NOT_FOUND"]);
  });

  test("import: a new file through a linked folder comes in; a link back up ends; a link out is refused", async () => {
    const cwd = await sqliteWorkspace();
    await ok(["store", "export"], cwd);
    // A folder elsewhere in the repository, linked into the session: its new document is found.
    mkdirSync(join(cwd, "drafts"));
    writeFileSync(join(cwd, "drafts", "notes.md"), "# Notes\n\nthrough the link\n");
    symlinkSync("../../../../../../drafts", sessionFile(cwd, "implementation/drafts"));
    // Loops: Bun's recursive readdir never came back from these.
    symlinkSync("..", sessionFile(cwd, "specs/up"));
    symlinkSync("..", join(cwd, "drafts", "repo")); // the repository root
    const imp = await ok(["store", "import"], cwd);
    expect(imp.json?.data.results.filter((r: { result: string }) => r.result === "added")).toEqual([
      {
        key: "projects/shop/sessions/auth/implementation/drafts/notes.md",
        file: ".idse/projects/shop/sessions/auth/implementation/drafts/notes.md",
        result: "added",
      },
    ]);
    symlinkSync(tempDir("idse-outside-"), sessionFile(cwd, "plans/out"));
    const out = await code(cwd, ["store", "import"]);
    expect([out.code, out.codes[0]]).toEqual([1, "PATH_OUTSIDE_WORKSPACE"]);
  });

  test("after a migration from the filesystem, the files left behind are tracked as an export", async () => {
    const cwd = tempDir();
    await ok(["init", "shop", "--no-create-agent-files"], cwd);
    await ok(["session", "create", "auth"], cwd);
    await ok(["store", "migrate", "--to", "sqlite-store"], cwd);
    expect(readJson(join(cwd, ".idse", "store-export.json"))).toMatchObject({
      dir: ".idse",
      scopes: ["projects"],
    });
    // The agent keeps editing the file it knows; import takes it into the store, where it now lives.
    writeFileSync(sessionFile(cwd, "intents/intent.md"), "# Intent\n\nStill edited in place.\n");
    const imp = await ok(["store", "import"], cwd);
    expect(imp.json?.data.counts.imported).toBe(1);
    expect((await ok(["artifact", "read", "--stage", "intent"], cwd)).json?.data.content).toContain(
      "in place",
    );
    const info = await ok(["store", "info"], cwd);
    expect(validator(ajv, "output-store-info")(info.json)).toBeUndefined();
    expect(info.json?.data.export).toMatchObject({ dir: ".idse" });
  });
});

// The same round trip through PostgreSQL (a real server: IDSE_TEST_POSTGRES_URL, see test/stores/pg.ts),
// and its faults through the CLI.
const pgSuite = pgUnavailable && !process.env.CI ? describe.skip : describe;
pgSuite("store migrate: filesystem → postgres-store → filesystem", () => {
  test("the Python original's workspace comes back byte for byte; a wrong password is STORE_AUTH", async () => {
    expect(pgUnavailable).toBeUndefined();
    const cwd = fixtureCopy();
    const before = files(cwd);
    const env = { IDSE_POSTGRES_URL: PG_URL };
    const options = ["--option", `schema=${freshSchema("migrate")}`, "--option", `tenant=${freshTenant()}`];
    const to = await idse(["store", "migrate", "--to", "postgres-store", ...options, "--json"], { cwd, env });
    expect(to.code, to.stdout).toBe(0);
    expect(to.json?.data.verified).toBe(to.json?.data.keys);
    const clone = freshClone(cwd);
    const wrong = urlWith((u) => {
      u.password = "not-the-password";
    });
    const auth = await idse(["status", "--json"], { cwd: clone, env: { IDSE_POSTGRES_URL: wrong } });
    expect([auth.code, firstError(auth)?.code]).toEqual([1, "STORE_AUTH"]);
    expect(auth.stdout).not.toContain("not-the-password");
    const back = await idse(["store", "migrate", "--to", "filesystem", "--json"], { cwd: clone, env });
    expect(back.code, back.stdout).toBe(0);
    const restored = files(clone);
    for (const [f, bytes] of Object.entries(before)) expect(restored[f], f).toBe(bytes);
  });
});
