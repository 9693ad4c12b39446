import { isAbsolute, join, relative, resolve, sep } from "node:path";
import * as v from "valibot";
import { REPO_CONFIG_FILE, readSection, sectionOf, updateRepoConfig } from "../config.ts";
import { IdseError } from "../errors.ts";
import { type RemoteConfig, type RemoteInfo, RemoteName } from "../models/sync.ts";
import { readOriginalConfig } from "../original/config.ts";
import { isInside, resolveReal } from "../store/path-guard.ts";
import { readPersonalRemotes, type UserDirs, updatePersonalRemotes } from "./personal-remotes.ts";

// Named remotes in `.idse/config.json` under `remotes`, managed by `idse remote add|remove`; `config list`
// shows only the flat keys. The default remote: IDSE_ARTIFACT_URL (or the Python original's
// IDSE_AGENCY_URL) when set, else the remote marked `default`, else the only one.

export const ENV_REMOTE = "env";
export const URL_VARS = ["IDSE_ARTIFACT_URL", "IDSE_AGENCY_URL"] as const;

export interface Remote extends RemoteInfo {
  config: RemoteConfig;
}

/** A config key that looks like it holds a credential: refused, whatever its value. */
const SECRET_KEY = /token|password|passwd|secret|credential|api[_-]?key|auth/i;
const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
const isHttp = (s: string) => /^https?:\/\//i.test(s);

/** Refuses a URL that carries credentials; the error never repeats them. */
export function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new IdseError("REMOTE_INVALID", { reason: "not a valid URL" });
  }
  if (u.username || u.password) {
    throw new IdseError("REMOTE_INVALID", {
      reason: `the URL carries credentials (${u.protocol}//…@${u.host}): put the token in IDSE_ARTIFACT_TOKEN or your credentials file`,
    });
  }
}

/**
 * Where a remote is, for people: its URL or path, the program of a stdio MCP server, else its plugin's
 * options (never a secret: those are refused).
 */
function locationOf(c: RemoteConfig): string {
  if (c.url ?? c.path) return (c.url ?? c.path)!;
  const o = (c.options ?? {}) as Record<string, unknown>;
  const command = c.command ?? o.command;
  if (Array.isArray(command) && command.length) return `stdio: ${command.join(" ")}`;
  return Object.keys(o).length ? JSON.stringify(o) : "(plugin defaults)";
}

/** The first key of a remote's config (its options included) that looks like it holds a credential. */
function secretKeyOf(c: RemoteConfig): string | undefined {
  const top = Object.keys(c).find((k) => SECRET_KEY.test(k));
  if (top) return top;
  const inner = Object.keys(c.options ?? {}).find((k) => SECRET_KEY.test(k));
  return inner && `options.${inner}`;
}

/** The repository's remotes, validated; a remote that holds a credential is an error. */
export function readRemotes(idseDir: string): Record<string, RemoteConfig> {
  return checkedRemotes(readSection(idseDir, "remotes"), join(idseDir, REPO_CONFIG_FILE));
}

/** The remotes section (read by config.ts), refused when a remote holds a credential. */
function checkedRemotes(
  remotes: Record<string, RemoteConfig> | undefined,
  file: string,
): Record<string, RemoteConfig> {
  if (remotes === undefined) return {};
  for (const [name, c] of Object.entries(remotes)) {
    const bad = secretKeyOf(c);
    const inUrl = c.url && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(c.url);
    if (bad || inUrl) {
      throw new IdseError("INVALID_CONFIG", {
        key: `remotes.${name}${bad ? `.${bad}` : ".url"}`,
        file,
        reason: "credentials do not belong in the repository; use the environment or your credentials file",
      });
    }
  }
  return remotes;
}

/** Fingerprints the secret guard lets through (`sync.secret_allowlist` in .idse/config.json). */
export function readAllowlist(idseDir: string): Set<string> {
  const sync = readSection(idseDir, "sync");
  return new Set((sync?.secret_allowlist ?? []).map((e) => e.fingerprint));
}

