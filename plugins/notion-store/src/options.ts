import * as v from "valibot";

// The plugin's options (`store: { plugin: "notion-store", options: {…} }`), a valibot schema and so a
// Standard Schema the host validates with. The token is never an option: it is a secret, read from
// NOTION_TOKEN through host.env.

/** A Notion id: 32 hex digits, dashed or not, or a Notion URL that ends in one; kept in dashed form. */
const NotionId = v.pipe(
  v.string(),
  v.trim(),
  v.transform((s) => {
    const hex = /([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})(?![0-9a-f])/i.exec(
      s.split("?")[0] ?? "",
    )?.[1];
    if (!hex) return s;
    const h = hex.replace(/-/g, "").toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }),
  v.regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    "a Notion id (32 hex digits) or URL",
  ),
);

const PropertyName = v.pipe(v.string(), v.minLength(1, "a property name"), v.maxLength(200));

/** Which database property holds what. The defaults are the Python original's names (plus IDSE_Hash). */
export const PropertyMapping = v.strictObject({
  /** The title property: `<project> / <session> / <Stage>` for an artifact, the key otherwise (set on create). */
  title: v.optional(PropertyName, "Title"),
  /** Rich text: `<project>::<session>::<stage>` for a stage artifact, the key itself for any other document. */
  id: v.optional(PropertyName, "IDSE_ID"),
  /** Rich text: the session id of documents below projects/<p>/sessions/<s>/. */
  session: v.optional(PropertyName, "Session"),
  /** Select: the Title-Cased stage of an artifact (Intent, Context, Spec, Plan, Tasks, Implementation, Feedback). */
  stage: v.optional(PropertyName, "Stage"),
  /** Status (or select): checked, never written, so people own it; null skips the check. */
  status: v.optional(v.nullable(PropertyName), "Status"),
  /** Rich text the store owns: the commit record (sha256, length, first block) of the page body. */
  hash: v.optional(PropertyName, "IDSE_Hash"),
});
export type PropertyMapping = v.InferOutput<typeof PropertyMapping>;

/** https://api.notion.com, or an http(s) server on this machine (the tests' fake Notion API). */
const BaseUrl = v.pipe(
  v.string(),
  v.url(),
  v.check((s) => {
    const u = new URL(s);
    if (u.protocol === "https:" && u.host === "api.notion.com") return true;
    return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname);
  }, "https://api.notion.com or a loopback address (for tests)"),
  v.transform((s) => s.replace(/\/+$/, "")),
);

const int = (min: number, max: number, fallback: number) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), fallback);

export const NotionOptions = v.strictObject({
  /** The database holding the documents (id or URL); the integration must be invited to it. */
  database_id: NotionId,
  /** Only for a database with several data sources (API 2025-09-03): which one holds the documents. */
  data_source_id: v.optional(NotionId),
  properties: v.optional(PropertyMapping, {}),
  /** The Notion-Version header; 2025-09-03 (data sources) by default, 2022-06-28 also works. */
  notion_version: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD")), "2025-09-03"),
  /** Only for tests: the fake Notion API on 127.0.0.1. */
  base_url: v.optional(BaseUrl, "https://api.notion.com"),
  /** Per request, in ms. */
  timeout_ms: int(100, 120_000, 20_000),
  /** Requests in flight at once (Notion allows an average of three a second per integration). */
  concurrency: int(1, 32, 3),
  retry: v.optional(
    v.strictObject({
      /** Tries per request, the first included. */
      max_attempts: int(1, 10, 5),
      /** Back-off: base · 2^(try−1), capped, half of it random (jitter). */
      base_delay_ms: int(0, 60_000, 500),
      max_delay_ms: int(0, 120_000, 8_000),
      /** A 429 whose Retry-After asks for longer than this fails at once (NOTION_RATE_LIMITED). */
      max_retry_after_ms: int(0, 300_000, 30_000),
    }),
    {},
  ),
  lock: v.optional(
    v.strictObject({
      /** A lock page not renewed for this long is abandoned (its holder died); renewed every third of it. */
      ttl_ms: int(1_000, 3_600_000, 60_000),
      /** How often a waiter looks again. */
      poll_ms: int(5, 60_000, 500),
    }),
    {},
  ),
});

export type NotionOptions = v.InferOutput<typeof NotionOptions>;
