import type { ValidateOutput } from "../../models/outputs.ts";
import type { ValidationReport } from "../../models/validation.ts";
import { SPILL_THRESHOLD, Spill } from "../../store/spill-file.ts";
import { ensureCacheDir } from "../../store/stat-cache.ts";
import type { Rule } from "../../validation/engine.ts";
import type { FindingsCache, KeptCounts, Walked } from "../../validation/findings-cache.ts";
import type { Tally } from "../../validation/formats.ts";
import type { ReportReuse, SessionTiming } from "../../validation/run.ts";
import { JsonArrayText, jsonElement, jsonPieces } from "../json-stream.ts";

// `validate --all`'s reports written as they are made. Every format opens with something that depends on
// all of them (the envelope's `ok`, SARIF's exit code, JUnit's totals, the text's summary comes last), so
// each report's text goes to a Spill in its format and only the counts stay; the document is then its
// head, the spill copied through in pieces, and its tail — byte for byte what the in-memory path writes
// (test/cli/validate-stream.test.ts). A two-pass run (count, then validate again and write) would cost a
// second validation; `ok` after the data would change the JSON contract.
//
// A report is rendered (made into its text and counts) by a pure function of the report, apart from
// being taken into the document.

type Formats = typeof import("../../validation/formats.ts");

/** `JSON.stringify`'s indent of each report in the envelope (`data.reports[i]`). */
const REPORT_INDENT = " ".repeat(6);

/** What the document needs of one report: its text in the format and what the head and tail count. */
export interface Rendered {
  /** The text, or its UTF-8 bytes (as a worker thread hands it over). */
  text: string | Uint8Array;
  /** JSON array elements the text holds (reports for JSON, results for SARIF). */
  elements: number;
  errors: number;
  warnings: number;
  passed: boolean;
  findings: boolean;
  junit?: { tests: number; failures: number; errors: number; time: number };
}

/** How reports are rendered (what a worker thread is told to render them as, src/cli/commands/validate-pool.ts). */
export interface SinkOptions {
  format: string;
  prefix: string;
  timestamp: string;
  hostname: string;
  /** `--strict`: JUnit fails a test case on warnings too (JUnit reports are never cached). */
  strict?: boolean;
}

/** Renders reports in `o.format`: a pure function of the report and its timing. */
export function reportRenderer(
  f: Formats,
  rules: Rule[],
  o: SinkOptions,
): (report: ValidationReport, timing: SessionTiming | undefined) => Rendered {
  const sarif = o.format === "sarif" ? f.sarifResults(rules, o.prefix) : undefined;
  return (report, timing) => {
    const base = {
      errors: report.errors,
      warnings: report.warnings,
      passed: report.passed,
      findings: report.findings.length > 0,
    };
    if (o.format === "json") return { ...base, text: jsonElement(report, REPORT_INDENT), elements: 1 };
    if (sarif) {
      const results = sarif(report);
      const text = results.map((r) => jsonElement(r, f.SARIF_RESULT_INDENT)).join(",\n");
      return { ...base, text, elements: results.length };
    }
    if (o.format === "junit") {
      const timings = timing ? new Map([[report.session, timing]]) : undefined;
      const suite = f.junitSuite(report, rules, {
        timings,
        timestamp: o.timestamp,
        hostname: o.hostname,
        strict: o.strict,
      });
      const junit = {
        tests: suite.tests,
        failures: suite.failures,
        errors: suite.errors,
        time: timing?.total ?? 0,
      };
      return { ...base, text: f.junitSuiteText(suite), elements: 0, junit };
    }
    return { ...base, text: f.textChunk(report), elements: 0 };
  };
}

export interface ReportSink {
  spill: Spill;
  tally: Tally;
  /** Renders and takes one report (validateSessions' onReport). */
  add(report: ValidationReport, index: number, timing: SessionTiming | undefined): void;
  /** Takes one report rendered elsewhere (by a worker thread, with this sink's options). */
  take(rendered: Rendered, index: number): void;
  /** What reports are rendered with. */
  options: SinkOptions;
  /**
   * Backs the sink with the findings cache (before any report): reports are written to its data file,
   * and a kept one is taken from there as it is. Returns what validateSessions reuses reports through.
   */
  attach(cache: FindingsCache): ReportReuse & { save(recorded: ReadonlySet<string>): void };
  /** The reports as the JSON envelope's `data.reports`. */
  json(): JsonArrayText;
  /** The whole document in the format, head, reports and tail. */
  document(o: {
    exitCode: number;
    automationId: string;
    data: ValidateOutput;
    keep: boolean;
  }): Iterable<string | Uint8Array>;
}

