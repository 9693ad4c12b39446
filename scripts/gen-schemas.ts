// Writes schemas/<name>.schema.json from the valibot models (src/schemas.ts) and
// schemas/artifact-core.mcp.json from the artifact-core plugin's (scripts/artifact-core-mcp.ts), then
// regenerates docs/json-output.md (scripts/gen-json-docs.ts), which documents them. With --check, writes
// nothing and exits 1 when any differs from what the code produces (CI runs this).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SCHEMAS, schemaText } from "../src/schemas.ts";
import { MCP_CONTRACT_FILE, mcpContractText } from "./artifact-core-mcp.ts";
import { IDSE_MCP_FILE, idseMcpText } from "./idse-mcp-contract.ts";
import { templateShapesText } from "./template-shapes.ts";
import { templateTextsText } from "./template-texts.ts";

const dir = join(import.meta.dir, "..", "schemas");
const check = process.argv.includes("--check");
const wanted = new Map(SCHEMAS.map((s) => [`${s.name}.schema.json`, schemaText(s)]));
const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".schema.json")) : [];
const drift: string[] = [];
for (const [file, text] of wanted) {
  const path = join(dir, file);
  if (!existsSync(path) || readFileSync(path, "utf8") !== text) drift.push(`${file} differs from the models`);
}
for (const file of present) if (!wanted.has(file)) drift.push(`${file} has no model`);
// The artifact-core plugin's MCP tool contract, from the plugin's models (not one of idse's own shapes).
const mcpFile = join(dir, MCP_CONTRACT_FILE);
const mcp = mcpContractText();
if (!existsSync(mcpFile) || readFileSync(mcpFile, "utf8") !== mcp)
  drift.push(`${MCP_CONTRACT_FILE} differs from the models`);
// idse's own MCP server contract (scripts/idse-mcp-contract.ts).
const idseMcpFile = join(dir, IDSE_MCP_FILE);
const idseMcp = idseMcpText();
if (!existsSync(idseMcpFile) || readFileSync(idseMcpFile, "utf8") !== idseMcp)
  drift.push(`${IDSE_MCP_FILE} differs from the models`);
// Derived from the templates, not the models, but generated and checked the same way.
const shapesFile = join(import.meta.dir, "..", "src", "generated", "template-shapes.json");
const shapes = templateShapesText();
const textsFile = join(import.meta.dir, "..", "src", "generated", "templates.json");
const texts = templateTextsText();
const shapesDrift = !existsSync(shapesFile) || readFileSync(shapesFile, "utf8") !== shapes;
const textsDrift = !existsSync(textsFile) || readFileSync(textsFile, "utf8") !== texts;

const docs = () =>
  Bun.spawnSync(
    [process.execPath, join(import.meta.dir, "gen-json-docs.ts"), ...(check ? ["--check"] : [])],
    {
      stdout: "inherit",
      stderr: "inherit",
    },
  ).exitCode;

if (check) {
  for (const line of drift) process.stderr.write(`schemas/${line}\n`);
  if (drift.length) process.stderr.write("run `npm run gen:schemas` and commit schemas/\n");
  if (shapesDrift)
    process.stderr.write("src/generated/template-shapes.json differs from the templates or the rules\n");
  if (textsDrift) process.stderr.write("src/generated/templates.json differs from the templates\n");
  if (shapesDrift || textsDrift)
    process.stderr.write("run `npm run gen:schemas` and commit src/generated/\n");
  process.exit(drift.length || shapesDrift || textsDrift || docs() !== 0 ? 1 : 0);
}
mkdirSync(dir, { recursive: true });
for (const file of present) if (!wanted.has(file)) rmSync(join(dir, file));
for (const [file, text] of wanted) writeFileSync(join(dir, file), text);
writeFileSync(mcpFile, mcp);
writeFileSync(idseMcpFile, idseMcp);
mkdirSync(join(shapesFile, ".."), { recursive: true });
writeFileSync(shapesFile, shapes);
writeFileSync(textsFile, texts);
process.stdout.write(`wrote ${wanted.size} schemas to schemas/ (${drift.length} changed)\n`);
process.exit(docs());
