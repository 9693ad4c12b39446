import { createHash } from "node:crypto";
import * as v from "valibot";
import type { HostApi, RemoteEntry, SyncPlugin, SyncTransport } from "../../../src/plugins/api.ts";
import {
  ArtifactCoreOptions,
  DocumentResponse,
  type HttpOptions,
  ListResponse,
  Problem,
  PutResponse,
} from "./contract.ts";
import { type Reply, send, transportError } from "./http.ts";

// artifact-core: a sync transport to Artifact Core over HTTP with JSON, following the REST contract idse
// publishes in schemas/artifact-core.openapi.json, or over MCP (option `transport`: "mcp" for Streamable
// HTTP, "mcp-stdio" for a child process; mcp.ts, tools in schemas/artifact-core.mcp.json). Bearer token
// from IDSE_ARTIFACT_TOKEN (or the Python original's IDSE_AGENCY_TOKEN), read through host.env, which also
// serves the user's credentials file. Every request goes through host.fetch, which the host limits to the
// configured remote.

export const options = ArtifactCoreOptions;

/** Extension of SyncTransport.put's options: create only when absent (HTTP If-None-Match: *). */
type PutOptions = { ifMatch?: string; ifNoneMatch?: "*" };

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export default function artifactCore(host: HostApi<ArtifactCoreOptions>): SyncPlugin {
  return {
    kind: "sync",
    async createTransport() {
      const parsed = v.safeParse(ArtifactCoreOptions, host.plugin.options ?? {});
      if (!parsed.success) {
        throw transportError("REMOTE_CONFIG", `invalid options: ${v.summarize(parsed.issues)}`);
      }
      const o = parsed.output;
      if (o.transport === "http") return httpTransport(host, o);
      // Loaded only for MCP remotes: the SDK (and the zod schemas it builds on load) costs a REST run nothing.
      const { mcpTransport } = await import("./mcp.ts");
      return mcpTransport(host, o);
    },
  };
}

function httpTransport(host: HostApi, o: HttpOptions): SyncTransport {
  const base = o.url.replace(/\/+$/, "");
  const token = host.env("IDSE_ARTIFACT_TOKEN") || host.env("IDSE_AGENCY_TOKEN");
  const headers = (extra: Record<string, string> = {}) => ({
    accept: "application/json",
    "user-agent": `idse/${host.idseVersion} artifact-core/0.1.0`,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  // Defence in depth: idse redacts output too, but nothing this plugin builds holds the token.
  const scrub = (s: string) => (token ? s.split(token).join("[REDACTED]") : s);

  /** An error for a reply that is not what the contract allows here. */
  const fail = (r: Reply, method: string, url: string) => {
    const where = { method, url: url.replace(/\?.*$/, ""), status: r.status };
    let problem = "";
    try {
      const p = v.parse(Problem, JSON.parse(r.body));
      problem = [p.title, p.detail].filter(Boolean).join(": ").slice(0, 200);
    } catch {}
    const why = scrub(problem ? `${r.status} ${problem}` : `${r.status}`);
    if (r.status === 401 || r.status === 403) {
      const hint = token ? "the token was refused" : "no token: set IDSE_ARTIFACT_TOKEN";
      return transportError("REMOTE_AUTH", `${why} (${hint})`, where);
    }
    if (r.status === 409 || r.status === 412) {
      return transportError("REMOTE_STALE", `the remote document changed (${why})`, where);
    }
    return transportError("REMOTE_ERROR", `unexpected answer ${why}`, where);
  };

  const parse = <S extends v.GenericSchema>(schema: S, r: Reply, what: string): v.InferOutput<S> => {
    try {
      return v.parse(schema, JSON.parse(r.body));
    } catch {
      throw transportError("REMOTE_PROTOCOL", `the remote's ${what} does not follow the contract`, {
        status: r.status,
      });
    }
  };

  const docUrl = (key: string) => `${base}/document?key=${encodeURIComponent(key)}`;

  return {
    async list(prefix) {
      const out: RemoteEntry[] = [];
      let cursor: string | null | undefined;
      do {
        const q = `prefix=${encodeURIComponent(prefix)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const url = `${base}/documents?${q}`;
        const r = await send(host, o, "GET", url, { headers: headers() });
        if (r.status !== 200) throw fail(r, "GET", url);
        const page = parse(ListResponse, r, "document list");
        for (const d of page.documents) out.push(d.etag ? d : { key: d.key, hash: d.hash });
        cursor = page.next_cursor;
      } while (cursor);
      return out;
    },

    async get(key) {
      const url = docUrl(key);
      const r = await send(host, o, "GET", url, { headers: headers() });
      if (r.status === 404) return undefined;
      if (r.status !== 200) throw fail(r, "GET", url);
      const doc = parse(DocumentResponse, r, "document");
      if (sha256(doc.text) !== doc.hash) {
        throw transportError("REMOTE_PROTOCOL", "the document's hash does not match its text", { key });
      }
      const etag = r.headers.get("etag") ?? doc.etag;
      return etag ? { text: doc.text, etag } : { text: doc.text };
    },

    async put(key, text, opts?: PutOptions) {
      const url = docUrl(key);
      const cond: Record<string, string> = {};
      if (opts?.ifMatch !== undefined) cond["if-match"] = opts.ifMatch;
      else if (opts?.ifNoneMatch === "*") cond["if-none-match"] = "*";
      const r = await send(host, o, "PUT", url, {
        headers: headers({ "content-type": "application/json", ...cond }),
        body: JSON.stringify({ text }),
      });
      if (r.status !== 200 && r.status !== 201) throw fail(r, "PUT", url);
      const stored = parse(PutResponse, r, "write receipt");
      if (stored.hash !== sha256(text)) {
        throw transportError("REMOTE_PROTOCOL", "the remote stored different text than was sent", { key });
      }
      const etag = r.headers.get("etag") ?? stored.etag;
      return etag ? { etag } : {};
    },

    async remove(key, opts) {
      const url = docUrl(key);
      const cond: Record<string, string> = opts?.ifMatch !== undefined ? { "if-match": opts.ifMatch } : {};
      const r = await send(host, o, "DELETE", url, { headers: headers(cond) });
      if (r.status === 204 || r.status === 200 || r.status === 404) return;
      throw fail(r, "DELETE", url);
    },
  };
}
