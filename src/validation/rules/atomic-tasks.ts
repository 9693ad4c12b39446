import type { Rule } from "../engine.ts";

const TASK_ID = /^(T-\d+|[A-Z]+-\d+)\b/;

// Article VIII: a task is a checklist item with an id and one action. Plain bullets that are not tasks
// (conventions, notes) are left alone; an item that looks like a task must be a checklist item.
export const atomicTasks: Rule = {
  id: "idse/atomic-tasks",
  meta: {
    description: "Tasks are checklist items (`- [ ] T-1 ...`), one action each, with ids.",
    article: "VIII",
    stages: ["tasks"],
    messages: {
      "not-checklist": "task {{id}} is not a checklist item: write it as `- [ ] {{id}} ...`",
      "no-id": "checklist item has no task id (e.g. T-1)",
      "not-atomic": "task {{id}} holds more than one action: split it",
    },
    fixable: false,
    documentOnly: true,
    recommended: "warn",
  },
  create(ctx) {
    return {
      artifact(a) {
        const doc = a.doc!;
        for (const item of doc.listItems) {
          if (doc.nonProse.has(item.line)) continue;
          const id = TASK_ID.exec(item.text.trim())?.[1];
          if (item.checked === null) {
            if (id)
              ctx.report({
                messageId: "not-checklist",
                data: { id },
                stage: a.stage,
                line: item.line,
                column: 1,
              });
            continue;
          }
          if (!id) {
            ctx.report({ messageId: "no-id", stage: a.stage, line: item.line, column: 1 });
            continue;
          }
          const body = item.text.replace(/`[^`]*`/g, "").replace(/\([^)]*\)/g, "");
          if (/;|\.\s+[A-Z]|\band then\b/.test(body)) {
            ctx.report({ messageId: "not-atomic", data: { id }, stage: a.stage, line: item.line, column: 1 });
          }
        }
      },
    };
  },
};
