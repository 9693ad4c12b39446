import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashTree, treeIntegrity } from "../../src/plugins/integrity.ts";
import { tempDir } from "../helpers.ts";
import { errorOf, expectFail, json, ok, readJson, requireBinary, run } from "./util.ts";

// Workspace trust on the compiled binary (docs/security.md, "Workspace trust and plugins"): a repository
// whose committed config names a store plugin it carries is cloned with `git clone`, and nothing of it
// runs (status, the Claude Code hook, sync status) until this user has run `idse trust`; a remote's MCP
// stdio command likewise. The plugin proves it ran by writing a marker file named in its environment.

beforeAll(requireBinary);

/** A store plugin over the filesystem layout (so status works once trusted) that marks that it ran. */
const MARKER_STORE = `import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
if (process.env.IDSE_TEST_MARKER) appendFileSync(process.env.IDSE_TEST_MARKER, "module\\n");
export default (host) => ({
  kind: "store",
  async createStore() {
    if (process.env.IDSE_TEST_MARKER) appendFileSync(process.env.IDSE_TEST_MARKER, "store\\n");
    const p = (k) => join(host.workspace.root, ".idse", k);
    return {
      kind: "marker", location: p(""),
      read: async (k) => (existsSync(p(k)) ? readFileSync(p(k), "utf8") : undefined),
      write: async (k, v) => { mkdirSync(dirname(p(k)), { recursive: true }); writeFileSync(p(k), v); },
      has: async (k) => existsSync(p(k)),
      remove: async (k) => rmSync(p(k), { recursive: true, force: true }),
      list: async (k) => { try { return readdirSync(p(k), { withFileTypes: true }).map((e) => ({ name: e.name, kind: e.isDirectory() ? "dir" : "file" })).sort((a, b) => (a.name < b.name ? -1 : 1)); } catch { return []; } },
    };
  },
});
`;

const readConfig = (file: string) => (existsSync(file) ? readJson(file) : {});

function git(args: string[], cwd: string) {
  const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: cwd, GIT_CONFIG_NOSYSTEM: "1" },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
}

/** The author's repository: the plugin installed from a folder inside it, and named as the store. */
function authorRepo(): string {
  const repo = tempDir("idse-author-");
  const home = tempDir("idse-author-home-");
  ok(["init", "shop", "--no-create-agent-files"], { cwd: repo, env: { HOME: home } });
  const dir = join(repo, "tools", "marker-store");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "marker-store",
      version: "1.0.0",
      type: "module",
      idse: { name: "marker-store", kind: "store", apiVersion: 1, entry: "index.js", capabilities: [] },
    }),
  );
  writeFileSync(join(dir, "index.js"), MARKER_STORE);
  const added = ok(["plugin", "add", "./tools/marker-store", "--yes"], { cwd: repo, env: { HOME: home } });
  // The grants are not presented as limits they are not.
  expect(added.stdout).toContain(
    "not limited: the plugin's own process.env, fetch, child processes and files",
  );
  expect(ok(["plugin", "info", "marker-store"], { cwd: repo, env: { HOME: home } }).stdout).toContain(
    "not limited:   the plugin's own process.env, fetch, child processes and files",
  );
  const configFile = join(repo, ".idse", "config.json");
  writeFileSync(configFile, JSON.stringify({ ...readConfig(configFile), store: { plugin: "marker-store" } }));
  git(["init", "-q"], repo);
  git(["add", "-A"], repo);
  git(["commit", "-qm", "design docs with a store plugin"], repo);
  return repo;
}

function clone(repo: string): string {
  const to = join(tempDir("idse-clone-"), "repo");
  git(["clone", "-q", repo, to], tempDir());
  return to;
}

const hookStdin = (cwd: string) =>
  JSON.stringify({
    session_id: "s1",
    transcript_path: join(cwd, "t.jsonl"),
    cwd,
    hook_event_name: "PreToolUse",
    tool_name: "Bash",
    tool_input: { command: "ls" },
  });

