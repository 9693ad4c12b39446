import { noRequiresInput } from "../../src/validation/rules/no-requires-input.ts";
import { fileOf, lineOf, ruleTester, UNTOUCHED } from "./harness.ts";

const M = "[REQUIRES INPUT]";
const doc = (...lines: string[]) => `${lines.join("\n")}\n`;

ruleTester(noRequiresInput, {
  valid: [
    { name: "every stage filled", setup: {} },
    { name: "marker inside a ``` fence", setup: { texts: { intent: doc("# Intent", "", "```", M, "```") } } },
    {
      name: "marker inside a ```yaml fence with info string",
      setup: { texts: { spec: doc("# Spec", "", "```yaml", `name: "${M}"`, "```") } },
    },
    { name: "marker inside a ~~~ fence", setup: { texts: { intent: doc("# Intent", "", "~~~", M, "~~~") } } },
    {
      name: "marker inside a fence nested in a list item",
      setup: { texts: { plan: doc("# Plan", "", "- step", "", "  ```", `  ${M}`, "  ```") } },
    },
    {
      name: "marker inside an indented code block",
      setup: { texts: { context: doc("# Context", "", `    ${M}`, "", "Prose.") } },
    },
    {
      name: "marker inside an inline code span",
      setup: { texts: { intent: doc("# Intent", "", `Use \`${M}\` here.`) } },
    },
    {
      name: "marker inside a double-backtick code span",
      setup: { texts: { intent: doc("# Intent", "", `Use \`\` ${M} \`\` here.`) } },
    },
    {
      name: "marker inside a one-line HTML comment",
      setup: { texts: { intent: doc("# Intent", "", `<!-- ${M} -->`, "", "Prose.") } },
    },
    {
      name: "marker inside a multi-line HTML comment",
      setup: { texts: { intent: doc("# Intent", "", "<!--", "note:", M, "-->", "", "Prose.") } },
    },
    {
      name: "lower-case or unbracketed text is not the marker",
      setup: { texts: { intent: doc("# I", "", "requires input", "[requires input]") } },
    },
    { name: "a missing document has nothing to check", setup: { texts: { intent: null } } },
  ],
  invalid: [
    {
      name: "marker in prose: line and column",
      setup: { texts: { intent: doc("# Intent", "", "The goal is", `to ship ${M} soon.`) } },
      errors: [
        {
          messageId: "marker",
          line: 4,
          column: 9,
          stage: "intent",
          file: fileOf("intent"),
          message: "[REQUIRES INPUT]: this part of the intent still needs input",
        },
      ],
    },
    {
      name: "two markers on one line: two findings, ordered by column",
      setup: { texts: { context: doc("# Context", "", `${M} and ${M}`) } },
      errors: [
        { messageId: "marker", line: 3, column: 1, stage: "context" },
        { messageId: "marker", line: 3, column: 22, stage: "context" },
      ],
    },
    {
      name: "CRLF document keeps the right line",
      setup: { texts: { plan: ["# Plan", "", "Text.", "", `  - item ${M}`, ""].join("\r\n") } },
      errors: [{ messageId: "marker", line: 5, column: 10, stage: "plan" }],
    },
    {
      name: "BOM does not shift the column",
      setup: { texts: { plan: `\uFEFF${M} first\n` } },
      errors: [{ messageId: "marker", line: 1, column: 1, stage: "plan" }],
    },
    {
      name: "marker after a closed fence is prose again",
      setup: { texts: { intent: doc("# Intent", "", "```", M, "```", "", M) } },
      errors: [{ messageId: "marker", line: 7, column: 1 }],
    },
    {
      name: "a shorter fence does not close a longer one: only the marker after the real close counts",
      setup: { texts: { intent: doc("~~~~", M, "~~~", "still code", "~~~~", M) } },
      errors: [{ messageId: "marker", line: 6, column: 1 }],
    },
    {
      name: "marker next to an inline code span is still found, at its true column",
      setup: { texts: { intent: doc("# Intent", "", `\`code\` ${M}`) } },
      errors: [{ messageId: "marker", line: 3, column: 8 }],
    },
    {
      name: "marker in a heading, a list item and a blockquote",
      setup: { texts: { spec: doc(`# Spec ${M}`, "", `- FR-1: ${M}`, "", `> ${M}`) } },
      errors: [
        { messageId: "marker", line: 1, column: 8 },
        { messageId: "marker", line: 3, column: 9 },
        { messageId: "marker", line: 5, column: 3 },
      ],
    },
    {
      name: "markers in two stages: findings per stage file",
      setup: { texts: { intent: doc(M), feedback: doc("x", M) } },
      errors: [
        { messageId: "marker", stage: "feedback", file: fileOf("feedback"), line: 2, column: 1 },
        { messageId: "marker", stage: "intent", file: fileOf("intent"), line: 1, column: 1 },
      ],
    },
    {
      name: "untouched intent template: one finding per marker line",
      setup: { texts: { intent: UNTOUCHED.intent } },
      errors: UNTOUCHED.intent
        .split("\n")
        .map((l, i) => [l, i + 1] as const)
        .filter(([l]) => l === M)
        .map(([, line]) => ({ messageId: "marker", line, column: 1, stage: "intent" as const })),
    },
    {
      name: "untouched spec template: markers in the yaml fence are not reported",
      setup: { texts: { spec: UNTOUCHED.spec } },
      errors: UNTOUCHED.spec
        .split("\n")
        .map((l, i) => [l, i + 1] as const)
        .filter(([l, line]) => l.includes(M) && line < lineOf(UNTOUCHED.spec, "```yaml"))
        .map(([l, line]) => ({ messageId: "marker", line, column: l.indexOf(M) + 1 })),
    },
  ],
});