function envRemote(env: Record<string, string | undefined>): string | undefined {
  for (const name of URL_VARS) if (env[name]) return env[name];
  return undefined;
}

/** Every remote, with which one is the default. */
export function listRemotes(
  idseDir: string,
  root: string,
  env: Record<string, string | undefined>,
  /** The home directory: the user's personal remotes, and the Python original's ~/.idseconfig.json. */
  home?: string,
): Remote[] {
  const configured = readRemotes(idseDir);
  const personal = home === undefined ? {} : readPersonalRemotes({ env, home }, root);
  // The repository's remotes, then this user's personal ones (a repository remote of the same name wins).
  const entries = [
    ...Object.keys(configured)
      .sort()
      .map((name) => ({ name, config: configured[name]!, source: "repo" as const })),
    ...Object.keys(personal)
      .filter((name) => !configured[name])
      .sort()
      .map((name) => ({ name, config: personal[name]!, source: "user" as const })),
  ];
  const fromEnv = envRemote(env);
  // IDSE_ARTIFACT_URL naming a configured remote's location selects that remote (and its sync base).
  const same = (c: RemoteConfig) =>
    fromEnv !== undefined &&
    (c.url !== undefined ? c.url.replace(/\/+$/, "") === fromEnv.replace(/\/+$/, "") : false);
  const matched = entries.find((e) => same(e.config))?.name;
  // A personal default is this user's choice and wins over the team's.
  const marked =
    entries.find((e) => e.source === "user" && e.config.default === true) ??
    entries.find((e) => e.source === "repo" && e.config.default === true);
  const chosen =
    fromEnv !== undefined ? matched : (marked?.name ?? (entries.length === 1 ? entries[0]!.name : undefined));
  const out: Remote[] = entries.map(({ name, config, source }) => ({
    name,
    plugin: config.plugin,
    location: locationOf(config),
    default: name === chosen,
    source,
    config,
  }));
  if (fromEnv !== undefined && matched === undefined) {
    const config: RemoteConfig = isUrl(fromEnv)
      ? { plugin: isHttp(fromEnv) ? "artifact-core" : "unknown", url: fromEnv }
      : { plugin: "filesystem", path: resolve(root, fromEnv) };
    out.push({
      name: ENV_REMOTE,
      plugin: config.plugin,
      // Listing must not print what resolving refuses: a password in the variable's URL.
      location: locationOf(config).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, "$1…@"),
      default: true,
      source: "env",
      config,
    });
  }
  // Lowest priority: remotes the original's home config implies (its sync backend, its Artifact Core
  // URL), default only when nothing above chose one; a repository remote of the same name wins.
  const original = home === undefined ? {} : (readOriginalConfig(home)?.remotes ?? {});
  const hasDefault = out.some((r) => r.default);
  for (const [name, config] of Object.entries(original)) {
    if (entries.some((e) => e.name === name)) continue;
    const first = !hasDefault && !out.some((r) => r.source === "original");
    out.push({
      name,
      plugin: config.plugin,
      location: locationOf(config),
      default: first,
      source: "original",
      config,
    });
  }
  return out;
}

/** The remote a sync command is about: the named one, else the default. */
export function resolveRemote(
  idseDir: string,
  root: string,
  env: Record<string, string | undefined>,
  name: string | undefined,
  home?: string,
): Remote {
  const all = listRemotes(idseDir, root, env, home);
  if (name !== undefined) {
    const hit = all.find((r) => r.name === name);
    if (!hit) throw new IdseError("REMOTE_NOT_FOUND", { remote: name, remotes: all.map((r) => r.name) });
    return hit;
  }
  const chosen = all.find((r) => r.default);
  if (!chosen) throw new IdseError("NO_REMOTE", { remotes: all.map((r) => r.name) });
  if (chosen.source === "env" && isUrl(chosen.location)) checkUrl(chosen.location);
  return chosen;
}