test("a cloned repository runs none of its plugin's code until `idse trust`", () => {
  const cwd = clone(authorRepo());
  const home = tempDir("idse-user-home-");
  const marker = join(tempDir("idse-marker-"), "ran");
  const env = { HOME: home, IDSE_TEST_MARKER: marker };

  const status = expectFail(json(["status"], { cwd, env }), 1, "WORKSPACE_UNTRUSTED");
  const err = errorOf(status);
  expect(err.message).toContain("plugin marker-store 1.0.0");
  expect(err.hint).toContain("`idse trust`");
  const hook = run(["hook", "claude-pre-tool-use"], { cwd, env, stdin: hookStdin(cwd) });
  // The hook fails closed for the planning agent, and names the command that approves, not a repair.
  const reason = JSON.parse(hook.stdout).hookSpecificOutput;
  expect(reason.permissionDecision).toBe("deny");
  expect(reason.permissionDecisionReason).toContain("`idse trust`");
  expect(reason.permissionDecisionReason).not.toContain("doctor --fix");
  run(["sync", "status", "--json"], { cwd, env });
  run(["validate", "--json"], { cwd, env });
  expect(existsSync(marker)).toBe(false);

  // Commands that only read idse's own files still work: listing and checking what would run.
  expect(ok(["plugin", "verify", "--json"], { cwd, env }).env.data.ok).toBe(true);
  ok(["plugin", "list"], { cwd, env });
  ok(["plugin", "info", "marker-store"], { cwd, env });
  ok(["config", "list"], { cwd, env });
  ok(["version"], { cwd, env });
  const shown = ok(["trust", "--show", "--json"], { cwd, env }).env.data;
  expect(shown).toMatchObject({ action: "shown", trusted: false });
  expect(shown.runs).toEqual([
    expect.objectContaining({
      kind: "plugin",
      name: "marker-store",
      approved: false,
      source: "path: tools/marker-store",
    }),
  ]);
  expect(existsSync(marker)).toBe(false);

  // The hint's command approves it; the approval lives in the user's config directory, not the repository.
  const trusted = ok(["trust", "--json"], { cwd, env }).env.data;
  expect(trusted).toMatchObject({
    action: "trusted",
    trusted: true,
    file: join(home, ".config", "idse", "trust.json"),
  });
  expect(existsSync(marker)).toBe(false);
  ok(["status", "--json"], { cwd, env });
  expect(readFileSync(marker, "utf8")).toContain("store");

  // --revoke: refused again.
  expect(ok(["trust", "--revoke", "--json"], { cwd, env }).env.data.action).toBe("revoked");
  expectFail(json(["status"], { cwd, env }), 1, "WORKSPACE_UNTRUSTED");
});

test("an approval holds for those bytes only: a changed plugin, even with a consistent plugins.json, is untrusted", () => {
  const cwd = clone(authorRepo());
  const home = tempDir("idse-user-home-");
  const marker = join(tempDir("idse-marker-"), "ran");
  const env = { HOME: home, IDSE_TEST_MARKER: marker };
  ok(["trust"], { cwd, env });
  // What a pulled commit could bring: new code, and a plugins.json rewritten to match it.
  const dir = join(cwd, ".idse", "plugins", "marker-store");
  writeFileSync(join(dir, "index.js"), `${MARKER_STORE}\n// v2\n`);
  const lockFile = join(cwd, ".idse", "plugins.json");
  const lock = readJson(lockFile);
  const files = hashTree(dir);
  Object.assign(lock.plugins[0], {
    files,
    integrity: treeIntegrity(files),
    files_integrity: treeIntegrity(files),
  });
  writeFileSync(lockFile, JSON.stringify(lock));
  expect(ok(["plugin", "verify", "--json"], { cwd, env }).env.data.ok).toBe(true);
  expectFail(json(["status"], { cwd, env }), 1, "WORKSPACE_UNTRUSTED");
  expect(existsSync(marker)).toBe(false);
  // A clone elsewhere is another repository: the first approval does not carry over.
  const other = clone(authorRepo());
  expectFail(json(["status"], { cwd: other, env }), 1, "WORKSPACE_UNTRUSTED");
  expect(existsSync(marker)).toBe(false);
});