/** The scratch threshold: IDSE_TEST_SPILL_BYTES lets a test spill a small workspace's reports. */
function spillThreshold(env: Record<string, string | undefined>): number {
  const n = Number(env.IDSE_TEST_SPILL_BYTES);
  return Number.isInteger(n) && n >= 0 ? n : SPILL_THRESHOLD;
}

export function reportSink(
  f: Formats,
  rules: Rule[],
  o: SinkOptions & { idseDir: string; env: Record<string, string | undefined> },
): ReportSink {
  const { format } = o;
  const json = format === "json" || format === "sarif";
  // The scratch file, if the reports outgrow the threshold, goes under .idse/.cache/ (made then).
  const dir = () => {
    return ensureCacheDir(o.idseDir);
  };
  const spill = new Spill(dir, spillThreshold(o.env), json ? ",\n" : "");
  const tally: Tally = { sessions: 0, errors: 0, warnings: 0, failing: 0 };
  let elements = 0;
  const junit = { tests: 0, failures: 0, errors: 0, time: 0 };
  let findings = false;
  const render = reportRenderer(f, rules, o);
  /** With a cache attached: each new report's counts, until the run says what to keep of it. */
  let counts: Map<number, KeptCounts> | undefined;
  /** Counts one report in the head and tail. */
  const accept = (r: Omit<Rendered, "text">) => {
    tally.sessions++;
    tally.errors += r.errors;
    tally.warnings += r.warnings;
    if (!r.passed) tally.failing++;
    if (r.findings) findings = true;
    elements += r.elements;
    if (r.junit) {
      junit.tests += r.junit.tests;
      junit.failures += r.junit.failures;
      junit.errors += r.junit.errors;
      junit.time += r.junit.time;
    }
  };
  const take = (r: Rendered, index: number) => {
    accept(r);
    spill.put(index, r.text);
    // The counts, not the text (which the spill has now).
    counts?.set(index, {
      elements: r.elements,
      errors: r.errors,
      warnings: r.warnings,
      passed: r.passed,
      findings: r.findings,
    });
  };
  return {
    spill,
    tally,
    add(report, index, timing) {
      take(render(report, timing), index);
    },
    take,
    options: { format: o.format, prefix: o.prefix, timestamp: o.timestamp, hostname: o.hostname },
    attach(cache) {
      spill.backWith(cache.fd, cache.size);
      counts = new Map();
      return {
        reuse(session, index) {
          const kept = cache.lookup(session);
          if (!kept) return undefined;
          accept(kept);
          spill.reuse(index, kept.start, kept.length);
          return kept;
        },
        before: (session) => cache.before(session),
        walk: cache.walk,
        adopt: (session, walked) => cache.adopt(session, walked as Walked | undefined),
        validated(session, index, outcome) {
          const { elements, errors, warnings, passed, findings } = counts!.get(index)!;
          counts!.delete(index);
          // An empty text (a report with nothing to show in the format) is no piece: kept as empty.
          const place = spill.range(index) ?? { start: 0, length: 0 };
          cache.keep(session, place, { elements, errors, warnings, passed, findings }, outcome);
        },
        save(recorded) {
          spill.flush();
          cache.save(recorded);
        },
      };
    },
    json: () => new JsonArrayText(elements, REPORT_INDENT, () => spill.pieces()),
    document({ exitCode, automationId, data, keep }) {
      if (format === "json") {
        const reports = new JsonArrayText(elements, REPORT_INDENT, () => spill.pieces(keep));
        return jsonPieces({
          ok: data.passed,
          command: "validate",
          data: { ...data, reports },
          diagnostics: [],
        });
      }
      if (format === "sarif")
        return jsonPieces(
          f.formatSarif(new JsonArrayText(elements, f.SARIF_RESULT_INDENT, () => spill.pieces(keep)), rules, {
            prefix: o.prefix,
            automationId,
            exitCode,
          }),
        );
      if (format === "junit")
        return (function* () {
          yield f.junitHead(junit);
          yield* spill.pieces(keep);
          yield f.JUNIT_TAIL;
        })();
      return (function* () {
        yield* spill.pieces(keep);
        yield `${findings ? "\n" : ""}${f.formatSummary(tally, undefined, exitCode !== 0)}`;
      })();
    },
  };
}
