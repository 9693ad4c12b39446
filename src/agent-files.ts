import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FileOutcome } from "./models/outputs.ts";
import { readTextIfExists, writeFileAtomic, writeTarget } from "./store/atomic-file.ts";
import { GOVERNANCE_DOCS, STAGE_TEMPLATES } from "./templates.ts";

// Files idse writes outside the DesignStore: the governance and reference docs under `.idse/` that agents
// read. None is ever overwritten without force. (Agent instruction files: src/routing/agent-routing.ts.)

export type { FileOutcome };

function place(file: string, text: string, force: boolean, display: string): FileOutcome {
  // Resolved first: a governance folder or file that is a link out is refused, not even looked at.
  const exists = existsSync(writeTarget(file, undefined));
  if (exists && !force) return { path: display, action: "kept" };
  writeFileAtomic(file, text);
  return { path: display, action: exists ? "overwritten" : "created" };
}

export function writeGovernanceDocs(idseDir: string, force: boolean): FileOutcome[] {
  return Object.entries(GOVERNANCE_DOCS).map(([name, text]) =>
    place(join(idseDir, "governance", name), text, force, `.idse/governance/${name}`),
  );
}

/** The stage templates, unrendered, as reference copies for people and agents. */
export function writeTemplateCopies(idseDir: string, force: boolean): FileOutcome[] {
  return Object.entries(STAGE_TEMPLATES).map(([stage, text]) =>
    place(
      join(idseDir, "kb", "templates", `${stage}-template.md`),
      text,
      force,
      `.idse/kb/templates/${stage}-template.md`,
    ),
  );
}

/**
 * The JSON Schemas of the files under `.idse/`, so the `$schema` references in config.json and
 * stage_state.json resolve offline in editors. idse owns these copies and refreshes them.
 */
export async function writeFileSchemas(idseDir: string): Promise<FileOutcome[]> {
  const { SCHEMAS, schemaText } = await import("./schemas.ts");
  return SCHEMAS.filter((s) => s.kind === "file").map((s) => {
    const file = join(idseDir, "schemas", `${s.name}.schema.json`);
    const text = schemaText(s);
    const display = `.idse/schemas/${s.name}.schema.json`;
    if (readTextIfExists(file) === text) return { path: display, action: "kept" as const };
    return place(file, text, true, display);
  });
}
