import { STAGE_PATHS, STAGES } from "../../store/layout.ts";
import type { Rule } from "../engine.ts";

const CANONICAL = new Set(Object.values(STAGE_PATHS));
const STAGE_FILE_NAMES = new Set([...STAGES.map((s) => `${s}.md`), "README.md"]);
const METADATA_FILES = new Set(["session.json", ".owner", "stage_state.json", "meta.md", "blueprint.md"]);

// Article X: every document in its canonical place, so every tool finds the same thing.
export const canonicalLayout: Rule = {
  id: "idse/canonical-layout",
  meta: {
    description:
      "Stage documents only in their canonical folders, no `current` links, metadata only under metadata/.",
    article: "X",
    stages: [],
    messages: {
      misplaced: "{{path}} looks like a stage document outside its canonical place",
      current: "{{path}}: `current` links are not part of the layout; use CURRENT_SESSION",
      "stray-metadata": "{{path}} is session metadata outside metadata/",
    },
    fixable: false,
    recommended: "warn",
  },
  create(ctx) {
    return {
      session() {
        const { dir } = ctx.session;
        for (const path of ctx.session.files) {
          const parts = path.split("/");
          const name = parts.at(-1)!;
          const file = `${dir}/${path}`;
          if (parts.includes("current")) {
            ctx.report({ messageId: "current", data: { path }, file });
          } else if (parts[0] !== "metadata" && METADATA_FILES.has(name)) {
            ctx.report({ messageId: "stray-metadata", data: { path }, file });
          } else if (parts[0] !== "metadata" && STAGE_FILE_NAMES.has(name) && !CANONICAL.has(path)) {
            ctx.report({ messageId: "misplaced", data: { path }, file });
          }
        }
      },
    };
  },
};
