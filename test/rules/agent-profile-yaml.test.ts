import { agentProfileYaml } from "../../src/validation/rules/agent-profile-yaml.ts";
import { FILLED, fileOf, lineOf, ruleTester, UNTOUCHED, withoutSection, withSectionBody } from "./harness.ts";

const S = "Agent Profile";
const withProfile = (body: string) => withSectionBody(FILLED.spec, S, body);
const yamlBlock = (...lines: string[]) => ["```yaml", ...lines, "```"].join("\n");

/** A spec whose yaml block holds an error on its third yaml line ("c: d: e": column 4). */
const NESTED = withProfile(yamlBlock("id: s1-agent", "name: Parser", "goals: d: e", "tools: []"));
const NESTED_FENCE = lineOf(NESTED, "```yaml");
/** Unclosed flow sequence: the error is at the end of the yaml (line 4, column 1). */
const DUPLICATE = withProfile(yamlBlock("id: a", "name: b", "id: c"));
const DUPLICATE_FENCE = lineOf(DUPLICATE, "```yaml");

ruleTester(agentProfileYaml, {
  valid: [
    { name: "filled spec: yaml parses", setup: {} },
    { name: "untouched spec: the template's yaml parses", setup: { texts: { spec: UNTOUCHED.spec } } },
    {
      name: "`yml` info string and upper case",
      setup: { texts: { spec: withProfile("```YML\nid: x\n```") } },
    },
    {
      name: "yaml fence under a ### subheading",
      setup: { texts: { spec: withProfile(`### Profile\n\n${yamlBlock("id: x")}`) } },
    },
    { name: "no Agent Profile section", setup: { texts: { spec: withoutSection(FILLED.spec, S) } } },
    {
      name: "heading matched ignoring case",
      setup: { texts: { spec: FILLED.spec.replace(`## ${S}`, "## agent profile") } },
    },
    { name: "a missing spec", setup: { texts: { spec: null } } },
    {
      name: "broken yaml outside the section is not checked",
      setup: { texts: { spec: withSectionBody(FILLED.spec, "Overview", yamlBlock("a: b: c")) } },
    },
    {
      name: "numbered heading (## 6. Agent Profile)",
      setup: { texts: { spec: FILLED.spec.replace(`## ${S}`, `## 6. ${S}`) } },
    },
    {
      name: "CRLF spec with a valid block",
      setup: { texts: { spec: FILLED.spec.replace(/\n/g, "\r\n") } },
    },
    {
      name: "the rule only looks at the spec",
      setup: { texts: { plan: `# Plan\n\n## ${S}\n\n${yamlBlock("a: b: c")}\n` } },
    },
  ],
  invalid: [
    {
      name: "section without a yaml fence → no-block at the heading",
      setup: { texts: { spec: withProfile("Described in prose only.") } },
      errors: [
        {
          messageId: "no-block",
          line: lineOf(FILLED.spec, `## ${S}`),
          column: 1,
          stage: "spec",
          file: fileOf("spec"),
          message: "the Agent Profile section has no ```yaml block",
        },
      ],
    },
    {
      name: "a json fence is not a yaml block → no-block",
      setup: { texts: { spec: withProfile('```json\n{"id": "x"}\n```') } },
      errors: [{ messageId: "no-block", line: lineOf(FILLED.spec, `## ${S}`) }],
    },
    {
      name: "a yaml fence in the next section does not count → no-block",
      setup: {
        texts: { spec: `${withProfile("Nothing here.")}\n## Appendix\n\n${yamlBlock("id: x")}\n` },
      },
      errors: [{ messageId: "no-block", line: lineOf(FILLED.spec, `## ${S}`) }],
    },
    {
      name: "broken yaml → invalid at fence line + yaml line, with the yaml column",
      setup: { texts: { spec: NESTED } },
      errors: [
        {
          messageId: "invalid",
          line: NESTED_FENCE + 3,
          column: 8,
          stage: "spec",
          message: "Agent Profile yaml does not parse: Nested mappings are not allowed in compact mappings",
        },
      ],
    },
    {
      name: "duplicate key → invalid at the line of the duplicate",
      setup: { texts: { spec: DUPLICATE } },
      errors: [
        {
          messageId: "invalid",
          line: DUPLICATE_FENCE + 3,
          column: 1,
          message: "Agent Profile yaml does not parse: Map keys must be unique",
        },
      ],
    },
    {
      name: "broken yaml on the first yaml line",
      setup: { texts: { spec: withProfile(yamlBlock("a: b: c")) } },
      errors: [
        { messageId: "invalid", line: lineOf(withProfile(yamlBlock("a: b: c")), "```yaml") + 1, column: 4 },
      ],
    },
    {
      name: "unclosed yaml fence → invalid at the fence line",
      setup: { texts: { spec: `${withoutSection(FILLED.spec, S)}\n## ${S}\n\n\`\`\`yaml\nid: x\n` } },
      errors: [
        {
          messageId: "invalid",
          line: lineOf(`${withoutSection(FILLED.spec, S)}\n## ${S}\n\n\`\`\`yaml\nid: x\n`, "```yaml"),
          column: 1,
          message: "Agent Profile yaml does not parse: the ```yaml block is never closed",
        },
      ],
    },
    {
      name: "empty yaml block → invalid",
      setup: { texts: { spec: withProfile(yamlBlock()) } },
      errors: [{ messageId: "invalid", line: lineOf(withProfile(yamlBlock()), "```yaml") }],
    },
    {
      name: "a yaml list instead of a mapping → invalid",
      setup: { texts: { spec: withProfile(yamlBlock("- a", "- b")) } },
      errors: [
        { messageId: "invalid", line: lineOf(withProfile(yamlBlock("- a")), "```yaml") + 1, column: 1 },
      ],
    },
    {
      name: "CRLF spec: broken yaml keeps its line",
      setup: { texts: { spec: NESTED.replace(/\n/g, "\r\n") } },
      errors: [{ messageId: "invalid", line: NESTED_FENCE + 3, column: 8 }],
    },
  ],
});
