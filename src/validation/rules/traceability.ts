import type { Rule } from "../engine.ts";
import { occurrences } from "./util.ts";

const REQ = /\b(?:FR|NFR)-\d+\b/;
/** What every match of REQ holds: the lines without it are not searched (occurrences). */
const REQ_NEEDLE = "FR-";

// Requirements and tasks point at each other: every requirement of the spec is covered by a task, and
// a task cites only requirements that exist.
export const traceability: Rule = {
  id: "idse/traceability",
  meta: {
    description:
      "Requirement ids of the spec (FR-1, NFR-1) are covered by tasks, and tasks cite only ids that exist.",
    article: "I",
    stages: [],
    messages: {
      uncovered: "requirement {{id}} is not covered by any task",
      "unknown-id": "task cites {{id}}, which the spec does not define",
    },
    fixable: false,
    recommended: "warn",
  },
  create(ctx) {
    return {
      session() {
        const spec = ctx.artifacts.spec?.doc;
        const tasks = ctx.artifacts.tasks?.doc;
        if (!spec?.parsed || !tasks?.parsed) return;
        const defined = new Map<string, { line: number; column: number }>();
        for (const hit of occurrences(spec, REQ, REQ_NEEDLE))
          if (!defined.has(hit.match)) defined.set(hit.match, hit);
        const cited = new Set<string>();
        for (const hit of occurrences(tasks, REQ, REQ_NEEDLE)) {
          cited.add(hit.match);
          if (!defined.has(hit.match)) {
            ctx.report({
              messageId: "unknown-id",
              data: { id: hit.match },
              stage: "tasks",
              line: hit.line,
              column: hit.column,
            });
          }
        }
        for (const [id, at] of defined) {
          if (!cited.has(id))
            ctx.report({
              messageId: "uncovered",
              data: { id },
              stage: "spec",
              line: at.line,
              column: at.column,
            });
        }
      },
    };
  },
};
