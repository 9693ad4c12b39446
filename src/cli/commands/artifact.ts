import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { artifactPath, readArtifact, writeArtifact } from "../../artifacts.ts";
import { IdseError } from "../../errors.ts";
import { STAGES, type Stage } from "../../models/common.ts";
import type { ArtifactOutput } from "../../models/outputs.ts";
import { updateSession } from "../../session-graph.ts";
import { boundaryFor, readContained } from "../../store/path-guard.ts";
import { decodeUtf8 } from "../../utf8.ts";
import { defineCommand } from "../command.ts";
import { targetSession } from "./shared.ts";

export type ArtifactData = ArtifactOutput;

const stageOption = { flags: "--stage <stage>", description: "Stage", choices: STAGES, required: true };
const sessionOption = { flags: "--session <id>", description: "Session (default: the current session)" };

export const artifactRead = defineCommand<{ stage: Stage; session?: string }, ArtifactData>({
  options: [stageOption, sessionOption],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    const project = await ctx.project();
    const session = await targetSession(ws.store, project, o.session);
    const content = await readArtifact(ws.store, project, session, o.stage);
    if (content === undefined) throw new IdseError("ARTIFACT_NOT_FOUND", { stage: o.stage, session });
    const path = artifactPath(project, session, o.stage);
    return { project, session, stage: o.stage, path, content, bytes: Buffer.byteLength(content) };
  },
  text: (d) => d.content ?? "",
});

export const artifactWrite = defineCommand<{ stage: Stage; session?: string; file?: string }, ArtifactData>({
  options: [
    stageOption,
    sessionOption,
    { flags: "--file <path>", description: "Read the document from this file (- for standard input)" },
  ],
  examples: [
    "idse artifact write --stage plan --file plan.md",
    "cat spec.md | idse artifact write --stage spec",
  ],
  async run(ctx, _args, o) {
    let content: string;
    // `--file -` is standard input, as for most tools that take a file.
    if (o.file !== undefined && o.file !== "-") {
      const file = resolve(ctx.global.cwd, o.file);
      let bytes: Buffer;
      // A file inside the repository is read only if it stays there (src/store/path-guard.ts): a link in it
      // must not carry an outside file into a document that sync then sends.
      const within = boundaryFor(ctx.workspace().root, file);
      try {
        const read = within === null ? readFileSync(file) : readContained(within, file);
        if (read === undefined)
          throw new IdseError("FILE_NOT_FOUND", { option: "--file", file: o.file, cwd: ctx.global.cwd });
        bytes = read;
      } catch (err) {
        if (err instanceof IdseError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          throw new IdseError("FILE_NOT_FOUND", { option: "--file", file: o.file, cwd: ctx.global.cwd });
        }
        throw new IdseError("IO_ERROR", {
          op: "read",
          file: o.file,
          reason: (err as NodeJS.ErrnoException).code,
        });
      }
      content = decodeUtf8(bytes, o.file);
    } else {
      // Never wait on a terminal: without --file, input must be piped in.
      if (ctx.io.stdinIsTTY) {
        throw new IdseError("INPUT_REQUIRED", {
          reason: "no input: pass --file PATH or pipe the document on stdin",
        });
      }
      content = await ctx.io.readStdin();
    }
    if (content.trim() === "") {
      throw new IdseError("INPUT_REQUIRED", { reason: "the new document is empty; nothing was written" });
    }
    const project = await ctx.project();
    return ctx.mutate(project, async (ws) => {
      const session = await targetSession(ws.store, project, o.session);
      await writeArtifact(ws.store, project, session, o.stage, content);
      await updateSession(ws.store, project, session, ctx.now, (m) => m);
      const path = artifactPath(project, session, o.stage);
      return { project, session, stage: o.stage, path, bytes: Buffer.byteLength(content) };
    });
  },
  text: (d) => `Wrote ${d.stage} for ${d.project}/${d.session} (${d.bytes} bytes) to ${d.path}`,
});
