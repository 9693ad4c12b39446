import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idse, tempDir } from "../helpers.ts";
import { type Files, pluginFiles, registry, workspace } from "./fixtures.ts";
import { startVerdaccio, type Verdaccio } from "./verdaccio.ts";

// `idse plugin add` picks the registry and the credentials exactly as npm does. Every case runs both
// `npm view <package> version` (the real npm) and `idse plugin add`, with the same .npmrc files and
// environment, against two registries on 127.0.0.1: verdaccio (version 1.0.0 of each package; the
// @acme scope needs a login) and a plain test registry (version 2.0.0, no login). The version each tool
// gets says which registry it asked; a refusal must be a refusal for both.

const SCOPED = "@acme/idse-parity-sync";
const OPEN = "idse-parity-open";
const syncCode = `export default () => ({ kind: "sync", async createTransport() {
  return { list: async () => [], get: async () => undefined, put: async () => ({}) };
} });`;
const files = (packageName: string, name: string, version: string): Files =>
  pluginFiles({ name, version, packageName, kind: "sync", capabilities: ["push"], code: syncCode });

let v: Verdaccio;
beforeAll(async () => {
  v = await startVerdaccio();
  await v.publish(SCOPED, "1.0.0", files(SCOPED, "parity-sync", "1.0.0"));
  await v.publish(OPEN, "1.0.0", files(OPEN, "parity-open", "1.0.0"));
}, 120_000);
afterAll(() => v?.stop());

function run(cmd: string, args: string[], o: { cwd: string; env: Record<string, string> }) {
  return new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ["ignore", "pipe", "ignore"] });
    let stdout = "";
    child.stdout.on("data", (b) => {
      stdout += b;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

interface Case {
  name: string;
  pkg: string;
  project?: (V: string, F: string) => string;
  user?: (V: string, F: string) => string;
  /** An npmrc named by npm_config_userconfig (the home one then does not count). */
  userconfig?: (V: string, F: string) => string;
  env?: (V: string, F: string) => Record<string, string>;
  /** The version both must get, or "refused". */
  expect: "1.0.0" | "2.0.0" | "refused";
}

const nerf = (url: string) => `//${new URL(url).host}/`;

const CASES: Case[] = [
  {
    name: "a scope in ~/.npmrc beats `registry` in the project's .npmrc",
    pkg: SCOPED,
    project: (_V, F) => `registry=${F}\n`,
    user: (V) => `@acme:registry=${V}\n${nerf(V)}:_authToken=${v.token}\n`,
    expect: "1.0.0",
  },
  {
    name: "a scope in the project's .npmrc beats npm_config_registry",
    pkg: SCOPED,
    project: (V) => `@acme:registry=${V}\n${nerf(V)}:_authToken=${v.token}\n`,
    env: (_V, F) => ({ npm_config_registry: F }),
    expect: "1.0.0",
  },
  {
    name: "for an unscoped package, npm_config_registry beats the project's `registry`",
    pkg: OPEN,
    project: (_V, F) => `registry=${F}\n`,
    env: (V) => ({ npm_config_registry: V }),
    expect: "1.0.0",
  },
  {
    name: "the project's .npmrc beats ~/.npmrc for the same key",
    pkg: OPEN,
    project: (_V, F) => `registry=${F}\n`,
    user: (V) => `registry=${V}\n`,
    expect: "2.0.0",
  },
  {
    name: "basic auth with `:_auth` (Artifactory, Nexus)",
    pkg: SCOPED,
    project: (V) => `@acme:registry=${V}\n${nerf(V)}:_auth=${b64(`${v.user}:${v.password}`)}\n`,
    expect: "1.0.0",
  },
  {
    name: "basic auth with `:username` and a base64 `:_password`",
    pkg: SCOPED,
    project: (V) =>
      `@acme:registry=${V}\n${nerf(V)}:username=${v.user}\n${nerf(V)}:_password=${b64(v.password)}\n`,
    expect: "1.0.0",
  },
  {
    name: `a token from the environment through \${VAR}`,
    pkg: SCOPED,
    project: (V) => `@acme:registry=${V}\n${nerf(V)}:_authToken=\${PARITY_TOKEN}\n`,
    env: () => ({ PARITY_TOKEN: v.token }),
    expect: "1.0.0",
  },
  {
    name: `\${VAR?} of an unset variable is empty`,
    pkg: SCOPED,
    project: (V) => `@acme:registry=${V}\n${nerf(V)}:_authToken=\${PARITY_UNSET?}\${PARITY_TOKEN}\n`,
    env: () => ({ PARITY_TOKEN: v.token }),
    expect: "1.0.0",
  },
  {
    name: `a backslash before \${VAR} keeps it as written: refused by both`,
    pkg: SCOPED,
    project: (V) => `@acme:registry=${V}\n${nerf(V)}:_authToken=\\\${PARITY_TOKEN}\n`,
    env: () => ({ PARITY_TOKEN: v.token }),
    expect: "refused",
  },
  {
    name: "npm_config_userconfig names the user file; ~/.npmrc is then not read",
    pkg: SCOPED,
    user: (_V, F) => `@acme:registry=${F}\n`,
    userconfig: (V) => `@acme:registry=${V}\n${nerf(V)}:_authToken=${v.token}\n`,
    expect: "1.0.0",
  },
  {
    name: "a wrong password is refused by both",
    pkg: SCOPED,
    project: (V) => `@acme:registry=${V}\n${nerf(V)}:_auth=${b64(`${v.user}:wrong`)}\n`,
    expect: "refused",
  },
  {
    name: "no credentials for the scope's registry: refused by both",
    pkg: SCOPED,
    project: (V) => `@acme:registry=${V}\n`,
    expect: "refused",
  },
  {
    name: "credentials for another port of the same host are not sent",
    pkg: SCOPED,
    project: (V) => `@acme:registry=${V}\n//127.0.0.1:1/:_authToken=${v.token}\n`,
    expect: "refused",
  },
];

/** Asynchronous: the plain registry is served from this process, so it must stay free to answer. */
async function npmView(pkg: string, cwd: string, home: string, env: Record<string, string>) {
  const r = await run("npm", ["view", pkg, "version"], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      npm_config_cache: tempDir("idse-npm-cache-"),
      npm_config_update_notifier: "false",
      ...env,
    },
  });
  return r.code === 0 ? r.stdout.trim() : "refused";
}

