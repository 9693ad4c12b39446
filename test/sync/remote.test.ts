import { describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { idse, tempDir } from "../helpers.ts";
import { PROJECT, workspace, wsAt } from "./util.ts";

// `idse remote add|remove|list`, the default remote, and IDSE_ARTIFACT_URL / IDSE_AGENCY_URL.

const config = (cwd: string) => JSON.parse(readFileSync(join(cwd, ".idse", "config.json"), "utf8"));
const names = (r: { json?: { data: { remotes: { name: string; default: boolean }[] } } }) =>
  r.json!.data.remotes.map((x) => `${x.name}${x.default ? "*" : ""}`);

describe("idse remote", () => {
  test("add: a URL means artifact-core, a path the filesystem store; the first one is the default", async () => {
    const ws = await workspace();
    const backup = join(tempDir(), "backup");
    const a = await ws.json(["remote", "add", "core", "https://core.example.com/api/idse"]);
    expect(a.code).toBe(0);
    expect(a.json.data).toMatchObject({
      action: "added",
      remote: { name: "core", plugin: "artifact-core", default: true, source: "repo" },
    });
    const b = await ws.json(["remote", "add", "backup", backup]);
    // Beside the repository (both in the temp folder): recorded relative to the repository root.
    const beside = relative(ws.cwd, backup);
    expect(beside).toStartWith("../");
    expect(b.json.data.remote).toMatchObject({ plugin: "filesystem", location: beside, default: false });
    expect(config(ws.cwd).remotes).toEqual({
      core: { plugin: "artifact-core", url: "https://core.example.com/api/idse", default: true },
      backup: { plugin: "filesystem", path: beside },
    });
    expect(names(await ws.json(["remote", "list"]))).toEqual(["backup", "core*"]);
    const team = await ws.json([
      "remote",
      "add",
      "team",
      "--plugin",
      "postgres-store",
      "--option",
      "tenant=team",
      "--default",
    ]);
    expect(team.code).toBe(0);
    expect(team.json.data.remote).toMatchObject({ plugin: "postgres-store", location: '{"tenant":"team"}' });
    expect(config(ws.cwd).remotes.team).toEqual({
      plugin: "postgres-store",
      options: { tenant: "team" },
      default: true,
    });
    expect(names(await ws.json(["remote", "list"]))).toEqual(["backup", "core", "team*"]);
    // config list shows only the flat keys.
    const list = await ws.json(["config", "list"]);
    expect(list.json.data.entries.map((e: { key: string }) => e.key)).not.toContain("remotes");
  });

  test("add refuses a taken or reserved name, a bad name, and the workspace itself", async () => {
    const ws = await workspace();
    await ws.run(["remote", "add", "core", "https://core.example.com"]);
    expect((await ws.json(["remote", "add", "core", "https://x.example.com"])).json.diagnostics[0].code).toBe(
      "REMOTE_EXISTS",
    );
    for (const [name, where] of [
      ["env", "https://x.example.com"],
      ["Bad Name", "https://x.example.com"],
      ["self", "."],
      ["inner", ".idse/mirror"],
      ["pg", "postgres://db/idse"],
    ]) {
      const r = await ws.json(["remote", "add", name!, where!]);
      expect({ name, code: r.code, diag: r.json.diagnostics[0].code }).toEqual({
        name,
        code: 2,
        diag: "REMOTE_INVALID",
      });
    }
  });

  test("a path inside the repository is stored relative to its root", async () => {
    const ws = await workspace();
    const r = await ws.json(["remote", "add", "mirror", "mirror/idse"]);
    expect(r.json.data.remote.location).toBe("mirror/idse");
    expect(config(ws.cwd).remotes.mirror.path).toBe("mirror/idse");
  });

  test("a path beside the repository is stored relative (no absolute path in the committed config) and read back from the root", async () => {
    const parent = tempDir("idse-parent-");
    const repo = join(parent, "repo");
    mkdirSync(join(repo, "src", "deep"), { recursive: true });
    const ws = wsAt(repo);
    expect((await ws.run(["init", PROJECT, "-q"])).code).toBe(0);
    // Given from a subfolder, relative to it: recorded relative to the repository root.
    const add = await idse(["remote", "add", "backup", "../../../backup", "--json"], {
      cwd: join(repo, "src", "deep"),
    });
    expect(add.code, add.stdout).toBe(0);
    expect(add.json!.diagnostics).toEqual([]);
    expect(config(repo).remotes.backup.path).toBe("../backup");
    expect(readFileSync(join(repo, ".idse", "config.json"), "utf8")).not.toContain(parent);
    // Read back relative to the repository root, whatever the working directory.
    expect((await idse(["sync", "push"], { cwd: join(repo, "src") })).code).toBe(0);
    expect(existsSync(join(parent, "backup", "projects", PROJECT))).toBe(true);
    // The checkout moved: the remote beside it moves with it.
    const moved = join(tempDir("idse-moved-"), "x");
    renameSync(parent, moved);
    const st = await idse(["sync", "status", "--json"], { cwd: join(moved, "repo") });
    expect(st.code, st.stdout).toBe(0);
    expect(st.json!.data.remote.location).toBe("../backup");
  });

  /** A repository two folders down in its own temp folder: another temp folder is "further away" from it. */
  async function deepRepo(env: Record<string, string>) {
    const repo = join(tempDir("idse-deep-"), "work", "repo");
    mkdirSync(repo, { recursive: true });
    const ws = wsAt(repo, env);
    expect((await ws.run(["init", PROJECT, "--no-create-agent-files", "-q"])).code).toBe(0);
    return ws;
  }

  test("a folder further away is a personal remote: recorded in the user's config directory, never in the committed config", async () => {
    const xdg = tempDir("idse-xdg-");
    const ws = await deepRepo({ XDG_CONFIG_HOME: xdg });
    const far = join(tempDir("idse-far-"), "backup");
    expect(
      relative(ws.cwd, far)
        .split("/")
        .filter((p) => p === "..").length,
    ).toBeGreaterThan(1);
    expect((await ws.run(["remote", "add", "team", "../team-backup"])).code).toBe(0);
    const r = await ws.json(["remote", "add", "far", far]);
    expect(r.code, r.stdout).toBe(0);
    const file = join(xdg, "idse", "remotes.json");
    expect(r.json.data).toMatchObject({
      action: "added",
      file,
      remote: { name: "far", source: "user", location: far, default: false },
    });
    expect(r.json.diagnostics).toMatchObject([{ severity: "warning", code: "REMOTE_PERSONAL", file }]);
    // The committed config names only the team's remote; the personal one is keyed by the repository.
    expect(config(ws.cwd).remotes).toEqual({
      team: { plugin: "filesystem", path: "../team-backup", default: true },
    });
    expect(readFileSync(join(ws.cwd, ".idse", "config.json"), "utf8")).not.toContain(far);
    const mine = JSON.parse(readFileSync(file, "utf8"));
    expect(mine.repositories[realpathSync(ws.cwd)].remotes.far).toEqual({ plugin: "filesystem", path: far });
    // Listed after the team's, from "user"; another user (another config directory) does not see it.
    const list = await ws.json(["remote", "list"]);
    expect(
      list.json.data.remotes.map((x: { name: string; source: string }) => `${x.name}:${x.source}`),
    ).toEqual(["team:repo", "far:user"]);
    const other = await idse(["remote", "list", "--json"], {
      cwd: ws.cwd,
      env: { XDG_CONFIG_HOME: tempDir() },
    });
    expect(names(other)).toEqual(["team*"]);
    // Its name is taken in both places.
    expect((await ws.json(["remote", "add", "far", "../x"])).json.diagnostics[0]?.code).toBe("REMOTE_EXISTS");
    expect((await ws.json(["remote", "add", "team", join(tempDir(), "y")])).json.diagnostics[0]?.code).toBe(
      "REMOTE_EXISTS",
    );
    const rm = await ws.json(["remote", "remove", "far"]);
    expect(rm.code, rm.stdout).toBe(0);
    expect(rm.json.data).toMatchObject({ action: "removed", file, remote: { name: "far", source: "user" } });
    expect(JSON.parse(readFileSync(file, "utf8")).repositories).toEqual({});
    expect(names(await ws.json(["remote", "list"]))).toEqual(["team*"]);
  });

  test("a personal remote works like any other: --default makes it this user's default, and sync pushes to it", async () => {
    const ws = await deepRepo({ XDG_CONFIG_HOME: tempDir("idse-xdg-") });
    expect((await ws.run(["remote", "add", "team", "../team-backup"])).code).toBe(0);
    const target = join(tempDir("idse-far-"), "backup");
    const add = await ws.json(["remote", "add", "mine", target, "--default"]);
    expect(add.code, add.stdout).toBe(0);
    expect(add.json.data.remote).toMatchObject({ source: "user", default: true });
    // This user's default wins over the team's; the team's config still marks its own.
    expect(names(await ws.json(["remote", "list"]))).toEqual(["team", "mine*"]);
    expect(config(ws.cwd).remotes.team.default).toBe(true);
    const push = await ws.json(["sync", "push"]);
    expect(push.code, push.stdout).toBe(0);
    expect(existsSync(join(target, "projects", PROJECT))).toBe(true);
    expect(existsSync(join(dirname(ws.cwd), "team-backup"))).toBe(false);
  });

  test("a damaged personal remotes file is named, with nothing changed", async () => {
    const ws = await workspace();
    const xdg = tempDir("idse-xdg-");
    mkdirSync(join(xdg, "idse"), { recursive: true });
    writeFileSync(join(xdg, "idse", "remotes.json"), "{");
    const r = await idse(["remote", "list", "--json"], { cwd: ws.cwd, env: { XDG_CONFIG_HOME: xdg } });
    expect(r.code).toBe(1);
    expect(r.json!.diagnostics[0]).toMatchObject({ severity: "error", code: "INVALID_FILE" });
    expect(r.json!.diagnostics[0].message).toContain(join(xdg, "idse", "remotes.json"));
    expect(readFileSync(join(xdg, "idse", "remotes.json"), "utf8")).toBe("{");
  });

  test("a link to .idse, or to a folder above the repository, is the workspace (compared by real path)", async () => {
    const ws = await workspace();
    const links = tempDir("idse-links-");
    symlinkSync(join(ws.cwd, ".idse"), join(links, "to-idse"));
    symlinkSync(join(ws.cwd, ".idse", "projects"), join(links, "to-projects"));
    symlinkSync(ws.cwd, join(links, "to-repo"));
    symlinkSync(dirname(ws.cwd), join(links, "to-parent"));
    for (const name of ["to-idse", "to-projects", "to-repo", "to-parent"]) {
      const r = await ws.json(["remote", "add", "x", join(links, name)]);
      expect({ name, code: r.json.diagnostics[0]?.code }).toEqual({
        name,
        code: "REMOTE_INVALID",
      });
    }
    expect(existsSync(join(ws.cwd, ".idse", "config.json"))).toBe(false); // nothing was recorded
  });

  test("remove drops the remote and its sync base, and touches nothing on the remote", async () => {
    const ws = await workspace();
    const dir = join(tempDir(), "store");
    await ws.run(["remote", "add", "backup", dir]);
    expect((await ws.run(["sync", "push"])).code).toBe(0);
    const base = join(ws.cwd, ".idse", "projects", PROJECT, "sync", "backup.json");
    expect(existsSync(base)).toBe(true);
    const r = await ws.json(["remote", "remove", "backup"]);
    expect(r.json.data).toMatchObject({ action: "removed", remote: { name: "backup" } });
    expect(existsSync(base)).toBe(false);
    expect(existsSync(join(dir, "projects", PROJECT))).toBe(true);
    expect(config(ws.cwd).remotes).toBeUndefined();
    expect((await ws.json(["remote", "remove", "backup"])).json.diagnostics[0].code).toBe("REMOTE_NOT_FOUND");
  });

  test("a plugin remote: known, of the right kind, its options checked by the plugin, nothing secret", async () => {
    const ws = await workspace();
    const codeOf = async (argv: string[]) => {
      const r = await ws.json(["remote", "add", ...argv]);
      expect(r.code, r.stdout).not.toBe(0);
      return r.json.diagnostics[0];
    };
    expect(await codeOf(["team", "--plugin", "jira-sync"])).toMatchObject({
      code: "REMOTE_PLUGIN_UNAVAILABLE",
      message: expect.stringContaining("neither installed nor bundled"),
    });
    expect((await codeOf(["team", "--plugin", "windsurf"])).message).toContain("it is a routing plugin");
    // A store plugin takes a path or options, never a URL; a filesystem remote no options.
    expect((await codeOf(["team", "postgres://db/idse", "--plugin", "postgres-store"])).code).toBe(
      "REMOTE_INVALID",
    );
    expect((await codeOf(["team", "../x", "--option", "a=1"])).message).toContain("takes no --option");
    // The plugin's own model refuses an unknown or ill-typed option before anything is written.
    expect(await codeOf(["team", "--plugin", "postgres-store", "--option", "tenant=a b"])).toMatchObject({
      code: "PLUGIN_OPTIONS_INVALID",
      message: expect.stringContaining("tenant"),
    });
    expect((await codeOf(["team", "--plugin", "sqlite-store", "--option", "colour=1"])).code).toBe(
      "PLUGIN_OPTIONS_INVALID",
    );
    // A credential in an option is refused, its value never repeated.
    const secret = await codeOf([
      "team",
      "--plugin",
      "postgres-store",
      "--option",
      "password=hunter2hunter2",
    ]);
    expect(secret.code).toBe("REMOTE_INVALID");
    expect(JSON.stringify(secret)).not.toContain("hunter2");
    expect(
      existsSync(join(ws.cwd, ".idse", "config.json")) ? config(ws.cwd).remotes : undefined,
    ).toBeUndefined();
    expect(existsSync(join(ws.cwd, ".idse", "plugins.json"))).toBe(false);
  });

  test("a plugin that is gone by the time of the sync fails clearly", async () => {
    const ws = await workspace();
    writeFileSync(
      join(ws.cwd, ".idse", "config.json"),
      JSON.stringify({
        remotes: { team: { plugin: "jira-sync", url: "https://jira.example.com", default: true } },
      }),
    );
    const st = await ws.json(["sync", "status"]);
    expect(st.code).toBe(1);
    expect(st.json.diagnostics[0]).toMatchObject({ code: "REMOTE_PLUGIN_UNAVAILABLE", plugin: "jira-sync" });
  });
});

describe("the default remote", () => {
  test("none configured, or several and none marked: NO_REMOTE; a name picks one", async () => {
    const ws = await workspace();
    expect((await ws.json(["sync", "status"])).json.diagnostics[0].code).toBe("NO_REMOTE");
    expect((await ws.json(["sync", "status", "nope"])).json.diagnostics[0].code).toBe("REMOTE_NOT_FOUND");
    await ws.run(["remote", "add", "a", "https://a.example.com"]);
    await ws.run(["remote", "add", "b", "https://b.example.com"]);
    const file = join(ws.cwd, ".idse", "config.json");
    const c = config(ws.cwd);
    delete c.remotes.a.default;
    (await import("node:fs")).writeFileSync(file, JSON.stringify(c));
    const none = await ws.json(["sync", "status"]);
    expect(none.json.diagnostics[0]).toMatchObject({ code: "NO_REMOTE", remotes: ["a", "b"] });
    expect(none.json.diagnostics[0].hint).toContain("--default");
  });

  test("IDSE_ARTIFACT_URL (or IDSE_AGENCY_URL) is the default; it selects a configured remote with that URL", async () => {
    const ws = await workspace();
    await ws.run(["remote", "add", "backup", join(tempDir(), "b")]);
    ws.env = { IDSE_AGENCY_URL: "https://core.example.com/api" };
    expect((await ws.json(["remote", "list"])).json.data.remotes).toEqual([
      { name: "backup", plugin: "filesystem", location: expect.any(String), default: false, source: "repo" },
      {
        name: "env",
        plugin: "artifact-core",
        location: "https://core.example.com/api",
        default: true,
        source: "env",
      },
    ]);
    await ws.run(["remote", "add", "core", "https://core.example.com/api/"]);
    ws.env = { IDSE_ARTIFACT_URL: "https://core.example.com/api" };
    expect(names(await ws.json(["remote", "list"]))).toEqual(["backup", "core*"]);
    // A path works too: the filesystem store.
    const dir = join(tempDir(), "envstore");
    ws.env = { IDSE_ARTIFACT_URL: dir };
    expect((await ws.run(["sync", "push"])).code).toBe(0);
    expect(existsSync(join(dir, "projects", PROJECT, "sessions", "__blueprint__", "specs", "spec.md"))).toBe(
      true,
    );
  });
});
