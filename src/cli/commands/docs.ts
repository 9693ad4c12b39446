import { writeFileSchemas, writeGovernanceDocs, writeTemplateCopies } from "../../agent-files.ts";
import type { FilesOutput } from "../../models/outputs.ts";
import { defineCommand } from "../command.ts";

export type FilesData = FilesOutput;

const listFiles = (d: FilesData) => {
  const lines = d.files.map((f) => `  ${f.action.padEnd(11)} ${f.path}`);
  if (d.files.some((f) => f.action === "kept"))
    lines.push(
      "(kept: already there, left as they are; `idse docs install --force` overwrites what differs)",
    );
  return lines.join("\n");
};

export const docsInstall = defineCommand<{ force?: boolean }, FilesData>({
  options: [{ flags: "--force", description: "Overwrite files that exist" }],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    const force = o.force === true;
    return {
      files: [
        ...writeGovernanceDocs(ws.idseDir, force),
        ...writeTemplateCopies(ws.idseDir, force),
        ...(await writeFileSchemas(ws.idseDir)),
      ],
    };
  },
  text: listFiles,
});

// generate-agent-files lives in ./agents.ts (the Python original's name for `agents sync-files`).
