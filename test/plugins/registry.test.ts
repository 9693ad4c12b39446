import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "../../src/cli/command.ts";
import { sri } from "../../src/plugins/integrity.ts";
import { registryFor, tokenFor } from "../../src/plugins/npmrc.ts";
import { snapshot } from "../e2e/util.ts";
import { idse, tempDir } from "../helpers.ts";
import { pluginFiles, registry, tgz, workspace } from "./fixtures.ts";

// Installs from an npm registry: a real HTTP server on 127.0.0.1 serving packuments and tarballs.

const JIRA = "@acme/idse-jira-sync";
const jira = (version: string) =>
  pluginFiles({
    name: "jira-sync",
    version,
    packageName: JIRA,
    kind: "sync",
    capabilities: ["push"],
    code: syncCode,
  });
const syncCode = `export default () => ({ kind: "sync", async createTransport() {
  return { list: async () => [], get: async () => undefined, put: async () => ({}) };
} });`;

async function workspaceWithNpmrc(text: string) {
  const cwd = await workspace();
  writeFileSync(join(cwd, ".npmrc"), text);
  return cwd;
}

async function published() {
  const reg = registry();
  for (const v of ["1.0.0", "1.2.0", "2.0.0"]) await reg.publish(JIRA, v, jira(v));
  return reg;
}

function setup(reg: { url: string }, extra: Record<string, string> = {}) {
  const cache = tempDir("idse-cache-");
  return { IDSE_REGISTRY: reg.url, IDSE_CACHE_DIR: cache, ...extra };
}

const add = (cwd: string, spec: string, env: Record<string, string>, ...rest: string[]) =>
  idse(["plugin", "add", spec, "--yes", "--json", ...rest], { cwd, env });

