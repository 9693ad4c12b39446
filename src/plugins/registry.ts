import semver from "semver";
import { IdseError } from "../errors.ts";
import { getPackument, getTarball, putPackument, putTarball } from "./cache.ts";
import { sri } from "./integrity.ts";
import { credentialsFor, type RegistryEnv, registryFor, tlsFor } from "./npmrc.ts";
import { npmrcItem } from "./runnables.ts";
import { requireTrusted } from "./trust.ts";

// Installs from an npm registry: fetch the packument, pick the version (dist-tag or semver range, with
// npm's own `semver`, so ranges resolve the same on Bun and Deno), download the tarball and check it
// against the packument's sha512. Tarballs and packuments are cached; --offline reads only the cache.

const NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export interface RegistrySpec {
  name: string;
  /** A semver range or dist-tag; "" means the `latest` tag. */
  range: string;
}

export function parseRegistrySpec(spec: string): RegistrySpec | undefined {
  const at = spec.indexOf("@", 1);
  const name = at === -1 ? spec : spec.slice(0, at);
  const range = at === -1 ? "" : spec.slice(at + 1).trim();
  return NAME.test(name) && name.length <= 214 ? { name, range } : undefined;
}

export interface RegistryInstall {
  name: string;
  version: string;
  tarball: string;
  integrity: string;
  bytes: Uint8Array;
}

export interface FetchEnv extends RegistryEnv {
  offline: boolean;
  timeoutMs: number;
}

interface Packument {
  "dist-tags"?: Record<string, string>;
  versions?: Record<string, { dist?: { tarball?: string; integrity?: string } }>;
}

/**
 * GET with the credentials that belong to each URL: redirects are followed by hand, so credentials never
 * travel to another host (tarballs are often redirected to a CDN). A refusal (401, 403) names the
 * credentials that were sent, or says none were, and where npm's config keeps them.
 */
async function get(url: string, o: FetchEnv, accept: string, registry: string): Promise<Response> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  // Bun's fetch takes npm's certificate settings; Deno ignores the option (it reads DENO_CERT).
  const tls = tlsFor(o);
  let at = url;
  try {
    for (let hop = 0; hop < 5; hop++) {
      const auth = credentialsFor(at, o, registry);
      const headers: Record<string, string> = { accept, "user-agent": "idse" };
      if (auth) headers.authorization = `${auth.type} ${auth.token}`;
      const res = await fetch(at, { headers, signal, redirect: "manual", ...(tls ? { tls } : {}) });
      if (res.status === 401 || res.status === 403) {
        throw new IdseError("PLUGIN_REGISTRY_AUTH", {
          url: redact(at),
          status: res.status,
          key: auth?.key ?? nerf(at),
          source: auth?.source,
          registry,
        });
      }
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location) return res;
      at = new URL(location, at).href;
    }
  } catch (err) {
    if (err instanceof IdseError) throw err;
    throw registryError(at, err, o.timeoutMs);
  }
  throw new IdseError("PLUGIN_REGISTRY", { url: redact(url), reason: "too many redirects" });
}

const nerf = (url: string) => `//${new URL(url).host}/`;

function registryError(url: string, err: unknown, timeoutMs: number): IdseError {
  const e = err as Error;
  const timedOut = e?.name === "TimeoutError" || e?.name === "AbortError";
  return new IdseError("PLUGIN_REGISTRY", {
    url: redact(url),
    reason: timedOut ? `no answer within ${timeoutMs} ms` : (e?.message ?? String(err)),
  });
}

/** URLs in messages lose any user:password part. */
const redact = (url: string) => url.replace(/\/\/[^/@]*@/, "//");

async function packument(name: string, registry: string, o: FetchEnv): Promise<Packument> {
  if (o.offline) {
    const doc = getPackument(o, registry, name) as Packument | undefined;
    if (!doc) throw new IdseError("PLUGIN_NOT_CACHED", { spec: name, registry });
    return doc;
  }
  const url = `${registry}${name.replace("/", "%2f")}`;
  const res = await get(
    url,
    o,
    "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8",
    registry,
  );
  if (res.status === 404) throw new IdseError("PLUGIN_PACKAGE_NOT_FOUND", { package: name, registry });
  if (!res.ok) throw new IdseError("PLUGIN_REGISTRY", { url, reason: `HTTP ${res.status}` });
  let doc: Packument;
  try {
    doc = (await res.json()) as Packument;
  } catch (err) {
    throw registryError(url, err, o.timeoutMs);
  }
  putPackument(o, registry, name, doc);
  return doc;
}

function pick(doc: Packument, spec: RegistrySpec): string | undefined {
  const tags = doc["dist-tags"] ?? {};
  const versions = Object.keys(doc.versions ?? {});
  if (spec.range === "") return tags.latest;
  if (tags[spec.range]) return tags[spec.range];
  if (!semver.validRange(spec.range)) return undefined;
  return semver.maxSatisfying(versions, spec.range) ?? undefined;
}

export async function fromRegistry(spec: RegistrySpec, o: FetchEnv): Promise<RegistryInstall> {
  // The repository's .npmrc can name a registry of its own and credentials made of this user's
  // environment: nothing is asked of any registry until this user approved it (`idse trust`).
  if (!o.offline && o.root !== undefined) {
    const item = npmrcItem(o.root);
    if (item) requireTrusted({ env: o.env, home: o.home }, o.root, [item]);
  }
  const { url: registry } = registryFor(spec.name, o);
  const doc = await packument(spec.name, registry, o);
  const version = pick(doc, spec);
  const dist = version ? doc.versions?.[version]?.dist : undefined;
  if (!version || !dist?.tarball) {
    const known = Object.keys(doc.versions ?? {}).slice(-5);
    throw new IdseError("PLUGIN_VERSION_NOT_FOUND", {
      package: spec.name,
      range: spec.range || "latest",
      versions: known,
    });
  }
  const integrity = dist.integrity?.split(/\s+/).find((i) => i.startsWith("sha512-"));
  if (!integrity) {
    throw new IdseError("PLUGIN_INTEGRITY", {
      file: dist.tarball,
      expected: "a sha512 integrity in the packument",
      actual: dist.integrity ?? "(none)",
    });
  }
  const cached = getTarball(o, integrity);
  if (cached) return { name: spec.name, version, tarball: dist.tarball, integrity, bytes: cached };
  if (o.offline) throw new IdseError("PLUGIN_NOT_CACHED", { spec: `${spec.name}@${version}`, registry });
  const res = await get(dist.tarball, o, "application/octet-stream", registry);
  if (!res.ok)
    throw new IdseError("PLUGIN_REGISTRY", { url: redact(dist.tarball), reason: `HTTP ${res.status}` });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    throw registryError(dist.tarball, err, o.timeoutMs);
  }
  const actual = sri(bytes);
  if (actual !== integrity) {
    throw new IdseError("PLUGIN_INTEGRITY", { file: redact(dist.tarball), expected: integrity, actual });
  }
  putTarball(o, integrity, bytes);
  return { name: spec.name, version, tarball: dist.tarball, integrity, bytes };
}
