import { atomicTasks } from "../../src/validation/rules/atomic-tasks.ts";
import { FILLED, fileOf, ruleTester, UNTOUCHED, withSectionBody } from "./harness.ts";

const doc = (...lines: string[]) => `${["# Tasks", "", "## Phase 1", "", ...lines].join("\n")}\n`;
const FIRST = 5; // first line of the body given to doc()

ruleTester(atomicTasks, {
  valid: [
    { name: "filled tasks document", setup: {} },
    {
      name: "untouched template (ids and checkboxes already right)",
      setup: { texts: { tasks: UNTOUCHED.tasks } },
    },
    { name: "`- [ ] T-1 Do x`", setup: { texts: { tasks: doc("- [ ] T-1 Do x") } } },
    {
      name: "checked item `- [x] T-2 Done`",
      setup: { texts: { tasks: doc("- [x] T-2 Write the parser (FR-1)") } },
    },
    { name: "upper-case X", setup: { texts: { tasks: doc("- [X] T-3 Ship it") } } },
    { name: "other id prefixes (AUTH-12)", setup: { texts: { tasks: doc("- [ ] AUTH-12 Add login") } } },
    {
      name: "ordered and star list checklists",
      setup: { texts: { tasks: doc("1. [ ] T-1 Do x", "", "* [ ] T-2 Do y") } },
    },
    {
      name: "nested checklist items",
      setup: { texts: { tasks: doc("- [ ] T-1 Do x", "  - [ ] T-2 Do y") } },
    },
    {
      name: "plain convention bullets without ids",
      setup: {
        texts: {
          tasks: withSectionBody(
            FILLED.tasks,
            "Conventions",
            "- One action per task.\n- Cite FR ids at the end.",
          ),
        },
      },
    },
    {
      name: "semicolon or sentence break inside code spans and parentheses",
      setup: { texts: { tasks: doc("- [ ] T-1 Run `a; b` once", "- [ ] T-2 Update docs (see FR-1; FR-2)") } },
    },
    {
      name: "task-like lines inside a code fence",
      setup: { texts: { tasks: doc("```", "- T-1 do y", "- [ ] do z", "```") } },
    },
    {
      name: "task id later in a plain bullet is not a task",
      setup: { texts: { tasks: doc("- See T-1 for context") } },
    },
    {
      name: "rule only looks at the tasks stage",
      setup: { texts: { plan: doc("- T-1 do y", "- [ ] do z") } },
    },
  ],
  invalid: [
    {
      name: "`- T-2 do y` → not-checklist",
      setup: { texts: { tasks: doc("- [ ] T-1 Do x", "- T-2 do y") } },
      errors: [
        {
          messageId: "not-checklist",
          line: FIRST + 1,
          column: 1,
          stage: "tasks",
          file: fileOf("tasks"),
          message: "task T-2 is not a checklist item: write it as `- [ ] T-2 ...`",
        },
      ],
    },
    {
      name: "ordered plain item with an id → not-checklist",
      setup: { texts: { tasks: doc("1. AUTH-3 Add login") } },
      errors: [
        {
          messageId: "not-checklist",
          line: FIRST,
          message: "task AUTH-3 is not a checklist item: write it as `- [ ] AUTH-3 ...`",
        },
      ],
    },
    {
      name: "`- [ ] do z` → no-id",
      setup: { texts: { tasks: doc("- [ ] do z") } },
      errors: [
        {
          messageId: "no-id",
          line: FIRST,
          column: 1,
          stage: "tasks",
          message: "checklist item has no task id (e.g. T-1)",
        },
      ],
    },
    {
      name: "lower-case id is not an id → no-id",
      setup: { texts: { tasks: doc("- [ ] t-1 do z") } },
      errors: [{ messageId: "no-id", line: FIRST }],
    },
    {
      name: "`- [ ] T-3 do a; do b` → not-atomic",
      setup: { texts: { tasks: doc("- [ ] T-3 do a; do b") } },
      errors: [
        {
          messageId: "not-atomic",
          line: FIRST,
          column: 1,
          stage: "tasks",
          message: "task T-3 holds more than one action: split it",
        },
      ],
    },
    {
      name: "two sentences → not-atomic",
      setup: { texts: { tasks: doc("- [ ] T-4 Write the parser. Test it") } },
      errors: [{ messageId: "not-atomic", line: FIRST }],
    },
    {
      name: "'and then' → not-atomic",
      setup: { texts: { tasks: doc("- [x] T-5 Write the parser and then test it") } },
      errors: [{ messageId: "not-atomic", line: FIRST }],
    },
    {
      name: "one finding per bad item, in line order",
      setup: { texts: { tasks: doc("- T-1 a", "- [ ] b", "- [ ] T-3 c; d", "- [ ] T-4 e") } },
      errors: [
        { messageId: "not-checklist", line: FIRST },
        { messageId: "no-id", line: FIRST + 1 },
        { messageId: "not-atomic", line: FIRST + 2 },
      ],
    },
    {
      name: "CRLF document keeps lines",
      setup: { texts: { tasks: doc("- [ ] T-1 ok", "- [ ] nope").replace(/\n/g, "\r\n") } },
      errors: [{ messageId: "no-id", line: FIRST + 1 }],
    },
  ],
});
