import * as v from "valibot";
import { DocumentResponse, Key, ListResponse, PutResponse } from "./contract.ts";

// The MCP tool contract: the REST contract (contract.ts) as four tools. The single source of the shapes:
// mcp.ts parses every tool result with these models, and scripts/gen-schemas.ts publishes them as
// schemas/artifact-core.mcp.json (a tools/list result: name, description, inputSchema, outputSchema),
// which test/sync/mcp.test.ts holds the test server to. Results come in `structuredContent` (or as JSON
// in the first text block); a failed call is a result with `isError: true` and a ToolError as JSON text.

const d = v.description;
/** Version tag to compare with (the REST contract's If-Match). */
const IfMatch = v.pipe(v.string(), v.minLength(1), d("Act only if the document's version tag is this one."));
const DocKey = v.pipe(Key, d("DesignStore key, e.g. projects/shop/sessions/auth/specs/spec.md."));

export const ErrorCode = v.picklist(["not_found", "stale", "unauthorized", "invalid", "internal"]);
export type ErrorCode = v.InferOutput<typeof ErrorCode>;

export const ToolError = v.object({
  error: v.object({ code: ErrorCode, message: v.string() }),
});
export type ToolError = v.InferOutput<typeof ToolError>;

export type Tool = "list" | "get" | "put" | "remove";

interface ToolSpec {
  /** The default name; a remote's `tools` option may rename it. */
  name: string;
  description: string;
  input: v.GenericSchema;
  output: v.GenericSchema;
}

export const MCP_TOOLS = {
  list: {
    name: "list_documents",
    description:
      "Every document whose key is under `prefix` (the prefix itself, or keys starting with `prefix/`), " +
      "sorted by key, with the sha256 of its text and its version tag. Paged: call again with " +
      "`next_cursor` as `cursor` until it is null or absent.",
    input: v.object({
      prefix: v.pipe(v.string(), d("Key prefix, e.g. projects/shop/sessions (no trailing slash).")),
      cursor: v.optional(v.pipe(v.string(), d("The previous page's next_cursor."))),
    }),
    output: ListResponse,
  },
  get: {
    name: "get_document",
    description:
      "One document: its text, the sha256 of the text and its version tag. A missing document is an " +
      "error result with code `not_found`.",
    input: v.object({ key: DocKey }),
    output: DocumentResponse,
  },
  put: {
    name: "put_document",
    description:
      "Creates or replaces a document. With `if_match`, only when its version tag is that one; with " +
      '`if_none_match: "*"`, only when it does not exist. A refused condition is an error result with ' +
      "code `stale`. Answers the stored text's sha256 and the new version tag.",
    input: v.object({
      key: DocKey,
      text: v.pipe(v.string(), d("The whole document, UTF-8.")),
      if_match: v.optional(IfMatch),
      if_none_match: v.optional(v.pipe(v.literal("*"), d("Create only: refused if the document exists."))),
    }),
    output: PutResponse,
  },
  remove: {
    name: "delete_document",
    description:
      "Deletes a document; with `if_match`, only when its version tag is that one (else `stale`). " +
      "`deleted` is false when there was nothing to delete.",
    input: v.object({ key: DocKey, if_match: v.optional(IfMatch) }),
    output: v.object({ deleted: v.boolean() }),
  },
} as const satisfies Record<Tool, ToolSpec>;

export type ToolInput<T extends Tool> = v.InferOutput<(typeof MCP_TOOLS)[T]["input"]>;
export type ToolOutput<T extends Tool> = v.InferOutput<(typeof MCP_TOOLS)[T]["output"]>;
