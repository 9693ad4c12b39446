import { render, STAGE_TEMPLATES } from "../../src/templates.ts";
import { implementationReport } from "../../src/validation/rules/implementation-report.ts";
import { FILLED, fileOf, lineOf, ruleTester, UNTOUCHED, withoutSection, withSectionBody } from "./harness.ts";

const S = "Component Impact Report";
const COMMENT = UNTOUCHED.implementation.slice(
  UNTOUCHED.implementation.indexOf("<!--"),
  UNTOUCHED.implementation.indexOf("-->") + 3,
);
const onlyComment = withSectionBody(FILLED.implementation, S, COMMENT);
const entry = (body: string) => withSectionBody(FILLED.implementation, S, body);

ruleTester(implementationReport, {
  valid: [
    {
      // A fresh document is untouched whatever the owner's or stack's name holds (accents, #, /, commas).
      name: "pending and freshly created with owner José Núñez and stack C#/.NET: not started",
      setup: {
        stages: { implementation: "pending" },
        texts: {
          implementation: render(STAGE_TEMPLATES.implementation, {
            project: "demo",
            session: "s1",
            owner: "José Núñez",
            stack: "C#/.NET, TypeScript",
            date: "2026-01-02",
          }),
        },
      },
    },
    {
      name: "pending and untouched: not started, nothing to report",
      setup: { stages: { implementation: "pending" }, texts: { implementation: UNTOUCHED.implementation } },
    },
    { name: "filled document with a `- **Name**` entry", setup: {} },
    {
      name: "entry with a star bullet and trailing text",
      setup: { texts: { implementation: entry("* **Store** changed: new index") } },
    },
    {
      name: "entry under a ### subheading of the section",
      setup: { texts: { implementation: entry("### Backend\n\n- **Api**\n  - Change: added") } },
    },
    {
      name: "section heading matched ignoring case",
      setup: {
        texts: { implementation: FILLED.implementation.replace(`## ${S}`, "## component impact report") },
      },
    },
    {
      name: "the entry next to the kept HTML comment example",
      setup: { texts: { implementation: entry(`${COMMENT}\n\n- **Parser**\n  - Change: added`) } },
    },
    { name: "a missing document is not checked", setup: { texts: { implementation: null } } },
  ],
  invalid: [
    {
      name: "started (in progress) without the section → missing-section",
      setup: {
        stages: { implementation: "in_progress" },
        texts: { implementation: withoutSection(FILLED.implementation, S) },
      },
      errors: [
        {
          messageId: "missing-section",
          line: 1,
          column: 1,
          stage: "implementation",
          file: fileOf("implementation"),
          message: 'the implementation document has no "## Component Impact Report" section',
        },
      ],
    },
    {
      name: "pending but edited (no longer untouched) without the section → missing-section",
      setup: {
        stages: { implementation: "pending", feedback: "pending" },
        texts: { implementation: withoutSection(FILLED.implementation, S) },
      },
      errors: [{ messageId: "missing-section", line: 1, column: 1 }],
    },
    {
      name: "section with only the HTML-comment example → no-entries at the heading",
      setup: { texts: { implementation: onlyComment } },
      errors: [
        {
          messageId: "no-entries",
          line: lineOf(onlyComment, `## ${S}`),
          column: 1,
          stage: "implementation",
          message: 'the Component Impact Report lists no component (expected lines like "- **Name** ...")',
        },
      ],
    },
    {
      name: "in progress and untouched template → no-entries",
      setup: {
        stages: { implementation: "in_progress" },
        texts: { implementation: UNTOUCHED.implementation },
      },
      errors: [{ messageId: "no-entries", line: lineOf(UNTOUCHED.implementation, `## ${S}`), column: 1 }],
    },
    {
      name: "entry only inside a code fence → no-entries",
      setup: { texts: { implementation: entry("```\n- **Parser**\n```") } },
      errors: [{ messageId: "no-entries", line: lineOf(FILLED.implementation, `## ${S}`), column: 1 }],
    },
    {
      name: "bold text that is not a list entry → no-entries",
      setup: { texts: { implementation: entry("**Parser** was added.") } },
      errors: [{ messageId: "no-entries" }],
    },
    {
      name: "entry placed in another section → no-entries",
      setup: {
        texts: {
          implementation: withSectionBody(entry("Nothing yet."), "Known Issues", "- **Parser** is slow"),
        },
      },
      errors: [{ messageId: "no-entries", line: lineOf(FILLED.implementation, `## ${S}`) }],
    },
  ],
});
