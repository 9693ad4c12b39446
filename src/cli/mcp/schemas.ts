import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { TOOLS, type ToolDef } from "./tools.ts";

// JSON Schemas of the tools, emitted from the valibot models with the converter that writes schemas/: an
// outputSchema is exactly the `data` schema of the command's published --json schema (a test holds them
// equal). The `$schema` key is left out: MCP schemas carry no dialect, and clients' validators (Ajv in
// the SDK) would otherwise look the 2020-12 meta-schema up.

export function jsonSchemaOf(model: v.GenericSchema): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = toJsonSchema(model, {
    target: "draft-2020-12",
    errorMode: "throw",
  }) as Record<string, unknown>;
  return rest;
}

export interface ListedTool {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: "object"; [k: string]: unknown };
  outputSchema: { type: "object"; [k: string]: unknown };
  annotations: ToolDef["annotations"] & { title: string };
}

let cached: ListedTool[] | undefined;

/** The tools/list answer (computed once per process). */
export function toolList(): ListedTool[] {
  cached ??= TOOLS.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: jsonSchemaOf(t.input) as ListedTool["inputSchema"],
    outputSchema: jsonSchemaOf(t.output) as ListedTool["outputSchema"],
    annotations: { title: t.title, ...t.annotations },
  }));
  return cached;
}
