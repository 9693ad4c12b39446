import { expect, test } from "bun:test";
import { STAGES } from "../../src/store/layout.ts";
import { artifactPresent } from "../../src/validation/rules/artifact-present.ts";
import { fileOf, ruleTester, runRule, UNTOUCHED } from "./harness.ts";

ruleTester(artifactPresent, {
  valid: [
    { name: "all seven documents present", setup: {} },
    {
      name: "present but untouched",
      setup: { texts: Object.fromEntries(STAGES.map((s) => [s, UNTOUCHED[s]])) },
    },
    { name: "present but empty (parse findings are idse/parse's business)", setup: { texts: { plan: "" } } },
    { name: "present but binary", setup: { texts: { plan: "\0\0" } } },
  ],
  invalid: [
    {
      name: "missing spec → missing, fixable",
      setup: { texts: { spec: null } },
      errors: [
        {
          messageId: "missing",
          stage: "spec",
          file: fileOf("spec"),
          line: null,
          column: null,
          fixable: true,
          message: "the spec document is missing",
        },
      ],
    },
    {
      name: "several missing → one finding each, ordered by file",
      setup: { texts: { intent: null, implementation: null, feedback: null } },
      errors: [
        { messageId: "missing", stage: "feedback", file: fileOf("feedback"), fixable: true },
        { messageId: "missing", stage: "implementation", file: fileOf("implementation"), fixable: true },
        { messageId: "missing", stage: "intent", file: fileOf("intent"), fixable: true },
      ],
    },
  ],
});

test("idse/artifact-present: the fix writes the rendered template of each missing stage", () => {
  const { fixes, report } = runRule(artifactPresent, { texts: { intent: null, spec: null } });
  expect(fixes).toEqual([
    { stage: "intent", text: UNTOUCHED.intent },
    { stage: "spec", text: UNTOUCHED.spec },
  ]);
  expect(report.passed).toBe(false);
  expect(report.errors).toBe(2);
});

test("idse/artifact-present: no fixes when everything is present", () => {
  expect(runRule(artifactPresent).fixes).toEqual([]);
});