describe("install from a registry", () => {
  test("a semver range resolves to the highest matching version, checked against dist.integrity", async () => {
    const reg = await published();
    const cwd = await workspace();
    const r = await add(cwd, `${JIRA}@^1`, setup(reg));
    expect(r.code, r.stdout).toBe(0);
    const entry = JSON.parse(readFileSync(join(cwd, ".idse", "plugins.json"), "utf8")).plugins[0];
    expect(entry).toMatchObject({
      name: "jira-sync",
      version: "1.2.0",
      kind: "sync",
      source: "registry",
      package: JIRA,
      resolved: `${reg.url}${JIRA}/-/idse-jira-sync-1.2.0.tgz`,
    });
    expect(entry.integrity).toBe(sri(await tgz(jira("1.2.0"))));
    expect(reg.requests.map((q) => q.path)).toEqual([
      `/${JIRA.replace("/", "%2f")}`,
      `/${JIRA}/-/idse-jira-sync-1.2.0.tgz`,
    ]);
  });

  test("no range means the latest tag; a dist-tag works too", async () => {
    const reg = await published();
    await reg.publish(JIRA, "3.0.0-beta.1", jira("3.0.0-beta.1"), { tag: "beta" });
    const cwd = await workspace();
    const env = setup(reg);
    expect((await add(cwd, JIRA, env)).json!.data.plugin.version).toBe("2.0.0");
    expect((await add(cwd, `${JIRA}@beta`, env)).json!.data.plugin.version).toBe("3.0.0-beta.1");
    const none = await add(cwd, `${JIRA}@^9`, env);
    expect(none.json!.diagnostics[0]).toMatchObject({ code: "PLUGIN_VERSION_NOT_FOUND", range: "^9" });
  });

  test("a private registry named in the repository's .npmrc, with a bearer token", async () => {
    const reg = await published();
    reg.token = "s3cret-token";
    const cwd = await workspace();
    const host = new URL(reg.url).host;
    writeFileSync(
      join(cwd, ".npmrc"),
      `registry=http://127.0.0.1:9/\n@acme:registry=${reg.url}\n//${host}/:_authToken=\${ACME_TOKEN}\n`,
    );
    const env = { IDSE_CACHE_DIR: tempDir("idse-cache-") };
    // A cloned repository's .npmrc is heeded only once this user approved it: nothing is asked before.
    const untrusted = await add(cwd, `${JIRA}@^1`, { ...env, ACME_TOKEN: "s3cret-token" });
    expect(untrusted.code).toBe(1);
    expect(untrusted.json!.diagnostics[0].code).toBe("WORKSPACE_UNTRUSTED");
    expect(untrusted.json!.diagnostics[0].message).toContain(`@acme:registry=${reg.url}`);
    expect(reg.requests).toEqual([]);
    expect((await idse(["trust", "--json"], { cwd })).code).toBe(0);
    const denied = await add(cwd, `${JIRA}@^1`, env);
    // ACME_TOKEN is unset, so the token is sent as written (npm's rule): refused, and the hint says
    // where credentials go.
    expect(denied.json!.diagnostics[0]).toMatchObject({ code: "PLUGIN_REGISTRY_AUTH", status: 401 });
    expect(denied.json!.diagnostics[0].hint).toContain(`//${host}/:_authToken`);
    const r = await add(cwd, `${JIRA}@^1`, { ...env, ACME_TOKEN: "s3cret-token" });
    expect(r.code, r.stdout).toBe(0);
    expect(reg.requests.at(-1)!.auth).toBe("Bearer s3cret-token");
    expect(r.stdout).not.toContain("s3cret-token");
  });

  test("the repository's .npmrc: approved as its bytes; one that sets nothing idse reads needs no approval", async () => {
    const reg = await published();
    const cwd = await workspace();
    const env = { IDSE_CACHE_DIR: tempDir("idse-cache-"), SECRET: "exfil-me" };
    writeFileSync(join(cwd, ".npmrc"), "save-exact=true\nengine-strict=true\n");
    expect((await idse(["trust", "--show", "--json"], { cwd })).json!.data.runs).toEqual([]);
    // The registry idse asks comes from the environment here, the credentials from the repository.
    const npmrc = `//${new URL(reg.url).host}/:_authToken=\${SECRET}\n`;
    writeFileSync(join(cwd, ".npmrc"), npmrc);
    const shown = await idse(["trust", "--show", "--json"], { cwd });
    expect(shown.json!.data.runs).toEqual([
      { kind: "endpoint", name: ".npmrc", hosts: [], files: { ".npmrc": sri(npmrc) }, approved: false },
    ]);
    const refused = await add(cwd, `${JIRA}@^1`, { ...env, IDSE_REGISTRY: reg.url });
    expect(refused.json!.diagnostics[0].code).toBe("WORKSPACE_UNTRUSTED");
    expect(reg.requests).toEqual([]);
    expect((await idse(["trust"], { cwd })).code).toBe(0);
    // Changed after the approval: not approved any more.
    writeFileSync(join(cwd, ".npmrc"), `${npmrc}strict-ssl=false\n`);
    const changed = await add(cwd, `${JIRA}@^1`, { ...env, IDSE_REGISTRY: reg.url });
    expect(changed.json!.diagnostics[0].code).toBe("WORKSPACE_UNTRUSTED");
    expect(reg.requests).toEqual([]);
    writeFileSync(join(cwd, ".npmrc"), npmrc);
    const r = await add(cwd, `${JIRA}@^1`, { ...env, IDSE_REGISTRY: reg.url });
    expect(r.code, r.stdout).toBe(0);
    expect(reg.requests.at(-1)!.auth).toBe("Bearer exfil-me");
    // --offline asks no registry, so it needs no approval of the .npmrc.
    const offline = await add(
      await workspaceWithNpmrc(`${npmrc}cafile=/etc/hostname\n`),
      `${JIRA}@^1`,
      { ...env, IDSE_REGISTRY: reg.url },
      "--offline",
    );
    expect(offline.code, offline.stdout).toBe(0);
  });

  test("--offline installs from the cache, keyed by integrity, and only from it", async () => {
    const reg = await published();
    const env = setup(reg);
    expect((await add(await workspace(), `${JIRA}@^1`, env)).code).toBe(0);
    const served = reg.requests.length;
    const cwd = await workspace();
    const r = await add(cwd, `${JIRA}@^1`, env, "--offline");
    expect(r.code, r.stdout).toBe(0);
    expect(r.json!.data.plugin).toMatchObject({ version: "1.2.0", source: "registry" });
    expect(reg.requests.length).toBe(served);
    const missing = await add(cwd, "@acme/other", env, "--offline");
    expect(missing.json!.diagnostics[0].code).toBe("PLUGIN_NOT_CACHED");
    // The cached packument knows 2.0.0, but its tarball was never downloaded.
    const fresh = await add(await workspace(), `${JIRA}@2`, env, "--offline");
    expect(fresh.json!.diagnostics[0].code).toBe("PLUGIN_NOT_CACHED");
  });
});

