import type { Rule } from "../engine.ts";
import { occurrences, scaffoldSentences } from "./util.ts";

export const templateCompliance: Rule = {
  id: "idse/template-compliance",
  meta: {
    description: "No unfilled {{placeholder}} and no template guidance sentence is left in a document.",
    article: "IV",
    stages: [],
    messages: {
      placeholder: "unfilled placeholder {{text}}",
      scaffold: "template guidance left in place: replace it with the real content",
    },
    fixable: false,
    documentOnly: true,
    recommended: "error",
  },
  create(ctx) {
    return {
      artifact(a) {
        const doc = a.doc!;
        for (const hit of occurrences(doc, /\{\{\s*[\w.-]+\s*\}\}/, "{{")) {
          ctx.report({
            messageId: "placeholder",
            data: { text: hit.match },
            stage: a.stage,
            line: hit.line,
            column: hit.column,
          });
        }
        const scaffold = scaffoldSentences(a.stage);
        doc.lines.forEach((line, i) => {
          // A guidance sentence is whole-line emphasis: a line that starts with a printable ASCII character
          // other than `_` or `*` (so not with anything trim() would take off) is none, known untrimmed.
          const c = line.charCodeAt(0);
          if (c > 32 && c < 127 && c !== 95 && c !== 42) return;
          if (doc.nonProse.has(i + 1) || !scaffold.has(line.trim())) return;
          ctx.report({
            messageId: "scaffold",
            stage: a.stage,
            line: i + 1,
            column: line.indexOf(line.trim()) + 1,
          });
        });
      },
    };
  },
};
