import { describe, expect, test } from "bun:test";
import { IdseError } from "../../src/errors.ts";
import type { Finding } from "../../src/models/validation.ts";
import { STAGES } from "../../src/store/layout.ts";
import { PARSE_RULE, type Rule, type RuleConfig, validateSession } from "../../src/validation/engine.ts";
import { allRules, resolveRuleConfig } from "../../src/validation/rules/index.ts";
import { noRequiresInput } from "../../src/validation/rules/no-requires-input.ts";
import { requiredSectionsRule } from "../../src/validation/rules/required-sections.ts";
import { templateCompliance } from "../../src/validation/rules/template-compliance.ts";
import { FILLED, fileOf, runRule, type Setup, sessionInput, UNTOUCHED } from "./harness.ts";

const M = "[REQUIRES INPUT]";
const doc = (...lines: string[]) => `${lines.join("\n")}\n`;
const allAt = (level: "warn" | "error"): RuleConfig =>
  Object.fromEntries(allRules().map((r) => [r.id, { level }]));
const run = (setup: Setup, rules: Rule[] = allRules(), config: RuleConfig = allAt("error")) =>
  validateSession(sessionInput(setup), rules, config).report;
const parseFindings = (findings: Finding[]) => findings.filter((f) => f.rule_id === PARSE_RULE);
const byRule = (findings: Finding[], rule: Rule) => findings.filter((f) => f.rule_id === rule.id);

