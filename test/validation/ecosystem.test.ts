import { describe, expect, test } from "bun:test";
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft4 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { parse as junit2json } from "junit2json";
import { formatSarif } from "../../src/validation/formats.ts";
import { allRules } from "../../src/validation/rules/index.ts";
import { idse, REPO, tempDir } from "../helpers.ts";

// The reports checked by software nobody here wrote: Microsoft's SARIF multitool with its SARIF and
// GitHub rule kinds (what code scanning accepts), the official SARIF schema, and two JUnit readers
// (junitparser from Debian's packages, junit2json from npm).

const sarifSchema = JSON.parse(
  readFileSync(join(REPO, "test/fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"),
);

/** A git repository with the idse workspace in a sub-folder, as in a monorepo. */
async function monorepo(opts: { git?: boolean } = {}) {
  const repo = tempDir();
  if (opts.git !== false) execFileSync("git", ["init", "-q", repo]);
  const cwd = join(repo, "services", "api");
  mkdirSync(cwd, { recursive: true });
  await idse(["init", "shop", "--no-create-agent-files"], { cwd });
  await idse(["session", "create", "auth"], { cwd });
  await idse(["artifact", "write", "--stage", "intent"], {
    cwd,
    stdin: "# Intent\n\n## Goal\n\nSign-in.\n\n[REQUIRES INPUT]\n",
  });
  return { repo, cwd };
}

// The npm package ships the multitool as a self-contained executable. Its `.bin` shim passes arguments
// through a shell, which splits "Sarif;Gh", so the executable is called directly. npm 11 runs no install
// script unless the project approves it, and the package's only script makes that file executable.
const MULTITOOL = join(REPO, "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
function multitool(file: string): { errors: string[]; warnings: string[] } {
  try {
    accessSync(MULTITOOL, constants.X_OK);
  } catch {
    chmodSync(MULTITOOL, 0o755);
  }
  const out = `${file}.validation.sarif`;
  const r = spawnSync(MULTITOOL, ["validate", "--rule-kind", "Sarif;Gh", file, "--output", out], {
    encoding: "utf8",
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
  });
  if (r.error) throw r.error;
  const results: { ruleId: string; level?: string; message: unknown }[] = JSON.parse(
    readFileSync(out, "utf8"),
  ).runs[0].results;
  const show = (x: (typeof results)[number]) => `${x.ruleId} ${JSON.stringify(x.message)}`;
  return {
    errors: results.filter((x) => x.level === "error").map(show),
    warnings: results.filter((x) => x.level !== "error").map(show),
  };
}

async function sarif(cwd: string, args: string[] = []) {
  const r = await idse(["validate", "--format", "sarif", ...args], { cwd });
  return { code: r.code, log: JSON.parse(r.stdout), text: r.stdout };
}

type Result = {
  ruleId: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number };
    };
  }[];
  partialFingerprints?: Record<string, string>;
};

