import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROMPTS } from "../../src/cli/mcp/prompts.ts";
import { toolList } from "../../src/cli/mcp/schemas.ts";
import { TOOLS } from "../../src/cli/mcp/tools.ts";
import { outputSchemaFor } from "../../src/schemas.ts";
import { REPO } from "../helpers.ts";
import { connect, shopWithSession } from "./util.ts";

// docs/mcp.md is generated from the tool, resource and prompt tables; and each tool's outputSchema is the
// published --json schema of its command (the same model), so the two cannot drift apart.

test("docs/mcp.md is what scripts/gen-mcp-docs.ts generates, and names every tool and prompt", () => {
  const r = Bun.spawnSync([process.execPath, "scripts/gen-mcp-docs.ts", "--check"], {
    cwd: REPO,
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(r.exitCode, `${r.stdout.toString()}${r.stderr.toString()}`).toBe(0);
  const page = readFileSync(join(REPO, "docs", "mcp.md"), "utf8");
  for (const t of TOOLS) expect(page).toContain(`### ${t.name}`);
  for (const p of PROMPTS) expect(page).toContain(`\`${p.name}\``);
});

type Json = Record<string, unknown>;

/**
 * The schema with every `#/$defs/…` reference replaced by its definition (the converter hoists shared
 * ones to the root, which differs between a tool's schema and an envelope); a definition met again inside
 * itself (a recursive model) stays a marker.
 */
function inline(node: unknown, defs: Json, open: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, defs, open));
  if (typeof node !== "object" || node === null) return node;
  const o = node as Json;
  if (typeof o.$ref === "string" && o.$ref.startsWith("#/$defs/")) {
    const { $ref, ...rest } = o;
    const name = $ref.slice(8);
    if (open.includes(name)) return { recursive: true, ...rest };
    return inline({ ...(defs[name] as Json), ...rest }, defs, [...open, name]);
  }
  return Object.fromEntries(
    Object.entries(o)
      .filter(([k]) => k !== "$defs")
      .map(([k, v]) => [k, inline(v, defs, open)]),
  );
}

/** True when `needle` is deep-equal to `hay` or to a schema nested anywhere in it. */
function contains(hay: unknown, needle: unknown): boolean {
  if (Bun.deepEquals(hay, needle)) return true;
  if (typeof hay !== "object" || hay === null) return false;
  return Object.values(hay).some((v) => contains(v, needle));
}

test("every outputSchema is the data schema of the command's published schemas/output-*.schema.json", () => {
  for (const tool of toolList()) {
    const def = TOOLS.find((t) => t.name === tool.name)!;
    const entry = outputSchemaFor(def.cli);
    expect(entry, `${def.cli} has a published output schema`).toBeDefined();
    const published = JSON.parse(readFileSync(join(REPO, "schemas", `${entry!.name}.schema.json`), "utf8"));
    expect(tool.outputSchema.type).toBe("object");
    expect(tool.inputSchema.type).toBe("object");
    const mine = inline(tool.outputSchema, (tool.outputSchema.$defs ?? {}) as Json);
    const theirs = inline(published.properties.data, published.$defs ?? {});
    expect(contains(theirs, mine), `${tool.name} vs ${entry!.name}`).toBe(true);
  }
});

test("schemas/idse.mcp.json is the running server's tools/list and prompts/list", async () => {
  const doc = JSON.parse(readFileSync(join(REPO, "schemas", "idse.mcp.json"), "utf8"));
  const cwd = await shopWithSession();
  const { client, close } = await connect(cwd);
  const { tools } = await client.listTools();
  expect(JSON.parse(JSON.stringify(tools))).toEqual(doc.tools);
  const { prompts } = await client.listPrompts();
  expect(prompts.map((p) => p.name)).toEqual(doc.prompts.map((p: { name: string }) => p.name));
  await close();
});
