import { STAGES, type Stage } from "../../src/store/layout.ts";
import { STAGE_TEMPLATES } from "../../src/templates.ts";
import { requiredSectionsRule } from "../../src/validation/rules/required-sections.ts";
import {
  FILLED,
  type InvalidCase,
  lineOf,
  ruleTester,
  UNTOUCHED,
  type ValidCase,
  withoutSection,
  withSectionBody,
} from "./harness.ts";

/** The `##` titles of a stage template, read here (not with the rule's helper). */
const sectionsOf = (stage: Stage) =>
  STAGE_TEMPLATES[stage]
    .split("\n")
    .filter((l) => l.startsWith("## "))
    .map((l) => l.slice(3).trim());

const GOAL_GUIDANCE = "_State in one or two sentences the outcome this session exists to achieve._";

const filledValid: ValidCase[] = STAGES.map((stage) => ({
  name: `filled ${stage} template passes`,
  setup: { texts: { [stage]: FILLED[stage] } },
}));

const untouchedInvalid: InvalidCase[] = STAGES.map((stage) => ({
  name: `untouched ${stage} template: every section is empty`,
  setup: { texts: { [stage]: UNTOUCHED[stage] } },
  errors: sectionsOf(stage).map((section) => ({
    messageId: "empty",
    line: lineOf(UNTOUCHED[stage], `## ${section}`),
    column: 1,
    stage,
    message: `section "${section}" has no content yet`,
  })),
}));

ruleTester(requiredSectionsRule, {
  valid: [
    ...filledValid,
    {
      name: "headings match ignoring case and emphasis",
      setup: {
        texts: {
          intent: FILLED.intent
            .replace("## Goal", "## **goal**")
            .replace("## Out of Scope", "## out of scope:"),
        },
      },
    },
    {
      name: "a setext heading counts",
      setup: { texts: { intent: FILLED.intent.replace("## Problem", "Problem\n-------") } },
    },
    {
      name: "content under a ### subheading fills the section",
      setup: { texts: { intent: withSectionBody(FILLED.intent, "Goal", "### Detail\n\nShip the parser.") } },
    },
    {
      name: "a code block is content",
      setup: { texts: { intent: withSectionBody(FILLED.intent, "Goal", "```\nidse validate\n```") } },
    },
    {
      name: "guidance sentence kept next to real content",
      setup: {
        texts: { intent: withSectionBody(FILLED.intent, "Goal", `${GOAL_GUIDANCE}\n\nShip the parser.`) },
      },
    },
    { name: "a missing document is artifact-present's business", setup: { texts: { plan: null } } },
  ],
  invalid: [
    ...untouchedInvalid,
    {
      name: "removed section → missing, at 1:1",
      setup: { texts: { plan: withoutSection(FILLED.plan, "Risks") } },
      errors: [
        { messageId: "missing", line: 1, column: 1, stage: "plan", message: 'section "Risks" is missing' },
      ],
    },
    {
      name: "two removed sections → two findings",
      setup: { texts: { intent: withoutSection(withoutSection(FILLED.intent, "Goal"), "Users") } },
      errors: [
        { messageId: "missing", line: 1, column: 1, message: 'section "Goal" is missing' },
        { messageId: "missing", line: 1, column: 1, message: 'section "Users" is missing' },
      ],
    },
    {
      name: "a heading inside a code fence is not a section",
      setup: {
        texts: {
          intent: withoutSection(FILLED.intent, "Goal").replace(
            "## Problem",
            "```\n## Goal\n```\n\n## Problem",
          ),
        },
      },
      errors: [{ messageId: "missing", line: 1, column: 1, message: 'section "Goal" is missing' }],
    },
    {
      name: "section holding only guidance and the marker is empty",
      setup: {
        texts: { intent: withSectionBody(FILLED.intent, "Goal", `${GOAL_GUIDANCE}\n\n[REQUIRES INPUT]`) },
      },
      errors: [{ messageId: "empty", line: lineOf(FILLED.intent, "## Goal"), column: 1, stage: "intent" }],
    },
    {
      name: "section holding only an HTML comment is empty",
      setup: { texts: { intent: withSectionBody(FILLED.intent, "Goal", "<!-- todo -->") } },
      errors: [{ messageId: "empty", line: lineOf(FILLED.intent, "## Goal"), column: 1 }],
    },
    {
      name: "section holding only a multi-line HTML comment is empty",
      setup: { texts: { intent: withSectionBody(FILLED.intent, "Goal", "<!--\nto do later\n-->") } },
      errors: [{ messageId: "empty", line: lineOf(FILLED.intent, "## Goal"), column: 1 }],
    },
    {
      name: "section whose only list items still hold the marker is empty",
      setup: {
        texts: {
          spec: withSectionBody(
            FILLED.spec,
            "Functional Requirements",
            "- FR-1: [REQUIRES INPUT]\n- FR-2: [REQUIRES INPUT]",
          ),
        },
      },
      errors: [{ messageId: "empty", line: lineOf(FILLED.spec, "## Functional Requirements"), column: 1 }],
    },
    {
      name: "empty last section (runs to end of file)",
      setup: { texts: { intent: withSectionBody(FILLED.intent, "Out of Scope", "") } },
      errors: [{ messageId: "empty", line: lineOf(FILLED.intent, "## Out of Scope"), column: 1 }],
    },
  ],
});
