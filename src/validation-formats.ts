import type { Finding, ValidationReport } from "./models/validation.ts";
import type { Rule } from "./validation.ts";
import { VERSION } from "./version.ts";

// Report formats for people (text), code scanning (SARIF 2.1.0) and CI dashboards (JUnit XML).

/** Text for people, one chunk per session then a summary, so a large report is written as it goes. */
export function* formatTextChunks(reports: ValidationReport[]): Generator<string> {
  let any = false;
  for (const r of reports) {
    if (!r.findings.length) continue;
    any = true;
    let chunk = "";
    for (const f of r.findings) {
      const at = `${f.file}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ""}` : ""}`;
      chunk += `${at} ${f.severity} ${f.rule_id} ${f.message}\n`;
    }
    yield chunk;
  }
  yield `${any ? "\n" : ""}${formatSummary(reports)}`;
}

/** The closing lines: how many sessions, errors and warnings, and what to do. */
export function formatSummary(reports: ValidationReport[]): string {
  const errors = reports.reduce((n, r) => n + r.errors, 0);
  const warnings = reports.reduce((n, r) => n + r.warnings, 0);
  const failing = reports.filter((r) => !r.passed).length;
  let tail = `${reports.length} session(s) checked: ${errors} error(s), ${warnings} warning(s)`;
  tail += failing ? `; ${failing} session(s) failing\n` : "; passing\n";
  if (errors)
    tail += "hint: fill in the documents named above; `idse validate --fix` restores missing documents\n";
  return tail;
}

export function formatText(reports: ValidationReport[]): string {
  return [...formatTextChunks(reports)].join("");
}

export function formatSarif(reports: ValidationReport[], rules: Rule[]): object {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const result = (f: Finding) => ({
    ruleId: f.rule_id,
    ...(ruleIndex.has(f.rule_id) ? { ruleIndex: ruleIndex.get(f.rule_id) } : {}),
    level: f.severity === "error" ? "error" : "warning",
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.file, uriBaseId: "SRCROOT" },
          ...(f.line
            ? { region: { startLine: f.line, ...(f.column ? { startColumn: f.column } : {}) } }
            : {}),
        },
      },
    ],
    properties: { stage: f.stage, article: f.article, messageId: f.message_id },
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "idse",
            version: VERSION,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.meta.description },
              properties: { article: r.meta.article, fixable: r.meta.fixable },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: "./" } },
        results: reports.flatMap((r) => r.findings.map(result)),
      },
    ],
  };
}

const xml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );

/** One test suite per session, one test case per rule; a finding of severity error is a failure. */
export function formatJunit(reports: ValidationReport[], rules: Rule[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = reports.length * rules.length;
  const failures = reports.reduce(
    (n, r) => n + new Set(r.findings.filter((f) => f.severity === "error").map((f) => f.rule_id)).size,
    0,
  );
  out.push(`<testsuites name="idse validate" tests="${total}" failures="${failures}">`);
  for (const r of reports) {
    const failed = rules.filter((rule) =>
      r.findings.some((f) => f.rule_id === rule.id && f.severity === "error"),
    ).length;
    out.push(
      `  <testsuite name="${xml(`${r.project}/${r.session}`)}" tests="${rules.length}" failures="${failed}">`,
    );
    for (const rule of rules) {
      const found = r.findings.filter((f) => f.rule_id === rule.id);
      const errors = found.filter((f) => f.severity === "error");
      out.push(`    <testcase classname="${xml(`${r.project}.${r.session}`)}" name="${xml(rule.id)}">`);
      if (errors.length) {
        const body = errors.map((f) => `${f.file}:${f.line ?? 0}:${f.column ?? 0} ${f.message}`).join("\n");
        out.push(
          `      <failure message="${xml(errors[0]!.message)}" type="${xml(rule.id)}">${xml(body)}</failure>`,
        );
      }
      const warnings = found.filter((f) => f.severity === "warning");
      if (warnings.length) {
        out.push(
          `      <system-out>${xml(warnings.map((f) => `warning ${f.file}:${f.line ?? 0} ${f.message}`).join("\n"))}</system-out>`,
        );
      }
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
