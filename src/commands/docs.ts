import {
  writeAgentFiles,
  writeFileSchemas,
  writeGovernanceDocs,
  writeTemplateCopies,
} from "../agent-files.ts";
import { defineCommand } from "../command.ts";
import type { FilesOutput } from "../models/outputs.ts";

export type FilesData = FilesOutput;

const listFiles = (d: FilesData) => {
  const lines = d.files.map((f) => `  ${f.action.padEnd(11)} ${f.path}`);
  if (d.files.some((f) => f.action === "kept"))
    lines.push("(existing files were kept; use --force to overwrite)");
  return lines.join("\n");
};

export const docsInstall = defineCommand<{ force?: boolean }, FilesData>({
  name: "docs install",
  summary: "Install the governance docs, template copies and file schemas into .idse/",
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

export const generateAgentFiles = defineCommand<{ force?: boolean }, FilesData>({
  name: "generate-agent-files",
  summary: "Write CLAUDE.md, AGENTS.md and .cursorrules at the repository root",
  options: [{ flags: "--force", description: "Overwrite files that exist" }],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    const project = await ctx.project();
    const files = writeAgentFiles(ws.root, project, o.force === true);
    for (const f of files.filter((x) => x.action === "kept")) {
      ctx.report({
        severity: "warning",
        code: "FILE_KEPT",
        message: `${f.path} exists and was kept`,
        file: f.path,
        hint: "use --force to overwrite it",
      });
    }
    return { project, files };
  },
  text: listFiles,
});
