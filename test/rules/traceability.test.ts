import { traceability } from "../../src/validation/rules/traceability.ts";
import { fileOf, ruleTester, UNTOUCHED } from "./harness.ts";

const spec = (...lines: string[]) =>
  `${["# Spec", "", "## Functional Requirements", "", ...lines].join("\n")}\n`;
const tasks = (...lines: string[]) => `${["# Tasks", "", "## Phase 1", "", ...lines].join("\n")}\n`;
const FIRST = 5;

ruleTester(traceability, {
  valid: [
    { name: "filled spec and tasks cite each other", setup: {} },
    {
      name: "FR-1 defined and cited",
      setup: { texts: { spec: spec("- FR-1: Parse input"), tasks: tasks("- [ ] T-1 Write parser (FR-1)") } },
    },
    {
      name: "NFR ids, several citations on one line",
      setup: {
        texts: {
          spec: spec("- FR-1: a", "- FR-2: b", "- NFR-1: fast"),
          tasks: tasks("- [ ] T-1 Do it (FR-1, FR-2, NFR-1)", "- [ ] T-2 Again (FR-1)"),
        },
      },
    },
    {
      name: "no requirement ids anywhere",
      setup: { texts: { spec: spec("Nothing numbered."), tasks: tasks("- [ ] T-1 Do x") } },
    },
    {
      name: "ids inside code are neither definitions nor citations",
      setup: {
        texts: {
          spec: spec("- FR-1: a", "", "```", "FR-9", "```"),
          tasks: tasks("- [ ] T-1 Do it (FR-1) with `FR-7`"),
        },
      },
    },
    {
      name: "look-alike ids are not requirement ids",
      setup: { texts: { spec: spec("- FR-1: a"), tasks: tasks("- [ ] T-1 Do (FR-1) XFR-2 FR-3a FRX-4") } },
    },
    { name: "a missing spec: nothing to trace", setup: { texts: { spec: null } } },
    { name: "a missing tasks document: nothing to trace", setup: { texts: { tasks: null } } },
    { name: "a binary spec (not parsed): nothing to trace", setup: { texts: { spec: "FR-1\0" } } },
  ],
  invalid: [
    {
      name: "defined, not cited → uncovered at the spec line",
      setup: { texts: { spec: spec("- FR-1: a", "- FR-2: b"), tasks: tasks("- [ ] T-1 Do it (FR-1)") } },
      errors: [
        {
          messageId: "uncovered",
          stage: "spec",
          file: fileOf("spec"),
          line: FIRST + 1,
          column: 3,
          message: "requirement FR-2 is not covered by any task",
        },
      ],
    },
    {
      name: "uncovered is reported once, at the first mention",
      setup: {
        texts: {
          spec: spec("- NFR-1: fast", "", "Check NFR-1 with a benchmark."),
          tasks: tasks("- [ ] T-1 Bench"),
        },
      },
      errors: [
        {
          messageId: "uncovered",
          line: FIRST,
          column: 3,
          message: "requirement NFR-1 is not covered by any task",
        },
      ],
    },
    {
      name: "cited, not defined → unknown-id at the tasks line",
      setup: {
        texts: {
          spec: spec("- FR-1: a"),
          tasks: tasks("- [ ] T-1 Do it (FR-1)", "- [ ] T-2 More (FR-1, FR-3)"),
        },
      },
      errors: [
        {
          messageId: "unknown-id",
          stage: "tasks",
          file: fileOf("tasks"),
          line: FIRST + 1,
          column: 23,
          message: "task cites FR-3, which the spec does not define",
        },
      ],
    },
    {
      name: "unknown id cited twice → two findings",
      setup: {
        texts: { spec: spec("- FR-1: a"), tasks: tasks("- [ ] T-1 (FR-1, FR-9)", "- [ ] T-2 (FR-9)") },
      },
      errors: [
        { messageId: "unknown-id", line: FIRST, column: 18 },
        { messageId: "unknown-id", line: FIRST + 1, column: 12 },
      ],
    },
    {
      name: "both directions at once (spec file sorts before tasks file)",
      setup: { texts: { spec: spec("- FR-1: a", "- FR-2: b"), tasks: tasks("- [ ] T-1 (FR-1, NFR-2)") } },
      errors: [
        { messageId: "uncovered", stage: "spec", line: FIRST + 1 },
        { messageId: "unknown-id", stage: "tasks", line: FIRST },
      ],
    },
    {
      name: "untouched spec and tasks templates: NFR-1 is not cited",
      setup: { texts: { spec: UNTOUCHED.spec, tasks: UNTOUCHED.tasks } },
      errors: [
        { messageId: "uncovered", stage: "spec", message: "requirement NFR-1 is not covered by any task" },
      ],
    },
    {
      name: "CRLF documents keep lines",
      setup: {
        texts: {
          spec: spec("- FR-1: a", "- FR-2: b").replace(/\n/g, "\r\n"),
          tasks: tasks("- [ ] T-1 (FR-1)").replace(/\n/g, "\r\n"),
        },
      },
      errors: [{ messageId: "uncovered", line: FIRST + 1, column: 3 }],
    },
  ],
});
