import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import ini from "ini";
import getAuthToken from "registry-auth-token";
import { IdseError } from "../errors.ts";
import { readTextIfExists } from "../store/atomic-file.ts";
import { readRegularFile } from "../store/own-file.ts";

// Which npm registry to ask, with which credentials and certificates, the way npm itself decides, so
// `idse plugin add` and `npm view` agree on every .npmrc (test/plugins/npmrc-parity.test.ts runs both).
//
// npm merges its configuration key by key: the environment (`npm_config_*`) over the project's .npmrc
// over the user's (~/.npmrc, or $npm_config_userconfig) over the global one ($PREFIX/etc/npmrc) over the
// one built into npm. A package's registry is then `@scope:registry` if any layer sets it, else
// `registry`: a scope set in ~/.npmrc beats `registry` in the project's file or the environment.
// IDSE_REGISTRY, idse's own override, beats them all. No registry host is written in idse: when no layer
// names one, `npm config get registry` answers (npm's built-in default).
//
// Credentials are npm's per-registry keys (`//host/path/:_authToken`, `:_auth`, `:username` with a
// base64 `:_password`), matched against each URL by registry-auth-token, the library most tools use for
// this: the longest `//host/path/` that is a prefix of the URL wins, so a token never goes to another
// host or path. A top-level `_auth`/`_authToken`/`username`+`_password` (npm < 9 style) belongs to the
// default registry only, as `npm config fix` would rewrite it. `always-auth` is obsolete since npm 7 and
// ignored by npm as by idse: credentials go wherever they match. `${VAR}` is expanded from the
// environment in keys and values.

export interface RegistryEnv {
  env: Record<string, string | undefined>;
  /** The repository root (its .npmrc is the project layer). */
  root?: string;
  home: string;
}

export interface Registry {
  url: string;
  /** Where the URL came from, for messages. */
  source: string;
}

export interface Credentials {
  type: "Bearer" | "Basic";
  token: string;
  /** The config layer and key prefix the credentials came from, for a hint that names them. */
  source: string;
  key: string;
}

/** TLS settings from `cafile`, `ca`, `cert`, `key` and `strict-ssl`, in the shape of Bun's `fetch` `tls`. */
export interface Tls {
  ca?: string[];
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
}

interface Layer {
  source: string;
  values: Record<string, string>;
}

/**
 * npm's `${VAR}` rule (@npmcli/config's env-replace): a set variable's value; an unset one stays as
 * written, unless it is `${VAR?}`, which is then empty; backslashes before the `$` come in pairs, each pair
 * one backslash, and an odd one left over escapes the reference (it stays as written, without it).
 */
export function expand(value: string, env: RegistryEnv["env"]): string {
  return value.replace(/(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}/g, (all, esc: string, name: string, optional) => {
    if (esc.length % 2 === 1) return all.slice((esc.length + 1) / 2);
    const found = env[name];
    return esc.slice(esc.length / 2) + (found !== undefined ? found : optional ? "" : `\${${name}}`);
  });
}

function fileLayer(file: string, env: RegistryEnv["env"]): Layer | undefined {
  const text = readTextIfExists(file);
  if (text === undefined) return undefined;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(ini.parse(text))) {
    if (typeof v === "string" || typeof v === "boolean") values[expand(k, env)] = expand(String(v), env);
    else if (Array.isArray(v)) values[expand(k, env)] = v.map((x) => expand(String(x), env)).join("\n");
  }
  return { source: file, values };
}

/**
 * The keys of an .npmrc that idse reads: where to ask, with which credentials and certificates. A key that
 * holds `${VAR}` counts too, since it could expand into one of them.
 */
