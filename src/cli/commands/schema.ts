import { join, resolve } from "node:path";
import { IdseError } from "../../errors.ts";
import type { SchemaOutput } from "../../models/outputs.ts";
import { writeFileAtomic } from "../../store/atomic-file.ts";
import { defineCommand } from "../command.ts";

// The schemas are generated from the models inside the binary (the same code as `npm run gen:schemas`),
// loaded only when a schema command runs.
const load = () => import("../../schemas.ts");

type SchemaData = SchemaOutput;

export const schemaList = defineCommand<Record<string, never>, SchemaData>({
  async run() {
    const { SCHEMAS } = await load();
    return { schemas: SCHEMAS.map(({ name, kind, about }) => ({ name, kind, about })) };
  },
  text: (d) =>
    "schemas" in d
      ? d.schemas.map((s) => `${s.name.padEnd(22)} ${s.kind.padEnd(6)} ${s.about}`).join("\n")
      : "",
});

export const schemaShow = defineCommand<Record<string, never>, SchemaData>({
  async run(_ctx, [name]) {
    const { SCHEMAS, emitSchema } = await load();
    const entry = SCHEMAS.find((s) => s.name === name);
    if (!entry) throw new IdseError("SCHEMA_NOT_FOUND", { name, known: SCHEMAS.map((s) => s.name) });
    return { name: entry.name, schema: emitSchema(entry) };
  },
  text: (d) => ("schema" in d ? JSON.stringify(d.schema, null, 2) : ""),
});

export const schemaEmit = defineCommand<Record<string, never>, SchemaData>({
  async run(ctx, [dirArg]) {
    const { SCHEMAS, schemaText } = await load();
    const dir = resolve(ctx.global.cwd, dirArg!);
    const files = SCHEMAS.map((s) => {
      const file = join(dir, `${s.name}.schema.json`);
      writeFileAtomic(file, schemaText(s));
      return file;
    });
    return { dir, files };
  },
  text: (d) => ("files" in d ? `Wrote ${d.files.length} schemas to ${d.dir}` : ""),
});
