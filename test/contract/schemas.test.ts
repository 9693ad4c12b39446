import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SCHEMAS, schemaText } from "../../src/schemas.ts";
import { REPO } from "../helpers.ts";
import { makeAjv } from "./ajv.ts";

describe("published schemas", () => {
  test("schemas/ holds exactly what the models emit", () => {
    // Only the generated JSON Schemas; schemas/artifact-core.openapi.json is hand-written (test/sync).
    const files = readdirSync(join(REPO, "schemas"))
      .filter((f) => f.endsWith(".schema.json"))
      .sort();
    expect(files).toEqual(SCHEMAS.map((s) => `${s.name}.schema.json`).sort());
    for (const s of SCHEMAS)
      expect(readFileSync(join(REPO, "schemas", `${s.name}.schema.json`), "utf8")).toBe(schemaText(s));
  });

  test("every schema is valid against the 2020-12 meta-schema, with $id, title and description", () => {
    const ajv = makeAjv();
    for (const s of SCHEMAS) {
      const doc = JSON.parse(schemaText(s));
      expect(ajv.validateSchema(doc)).toBe(true);
      expect(doc.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(doc.$id).toBe(`urn:idse:schema:${s.name}`);
      expect(typeof doc.title).toBe("string");
      expect(typeof doc.description).toBe("string");
    }
  });

  test("every property of every schema has a description", () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== "object") return;
      const n = node as Record<string, unknown>;
      if (n.properties && typeof n.properties === "object") {
        for (const [k, prop] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (typeof prop.description !== "string" && !prop.$ref) missing.push(`${path}.${k}`);
        }
      }
      for (const [k, child] of Object.entries(n)) walk(child, `${path}/${k}`);
    };
    for (const s of SCHEMAS) walk(JSON.parse(schemaText(s)), s.name);
    expect(missing).toEqual([]);
  });
});