export interface AddRemote {
  name: string;
  /** A URL or a path; optional for a plugin remote whose options say where it is. */
  location?: string;
  /** The plugin carrying it: "filesystem", or a sync or store plugin (already checked to exist). */
  plugin: string;
  kind: "filesystem" | "sync" | "store";
  options: Record<string, unknown>;
  makeDefault: boolean;
  cwd: string;
  /** The user's environment and home: where a personal remote (a folder on this machine only) goes. */
  user?: UserDirs;
}

/** The plugin a location implies when `--plugin` is not given. */
export function impliedPlugin(location: string | undefined): string {
  if (location === undefined) {
    throw new IdseError("REMOTE_INVALID", {
      reason: "give a URL or a path, or --plugin with the plugin's --option settings",
    });
  }
  if (!isUrl(location)) return "filesystem";
  if (isHttp(location)) return "artifact-core";
  throw new IdseError("REMOTE_INVALID", { reason: "which plugin serves this URL? pass --plugin <name>" });
}

/**
 * Refuses a remote folder that is this workspace's `.idse/` (or inside it) or that contains the
 * repository, compared by real path: a symlink to `.idse` is the workspace too.
 */
export function assertRemoteElsewhere(idseDir: string, root: string, location: string, abs: string): void {
  // Inside `.idse/`, or the repository itself or a folder above it: as written, and as resolved.
  const clash = (p: string, idse: string, repo: string) => isInside(idse, p) || isInside(p, repo);
  if (
    clash(abs, resolve(idseDir), resolve(root)) ||
    clash(resolveReal(abs), resolveReal(idseDir), resolveReal(root))
  ) {
    throw new IdseError("REMOTE_INVALID", {
      reason: `${location} is this workspace (or contains it): a remote must be somewhere else`,
    });
  }
}

/**
 * A path for a remote, refused when it is (or contains) this workspace. Recorded relative to the
 * repository root when it is inside the repository or beside it (`../backup`: the repository's parent
 * holds it), so the committed config holds no machine's absolute path; a folder further away keeps the
 * absolute path it was given, and addRemote records it as a personal remote (docs/sync.md, "Remotes").
 */
function remoteDir(idseDir: string, root: string, cwd: string, location: string): string {
  const abs = resolve(cwd, location);
  assertRemoteElsewhere(idseDir, root, location, abs);
  const rel = relative(root, abs);
  if (isAbsolute(rel)) return abs; // another drive on Windows
  const up = rel.split(sep).filter((part) => part === "..").length;
  return up <= 1 ? rel.split(sep).join("/") : abs;
}

/** The config of a new remote: where it is (url or path) and its plugin's options. */
export function remoteConfigOf(idseDir: string, root: string, a: AddRemote): RemoteConfig {
  const config: RemoteConfig = { plugin: a.plugin };
  const where = a.location;
  if (where !== undefined && isUrl(where)) {
    if (a.kind !== "sync") {
      throw new IdseError("REMOTE_INVALID", {
        reason:
          a.kind === "filesystem"
            ? "a filesystem remote is a path"
            : `the store plugin ${a.plugin} takes a path or nothing (its settings as --option key=value; secrets from the environment or your credentials file), not a URL`,
      });
    }
    checkUrl(where);
    config.url = where;
  } else if (where !== undefined) {
    if (a.kind === "sync") {
      throw new IdseError("REMOTE_INVALID", {
        reason: `the sync plugin ${a.plugin} takes a URL, not a path`,
      });
    }
    config.path = remoteDir(idseDir, root, a.cwd, where);
  } else if (a.kind === "filesystem") {
    throw new IdseError("REMOTE_INVALID", { reason: "a filesystem remote needs a path" });
  }
  if (Object.keys(a.options).length) {
    if (a.kind === "filesystem") {
      throw new IdseError("REMOTE_INVALID", { reason: "a filesystem remote takes no --option" });
    }
    config.options = a.options;
  }
  const bad = secretKeyOf(config);
  if (bad) {
    throw new IdseError("REMOTE_INVALID", {
      reason: `${bad} looks like a credential; credentials come from the environment or your credentials file, never the repository`,
    });
  }
  return config;
}

