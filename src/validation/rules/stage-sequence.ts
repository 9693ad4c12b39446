import { STAGES } from "../../store/layout.ts";
import type { Rule } from "../engine.ts";
import { incomplete } from "./util.ts";

// Articles III and VII: stages run in order, and nothing is built before it is planned.
export const stageSequence: Rule = {
  id: "idse/stage-sequence",
  meta: {
    description: "No stage starts while an earlier one is pending, or completes while an earlier one fails.",
    article: "VII",
    stages: [],
    messages: {
      "out-of-order": "{{stage}} is {{status}} while the earlier stage {{earlier}} is still pending",
      "earlier-incomplete": "{{stage}} is completed but the earlier {{earlier}} document is not finished",
      "implementation-before-plan": "implementation has started but the plan is not finished",
    },
    fixable: false,
    recommended: "error",
  },
  create(ctx) {
    return {
      session() {
        const { stages } = ctx.session;
        const done = (i: number) => {
          const a = ctx.artifacts[STAGES[i]!];
          return !incomplete(a?.text, a?.doc, a?.untouched ?? true, STAGES[i]);
        };
        STAGES.forEach((stage, i) => {
          const status = stages[stage];
          if (status === "pending") return;
          const pending = STAGES.slice(0, i).find((s) => stages[s] === "pending");
          if (pending) {
            ctx.report({ messageId: "out-of-order", data: { stage, status, earlier: pending }, stage });
            return;
          }
          if (status === "completed") {
            const j = STAGES.slice(0, i).findIndex((_, k) => !done(k));
            if (j >= 0)
              ctx.report({ messageId: "earlier-incomplete", data: { stage, earlier: STAGES[j]! }, stage });
          }
        });
        const impl = ctx.artifacts.implementation;
        const started = stages.implementation !== "pending" || (impl?.text !== undefined && !impl.untouched);
        if (started && !done(STAGES.indexOf("plan"))) {
          ctx.report({ messageId: "implementation-before-plan", stage: "implementation" });
        }
      },
    };
  },
};
