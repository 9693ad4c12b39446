import { STAGES } from "../../src/store/layout.ts";
import { render, STAGE_TEMPLATES } from "../../src/templates.ts";
import { stageSequence } from "../../src/validation/rules/stage-sequence.ts";
import { appended, FILLED, fileOf, ruleTester, type Setup, UNTOUCHED } from "./harness.ts";

const ALL_UNTOUCHED = Object.fromEntries(STAGES.map((s) => [s, UNTOUCHED[s]])) as Setup["texts"];
const M = "[REQUIRES INPUT]";
/** A fresh session whose owner and stack hold characters beyond [A-Za-z0-9 .@+:-]. */
const FRESH_UNUSUAL = Object.fromEntries(
  STAGES.map((s) => [
    s,
    render(STAGE_TEMPLATES[s], {
      project: "demo",
      session: "s1",
      owner: "José Núñez",
      stack: "C#/.NET, TypeScript",
      date: "2026-01-02",
    }),
  ]),
) as Setup["texts"];

ruleTester(stageSequence, {
  valid: [
    { name: "every stage completed and filled", setup: {} },
    { name: "all pending and untouched", setup: { defaultStage: "pending", texts: ALL_UNTOUCHED } },
    {
      name: "all pending and untouched, owner José Núñez and stack C#/.NET",
      setup: { defaultStage: "pending", texts: FRESH_UNUSUAL },
    },
    {
      name: "all pending, documents missing",
      setup: { defaultStage: "pending", texts: Object.fromEntries(STAGES.map((s) => [s, null])) },
    },
    {
      name: "stages in progress in order",
      setup: {
        stages: { intent: "completed", context: "completed", spec: "in_progress" },
        defaultStage: "pending",
        texts: { plan: UNTOUCHED.plan, implementation: UNTOUCHED.implementation },
      },
    },
    {
      name: "a later stage in progress while earlier documents are incomplete (only completion checks them)",
      setup: {
        stages: {
          spec: "in_progress",
          plan: "in_progress",
          tasks: "in_progress",
          implementation: "pending",
          feedback: "pending",
        },
        texts: { spec: appended(FILLED.spec, M), implementation: UNTOUCHED.implementation },
      },
    },
    {
      name: "a marker inside a code block does not make a document incomplete",
      setup: { texts: { spec: appended(FILLED.spec, `\`\`\`\n${M}\n\`\`\``) } },
    },
    {
      name: "implementation pending and untouched while the plan is untouched",
      setup: {
        stages: { plan: "pending", tasks: "pending", implementation: "pending", feedback: "pending" },
        texts: { plan: UNTOUCHED.plan, implementation: UNTOUCHED.implementation },
      },
    },
  ],
  invalid: [
    {
      name: "plan in progress while spec is pending → out-of-order",
      setup: {
        stages: { intent: "completed", context: "completed", spec: "pending", plan: "in_progress" },
        defaultStage: "pending",
        texts: {
          tasks: UNTOUCHED.tasks,
          implementation: UNTOUCHED.implementation,
          feedback: UNTOUCHED.feedback,
        },
      },
      errors: [
        {
          messageId: "out-of-order",
          stage: "plan",
          file: fileOf("plan"),
          line: null,
          column: null,
          message: "plan is in_progress while the earlier stage spec is still pending",
        },
      ],
    },
    {
      name: "out-of-order names the first pending stage, once per later started stage",
      setup: {
        stages: { intent: "pending", context: "pending", spec: "completed", plan: "in_progress" },
        defaultStage: "pending",
        texts: { implementation: UNTOUCHED.implementation },
      },
      errors: [
        {
          messageId: "out-of-order",
          stage: "plan",
          message: "plan is in_progress while the earlier stage intent is still pending",
        },
        {
          messageId: "out-of-order",
          stage: "spec",
          message: "spec is completed while the earlier stage intent is still pending",
        },
      ],
    },
    {
      name: "tasks completed while spec still holds a marker → earlier-incomplete",
      setup: {
        stages: { implementation: "pending", feedback: "pending" },
        texts: { spec: appended(FILLED.spec, `Open point: ${M}`) },
      },
      errors: [
        {
          messageId: "earlier-incomplete",
          stage: "plan",
          line: null,
          message: "plan is completed but the earlier spec document is not finished",
        },
        {
          messageId: "earlier-incomplete",
          stage: "tasks",
          line: null,
          message: "tasks is completed but the earlier spec document is not finished",
        },
      ],
    },
    {
      name: "only tasks completed (spec and plan in progress) while spec holds a marker",
      setup: {
        stages: { spec: "in_progress", plan: "in_progress", implementation: "pending", feedback: "pending" },
        texts: { spec: appended(FILLED.spec, `Open point: ${M}`) },
      },
      errors: [
        { messageId: "earlier-incomplete", stage: "tasks", file: fileOf("tasks"), line: null, column: null },
      ],
    },
    {
      // An empty (whitespace-only) document has not been written: it cannot count as finished.
      name: "tasks completed while the plan document is empty → earlier-incomplete",
      setup: {
        stages: { implementation: "pending", feedback: "pending" },
        texts: { plan: "\n", implementation: UNTOUCHED.implementation },
      },
      errors: [
        {
          messageId: "earlier-incomplete",
          stage: "tasks",
          message: "tasks is completed but the earlier plan document is not finished",
        },
      ],
    },
    {
      name: "completed stage after an untouched and a missing document names the first",
      setup: {
        stages: { plan: "completed", tasks: "pending", implementation: "pending", feedback: "pending" },
        texts: { intent: null, context: UNTOUCHED.context, implementation: UNTOUCHED.implementation },
      },
      errors: [
        {
          messageId: "earlier-incomplete",
          stage: "context",
          message: "context is completed but the earlier intent document is not finished",
        },
        {
          messageId: "earlier-incomplete",
          stage: "plan",
          message: "plan is completed but the earlier intent document is not finished",
        },
        {
          messageId: "earlier-incomplete",
          stage: "spec",
          message: "spec is completed but the earlier intent document is not finished",
        },
      ],
    },
    {
      name: "implementation document edited while the plan is untouched → implementation-before-plan",
      setup: { defaultStage: "pending", texts: { ...ALL_UNTOUCHED, implementation: FILLED.implementation } },
      errors: [
        {
          messageId: "implementation-before-plan",
          stage: "implementation",
          file: fileOf("implementation"),
          line: null,
          column: null,
          message: "implementation has started but the plan is not finished",
        },
      ],
    },
    {
      name: "implementation in progress while the plan holds a marker",
      setup: {
        stages: { plan: "completed", tasks: "completed", implementation: "in_progress", feedback: "pending" },
        texts: { plan: appended(FILLED.plan, M), implementation: UNTOUCHED.implementation },
      },
      errors: [
        { messageId: "implementation-before-plan", stage: "implementation" },
        { messageId: "earlier-incomplete", stage: "tasks" },
      ],
    },
  ],
});
