import { afterEach } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { packTar, type TarEntry } from "modern-tar";
import { sri } from "../../src/plugins/integrity.ts";
import { idse, tempDir } from "../helpers.ts";

// Real plugins for the plugin tests: folders with a package.json `idse` key and a plain ESM entry, real
// .tgz archives (modern-tar + gzip, the same format `npm pack` writes), and a real npm registry over HTTP
// on 127.0.0.1 that serves packuments and tarballs, with switches for the failures a registry can have.

export type Files = Record<string, string>;

/** An in-memory store plugin; `body` replaces the factory's body (it sees `host`). */
export function storeCode(body?: string): string {
  return (
    body ??
    `const docs = new Map();
export const options = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: (v) =>
      v.prefix === undefined || typeof v.prefix === "string"
        ? { value: v }
        : { issues: [{ message: "prefix must be a string", path: [{ key: "prefix" }] }] },
  },
};
export default (host) => ({
  kind: "store",
  async createStore() {
    const p = host.plugin.options.prefix ?? "";
    return {
      kind: "memory-test",
      location: "memory",
      read: async (k) => docs.get(p + k),
      write: async (k, v) => { docs.set(p + k, v); },
      has: async (k) => docs.has(p + k),
      remove: async (k) => { docs.delete(p + k); },
      list: async () => [...docs.keys()].map((name) => ({ name, kind: "file" })),
    };
  },
});
`
  );
}

export interface PluginSpec {
  name?: string;
  version?: string;
  kind?: string;
  apiVersion?: number;
  capabilities?: string[];
  hosts?: string[];
  env?: string[];
  code?: string;
  /** Replaces the whole `idse` key. */
  idse?: Record<string, unknown>;
  packageName?: string;
}

export function pluginFiles(s: PluginSpec = {}): Files {
  const name = s.name ?? "mem-store";
  const idse = s.idse ?? {
    name,
    kind: s.kind ?? "store",
    apiVersion: s.apiVersion ?? 1,
    capabilities: s.capabilities ?? ["read", "write"],
    ...(s.hosts ? { hosts: s.hosts } : {}),
    ...(s.env ? { env: s.env } : {}),
  };
  const pkg = {
    name: s.packageName ?? `@acme/idse-${name}`,
    version: s.version ?? "1.0.0",
    description: `test plugin ${name}`,
    type: "module",
    main: "index.js",
    idse,
  };
  return {
    "package.json": JSON.stringify(pkg, null, 2),
    "index.js": s.code ?? storeCode(),
    "README.md": `# ${name}\n`,
  };
}

/** Writes a plugin folder and returns its path. */
export function pluginFolder(s: PluginSpec = {}, parent = tempDir("idse-plugin-src-")): string {
  const dir = join(parent, s.name ?? "mem-store");
  for (const [rel, text] of Object.entries(pluginFiles(s))) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** A gzipped tarball with every file under `package/`, as npm packs it; `extra` adds raw entries. */
export async function tgz(files: Files, extra: TarEntry[] = []): Promise<Uint8Array> {
  const entries: TarEntry[] = Object.entries(files).map(([rel, text]) => ({
    // A fixed mtime, as npm pack does: the same files must give the same bytes (and integrity) every time.
    header: { name: `package/${rel}`, size: Buffer.byteLength(text), type: "file", mtime: new Date(0) },
    body: text,
  }));
  return gzipSync(await packTar([...entries, ...extra]));
}

/** A fresh workspace with project `shop`. */
export async function workspace(): Promise<string> {
  const cwd = tempDir("idse-plugins-");
  const r = await idse(["init", "shop", "--no-create-agent-files"], { cwd });
  if (r.code !== 0) throw new Error(r.stderr);
  return cwd;
}

// --- the registry -----------------------------------------------------------------------------------------

interface Version {
  tarball: Uint8Array;
  integrity: string;
}

export interface Registry {
  url: string;
  /** Publishes a version; its packument lists every version published so far. */
  publish(
    name: string,
    version: string,
    files: Files,
    o?: { tag?: string; integrity?: string },
  ): Promise<void>;
  /** What every request answers instead: a status, a delay, a cut-off tarball. */
  fail: { status?: number; delayMs?: number; truncate?: "close" | "error" };
  /** Token the registry requires (Bearer), or undefined. */
  token?: string;
  requests: { path: string; auth: string | null }[];
}

const servers: { stop(force?: boolean): void }[] = [];

/** A one-shot HTTP server that announces `length` bytes, sends `body`, and drops the connection. */
async function dropAfter(length: number, body: Uint8Array): Promise<string> {
  const server = createServer((sock) => {
    sock.once("data", () => {
      sock.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${length}\r\n\r\n`,
      );
      sock.write(body, () => sock.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push({ stop: () => server.close() });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/cut.tgz`;
}
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true);
});

export function registry(): Registry {
  const packages = new Map<string, { versions: Map<string, Version>; tags: Record<string, string> }>();
  const state: Registry = {
    url: "",
    fail: {},
    requests: [],
    async publish(name, version, files, o = {}) {
      const pkg = packages.get(name) ?? {
        versions: new Map<string, Version>(),
        tags: {} as Record<string, string>,
      };
      packages.set(name, pkg);
      const tarball = await tgz(files);
      pkg.versions.set(version, { tarball, integrity: o.integrity ?? sri(tarball) });
      pkg.tags[o.tag ?? "latest"] = version;
    },
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      state.requests.push({ path: url.pathname, auth: req.headers.get("authorization") });
      if (state.fail.delayMs) await Bun.sleep(state.fail.delayMs);
      if (state.fail.status) return new Response("failure", { status: state.fail.status });
      if (state.token && req.headers.get("authorization") !== `Bearer ${state.token}`) {
        return new Response("unauthorized", { status: 401 });
      }
      const tar = /^\/(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(decodeURIComponent(url.pathname));
      if (tar) {
        const v = packages.get(tar[1]!)?.versions.get(tar[2]!);
        if (!v) return new Response("not found", { status: 404 });
        if (!state.fail.truncate) return new Response(v.tarball);
        const half = v.tarball.subarray(0, v.tarball.length >> 1);
        // "close": a shorter body that ends cleanly; "error": the full Content-Length announced, half
        // sent, then the socket dropped (a raw server, since Bun.serve always sends what it announces).
        if (state.fail.truncate === "close") return new Response(half);
        return Response.redirect(await dropAfter(v.tarball.length, half), 302);
      }
      const name = decodeURIComponent(url.pathname.slice(1));
      const pkg = packages.get(name);
      if (!pkg) return Response.json({ error: "Not found" }, { status: 404 });
      const base = name.split("/").pop();
      const versions: Record<string, unknown> = {};
      for (const [v, data] of pkg.versions) {
        versions[v] = {
          name,
          version: v,
          dist: { tarball: `${state.url}${name}/-/${base}-${v}.tgz`, integrity: data.integrity },
        };
      }
      return Response.json({ name, "dist-tags": pkg.tags, versions });
    },
  });
  servers.push(server);
  state.url = `http://127.0.0.1:${server.port}/`;
  return state;
}
