import * as v from "valibot";
import { d } from "./common.ts";

// `idse import-original`: what importing the Python original's database changed (or would change).

export const ImportOriginalOutput = d(
  v.object({
    database: d(v.string(), "The original's database, relative to the repository root."),
    sha256: d(v.string(), "sha256 of the database file's bytes (unchanged by the import)."),
    dry_run: d(v.boolean(), "True when nothing was written."),
    changed: d(v.number(), "How many documents were (or would be) written."),
    changes: d(
      v.array(
        v.object({
          key: d(v.string(), "The document, relative to .idse/."),
          action: d(
            v.picklist(["create", "update", "keep-view"]),
            "create or update a document; keep-view: a markdown view that differs from the database, kept beside it.",
          ),
          of: v.optional(d(v.string(), "For keep-view: the document whose view is kept.")),
        }),
      ),
      "Every document written, in order.",
    ),
    projects: d(
      v.array(
        v.object({
          project: d(v.string(), "Project name."),
          sessions: d(v.number(), "Sessions in the database."),
          artifacts: d(v.number(), "Stage documents in the database."),
          claims: d(v.number(), "Blueprint claims in the database."),
          agents: d(v.number(), "Registered agents in the database."),
        }),
      ),
      "What the database holds, per project.",
    ),
    recorded: d(v.boolean(), "Whether .idse/original-import.json was written (so doctor stops warning)."),
  }),
  "Result of `idse import-original`.",
);
export type ImportOriginalOutput = v.InferOutput<typeof ImportOriginalOutput>;
