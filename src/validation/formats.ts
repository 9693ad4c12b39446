import type { Finding, ValidationReport } from "../models/validation.ts";
import { sha256Hex } from "../store/contract.ts";
import { SESSION_FILES } from "../store/layout.ts";
import { VERSION } from "../version.ts";
import { PARSE_RULE, type Rule } from "./engine.ts";
import type { SessionTiming } from "./run.ts";

// Report formats for people (text), code scanning (SARIF 2.1.0) and CI dashboards (JUnit XML).

/** Text for people, one chunk per session then a summary, so a large report is written as it goes. */
export function* formatTextChunks(reports: ValidationReport[], failed = false): Generator<string> {
  let any = false;
  for (const r of reports) {
    if (!r.findings.length) continue;
    any = true;
    yield textChunk(r);
  }
  yield `${any ? "\n" : ""}${formatSummary(reports, undefined, failed)}`;
}

/** One session's lines of the text report ("" without findings). */
export function textChunk(r: ValidationReport): string {
  let chunk = "";
  for (const f of r.findings) {
    const at = `${f.file}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ""}` : ""}`;
    chunk += `${at} ${f.severity} ${f.rule_id} ${f.message}\n`;
  }
  return chunk;
}

/** What the summary counts, kept while the reports themselves are written out (`validate --all`). */
export interface Tally {
  sessions: number;
  errors: number;
  warnings: number;
  failing: number;
}

export function tally(reports: ValidationReport[]): Tally {
  const t: Tally = { sessions: 0, errors: 0, warnings: 0, failing: 0 };
  for (const r of reports) count(t, r);
  return t;
}

export function count(t: Tally, r: ValidationReport): void {
  t.sessions++;
  t.errors += r.errors;
  t.warnings += r.warnings;
  if (!r.passed) t.failing++;
}

/**
 * The closing lines: how many sessions, errors and warnings, and what to do. `where`: where the findings
 * were written when not above (`validate --output`).
 */
export function formatSummary(reports: ValidationReport[] | Tally, where?: string, failed = false): string {
  const { sessions, errors, warnings, failing } = Array.isArray(reports) ? tally(reports) : reports;
  let tail = `${sessions} session(s) checked: ${errors} error(s), ${warnings} warning(s)`;
  // `failed`: the run fails with no session failing on its errors, i.e. --strict on warnings.
  tail += failing
    ? `; ${failing} session(s) failing\n`
    : failed
      ? "; failing: --strict fails the run on warnings\n"
      : "; passing\n";
  if (errors)
    tail += `hint: fill in the documents ${where ? `${where} names` : "named above"}; \`idse validate --fix\` restores missing documents\n`;
  return tail;
}

export interface SarifOptions {
  /** Repository-relative folder of the workspace ("" or "services/api/"), prefixed to every path. */
  prefix?: string;
  /** `runAutomationDetails.id`: code scanning's category, one per project and session (or `all`). */
  automationId?: string;
  /** The exit status `idse validate` ends with, recorded in `invocations`. */
  exitCode?: number;
}

/** Help for one rule, as code scanning shows it beside a result: what, why (the article), how to fix. */
function ruleHelp(rule: Rule): { text: string; markdown: string } {
  const fix = rule.meta.fixable
    ? "`idse validate --fix` repairs it (it creates what is missing and never deletes text)."
    : "Edit the document named in the result, then run `idse validate` again.";
  const config = `Its level is set in \`.idse/config.json\` under \`validation.rules["${rule.id}"]\` (off, warn or error).`;
  const text = `${rule.meta.description} IDSE Constitution, Article ${rule.meta.article}. ${fix} ${config}`;
  const markdown = [
    `**${rule.id}**: ${rule.meta.description}`,
    "",
    `Enforces Article ${rule.meta.article} of the IDSE Constitution (\`.idse/governance/\`).`,
    "",
    `To fix: ${fix}`,
    "",
    config,
  ].join("\n");
  return { text: text.replace(/`/g, ""), markdown };
}

/**
 * A result's identity across commits, for code scanning to track it: the rule, the file, the message and
 * which occurrence of that message in the file it is — never the line, which moves with every edit above.
 */
function fingerprints(findings: Finding[], prefix: string): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const base = `${f.rule_id}\0${prefix}${f.file}\0${f.message_id}\0${f.message}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    // sha256Hex, not node:crypto: importing it costs every `validate` about 3 ms of start-up.
    return sha256Hex(`${base}\0${n}`).slice(0, 32);
  });
}