describe(".npmrc: idse plugin add asks the registry npm view asks, with the same credentials", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      // The plain registry's server is stopped after each test (fixtures.ts), so each test has its own.
      const plain = registry();
      await plain.publish(SCOPED, "2.0.0", files(SCOPED, "parity-sync", "2.0.0"));
      await plain.publish(OPEN, "2.0.0", files(OPEN, "parity-open", "2.0.0"));
      const V = v.url;
      const F = plain.url;
      const cwd = await workspace();
      writeFileSync(join(cwd, "package.json"), "{}\n"); // npm's project root is the nearest package.json
      const home = tempDir("idse-home-");
      const env: Record<string, string> = { ...(c.env?.(V, F) ?? {}) };
      if (c.project) writeFileSync(join(cwd, ".npmrc"), c.project(V, F));
      if (c.user) writeFileSync(join(home, ".npmrc"), c.user(V, F));
      if (c.userconfig) {
        const dir = tempDir("idse-userconfig-");
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "npmrc"), c.userconfig(V, F));
        env.npm_config_userconfig = join(dir, "npmrc");
      }
      const npm = await npmView(c.pkg, cwd, home, env);
      // The repository's .npmrc is heeded once approved (src/plugins/runnables.ts, test/plugins/registry.test.ts).
      if (c.project) expect((await idse(["trust", "--json"], { cwd, home })).code).toBe(0);
      const r = await idse(["plugin", "add", c.pkg, "--yes", "--json"], {
        cwd,
        home,
        env: { ...env, IDSE_CACHE_DIR: tempDir("idse-cache-") },
      });
      const ours = r.code === 0 ? r.json!.data.plugin.version : "refused";
      expect({ npm, idse: ours }).toEqual({ npm: c.expect, idse: c.expect });
      if (c.expect === "refused") {
        const d = r.json!.diagnostics[0];
        expect(d.code).toBe("PLUGIN_REGISTRY_AUTH");
        expect(d.hint).toContain(`npm login --registry ${V}`);
        expect(JSON.stringify(r.json)).not.toContain(v.token);
        expect(JSON.stringify(r.json)).not.toContain(b64(`${v.user}:wrong`));
      }
    }, 60_000);
  }
});