/**
 * Adds a remote to `.idse/config.json`; the first remote added becomes the default. Under the repository
 * lock (config.ts): the remotes are read afresh there, so concurrent adds all land. A folder that is
 * neither inside the repository nor beside it becomes a personal remote of this user instead.
 */
export async function addRemote(
  idseDir: string,
  root: string,
  a: AddRemote,
  o: { timeoutMs?: number } = {},
): Promise<Remote> {
  const nameCheck = v.safeParse(RemoteName, a.name);
  if (!nameCheck.success || a.name === ENV_REMOTE) {
    throw new IdseError("REMOTE_INVALID", {
      reason: `invalid remote name ${JSON.stringify(a.name)}: ${a.name === ENV_REMOTE ? "reserved for IDSE_ARTIFACT_URL" : "use a lowercase slug ([a-z0-9_-], at most 32 characters)"}`,
    });
  }
  const config = remoteConfigOf(idseDir, root, a);
  const personal = a.user === undefined ? {} : readPersonalRemotes(a.user, root);
  if (a.user !== undefined && config.path !== undefined && isAbsolute(config.path)) {
    const user = a.user;
    const teams = readRemotes(idseDir);
    if (teams[a.name]) throw new IdseError("REMOTE_EXISTS", { remote: a.name });
    await updatePersonalRemotes(user, root, (mine) => {
      if (mine[a.name]) throw new IdseError("REMOTE_EXISTS", { remote: a.name });
      if (a.makeDefault || (Object.keys(mine).length === 0 && Object.keys(teams).length === 0)) {
        config.default = true;
        for (const other of Object.values(mine)) delete other.default;
      }
      mine[a.name] = config;
    });
    return remoteOf(a.name, config, "user");
  }
  await updateRepoConfig(
    idseDir,
    (obj, file) => {
      const remotes = checkedRemotes(sectionOf(obj, "remotes", file), file);
      if (remotes[a.name] || personal[a.name]) throw new IdseError("REMOTE_EXISTS", { remote: a.name });
      const first = Object.keys(remotes).length === 0 && Object.keys(personal).length === 0;
      if (a.makeDefault || first) {
        config.default = true;
        for (const other of Object.values(remotes)) delete other.default;
      }
      obj.remotes = { ...remotes, [a.name]: config };
    },
    o,
  );
  return remoteOf(a.name, config, "repo");
}

function remoteOf(name: string, config: RemoteConfig, source: "repo" | "user"): Remote {
  return {
    name,
    plugin: config.plugin,
    location: locationOf(config),
    default: config.default === true,
    source,
    config,
  };
}

/**
 * Removes a remote from `.idse/config.json` (under the repository lock), else from this user's personal
 * remotes; returns what it was.
 */
export async function removeRemote(
  idseDir: string,
  name: string,
  o: { timeoutMs?: number; user?: UserDirs; root?: string } = {},
): Promise<Remote> {
  const { user, root } = o;
  if (user && root && !readRemotes(idseDir)[name] && readPersonalRemotes(user, root)[name]) {
    const config = await updatePersonalRemotes(user, root, (mine) => {
      const c = mine[name];
      if (!c) throw new IdseError("REMOTE_NOT_FOUND", { remote: name, remotes: Object.keys(mine).sort() });
      delete mine[name];
      return c;
    });
    return remoteOf(name, config, "user");
  }
  const config = await updateRepoConfig(
    idseDir,
    (obj, file) => {
      const remotes = checkedRemotes(sectionOf(obj, "remotes", file), file);
      const config = remotes[name];
      if (!config)
        throw new IdseError("REMOTE_NOT_FOUND", { remote: name, remotes: Object.keys(remotes).sort() });
      delete remotes[name];
      if (Object.keys(remotes).length) obj.remotes = remotes;
      else delete obj.remotes;
      return config;
    },
    o,
  );
  return remoteOf(name, config, "repo");
}

/** Where a filesystem remote's files are. */
export function remotePath(root: string, c: RemoteConfig): string {
  return resolve(root, c.path ?? "");
}
