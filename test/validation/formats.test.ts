import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft4 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { XMLParser } from "fast-xml-parser";
import { allRules } from "../../src/validation/rules/index.ts";
import { FIXTURE, idse, REPO, tempDir } from "../helpers.ts";

// SARIF is checked against the published SARIF 2.1.0 schema (a draft-04 schema, kept as a fixture);
// JUnit XML is parsed back with a real XML parser.
const sarifSchema = JSON.parse(
  readFileSync(join(REPO, "test/fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"),
);

async function workspace() {
  const cwd = tempDir();
  await idse(["init", "shop", "--no-create-agent-files"], { cwd });
  await idse(["session", "create", "auth"], { cwd });
  await idse(["artifact", "write", "--stage", "intent"], {
    cwd,
    stdin: '# Intent\n\n## Goal\n\nSign-in <& "quotes">.\n',
  });
  return cwd;
}

test("--format sarif is valid SARIF 2.1.0 and carries file, line, column and rule", async () => {
  const cwd = await workspace();
  const r = await idse(["validate", "--format", "sarif"], { cwd });
  expect(r.code).toBe(1);
  const sarif = JSON.parse(r.stdout);
  const ajv = new AjvDraft4({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validateSarif = ajv.compile(sarifSchema);
  expect(validateSarif(sarif), ajv.errorsText(validateSarif.errors)).toBe(true);
  const results = sarif.runs[0].results;
  expect(results.length).toBeGreaterThan(0);
  const marker = results.find((x: { ruleId: string }) => x.ruleId === "idse/no-requires-input");
  expect(marker.level).toBe("error");
  expect(marker.locations[0].physicalLocation.artifactLocation.uri).toMatch(
    /^\.idse\/projects\/shop\/sessions\/auth\//,
  );
  expect(marker.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
  expect(sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain("idse/stage-sequence");
});

test("--format junit parses back: one suite per session, one case per rule, failures for errors", async () => {
  const cwd = await workspace();
  const out = join(cwd, "report.xml");
  const r = await idse(["validate", "--all", "--format", "junit", "--output", out], { cwd });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain("report written to");
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
    readFileSync(out, "utf8"),
  );
  const suites = [doc.testsuites.testsuite].flat();
  expect(suites.map((s: { name: string }) => s.name).sort()).toEqual(["shop/__blueprint__", "shop/auth"]);
  const cases = [suites[0].testcase].flat();
  expect(cases.length).toBe(allRules().length);
  const failed = cases.filter((c: { failure?: unknown }) => c.failure);
  expect(failed.map((c: { name: string }) => c.name)).toContain("idse/no-requires-input");
  expect(Number(doc.testsuites.failures)).toBeGreaterThan(0);
});

test("text output: file:line:col severity rule-id message, warnings included, and a summary", async () => {
  const cwd = await workspace();
  const r = await idse(["validate"], { cwd });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(
    /^\.idse\/projects\/shop\/sessions\/auth\/\S+\.md:\d+:\d+ error idse\/no-requires-input /m,
  );
  expect(r.stdout).toMatch(/ warning idse\/required-sections /);
  expect(r.stdout).toMatch(
    /1 session\(s\) checked: \d+ error\(s\), \d+ warning\(s\); 1 session\(s\) failing/,
  );
});

test("the Python original's sessions validate without crashing", async () => {
  const cwd = tempDir();
  await import("node:fs").then((fs) => fs.cpSync(FIXTURE, cwd, { recursive: true }));
  const r = await idse(["validate", "--all", "--json"], { cwd });
  expect([0, 1]).toContain(r.code);
  expect(r.json?.data.reports.length).toBe(8);
});
