import type { Rule } from "../engine.ts";
import { incomplete } from "./util.ts";

// Article IX: what was learned is written down before a session is closed.
export const feedbackBeforeCompletion: Rule = {
  id: "idse/feedback-before-completion",
  meta: {
    description: "A session is completed only once its feedback document is written.",
    article: "IX",
    stages: [],
    messages: { "no-feedback": "the session cannot complete before its feedback document is written" },
    fixable: false,
    recommended: "error",
  },
  create(ctx) {
    return {
      session() {
        if (!ctx.session.gate && ctx.session.meta.status !== "complete") return;
        const f = ctx.artifacts.feedback;
        if (incomplete(f?.text, f?.doc, f?.untouched ?? true, "feedback")) {
          ctx.report({ messageId: "no-feedback", stage: "feedback" });
        }
      },
    };
  },
};
