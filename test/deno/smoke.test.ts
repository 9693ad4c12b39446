import { expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DENO, idseDeno, tempDir } from "../helpers.ts";

// The same source must run on Deno (DESIGN.md §3): node:* built-ins, embedded JSON imports, npm packages.
const deno = idseDeno;

test("deno is installed from the npm registry", () => {
  expect(existsSync(DENO)).toBe(true);
});

test("idse runs from source on Deno: init, session create, status --json, artifact read", () => {
  const cwd = tempDir("idse-deno-");
  const v = deno(["version", "--json"], cwd);
  expect(v.code).toBe(0);
  expect(JSON.parse(v.stdout).data.runtime).toStartWith("deno ");
  expect(deno(["init", "shop", "--no-create-agent-files"], cwd).code).toBe(0);
  expect(deno(["session", "create", "auth"], cwd).code).toBe(0);
  const status = deno(["status", "--json"], cwd);
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout).data).toMatchObject({ project: "shop", session: "auth" });
  const spec = deno(["artifact", "read", "--stage", "spec"], cwd);
  expect(spec.stdout).toContain("## Agent Profile");
  const bad = deno(["session", "create", "../x", "--json"], cwd);
  expect(bad.code).toBe(2);
  expect(JSON.parse(bad.stdout).diagnostics[0].code).toBe("INVALID_ID");
}, 120_000);

test("sync push to a filesystem remote on Deno: the batch writer, without bun:ffi, falls back to fsyncs", () => {
  const cwd = tempDir("idse-deno-");
  const remote = join(tempDir("idse-deno-remote-"), "r");
  expect(deno(["init", "shop", "--no-create-agent-files"], cwd).code).toBe(0);
  expect(deno(["remote", "add", "fs", remote], cwd).code).toBe(0);
  const push = deno(["sync", "push", "fs", "--json"], cwd);
  expect(push.code, push.stdout).toBe(0);
  const spec = join("projects", "shop", "sessions", "__blueprint__", "specs", "spec.md");
  expect(readFileSync(join(remote, spec), "utf8")).toBe(readFileSync(join(cwd, ".idse", spec), "utf8"));
}, 120_000);

test("validate and compile on Deno: markdown-it and yaml load on demand (src/on-demand.ts)", () => {
  const cwd = tempDir("idse-deno-");
  expect(deno(["init", "shop", "--no-create-agent-files"], cwd).code).toBe(0);
  expect(deno(["session", "create", "auth"], cwd).code).toBe(0);
  // An edited spec (a markdown parse) whose profile is not plain (a yaml parse) and does not parse.
  const spec = join(cwd, ".idse", "projects", "shop", "sessions", "auth", "specs", "spec.md");
  writeFileSync(spec, "# Spec\n\n## Agent Profile\n\n```yaml\nid: [auth\n```\n");
  const v = deno(["validate", "--json"], cwd);
  expect(v.code, v.stderr).toBe(1);
  const findings = JSON.parse(v.stdout).data.reports[0].findings as { rule_id: string; message: string }[];
  expect(findings.find((f) => f.rule_id === "idse/agent-profile-yaml")?.message).toContain("does not parse");
  expect(findings.some((f) => f.rule_id === "idse/required-sections")).toBe(true);
  writeFileSync(
    spec,
    "# Spec\n\n## Agent Profile\n\n```yaml\nid: auth\nname: &n Auth\ndescription: *n\n```\n",
  );
  const c = deno(["compile", "agent-spec", "--json"], cwd);
  expect(c.code, c.stdout + c.stderr).toBe(0);
}, 120_000);

test("validate --all on Deno: the findings cache is filled and then serves the reports (src/validation/findings-cache.ts)", async () => {
  const cwd = tempDir("idse-deno-");
  expect(deno(["init", "shop", "--no-create-agent-files"], cwd).code).toBe(0);
  expect(deno(["session", "create", "auth"], cwd).code).toBe(0);
  // Past the stamp's clock tick (the racy rule), then a run that records, one that keeps. Deno's
  // node:fs gives ctimeMs in whole seconds: a file is kept from the second after it was written.
  await Bun.sleep(1100);
  deno(["validate", "--all", "--json"], cwd);
  await Bun.sleep(1100);
  const filled = deno(["validate", "--all", "--json"], cwd);
  const data = join(cwd, ".idse", ".cache", "findings", "shop.json.data");
  // Marked in place: a report served from the cache shows the mark.
  writeFileSync(
    data,
    readFileSync(data, "utf8").replaceAll('"severity": "warning"', '"severity": "WARNING"'),
  );
  const served = deno(["validate", "--all", "--json"], cwd);
  expect(served.stdout).toContain('"severity": "WARNING"');
  expect(served.stdout.replaceAll('"WARNING"', '"warning"')).toBe(filled.stdout);
  const fresh = deno(["validate", "--all", "--json", "--no-cache"], cwd);
  expect(fresh.stdout).toBe(filled.stdout);
}, 120_000);

test("validate --all on Deno's worker threads writes the one thread's document (src/cli/commands/validate-pool.ts)", () => {
  const cwd = tempDir("idse-deno-");
  expect(deno(["init", "shop", "--no-create-agent-files"], cwd).code).toBe(0);
  for (const s of ["auth", "billing", "search"]) expect(deno(["session", "create", s], cwd).code).toBe(0);
  writeFileSync(join(cwd, ".idse/projects/shop/sessions/billing/intents/intent.md"), "# Intent\n\nÉté ✓\n");
  const one = deno(["validate", "--all", "--json", "--no-cache"], cwd, { IDSE_VALIDATE_THREADS: "0" });
  const many = deno(["validate", "--all", "--json", "--no-cache"], cwd, { IDSE_VALIDATE_THREADS: "2" });
  expect(one.code).toBe(1);
  expect([many.code, many.stderr]).toEqual([1, ""]);
  expect(many.stdout).toBe(one.stdout);
}, 120_000);