/**
 * SARIF 2.1.0 that code scanning accepts as it is: checked in the suite by Microsoft's SARIF multitool with
 * its SARIF and GitHub rule kinds (0 errors) and against the official schema.
 */
/** Results serialised already (`JsonArrayText` of src/cli/json-stream.ts), which the writer copies in place. */
export interface SerialisedResults {
  readonly elementIndent: string;
  toJSON(): unknown[];
}

export function formatSarif(
  reports: ValidationReport[] | SerialisedResults,
  rules: Rule[],
  o: SarifOptions = {},
): object {
  const results = Array.isArray(reports) ? reports.flatMap(sarifResults(rules, o.prefix)) : reports;
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
              name: r.id.replace(/^idse\//, ""),
              shortDescription: { text: r.meta.description },
              fullDescription: {
                text: `${r.meta.description} (IDSE Constitution, Article ${r.meta.article}.)`,
              },
              help: ruleHelp(r),
              defaultConfiguration: { level: r.meta.recommended === "error" ? "error" : "warning" },
              properties: { article: r.meta.article, fixable: r.meta.fixable },
            })),
          },
        },
        ...(o.automationId ? { automationDetails: { id: o.automationId } } : {}),
        invocations: [
          {
            executionSuccessful: true,
            ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}),
          },
        ],
        results,
      },
    ],
  };
}

/** Where `formatSarif`'s results sit in its document: `JSON.stringify`'s indent of each result. */
export const SARIF_RESULT_INDENT = " ".repeat(8);

/** The SARIF results of one session's report, for `rules` and a repository prefix. */
export function sarifResults(rules: Rule[], prefix = ""): (r: ValidationReport) => object[] {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const result = (f: Finding, fingerprint: string) => {
    // A session-wide finding names the session's folder; a location must be a file, so it points at the
    // session's metadata, line 1, as every file-level finding does.
    const isFolder = f.stage === null && !/\.[A-Za-z0-9]+$/.test(f.file);
    const uri = `${prefix}${isFolder ? `${f.file.replace(/\/$/, "")}/${SESSION_FILES.metadata}` : f.file}`;
    return {
      ruleId: f.rule_id,
      ...(ruleIndex.has(f.rule_id) ? { ruleIndex: ruleIndex.get(f.rule_id) } : {}),
      level: f.severity === "error" ? "error" : "warning",
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri, uriBaseId: "SRCROOT" },
            region: {
              startLine: (!isFolder && f.line) || 1,
              ...(!isFolder && f.line && f.column ? { startColumn: f.column } : {}),
            },
          },
        },
      ],
      partialFingerprints: { "idseFindingHash/v1": fingerprint },
      properties: { stage: f.stage, article: f.article, messageId: f.message_id },
    };
  };
  return (r) => {
    const prints = fingerprints(r.findings, prefix);
    return r.findings.map((f, i) => result(f, prints[i]!));
  };
}

const xml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );

export interface JunitOptions {
  /** Per session: its total and each rule's time in ms (from validateSessions with a clock). */
  timings?: Map<string, SessionTiming>;
  /** When the run started (ISO 8601, as JUnit's `timestamp` wants it: no zone suffix is required). */
  timestamp?: string;
  /** The machine that ran the check. */
  hostname?: string;
  /** `validate --strict`: a warning fails its test case too, as it fails the run. */
  strict?: boolean;
}