const READ_KEY =
  /\$\{|^(?:registry|@[^:]+:registry|_authToken|_auth|username|_password|ca|cafile|cert|key|strict-ssl)$|^\/\/.*:(?:_authToken|_auth|username|_password)$/;

/**
 * The repository's own .npmrc, when it sets a key idse reads: its text and the registries it names, as
 * written (before any `${VAR}` is expanded). A cloned repository can name its own server there, with
 * credentials made of this user's environment (`_authToken=${NPM_TOKEN}`) or a certificate of its own, so
 * `plugin add` heeds it only once this user approved these bytes (src/plugins/runnables.ts).
 */
export function repositoryNpmrc(root: string): { text: string; registries: string[] } | undefined {
  const text = readTextIfExists(join(root, ".npmrc"));
  if (text === undefined) return undefined;
  const values = ini.parse(text);
  const keys = Object.keys(values).filter((k) => READ_KEY.test(k));
  if (keys.length === 0) return undefined;
  const registries = keys
    .filter((k) => k === "registry" || k.endsWith(":registry"))
    .map((k) => `${k}=${String(values[k])}`);
  return { text, registries };
}

/** npm's environment layer: `npm_config_strict_ssl` is `strict-ssl`, `npm_config__auth` is `_auth`. */
function envLayer(env: RegistryEnv["env"]): Layer {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(name);
    if (!m || value === undefined || value === "") continue;
    const key = m[1]!.toLowerCase();
    values[key.startsWith("//") ? key : key.replace(/(?!^)_/g, "-")] = value;
  }
  return { source: "the environment (npm_config_*)", values };
}