describe("registry failures exit 1 with a code and change nothing", () => {
  const cases: [string, (reg: Awaited<ReturnType<typeof published>>) => Promise<void> | void, string][] = [
    ["404 for the package", () => {}, "PLUGIN_PACKAGE_NOT_FOUND"],
    [
      "500",
      (reg) => {
        reg.fail.status = 500;
      },
      "PLUGIN_REGISTRY",
    ],
    [
      "no answer in time",
      (reg) => {
        reg.fail.delayMs = 600_000;
      },
      "PLUGIN_REGISTRY",
    ],
    [
      "a tarball whose sha512 is not the packument's",
      (reg) => reg.publish(JIRA, "1.3.0", jira("1.3.0"), { integrity: sri("other bytes") }),
      "PLUGIN_INTEGRITY",
    ],
    [
      "a half-downloaded tarball (connection closed)",
      (reg) => {
        reg.fail.truncate = "close";
      },
      "PLUGIN_INTEGRITY",
    ],
    [
      "a half-downloaded tarball (connection dropped)",
      (reg) => {
        reg.fail.truncate = "error";
      },
      "PLUGIN_REGISTRY",
    ],
  ];
  for (const [what, arrange, code] of cases) {
    test(`${what}: ${code}`, async () => {
      const reg = await published();
      const cwd = await workspace();
      // A budget far above any answer on a busy machine; "no answer in time" never answers within it.
      const env = setup(reg, { IDSE_REGISTRY_TIMEOUT_MS: "3000" });
      expect((await add(cwd, `${JIRA}@1.0.0`, env)).code).toBe(0);
      const before = snapshot(join(cwd, ".idse"));
      await arrange(reg);
      const spec = what.startsWith("404") ? "@acme/nope" : `${JIRA}@^1`;
      const r = await add(cwd, spec, env);
      expect({ code: r.code, error: r.json!.diagnostics[0].code }).toEqual({ code: 1, error: code });
      expect(snapshot(join(cwd, ".idse"))).toEqual(before);
    });
  }
});

describe("which registry, which token", () => {
  const o = (env: Record<string, string>, root?: string, home = tempDir("idse-home-")) => ({
    env,
    root,
    home,
  });

  test("IDSE_REGISTRY, then npm_config_registry, then the repository's .npmrc, then the home one", () => {
    const root = tempDir("idse-root-");
    const home = tempDir("idse-home-");
    writeFileSync(join(home, ".npmrc"), "registry=http://home.test/\n");
    expect(registryFor("x", o({}, root, home))).toEqual({
      url: "http://home.test/",
      source: join(home, ".npmrc"),
    });
    writeFileSync(join(root, ".npmrc"), "registry=http://repo.test/npm\n@acme:registry=http://acme.test/\n");
    expect(registryFor("x", o({}, root, home)).url).toBe("http://repo.test/npm/");
    expect(registryFor("@acme/x", o({}, root, home)).url).toBe("http://acme.test/");
    expect(registryFor("x", o({ npm_config_registry: "http://env.test/" }, root, home)).url).toBe(
      "http://env.test/",
    );
    const both = { npm_config_registry: "http://env.test/", IDSE_REGISTRY: "http://idse.test/" };
    expect(registryFor("@acme/x", o(both, root, home))).toEqual({
      url: "http://idse.test/",
      source: "IDSE_REGISTRY",
    });
  });

  test("npm_config_userconfig names the user file, as for npm", () => {
    const rc = join(tempDir("idse-npmrc-"), "npmrc");
    writeFileSync(rc, "registry=http://from-npm-config.test/\n");
    const r = registryFor("x", o({ npm_config_userconfig: rc }));
    expect(r).toEqual({ url: "http://from-npm-config.test/", source: rc });
  });

  test("no file names a registry: npm's built-in default, from `npm config get registry`", () => {
    const r = registryFor("x", o({}));
    const npm = Bun.spawnSync(["npm", "config", "get", "registry"], { env: { PATH: process.env.PATH! } });
    expect(r.url).toBe(npm.stdout.toString().trim());
  });

  test("a token goes only to URLs under its //host/path/ prefix; environment variables are expanded", () => {
    const root = tempDir("idse-root-");
    writeFileSync(
      join(root, ".npmrc"),
      `//reg.test/npm/:_authToken=\${TOK}\n//other.test/:_authToken=plain\n`,
    );
    const env = o({ TOK: "abc" }, root);
    expect(tokenFor("http://reg.test/npm/@acme%2fx", env)).toBe("abc");
    expect(tokenFor("http://reg.test/elsewhere/x.tgz", env)).toBeUndefined();
    expect(tokenFor("http://evil.test/npm/x", env)).toBeUndefined();
    expect(tokenFor("https://other.test/a/b.tgz", env)).toBe("plain");
  });
});