test("IDSE_TRUST=all trusts every repository (CI images)", () => {
  const cwd = clone(authorRepo());
  const marker = join(tempDir("idse-marker-"), "ran");
  ok(["status", "--json"], { cwd, env: { HOME: tempDir(), IDSE_TEST_MARKER: marker, IDSE_TRUST: "all" } });
  expect(readFileSync(marker, "utf8")).toContain("store");
});

test("a remote's MCP stdio command starts only after `idse trust`", () => {
  const cwd = tempDir("idse-stdio-");
  const home = tempDir("idse-user-home-");
  const marker = join(tempDir("idse-marker-"), "ran");
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env: { HOME: home } });
  const configFile = join(cwd, ".idse", "config.json");
  // The server is a script of the repository: approving the command approves those bytes.
  mkdirSync(join(cwd, "tools"));
  writeFileSync(join(cwd, "tools", "mcp.sh"), `echo ran >> ${marker}; exit 3\n`);
  const remote = { plugin: "artifact-core", transport: "mcp-stdio", command: ["/bin/sh", "tools/mcp.sh"] };
  writeFileSync(configFile, JSON.stringify({ ...readConfig(configFile), remotes: { core: remote } }));
  const env = { HOME: home };
  const refused = expectFail(json(["sync", "status", "core"], { cwd, env }), 1, "WORKSPACE_UNTRUSTED");
  expect(errorOf(refused).message).toContain("the MCP stdio command of remote core (/bin/sh tools/mcp.sh)");
  expect(existsSync(marker)).toBe(false);
  const shown = ok(["trust", "--show", "--json"], { cwd, env }).env.data;
  expect(shown.runs).toEqual([
    expect.objectContaining({
      kind: "command",
      name: "core",
      approved: false,
      files: { "tools/mcp.sh": expect.stringMatching(/^sha512-/) },
    }),
  ]);
  ok(["trust"], { cwd, env });
  run(["sync", "status", "core", "--json"], { cwd, env });
  // It ran (once per attempt: the plugin retries a server that exits).
  const ran = readFileSync(marker, "utf8");
  expect(ran).toStartWith("ran\n");
  // A changed script is another command: not approved until `idse trust` again.
  writeFileSync(join(cwd, "tools", "mcp.sh"), `echo changed >> ${marker}; exit 3\n`);
  expectFail(json(["sync", "status", "core"], { cwd, env }), 1, "WORKSPACE_UNTRUSTED");
  expect(readFileSync(marker, "utf8")).toBe(ran);
});

test("bundled plugins whose bytes are the binary's need no trust; the trust file is the user's", () => {
  const cwd = tempDir("idse-bundled-");
  const home = tempDir("idse-user-home-");
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env: { HOME: home } });
  ok(["plugin", "add", "windsurf", "--yes", "--offline"], { cwd, env: { HOME: home } });
  ok(["agents", "add", "cascade", "--ide", "windsurf", "--mode", "planning", "--stages", "intent"], {
    cwd,
    env: { HOME: tempDir() },
  });
  const synced = ok(["agents", "sync-files", "--json"], { cwd, env: { HOME: tempDir() } }).env;
  expect(synced.data.adapters).toContain("windsurf");
  expect(ok(["trust", "--show", "--json"], { cwd, env: { HOME: home } }).env.data.runs).toEqual([]);
  // The file it would be recorded in is outside the repository.
  expect(existsSync(join(cwd, ".config"))).toBe(false);
});