/** npm's prefix: $npm_config_prefix, else the folder the `npm` on PATH was installed into. */
function npmPrefix(env: RegistryEnv["env"], envValues: Record<string, string>): string | undefined {
  if (envValues.prefix) return envValues.prefix;
  for (const dir of (env.PATH ?? process.env.PATH ?? "").split(delimiter)) {
    const bin = join(dir, "npm");
    if (!dir || !existsSync(bin)) continue;
    try {
      // …/lib/node_modules/npm/bin/npm-cli.js → …
      const cli = realpathSync(bin);
      const pkg = dirname(dirname(cli));
      return dirname(dirname(dirname(pkg)));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The layers, highest priority first, as npm reads them. */
function layers(o: RegistryEnv): Layer[] {
  const env = envLayer(o.env);
  const prefix = npmPrefix(o.env, env.values);
  const user = env.values.userconfig ?? join(o.home, ".npmrc");
  const global = env.values.globalconfig ?? (prefix ? join(prefix, "etc", "npmrc") : undefined);
  const builtin = prefix ? join(prefix, "lib", "node_modules", "npm", "npmrc") : undefined;
  const files = [o.root ? join(o.root, ".npmrc") : undefined, user, global, builtin];
  const seen = new Set<string>();
  const out = [env];
  for (const f of files) {
    if (!f || seen.has(f)) continue;
    seen.add(f);
    const layer = fileLayer(f, o.env);
    if (layer) out.push(layer);
  }
  return out;
}

function lookup(all: Layer[], key: string): { value: string; source: string } | undefined {
  for (const l of all) if (l.values[key] !== undefined) return { value: l.values[key]!, source: l.source };
  return undefined;
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

/** npm's "nerf dart": `//host/path/`, the key prefix credentials are stored under. */
export const nerfDart = (url: string) => {
  const u = new URL(url);
  return `//${u.host}${slash(u.pathname)}`;
};

export function registryFor(pkg: string, o: RegistryEnv): Registry {
  if (valid(o.env.IDSE_REGISTRY)) return { url: slash(o.env.IDSE_REGISTRY), source: "IDSE_REGISTRY" };
  const all = layers(o);
  const scope = pkg.startsWith("@") ? pkg.split("/")[0] : undefined;
  for (const key of scope ? [`${scope}:registry`, "registry"] : ["registry"]) {
    const hit = lookup(all, key);
    if (hit && valid(hit.value)) return { url: slash(hit.value), source: hit.source };
  }
  // npm's built-in default lives in npm, not in a file.
  const r = spawnSync("npm", ["config", "get", "registry"], {
    encoding: "utf8",
    timeout: 15_000,
    env: { ...o.env, PATH: o.env.PATH ?? process.env.PATH },
    shell: process.platform === "win32",
  });
  const url = r.stdout?.trim();
  if (r.status === 0 && valid(url)) return { url: slash(url), source: "npm config get registry" };
  throw new IdseError("PLUGIN_NO_REGISTRY", { package: pkg });
}

const CREDENTIAL_KEYS = [":_authToken", ":_auth", ":username", ":_password"];

/** Credentials for one URL; `defaultRegistry` receives the top-level (unscoped) ones. */
export function credentialsFor(
  url: string,
  o: RegistryEnv,
  defaultRegistry?: string,
): Credentials | undefined {
  const all = layers(o);
  const merged: Record<string, string> = {};
  const origin: Record<string, string> = {};
  for (const l of [...all].reverse()) {
    for (const [k, v] of Object.entries(l.values)) {
      if (k.startsWith("//") && CREDENTIAL_KEYS.some((c) => k.endsWith(c))) {
        merged[k] = v;
        origin[k] = l.source;
      }
    }
  }
  const top = defaultRegistry ? nerfDart(defaultRegistry) : undefined;
  if (top) {
    for (const k of ["_authToken", "_auth", "username", "_password"]) {
      const hit = lookup(all, k);
      if (hit && merged[`${top}:${k}`] === undefined) {
        merged[`${top}:${k}`] = hit.value;
        origin[`${top}:${k}`] = hit.source;
      }
    }
  }
  const found = getAuthToken(url, { npmrc: merged, recursive: true } as never) as
    | { token: string; type: "Bearer" | "Basic" }
    | undefined;
  if (!found?.token) return undefined;
  // The key that matched: the longest credential prefix of the URL (what registry-auth-token walks to).
  const target = `//${new URL(url).host}${new URL(url).pathname}`;
  const key =
    Object.keys(merged)
      .map((k) => k.slice(0, k.lastIndexOf(":")))
      .filter((k) => target.startsWith(slash(k)))
      .sort((a, b) => b.length - a.length)[0] ?? target;
  const source = CREDENTIAL_KEYS.map((c) => origin[`${key}${c}`]).find(Boolean) ?? "npm config";
  return { type: found.type, token: found.token, source, key: slash(key) };
}

/** The bearer token for a URL, when its credentials are a token (kept for callers that need only that). */
export function tokenFor(url: string, o: RegistryEnv): string | undefined {
  const c = credentialsFor(url, o);
  return c?.type === "Bearer" ? c.token : undefined;
}

/** TLS options from npm's certificate settings (`cafile` is read here, `ca` may be given inline). */
export function tlsFor(o: RegistryEnv): Tls | undefined {
  const all = layers(o);
  const tls: Tls = {};
  const ca = lookup(all, "ca")?.value;
  const cafile = lookup(all, "cafile")?.value;
  if (cafile) {
    // A repository's .npmrc names it: a link to /dev/stdin or /dev/zero must not hang the command or fill
    // memory, so only a regular file of a certificate bundle's size is read.
    let f: ReturnType<typeof readRegularFile>;
    try {
      f = readRegularFile(cafile, 16 << 20, { links: true });
    } catch (err) {
      throw new IdseError("PLUGIN_REGISTRY", {
        url: cafile,
        reason: `cannot read the cafile named in the npm config: ${(err as Error).message}`,
      });
    }
    if (typeof f !== "object")
      throw new IdseError("PLUGIN_REGISTRY", {
        url: cafile,
        reason: `the cafile named in the npm config is ${f === "missing" ? "missing" : "no regular file of a certificate bundle's size"}`,
      });
    tls.ca = [f.text];
  } else if (ca) tls.ca = ca.split("\n").filter(Boolean);
  const cert = lookup(all, "cert")?.value;
  const key = lookup(all, "key")?.value;
  if (cert && key) Object.assign(tls, { cert, key });
  const strict = lookup(all, "strict-ssl")?.value;
  if (strict === "false") tls.rejectUnauthorized = false;
  return Object.keys(tls).length ? tls : undefined;
}