describe("SARIF for code scanning", () => {
  test("the multitool with SARIF and GitHub rules reports no error, and the schema holds", async () => {
    const { cwd } = await monorepo();
    const file = join(cwd, "idse.sarif");
    const r = await idse(["validate", "--all", "--format", "sarif", "--output", file], { cwd });
    expect(r.code).toBe(1);
    const { errors, warnings } = multitool(file);
    expect(errors).toEqual([]);
    // The one warning left: no informationUri, as idse has no public web page to point at.
    expect(warnings.every((w) => w.startsWith("SARIF2005"))).toBe(true);
    const ajv = new AjvDraft4({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const check = ajv.compile(sarifSchema);
    expect(check(JSON.parse(readFileSync(file, "utf8"))), ajv.errorsText(check.errors)).toBe(true);
  }, 60_000);

  test("paths are relative to the repository root, found through git, in a monorepo", async () => {
    const { cwd } = await monorepo();
    const { log } = await sarif(cwd);
    const uris = log.runs[0].results.map(
      (x: Result) => x.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) expect(uri).toMatch(/^services\/api\/\.idse\/projects\/shop\/sessions\/auth\//);
    expect(log.runs[0].originalUriBaseIds).toBeUndefined(); // a relative base would be SARIF1004
  }, 60_000);

  test("without git, paths are relative to the workspace root", async () => {
    const { cwd } = await monorepo({ git: false });
    const { log } = await sarif(cwd);
    for (const x of log.runs[0].results as Result[])
      expect(x.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^\.idse\/projects\//);
  }, 60_000);

  test("every result has a region: line 1 for a finding about a whole file or a whole session", async () => {
    const { cwd } = await monorepo();
    // A completed stage after pending ones: idse/stage-sequence, about the plan document as a whole.
    await idse(["session", "set-stage", "auth", "--stage", "plan", "--status", "completed"], { cwd });
    const { log } = await sarif(cwd);
    const results: Result[] = log.runs[0].results;
    for (const x of results) expect(x.locations[0]!.physicalLocation.region?.startLine).toBeGreaterThan(0);
    const sequence = results.filter((x) => x.ruleId === "idse/stage-sequence");
    expect(sequence.length).toBeGreaterThan(0);
    expect(sequence.every((x) => x.locations[0]!.physicalLocation.region!.startLine === 1)).toBe(true);
    // A finding that names the session's folder points at its metadata: a location must be a file.
    const folder = formatSarif(
      [
        {
          project: "shop",
          session: "auth",
          errors: 1,
          warnings: 0,
          passed: false,
          findings: [
            {
              rule_id: "idse/stage-sequence",
              severity: "error",
              message_id: "x",
              message: "m",
              file: ".idse/projects/shop/sessions/auth",
              line: null,
              column: null,
              stage: null,
              article: "VII",
              fixable: false,
            },
          ],
        },
      ],
      allRules(),
      { prefix: "services/api/" },
    ) as { runs: { results: Result[] }[] };
    expect(folder.runs[0]!.results[0]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: {
        uri: "services/api/.idse/projects/shop/sessions/auth/metadata/session.json",
        uriBaseId: "SRCROOT",
      },
      region: { startLine: 1 },
    });
  }, 60_000);

  test("fingerprints follow a finding when lines move above it, and differ between findings", async () => {
    const { cwd } = await monorepo();
    const marker = (log: { runs: { results: Result[] }[] }) =>
      log.runs[0]!.results.find(
        (x) =>
          x.ruleId === "idse/no-requires-input" &&
          x.locations[0]!.physicalLocation.artifactLocation.uri.endsWith("intent.md"),
      )!;
    const before = marker((await sarif(cwd)).log);
    await idse(["artifact", "write", "--stage", "intent"], {
      cwd,
      stdin: "# Intent\n\nA new paragraph.\n\n## Goal\n\nSign-in.\n\n[REQUIRES INPUT]\n",
    });
    const after = marker((await sarif(cwd)).log);
    expect(after.locations[0]!.physicalLocation.region!.startLine).toBe(
      before.locations[0]!.physicalLocation.region!.startLine + 2,
    );
    expect(after.partialFingerprints).toEqual(before.partialFingerprints!);
    const all: Result[] = (await sarif(cwd)).log.runs[0].results;
    const prints = all.map((x) => x.partialFingerprints!["idseFindingHash/v1"]);
    expect(new Set(prints).size).toBe(prints.length);
  }, 60_000);

  test("rules carry full descriptions and help; the run names its category and exit status", async () => {
    const { cwd } = await monorepo();
    const { log } = await sarif(cwd, ["--session", "auth"]);
    const run = log.runs[0];
    for (const rule of run.tool.driver.rules) {
      expect(rule.fullDescription.text.length).toBeGreaterThan(rule.shortDescription.text.length);
      expect(rule.help.text).toContain("idse validate");
      expect(rule.help.markdown).toContain(`**${rule.id}**`);
    }
    expect(run.automationDetails.id).toBe("idse/shop/auth/");
    expect(run.invocations[0]).toEqual({ executionSuccessful: true, exitCode: 1 });
    const all = await sarif(cwd, ["--all"]);
    expect(all.log.runs[0].automationDetails.id).toBe("idse/shop/all/");
  }, 60_000);
});

describe("JUnit for CI dashboards", () => {
  async function junit() {
    const { cwd } = await monorepo();
    // An unreadable document (not UTF-8) is an error, not a failure, in JUnit's terms.
    writeFileSync(
      join(cwd, ".idse/projects/shop/sessions/auth/plans/plan.md"),
      Buffer.from([0xff, 0xfe, 0x00, 0x41]),
    );
    const file = join(cwd, "report.xml");
    const r = await idse(["validate", "--all", "--format", "junit", "--output", file], { cwd });
    expect(r.code).toBe(1);
    return file;
  }

  test("junitparser (Debian's python3-junitparser) reads counts, times, timestamp and hostname", async () => {
    const file = await junit();
    const script = `
import json, sys
from junitparser import JUnitXml
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for s in xml:
    cases = [{"name": c.name, "time": c.time, "result": [type(r).__name__ for r in c.result]} for c in s]
    suites.append({"name": s.name, "tests": s.tests, "failures": s.failures, "errors": s.errors,
                   "time": s.time, "timestamp": s.timestamp, "hostname": s.hostname, "cases": cases})
print(json.dumps(suites))
`;
    const r = spawnSync("/usr/bin/python3", ["-c", script, file], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const suites = JSON.parse(r.stdout);
    expect(suites.map((s: { name: string }) => s.name).sort()).toEqual(["shop/__blueprint__", "shop/auth"]);
    const auth = suites.find((s: { name: string }) => s.name === "shop/auth");
    expect(auth.errors).toBe(1);
    expect(auth.failures).toBeGreaterThan(0);
    expect(auth.tests).toBe(auth.cases.length);
    expect(auth.cases.find((c: { name: string }) => c.name === "idse/parse").result).toEqual(["Error"]);
    expect(auth.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(auth.hostname.length).toBeGreaterThan(0);
    expect(typeof auth.time).toBe("number");
    for (const c of auth.cases) expect(c.time).toBeGreaterThanOrEqual(0);
  }, 60_000);

  test("junit2json reads the same counts, and every suite and case has a time", async () => {
    const file = await junit();
    const doc = (await junit2json(readFileSync(file, "utf8"))) as {
      tests: number;
      failures: number;
      errors: number;
      time: number;
      testsuite: { name: string; tests: number; time: number; testcase: { time: number }[] }[];
    };
    const suites = doc.testsuite;
    expect(doc.tests).toBe(suites.reduce((n, s) => n + s.tests, 0));
    expect(doc.tests).toBe(suites.reduce((n, s) => n + s.testcase.length, 0));
    expect(doc.errors).toBe(1);
    expect(doc.failures).toBeGreaterThan(0);
    expect(typeof doc.time).toBe("number");
    for (const s of suites) {
      expect(typeof s.time).toBe("number");
      for (const c of s.testcase) expect(typeof c.time).toBe("number");
    }
  }, 60_000);
});
