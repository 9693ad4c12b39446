import { STAGES } from "../../store/layout.ts";
import type { Rule } from "../engine.ts";

export const artifactPresent: Rule = {
  id: "idse/artifact-present",
  meta: {
    description: "All seven stage documents exist.",
    article: "X",
    stages: [],
    messages: { missing: "the {{stage}} document is missing" },
    fixable: true,
    recommended: "error",
  },
  create(ctx) {
    return {
      session() {
        for (const stage of STAGES) {
          const a = ctx.artifacts[stage];
          if (a && a.text !== undefined) continue;
          ctx.report({
            messageId: "missing",
            data: { stage },
            stage,
            file: a?.file,
            fix: { writeArtifact: { stage, text: ctx.session.templateFor(stage) } },
          });
        }
      },
    };
  },
};
