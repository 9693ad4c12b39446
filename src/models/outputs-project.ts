import * as v from "valibot";
import { d, Id } from "./common.ts";

// What `idse project list|use` print.

export const ProjectListOutput = d(
  v.object({
    current: d(
      v.nullable(Id),
      "The project commands act on without --project (IDSE_PROJECT, the only project, or projects/CURRENT_PROJECT), or null.",
    ),
    projects: d(
      v.array(
        d(
          v.object({
            project: Id,
            current: d(v.boolean(), "Whether it is that project."),
            sessions: d(v.number(), "How many sessions it has."),
            current_session: d(v.nullable(Id), "Its current session, or null."),
          }),
          "One project.",
        ),
      ),
      "Every project of the workspace, by name.",
    ),
  }),
  "Result of `idse project list`.",
);
export type ProjectListOutput = v.InferOutput<typeof ProjectListOutput>;

export const ProjectUseOutput = d(
  v.object({
    project: d(Id, "The project that is now current."),
    previous: d(v.nullable(Id), "The project that was current before, or null."),
  }),
  "Result of `idse project use`.",
);
export type ProjectUseOutput = v.InferOutput<typeof ProjectUseOutput>;