describe("harness", () => {
  test("the default session is clean for every rule at error", () => {
    const report = run({});
    expect(report.findings.map((f) => `${f.rule_id} ${f.message_id} ${f.file}:${f.line}`)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  test("FILLED documents hold no marker, no placeholder and no guidance sentence", () => {
    for (const stage of STAGES) {
      expect(FILLED[stage]).not.toContain(M);
      expect(FILLED[stage]).not.toMatch(/\{\{\w+\}\}/);
      expect(FILLED[stage].split("\n").filter((l) => /^_[^_].*_$/.test(l.trim()))).toEqual([]);
    }
  });

  test("UNTOUCHED documents are recognised as untouched (no required-sections memo confusion)", () => {
    // An untouched session has findings from the document rules; a filled one has none.
    const texts = Object.fromEntries(STAGES.map((s) => [s, UNTOUCHED[s]]));
    expect(run({ texts, defaultStage: "pending" }).findings.length).toBeGreaterThan(0);
  });

  test("every built-in rule is registered once, with messages and a recommended level", () => {
    const ids = allRules().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(11);
    for (const r of allRules()) {
      expect(r.id).toMatch(/^idse\/[a-z-]+$/);
      expect(Object.keys(r.meta.messages).length).toBeGreaterThan(0);
      expect(["off", "warn", "error"]).toContain(r.meta.recommended);
    }
  });
});

describe("severity comes from configuration", () => {
  const setup: Setup = { texts: { intent: doc("# Intent", "", M) } };

  test("the same rule at warn and at error", () => {
    const warn = runRule(noRequiresInput, setup, "warn");
    const error = runRule(noRequiresInput, setup, "error");
    expect(warn.findings.map((f) => f.severity)).toEqual(["warning"]);
    expect(error.findings.map((f) => f.severity)).toEqual(["error"]);
    expect(warn.report).toMatchObject({ errors: 0, warnings: 1, passed: true });
    expect(error.report).toMatchObject({ errors: 1, warnings: 0, passed: false });
    expect({ ...warn.findings[0], severity: "error" }).toEqual(error.findings[0]!);
  });

  test("off disables the rule, and so does a missing config entry", () => {
    expect(runRule(noRequiresInput, setup, "off").findings).toEqual([]);
    expect(run(setup, [noRequiresInput], {}).findings).toEqual([]);
  });

  test("rules not passed to the engine do not run, even when configured", () => {
    expect(run(setup, [templateCompliance]).findings).toEqual([]);
  });
});

describe("resolveRuleConfig", () => {
  test("recommended (default): each rule's own level", () => {
    const expected = Object.fromEntries(allRules().map((r) => [r.id, { level: r.meta.recommended }]));
    expect(resolveRuleConfig(undefined)).toEqual(expected);
    expect(resolveRuleConfig({})).toEqual(expected);
    expect(resolveRuleConfig({ preset: "recommended" })).toEqual(expected);
    // The preset is not uniform: some rules warn by default.
    expect(new Set(Object.values(expected).map((s) => s.level))).toEqual(new Set(["warn", "error"]));
  });

  test("strict: every rule an error", () => {
    const out = resolveRuleConfig({ preset: "strict" });
    expect(Object.keys(out).sort()).toEqual(
      allRules()
        .map((r) => r.id)
        .sort(),
    );
    for (const s of Object.values(out)) expect(s.level).toBe("error");
  });

  test("per-rule overrides: a level, [level], [level, options]", () => {
    const out = resolveRuleConfig({
      preset: "strict",
      rules: {
        "idse/traceability": "off",
        "idse/atomic-tasks": ["warn"],
        "idse/canonical-layout": ["warn", { allow: ["notes"] }],
      },
    });
    expect(out["idse/traceability"]).toEqual({ level: "off", options: undefined });
    expect(out["idse/atomic-tasks"]).toEqual({ level: "warn", options: undefined });
    expect(out["idse/canonical-layout"]).toEqual({ level: "warn", options: { allow: ["notes"] } });
    expect(out["idse/no-requires-input"]).toEqual({ level: "error" });
  });

  test("an override raises a warn-by-default rule in the recommended preset", () => {
    const warnRule = allRules().find((r) => r.meta.recommended === "warn")!;
    expect(resolveRuleConfig({ rules: { [warnRule.id]: "error" } })[warnRule.id]?.level).toBe("error");
  });

  test("unknown rule id → IdseError UNKNOWN_RULE", () => {
    let caught: unknown;
    try {
      resolveRuleConfig({ rules: { "idse/no-such-rule": "error" } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IdseError);
    expect((caught as IdseError).code).toBe("UNKNOWN_RULE");
    expect((caught as IdseError).data.rule).toBe("idse/no-such-rule");
  });

  test("`only` turns every other rule off; an unknown id there is UNKNOWN_RULE too", () => {
    const out = resolveRuleConfig({ preset: "strict" }, ["idse/atomic-tasks"]);
    expect(out["idse/atomic-tasks"]?.level).toBe("error");
    for (const [id, s] of Object.entries(out)) if (id !== "idse/atomic-tasks") expect(s.level).toBe("off");
    expect(() => resolveRuleConfig(undefined, ["idse/nope"])).toThrow(IdseError);
  });

  test("the resolved recommended config drives the engine's severities", () => {
    const tasks = doc("# Tasks", "", "- T-1 do y");
    const report = validateSession(
      sessionInput({ texts: { tasks } }),
      allRules(),
      resolveRuleConfig(undefined),
    ).report;
    const atomic = allRules().find((r) => r.id === "idse/atomic-tasks")!;
    const found = report.findings.filter((f) => f.rule_id === atomic.id);
    expect(found.length).toBe(1);
    expect(found[0]!.severity).toBe(atomic.meta.recommended === "error" ? "error" : "warning");
  });
});

describe("inline suppression", () => {
  const DISABLE = "<!-- idse-disable-next-line idse/no-requires-input -->";
  const rules = [noRequiresInput, templateCompliance];

  test("suppresses the next line only", () => {
    const report = run({ texts: { intent: doc("# Intent", "", DISABLE, M, "", M) } }, rules);
    expect(report.findings.map((f) => [f.rule_id, f.line])).toEqual([["idse/no-requires-input", 6]]);
  });

  test("suppresses only the named rule", () => {
    const report = run({ texts: { intent: doc("# Intent", "", DISABLE, `${M} {{owner}}`) } }, rules);
    expect(report.findings.map((f) => [f.rule_id, f.message_id, f.line])).toEqual([
      ["idse/template-compliance", "placeholder", 4],
    ]);
  });

  test("a list of rules (comma or space separated) suppresses each", () => {
    for (const list of [
      "idse/no-requires-input, idse/template-compliance",
      "idse/template-compliance idse/no-requires-input",
    ]) {
      const text = doc("# Intent", "", `<!-- idse-disable-next-line ${list} -->`, `${M} {{owner}}`);
      expect(run({ texts: { intent: text } }, rules).findings).toEqual([]);
    }
  });

  test("a comment naming another rule, or a blank line in between, suppresses nothing", () => {
    const other = doc("# Intent", "", "<!-- idse-disable-next-line idse/template-compliance -->", M);
    expect(run({ texts: { intent: other } }, rules).findings.map((f) => f.line)).toEqual([4]);
    const gap = doc("# Intent", "", DISABLE, "", M);
    expect(run({ texts: { intent: gap } }, rules).findings.map((f) => f.line)).toEqual([5]);
  });

  test("works in a CRLF document", () => {
    const text = doc("# Intent", "", DISABLE, M, M).replace(/\n/g, "\r\n");
    expect(
      byRule(run({ texts: { intent: text } }, rules).findings, noRequiresInput).map((f) => f.line),
    ).toEqual([5]);
  });

  test("the comment does not suppress findings on its own line", () => {
    const text = doc("# Intent", "", `${M} ${DISABLE}`);
    expect(run({ texts: { intent: text } }, rules).findings.map((f) => f.line)).toEqual([3]);
  });
});

describe("ordering", () => {
  const isSorted = (findings: Finding[]) =>
    findings.every((f, i) => {
      const p = findings[i - 1];
      if (!p) return true;
      if (p.file !== f.file) return p.file < f.file;
      if ((p.line ?? 0) !== (f.line ?? 0)) return (p.line ?? 0) < (f.line ?? 0);
      return (p.column ?? 0) <= (f.column ?? 0);
    });

  test("findings are sorted by file, then line, then column, across rules", () => {
    const texts = {
      ...Object.fromEntries(STAGES.map((s) => [s, UNTOUCHED[s]])),
      intent: doc("# Intent {{x}}", "", `${M} {{y}} ${M}`),
      plan: null,
    };
    const report = run({ texts, defaultStage: "completed", gate: true, files: ["spec.md", "current"] });
    expect(report.findings.length).toBeGreaterThan(20);
    expect(isSorted(report.findings)).toBe(true);
    const intent = report.findings.filter((f) => f.file === fileOf("intent") && f.line === 3);
    expect(intent.map((f) => [f.column, f.rule_id])).toEqual([
      [1, "idse/no-requires-input"],
      [18, "idse/template-compliance"],
      [24, "idse/no-requires-input"],
    ]);
  });

  test("session-level findings (no line) come first within their file", () => {
    const report = run({ texts: { feedback: UNTOUCHED.feedback }, gate: true }, [
      noRequiresInput,
      allRules().find((r) => r.id === "idse/feedback-before-completion")!,
    ]);
    expect(report.findings[0]).toMatchObject({ rule_id: "idse/feedback-before-completion", line: null });
    expect(isSorted(report.findings)).toBe(true);
  });

  test("a document with over a million lines still sorts before the next file", () => {
    // 1.2 M blank lines is 1.2 MB: under the parse limit, so the document is checked.
    const intent = `${"\n".repeat(1_200_000)}${M}\n`;
    const report = run({ texts: { intent, plan: doc("# Plan", "", M) } }, [noRequiresInput]);
    expect(report.findings.map((f) => f.file)).toEqual([fileOf("intent"), fileOf("plan")]);
  });

  test("columns past 9999 on one line still sort by column across rules", () => {
    const line = `${"x".repeat(10_000)} {{x}} ${M}`;
    const report = run({ texts: { intent: doc("# Intent", "", line) } }, [
      noRequiresInput,
      templateCompliance,
    ]);
    expect(report.findings.map((f) => [f.rule_id, f.column])).toEqual([
      ["idse/template-compliance", 10_002],
      ["idse/no-requires-input", 10_008],
    ]);
  });
});

describe("results are per session, though untouched templates are checked once", () => {
  test("findings on an untouched template carry each session's own file and severity", () => {
    const first = validateSession(sessionInput({ texts: { intent: UNTOUCHED.intent } }), [noRequiresInput], {
      [noRequiresInput.id]: { level: "error" },
    }).report.findings;
    const input = sessionInput({ texts: { intent: UNTOUCHED.intent } });
    input.artifacts = input.artifacts.map((a) => ({ ...a, file: a.file.replace("/s1/", "/s2/") }));
    const second = validateSession(input, [noRequiresInput], { [noRequiresInput.id]: { level: "warn" } })
      .report.findings;
    expect(second.length).toBe(first.length);
    for (const f of second) {
      expect(f.file).toBe(fileOf("intent").replace("/s1/", "/s2/"));
      expect(f.severity).toBe("warning");
    }
    expect(second.map((f) => [f.line, f.column])).toEqual(first.map((f) => [f.line, f.column]));
  });

  test("a fresh session replays what each document-only rule reported at build time, which is what it reports", () => {
    const documentOnly = allRules().filter((r) => r.meta.documentOnly);
    expect(documentOnly.length).toBeGreaterThan(3);
    for (const rule of documentOnly) {
      let visits = 0;
      // A new rule object (so no memo of this process) with the same id: the stored findings apply.
      const spy: Rule = {
        ...rule,
        create: (ctx) => {
          const visitors = rule.create(ctx);
          return {
            ...visitors,
            artifact: (a) => {
              visits++;
              visitors.artifact?.(a);
            },
          };
        },
      };
      const replayed = validateSession(sessionInput({ texts: UNTOUCHED }), [spy], {
        [rule.id]: { level: "warn" },
      }).report.findings;
      expect({ rule: rule.id, visits }).toEqual({ rule: rule.id, visits: 0 });
      // Options given (none of these rules has any): another memo key, so the rule itself runs.
      const ran = validateSession(sessionInput({ texts: UNTOUCHED }), [{ ...spy }], {
        [rule.id]: { level: "warn", options: {} },
      }).report.findings;
      expect(visits).toBeGreaterThan(0);
      expect(ran).toEqual(replayed);
    }
  });

  test("required-sections on an untouched template gives the same findings twice", () => {
    const a = runRule(requiredSectionsRule, { texts: { plan: UNTOUCHED.plan } }).findings;
    const b = runRule(requiredSectionsRule, { texts: { plan: UNTOUCHED.plan } }).findings;
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(0);
  });
});

describe("bad input: idse/parse findings, and the other documents are still checked", () => {
  /** Runs every rule with `intent` replaced by `bad` and a marker left in context. */
  const withBadIntent = (bad: string, rules: Rule[] = [noRequiresInput]) =>
    run({ texts: { intent: bad, context: doc("# Context", "", M) } }, rules).findings;
  const contextMarker = (findings: Finding[]) =>
    findings.filter((f) => f.rule_id === noRequiresInput.id && f.file === fileOf("context"));
  const intentParse = (findings: Finding[]) =>
    parseFindings(findings)
      .filter((f) => f.file === fileOf("intent"))
      .map((f) => ({ id: f.message_id, severity: f.severity, line: f.line }));

  test("parse findings have the parse rule's shape", () => {
    const [f] = parseFindings(withBadIntent("\0"));
    expect(f).toEqual({
      rule_id: "idse/parse",
      severity: "error",
      message_id: "BINARY_CONTENT",
      message: "the file holds binary content, not markdown",
      file: fileOf("intent"),
      line: 1,
      column: null,
      stage: "intent",
      article: "X",
      fixable: false,
    });
  });

  test("binary content (NUL): error, the document is not checked by rules", () => {
    const findings = withBadIntent(`# Intent\n\n${M}\0\n`);
    expect(intentParse(findings)).toEqual([{ id: "BINARY_CONTENT", severity: "error", line: 1 }]);
    expect(byRule(findings, noRequiresInput).filter((f) => f.file === fileOf("intent"))).toEqual([]);
    expect(contextMarker(findings).length).toBe(1);
  });

  test("parse findings are reported even with every rule off, and fail the report", () => {
    const report = run({ texts: { intent: "\0" } }, allRules(), {});
    expect(report.findings.map((f) => f.message_id)).toEqual(["BINARY_CONTENT"]);
    expect(report.passed).toBe(false);
  });

  test("U+FFFD: error at its line; the rest of the document is still checked", () => {
    const findings = withBadIntent(doc("# Intent", "", "bad \uFFFD byte", M));
    expect(intentParse(findings)).toEqual([{ id: "INVALID_UTF8", severity: "error", line: 3 }]);
    expect(byRule(findings, noRequiresInput).map((f) => [f.file, f.line])).toEqual([
      [fileOf("context"), 3],
      [fileOf("intent"), 4],
    ]);
  });

  test("empty file (and whitespace only): error; not reported as missing", () => {
    for (const empty of ["", "  \n\n\t\n"]) {
      const findings = withBadIntent(empty, allRules());
      expect(intentParse(findings)).toEqual([{ id: "EMPTY_FILE", severity: "error", line: 1 }]);
      expect(findings.filter((f) => f.rule_id === "idse/artifact-present")).toEqual([]);
      expect(contextMarker(findings).length).toBe(1);
    }
  });

  test("an artifact over 5 MB: TOO_LARGE, not parsed, and fast with every rule on", () => {
    const big = `# Intent\n\n${M}\n${"x".repeat(5 * 1024 * 1024)}\n`;
    const t0 = performance.now();
    const findings = withBadIntent(big, allRules());
    const ms = performance.now() - t0;
    expect(intentParse(findings)).toEqual([{ id: "TOO_LARGE", severity: "error", line: 1 }]);
    expect(findings.filter((f) => f.file === fileOf("intent") && f.rule_id !== PARSE_RULE)).toEqual([]);
    expect(contextMarker(findings).length).toBe(1);
    // A generous bound (a busy 2-core machine): parsing 5 MB with every rule on takes far longer.
    expect(ms).toBeLessThan(10_000);
  });

  test("an artifact over 5 MB of UTF-8 (multi-byte text) is TOO_LARGE too", () => {
    // 2.7 M × "日" is 8.1 MB of UTF-8 but only 2.7 M UTF-16 units: the limit is in bytes (MAX_PARSE_BYTES).
    const big = `# Intent\n\n${"日".repeat(2_700_000)}\n`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(5 * 1024 * 1024);
    expect(intentParse(withBadIntent(big))).toEqual([{ id: "TOO_LARGE", severity: "error", line: 1 }]);
  });

  test("BOM: warning; rules still run with true columns", () => {
    const findings = withBadIntent(`\uFEFF# Intent\n\nx ${M}\n`);
    expect(intentParse(findings)).toEqual([{ id: "BOM", severity: "warning", line: 1 }]);
    expect(byRule(findings, noRequiresInput).map((f) => [f.file, f.line, f.column])).toEqual([
      [fileOf("context"), 3, 1],
      [fileOf("intent"), 3, 3],
    ]);
  });

  test("CRLF: warning; rules still run with true lines", () => {
    const findings = withBadIntent(["# Intent", "", "", M, ""].join("\r\n"));
    expect(intentParse(findings)).toEqual([{ id: "CRLF", severity: "warning", line: 1 }]);
    expect(byRule(findings, noRequiresInput).map((f) => [f.file, f.line])).toEqual([
      [fileOf("context"), 3],
      [fileOf("intent"), 4],
    ]);
  });

  test("unclosed fence: warning at the fence; what follows is code", () => {
    const findings = withBadIntent(doc("# Intent", "", "Text.", "", "```", M));
    expect(intentParse(findings)).toEqual([{ id: "UNCLOSED_FENCE", severity: "warning", line: 5 }]);
    expect(byRule(findings, noRequiresInput).map((f) => f.file)).toEqual([fileOf("context")]);
  });

  test("a closed fence inside a blockquote is not unclosed", () => {
    const quoted = doc("# Intent", "", "> ```", "> code", "> ```", "", "after");
    expect(intentParse(withBadIntent(quoted))).toEqual([]);
  });

  test("a closed fence in a nested list item (closing fence indented 4+) is not unclosed", () => {
    const nested = doc("# Intent", "", "- a", "  - b", "", "    ```", "    code", "    ```", "", "after");
    expect(intentParse(withBadIntent(nested))).toEqual([]);
  });

  test("60-deep nested list: warning; still parsed and checked", () => {
    const lines = ["# Intent", ""];
    for (let d = 0; d < 60; d++) lines.push(`${"  ".repeat(d)}- level ${d + 1}`);
    lines.push(`${"  ".repeat(60)}${M}`);
    const findings = withBadIntent(doc(...lines));
    const parse = parseFindings(findings).filter((f) => f.file === fileOf("intent"));
    expect(parse.map((f) => [f.message_id, f.severity, f.message])).toEqual([
      ["DEEP_NESTING", "warning", "lists are nested 60 levels deep"],
    ]);
    expect(byRule(findings, noRequiresInput).map((f) => [f.file, f.line])).toEqual([
      [fileOf("context"), 3],
      [fileOf("intent"), 63],
    ]);
  });

  test("several bad documents at once: one parse finding each, all rules still run", () => {
    const report = run({
      defaultStage: "pending",
      texts: {
        intent: "\0",
        context: "",
        spec: `\uFEFF${FILLED.spec}`,
        plan: FILLED.plan.replace(/\n/g, "\r\n"),
      },
    });
    expect(parseFindings(report.findings).map((f) => [f.stage, f.message_id])).toEqual([
      ["context", "EMPTY_FILE"],
      ["intent", "BINARY_CONTENT"],
      ["plan", "CRLF"],
      ["spec", "BOM"],
    ]);
    // The empty (but parsed) context is still checked; the binary intent is not; BOM and CRLF are fine.
    const others = report.findings.filter((f) => f.rule_id !== PARSE_RULE);
    expect(new Set(others.map((f) => `${f.stage} ${f.rule_id} ${f.message_id}`))).toEqual(
      new Set(["context idse/required-sections missing"]),
    );
    expect(others.length).toBe(6);
  });
});
