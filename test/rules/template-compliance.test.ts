import { STAGES } from "../../src/store/layout.ts";
import { STAGE_TEMPLATES } from "../../src/templates.ts";
import { templateCompliance } from "../../src/validation/rules/template-compliance.ts";
import {
  FILLED,
  fileOf,
  type InvalidCase,
  ruleTester,
  UNTOUCHED,
  type ValidCase,
  withSectionBody,
} from "./harness.ts";

const GOAL_GUIDANCE = "_State in one or two sentences the outcome this session exists to achieve._";
const doc = (...lines: string[]) => `${lines.join("\n")}\n`;

/** Guidance lines of a rendered template (whole-line emphasis outside fences), with line and column. */
function guidanceOf(text: string) {
  const out: { line: number; column: number }[] = [];
  let fence = false;
  text.split("\n").forEach((l, i) => {
    if (/^```/.test(l)) fence = !fence;
    if (!fence && /^_[^_].*_$/.test(l.trim())) out.push({ line: i + 1, column: l.indexOf(l.trim()) + 1 });
  });
  return out;
}

const filledValid: ValidCase[] = STAGES.map((stage) => ({
  name: `filled ${stage} document passes`,
  setup: { texts: { [stage]: FILLED[stage] } },
}));

const untouchedInvalid: InvalidCase[] = STAGES.map((stage) => ({
  name: `untouched rendered ${stage} template: every guidance sentence is reported`,
  setup: { texts: { [stage]: UNTOUCHED[stage] } },
  errors: guidanceOf(UNTOUCHED[stage]).map((at) => ({ messageId: "scaffold", ...at, stage })),
}));

ruleTester(templateCompliance, {
  valid: [
    ...filledValid,
    {
      name: "placeholder inside a code fence or code span",
      setup: {
        texts: {
          intent: doc("# Intent", "", "```", "{{project}}", "```", "", "Use `{{name}}` in templates."),
        },
      },
    },
    {
      name: "placeholder inside an HTML comment block",
      setup: { texts: { intent: doc("# Intent", "", "<!-- {{owner}} -->", "", "Prose.") } },
    },
    {
      name: "single braces and empty braces are not placeholders",
      setup: { texts: { intent: doc("# Intent", "", "A {project} map {{}} and { {x} }.") } },
    },
    {
      name: "guidance sentence of another stage is not this stage's scaffold",
      setup: {
        texts: { plan: withSectionBody(FILLED.plan, "Architecture", `${GOAL_GUIDANCE}\n\nReal text.`) },
      },
    },
    {
      name: "guidance sentence quoted inside a fence",
      setup: {
        texts: { intent: withSectionBody(FILLED.intent, "Goal", `\`\`\`\n${GOAL_GUIDANCE}\n\`\`\``) },
      },
    },
    {
      name: "guidance sentence edited (no longer the exact sentence)",
      setup: {
        texts: {
          intent: withSectionBody(FILLED.intent, "Goal", GOAL_GUIDANCE.replace("one or two", "three")),
        },
      },
    },
  ],
  invalid: [
    ...untouchedInvalid,
    {
      name: "{{placeholder}} left in prose",
      setup: { texts: { context: doc("# Context: {{project}}", "", "Owner is {{ owner }} today.") } },
      errors: [
        {
          messageId: "placeholder",
          line: 1,
          column: 12,
          stage: "context",
          file: fileOf("context"),
          message: "unfilled placeholder {{project}}",
        },
        { messageId: "placeholder", line: 3, column: 10, message: "unfilled placeholder {{ owner }}" },
      ],
    },
    {
      name: "the raw (unrendered) intent template: every placeholder and every guidance sentence",
      setup: { texts: { intent: STAGE_TEMPLATES.intent } },
      errors: [
        { messageId: "placeholder", line: 1, column: 11 },
        { messageId: "placeholder", line: 3, column: 12 },
        { messageId: "placeholder", line: 4, column: 10 },
        { messageId: "placeholder", line: 5, column: 9 },
        { messageId: "placeholder", line: 6, column: 10 },
        ...guidanceOf(STAGE_TEMPLATES.intent).map((at) => ({ messageId: "scaffold", ...at })),
      ],
    },
    {
      name: "a guidance sentence left in a filled document",
      setup: { texts: { intent: withSectionBody(FILLED.intent, "Goal", `Ship it.\n\n${GOAL_GUIDANCE}`) } },
      errors: [
        {
          messageId: "scaffold",
          line:
            withSectionBody(FILLED.intent, "Goal", `Ship it.\n\n${GOAL_GUIDANCE}`)
              .split("\n")
              .indexOf(GOAL_GUIDANCE) + 1,
          column: 1,
          stage: "intent",
          message: "template guidance left in place: replace it with the real content",
        },
      ],
    },
    {
      name: "an indented guidance sentence is reported at its own column",
      setup: { texts: { intent: doc("# Intent", "", `  ${GOAL_GUIDANCE}`) } },
      errors: [{ messageId: "scaffold", line: 3, column: 3 }],
    },
    {
      // The rule skips, untrimmed, a line starting with printable ASCII other than `_` and `*`: any
      // whitespace trim() takes off must still lead to the check.
      name: "a guidance sentence after a no-break space or an em space is reported",
      setup: {
        texts: { intent: doc("# Intent", "", `\u00a0${GOAL_GUIDANCE}`, "", `\u2003${GOAL_GUIDANCE}`) },
      },
      errors: [
        { messageId: "scaffold", line: 3, column: 2 },
        { messageId: "scaffold", line: 5, column: 2 },
      ],
    },
    {
      name: "CRLF document: placeholder line and column stay true",
      setup: { texts: { intent: ["# Intent", "", "Hello {{owner}}", ""].join("\r\n") } },
      errors: [{ messageId: "placeholder", line: 3, column: 7 }],
    },
  ],
});
