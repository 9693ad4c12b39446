import * as v from "valibot";
import { d, Id } from "./common.ts";

// What `idse report` prints about the file it wrote.

export const ReportOutput = d(
  v.object({
    file: d(v.string(), "The HTML file written, relative to the repository root."),
    bytes: d(v.number(), "Its size in bytes."),
    projects: d(v.array(Id), "The projects it covers."),
    sessions: d(v.number(), "Sessions drawn, over all projects."),
    errors: d(v.number(), "Validation errors found, over all sessions (nothing is recorded)."),
    warnings: d(v.number(), "Validation warnings found."),
    claims: d(
      v.number(),
      "Active claims of the blueprints' claims ledgers, over all projects (what `idse blueprint claims` lists); the page shows every claim with its status.",
    ),
  }),
  "Result of `idse report`.",
);
export type ReportOutput = v.InferOutput<typeof ReportOutput>;