describe("another package declaring an installed plugin's name", () => {
  const OTHER = "@other/idse-jira-sync";
  const other = (version: string) =>
    pluginFiles({
      name: "jira-sync",
      version,
      packageName: OTHER,
      kind: "sync",
      capabilities: ["push"],
      code: syncCode,
    });

  test("is refused even under --yes without a terminal, and --replace takes it; an update of the same package is not asked", async () => {
    const reg = await published();
    await reg.publish(OTHER, "9.0.0", other("9.0.0"));
    const cwd = await workspace();
    const env = setup(reg);
    expect((await add(cwd, `${JIRA}@^1`, env)).code).toBe(0);
    const before = snapshot(join(cwd, ".idse"));
    const taken = await add(cwd, OTHER, env);
    expect(taken.code).toBe(1);
    expect(taken.json!.diagnostics[0]).toMatchObject({
      code: "PLUGIN_NAME_TAKEN",
      installed: JIRA,
      offered: OTHER,
    });
    expect(taken.json!.diagnostics[0].hint).toContain(`idse plugin add ${OTHER} --replace`);
    expect(snapshot(join(cwd, ".idse"))).toEqual(before);
    // The same package, a newer version: an ordinary update.
    expect((await add(cwd, `${JIRA}@^2`, env)).json!.data.plugin.version).toBe("2.0.0");
    // The hint's command does what it says.
    const replaced = await add(cwd, OTHER, env, "--replace");
    expect(replaced.code, replaced.stdout).toBe(0);
    const entry = JSON.parse(readFileSync(join(cwd, ".idse", "plugins.json"), "utf8")).plugins[0];
    expect(entry).toMatchObject({ name: "jira-sync", package: OTHER, version: "9.0.0" });
  });

  test("at a terminal, --yes neither answers nor asks the question of replacing it; without --yes it is asked", async () => {
    const reg = await published();
    await reg.publish(OTHER, "9.0.0", other("9.0.0"));
    const cwd = await workspace();
    const env = setup(reg);
    expect((await add(cwd, JIRA, env)).code).toBe(0);
    const asked: string[] = [];
    const terminal = {
      stdinIsTTY: true,
      prompt: async (q: string) => {
        asked.push(q);
        return "n";
      },
    } as Partial<Io>;
    // `-y, --yes  Assume yes; never prompt`: refused, as without a terminal.
    const yes = await idse(["plugin", "add", OTHER, "--yes", "--json"], { cwd, env, io: terminal });
    expect([yes.code, yes.json!.diagnostics[0].code, asked]).toEqual([1, "PLUGIN_NAME_TAKEN", []]);
    const r = await idse(["plugin", "add", OTHER], { cwd, env, io: terminal });
    expect(r.code).toBe(130);
    expect(asked).toEqual(["Replace it? [y/N] "]);
    expect(r.stderr).toContain(`is installed from ${JIRA}`);
  });
});
