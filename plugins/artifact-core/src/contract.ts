import * as v from "valibot";

// The plugin's options and the response bodies of the REST contract (schemas/artifact-core.openapi.json).
// Every response is parsed with these models: a server that answers something else is reported as a
// protocol error, never half-trusted. test/sync/openapi.test.ts checks these against the published document.

export const ArtifactCoreOptions = v.looseObject({
  /** Base URL: the contract's paths are appended to it. */
  url: v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//i, "must be an http(s) URL")),
  timeout_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 30_000),
  retries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10)), 4),
  retry_base_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 250),
  /** Longest wait between two attempts, including what a Retry-After header asks for. */
  retry_max_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 30_000),
});
export type ArtifactCoreOptions = v.InferOutput<typeof ArtifactCoreOptions>;

const Hash = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const Key = v.pipe(v.string(), v.minLength(1), v.maxLength(1024));

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