const secs = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/**
 * One test suite per session, one test case per rule; a finding of severity error is a failure (with
 * `strict`, a warning too). A document
 * that cannot be read at all (`idse/parse`) is an error, JUnit's word for "the test could not run", in a
 * test case of its own. Checked in the suite by two parsers nobody here wrote (junitparser, junit2json).
 */
export function formatJunit(reports: ValidationReport[], rules: Rule[], o: JunitOptions = {}): string {
  const suites = reports.map((r) => junitSuite(r, rules, o));
  const sum = (k: "tests" | "failures" | "errors") => suites.reduce((n, x) => n + x[k], 0);
  const time = [...(o.timings?.values() ?? [])].reduce((n, t) => n + t.total, 0);
  const totals = { tests: sum("tests"), failures: sum("failures"), errors: sum("errors"), time };
  return `${junitHead(totals)}${suites.map(junitSuiteText).join("")}${JUNIT_TAIL}`;
}

/** The document's opening lines, with the totals of every suite (ms for `time`). */
export function junitHead(t: { tests: number; failures: number; errors: number; time: number }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="idse validate" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" time="${secs(t.time)}">\n`;
}

export const JUNIT_TAIL = "</testsuites>\n";

/** One suite's lines, each ending in a newline. */
export function junitSuiteText(suite: { lines: string[] }): string {
  return `${suite.lines.join("\n")}\n`;
}

export function junitSuite(r: ValidationReport, rules: Rule[], o: JunitOptions) {
  const timing = o.timings?.get(r.session);
  const cases: string[] = [];
  let failures = 0;
  const classname = xml(`${r.project}.${r.session}`);
  const line = (f: Finding) => `${f.file}:${f.line ?? 0}:${f.column ?? 0} ${f.message}`;
  const warningsOut = (found: Finding[]) => {
    const warnings = found.filter((f) => f.severity === "warning");
    if (warnings.length)
      cases.push(
        `      <system-out>${xml(warnings.map((f) => `warning ${f.file}:${f.line ?? 0} ${f.message}`).join("\n"))}</system-out>`,
      );
  };
  for (const rule of rules) {
    const found = r.findings.filter((f) => f.rule_id === rule.id);
    const errors = found.filter((f) => f.severity === "error" || (o.strict && f.severity === "warning"));
    cases.push(
      `    <testcase classname="${classname}" name="${xml(rule.id)}" time="${secs(timing?.rules[rule.id])}">`,
    );
    if (errors.length) {
      failures++;
      cases.push(
        `      <failure message="${xml(errors[0]!.message)}" type="${xml(rule.id)}">${xml(errors.map(line).join("\n"))}</failure>`,
      );
    }
    if (!o.strict) warningsOut(found);
    cases.push("    </testcase>");
  }
  const unreadable = r.findings.filter((f) => f.rule_id === PARSE_RULE);
  const parseErrors = unreadable.filter((f) => f.severity === "error");
  if (unreadable.length) {
    cases.push(`    <testcase classname="${classname}" name="${PARSE_RULE}" time="0.000">`);
    if (parseErrors.length)
      cases.push(
        `      <error message="${xml(parseErrors[0]!.message)}" type="${PARSE_RULE}">${xml(parseErrors.map(line).join("\n"))}</error>`,
      );
    warningsOut(unreadable);
    cases.push("    </testcase>");
  }
  const tests = rules.length + (unreadable.length ? 1 : 0);
  const errors = parseErrors.length ? 1 : 0;
  const attrs = [
    `name="${xml(`${r.project}/${r.session}`)}"`,
    `tests="${tests}"`,
    `failures="${failures}"`,
    `errors="${errors}"`,
    `skipped="0"`,
    `time="${secs(timing?.total)}"`,
    ...(o.timestamp ? [`timestamp="${xml(o.timestamp)}"`] : []),
    ...(o.hostname ? [`hostname="${xml(o.hostname)}"`] : []),
  ];
  return {
    tests,
    failures,
    errors,
    lines: [`  <testsuite ${attrs.join(" ")}>`, ...cases, "  </testsuite>"],
  };
}
