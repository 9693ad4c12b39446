import { spawnSync } from "node:child_process";
import { join } from "node:path";
import ini from "ini";
import { readTextIfExists } from "../atomic-file.ts";
import { IdseError } from "../errors.ts";

// Which npm registry to ask, and with which token: IDSE_REGISTRY, npm_config_registry, the repository's
// .npmrc, the home .npmrc, then `npm config get registry`. No registry host is written in idse itself.
// Within an .npmrc a scoped `@scope:registry` wins over `registry`, as in npm. Tokens are npm's
// `//host/path/:_authToken=…` lines (with ${VAR} expanded) and go only to URLs under that prefix.

export interface RegistryEnv {
  env: Record<string, string | undefined>;
  /** The repository root (its .npmrc is read first). */
  root?: string;
  home: string;
}

export interface Registry {
  url: string;
  /** Where the URL came from, for messages. */
  source: string;
}

type Rc = { file: string; values: Record<string, string> };

function expand(value: string, env: RegistryEnv["env"]): string {
  return value.replace(/\$\{([^}?]+)(\?)?\}/g, (_all, name: string) => env[name] ?? "");
}

function readRc(file: string, env: RegistryEnv["env"]): Rc | undefined {
  const text = readTextIfExists(file);
  if (text === undefined) return undefined;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(ini.parse(text))) if (typeof v === "string") values[k] = expand(v, env);
  return { file, values };
}

function rcFiles(o: RegistryEnv): Rc[] {
  const files = [...(o.root ? [join(o.root, ".npmrc")] : []), join(o.home, ".npmrc")];
  return [...new Set(files)].flatMap((f) => readRc(f, o.env) ?? []);
}

const slash = (url: string) => (url.endsWith("/") ? url : `${url}/`);

function valid(url: string | undefined): url is string {
  if (!url) return false;
  try {
    return ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

export function registryFor(pkg: string, o: RegistryEnv): Registry {
  const scope = pkg.startsWith("@") ? pkg.split("/")[0] : undefined;
  const fromEnv: [string, string | undefined][] = [
    ["IDSE_REGISTRY", o.env.IDSE_REGISTRY],
    ["npm_config_registry", o.env.npm_config_registry ?? o.env.NPM_CONFIG_REGISTRY],
  ];
  for (const [name, url] of fromEnv) if (valid(url)) return { url: slash(url), source: name };
  for (const rc of rcFiles(o)) {
    const scoped = scope ? rc.values[`${scope}:registry`] : undefined;
    if (valid(scoped)) return { url: slash(scoped), source: rc.file };
    if (valid(rc.values.registry)) return { url: slash(rc.values.registry), source: rc.file };
  }
  for (const key of scope ? [`${scope}:registry`, "registry"] : ["registry"]) {
    const r = spawnSync("npm", ["config", "get", key], {
      encoding: "utf8",
      timeout: 15_000,
      env: { ...o.env, PATH: o.env.PATH ?? process.env.PATH },
      shell: process.platform === "win32",
    });
    const url = r.stdout?.trim();
    if (r.status === 0 && valid(url)) return { url: slash(url), source: "npm config get registry" };
  }
  throw new IdseError("PLUGIN_NO_REGISTRY", { package: pkg });
}

/** The bearer token for a URL: the longest `//host/path/:_authToken` prefix that matches it. */
export function tokenFor(url: string, o: RegistryEnv): string | undefined {
  const u = new URL(url);
  const target = `//${u.host}${u.pathname}`;
  let best: { len: number; token: string } | undefined;
  for (const rc of rcFiles(o).reverse()) {
    for (const [key, value] of Object.entries(rc.values)) {
      const m = /^(\/\/.+\/):_authToken$/.exec(key);
      if (!m || !value || !target.startsWith(m[1]!)) continue;
      // Equal lengths: the repository's file (read last here) wins over the home one.
      if (!best || m[1]!.length >= best.len) best = { len: m[1]!.length, token: value };
    }
  }
  return best?.token;
}
