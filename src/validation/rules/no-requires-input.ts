import type { Rule } from "../engine.ts";
import { MARKER, occurrences } from "./util.ts";

export const noRequiresInput: Rule = {
  id: "idse/no-requires-input",
  meta: {
    description: "No [REQUIRES INPUT] marker is left outside code.",
    article: "III",
    stages: [],
    messages: { marker: "[REQUIRES INPUT]: this part of the {{stage}} still needs input" },
    fixable: false,
    documentOnly: true,
    recommended: "error",
  },
  create(ctx) {
    return {
      artifact(a) {
        for (const hit of occurrences(a.doc!, /\[REQUIRES INPUT\]/, MARKER)) {
          ctx.report({
            messageId: "marker",
            data: { stage: a.stage },
            stage: a.stage,
            line: hit.line,
            column: hit.column,
          });
        }
      },
    };
  },
};
