import * as v from "valibot";

// The plugin's options and the response bodies of the REST contract (schemas/artifact-core.openapi.json).
// Every response is parsed with these models: a server that answers something else is reported as a
// protocol error, never half-trusted. test/sync/openapi.test.ts checks these against the published document.
// The MCP tool contract, which reuses the document shapes below, is in mcp-contract.ts.

const HttpUrl = v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//i, "must be an http(s) URL"));

/** Tool names as MCP allows them (letters, digits, `_`, `-`, `.`; 1–128 characters). */
const ToolName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,128}$/, "must be an MCP tool name"));

/** Names of the four tools on the MCP server, for servers that call them something else. */
const ToolNames = v.optional(
  v.strictObject(
    {
      list: v.optional(ToolName, "list_documents"),
      get: v.optional(ToolName, "get_document"),
      put: v.optional(ToolName, "put_document"),
      remove: v.optional(ToolName, "delete_document"),
    },
    "takes only the keys list, get, put and remove",
  ),
  {},
);

const Common = {
  timeout_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 30_000),
  retries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10)), 4),
  retry_base_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 250),
  /** Longest wait between two attempts, including what a Retry-After header asks for. */
  retry_max_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 30_000),
};

/** A missing key names the transport that needs it (the host prefixes the key's path). */
const needs = (transport: string) => (issue: v.BaseIssue<unknown>) =>
  issue.expected === "Object" ? "must be an object" : `required with transport "${transport}"`;

// One variant per transport, chosen by `transport` (default "http"), so each requires only its own keys:
// `url` for http and mcp, `command` for mcp-stdio. Loose: the host passes the remote's other keys along.
export const ArtifactCoreOptions = v.variant(
  "transport",
  [
    v.looseObject(
      {
        transport: v.optional(v.literal("http"), "http"),
        /** Base URL: the contract's paths are appended to it. */
        url: HttpUrl,
        ...Common,
      },
      needs("http"),
    ),
    v.looseObject(
      {
        transport: v.literal("mcp"),
        /** The MCP endpoint (Streamable HTTP), e.g. https://core.example.com/mcp. */
        url: HttpUrl,
        tools: ToolNames,
        ...Common,
      },
      needs("mcp"),
    ),
    v.looseObject(
      {
        transport: v.literal("mcp-stdio"),
        /** argv of the MCP server: program, then arguments; run without a shell. */
        command: v.pipe(
          v.array(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
          v.minLength(1, "must name the program to run"),
        ),
        /** Working directory of the server, relative to the workspace root. */
        cwd: v.optional(v.pipe(v.string(), v.minLength(1))),
        tools: ToolNames,
        ...Common,
      },
      needs("mcp-stdio"),
    ),
  ],
  'must be "http" (the default), "mcp" or "mcp-stdio"',
);
export type ArtifactCoreOptions = v.InferOutput<typeof ArtifactCoreOptions>;
export type HttpOptions = Extract<ArtifactCoreOptions, { transport: "http" }>;
export type McpOptions = Exclude<ArtifactCoreOptions, HttpOptions>;
/** What retries and timeouts need, whichever the transport. */
export type RetryOptions = Pick<ArtifactCoreOptions, keyof typeof Common>;

export const Hash = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
export const Key = v.pipe(v.string(), v.minLength(1), v.maxLength(1024));

export const DocumentEntry = v.object({ key: Key, hash: Hash, etag: v.optional(v.string()) });

export const ListResponse = v.object({
  documents: v.array(DocumentEntry),
  next_cursor: v.optional(v.nullable(v.string())),
});

export const DocumentResponse = v.object({
  key: Key,
  text: v.string(),
  hash: Hash,
  etag: v.optional(v.string()),
});

export const PutResponse = v.object({ key: Key, hash: Hash, etag: v.optional(v.string()) });

export const Problem = v.looseObject({
  type: v.optional(v.string()),
  title: v.optional(v.string()),
  status: v.optional(v.number()),
  detail: v.optional(v.string()),
});
