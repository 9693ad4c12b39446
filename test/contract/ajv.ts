import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { SCHEMAS, schemaText } from "../../src/schemas.ts";

// An independent validator (ajv, JSON Schema 2020-12, strict, with formats) loaded with the schemas as
// published in schemas/ form, so the contract is checked against what users get, not against valibot.
export function makeAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const entry of SCHEMAS) ajv.addSchema(JSON.parse(schemaText(entry)));
  return ajv;
}

export function validator(ajv: ReturnType<typeof makeAjv>, name: string) {
  const fn = ajv.getSchema(`urn:idse:schema:${name}`);
  if (!fn) throw new Error(`no schema ${name}`);
  return (value: unknown) => {
    const ok = fn(value);
    return ok ? undefined : ajv.errorsText(fn.errors, { separator: "\n" });
  };
}
