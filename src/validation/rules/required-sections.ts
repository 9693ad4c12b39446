import type { Rule } from "../engine.ts";
import { findHeading, requiredSections, scaffoldSentences, sectionHasContent, sectionRange } from "./util.ts";

// Matched to our own templates: every `##` section of the stage template must be there, with content.
export const requiredSectionsRule: Rule = {
  id: "idse/required-sections",
  meta: {
    description: "Each stage document keeps its template's sections, and fills them.",
    article: "IV",
    stages: [],
    messages: {
      missing: 'section "{{section}}" is missing',
      empty: 'section "{{section}}" has no content yet',
    },
    fixable: false,
    documentOnly: true,
    recommended: "warn",
  },
  create(ctx) {
    return {
      artifact(a) {
        const doc = a.doc!;
        const scaffold = scaffoldSentences(a.stage);
        for (const section of requiredSections(a.stage)) {
          const h = findHeading(doc, section);
          if (!h) {
            ctx.report({ messageId: "missing", data: { section }, stage: a.stage, line: 1, column: 1 });
            continue;
          }
          const { from, to } = sectionRange(doc, h);
          if (!sectionHasContent(doc, from, to, scaffold)) {
            ctx.report({ messageId: "empty", data: { section }, stage: a.stage, line: h.line, column: 1 });
          }
        }
      },
    };
  },
};
