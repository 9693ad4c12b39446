import type { Rule } from "../engine.ts";
import { proseOf } from "../markdown.ts";
import { findHeading, sectionRange } from "./util.ts";

const SECTION = "Component Impact Report";

// Once implementation has started, its README must say which components changed (one `- **Name**`
// entry each), so reviewers and the blueprint can trace the change.
export const implementationReport: Rule = {
  id: "idse/implementation-report",
  meta: {
    description:
      "implementation/README.md has a Component Impact Report with at least one `- **Name**` entry.",
    article: "VII",
    stages: ["implementation"],
    messages: {
      "missing-section": `the implementation document has no "## ${SECTION}" section`,
      "no-entries": `the ${SECTION} lists no component (expected lines like "- **Name** ...")`,
    },
    fixable: false,
    recommended: "error",
  },
  create(ctx) {
    return {
      artifact(a) {
        const started = ctx.session.stages.implementation !== "pending" || !a.untouched;
        if (!started) return;
        const doc = a.doc!;
        const h = findHeading(doc, SECTION);
        if (!h) {
          ctx.report({ messageId: "missing-section", stage: a.stage, line: 1, column: 1 });
          return;
        }
        const { from, to } = sectionRange(doc, h);
        for (let line = from; line <= to; line++) {
          if (/^\s*[-*+]\s+\*\*[^*]+\*\*/.test(proseOf(doc, line) ?? "")) return;
        }
        ctx.report({ messageId: "no-entries", stage: a.stage, line: h.line, column: 1 });
      },
    };
  },
};
