import { beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { addAgentProfiles, generateWorkspace } from "../../scripts/bench-workspace.ts";
import { BINARY, fixtureCopy, tempDir } from "../helpers.ts";
import { errorOf, expectFail, json, ok, proj, read, requireBinary, run, STAGE_FILES, sess } from "./util.ts";

// `idse compile agent-spec` through the compiled binary: the lazily imported compiler (and `yaml`) must be
// inside it, and the workspace written by the Python original must compile. The spec below sets a
// description: the fresh blueprint's own (the template's "[REQUIRES INPUT]") would otherwise be inherited.

beforeAll(requireBinary);

const PROFILE = `# Spec: shop

## Agent Profile

\`\`\`yaml
id: billing-agent
name: Billing Agent
description: Bills customers.
goals:
  - Send invoices
tools: [git]
\`\`\`
`;

describe("compile agent-spec (binary)", () => {
  test("validate loads markdown-it and yaml on demand: an edited spec whose block does not parse", () => {
    // The compiled binary loads both libraries only when a document needs them (src/on-demand.ts): the
    // first run to need them is this one, in a fresh process.
    const cwd = tempDir();
    ok(["init", "shop", "-q"], { cwd });
    ok(["session", "create", "billing", "-q"], { cwd });
    const spec = "# Spec: shop\n\n## Agent Profile\n\n```yaml\nid: [billing\n```\n";
    ok(["artifact", "write", "--stage", "spec", "--session", "billing"], { cwd, stdin: spec });
    const r = json(["validate", "--session", "billing"], { cwd });
    expect(r.code).toBe(1);
    const findings = (r.env.data as { reports: { findings: { rule_id: string; message: string }[] }[] })
      .reports[0]!.findings;
    expect(findings.find((f) => f.rule_id === "idse/agent-profile-yaml")?.message).toContain(
      "does not parse",
    );
    expect(findings.some((f) => f.rule_id === "idse/required-sections")).toBe(true);
  });

  test("template → unfinished with its line; filled → a file; --check passes, then fails after an edit", () => {
    const cwd = tempDir();
    ok(["init", "shop", "-q"], { cwd });
    ok(["session", "create", "billing", "-q"], { cwd });
    const spec = sess(cwd, "shop", "billing", STAGE_FILES.spec);
    const nameLine =
      read(spec)
        .split("\n")
        .findIndex((l) => l.startsWith("name:")) + 1;
    const bad = expectFail(
      json(["compile", "agent-spec", "--session", "billing"], { cwd }),
      1,
      "AGENT_PROFILE_UNFINISHED",
    );
    expect(errorOf(bad)).toMatchObject({
      file: ".idse/projects/shop/sessions/billing/specs/spec.md",
      line: nameLine,
    });

    ok(["artifact", "write", "--stage", "spec", "--session", "billing"], { cwd, stdin: PROFILE });
    const r = ok(["compile", "agent-spec", "--session", "billing", "--format", "both", "--json"], { cwd });
    expect(r.env.command).toBe("compile agent-spec");
    const out = proj(cwd, "shop", "build", "agents");
    const profile = parse(read(join(out, "billing.profile.yaml")));
    expect(profile).toMatchObject({
      id: "billing-agent",
      goals: ["Send invoices"],
      source_session: "billing",
    });
    const doc = JSON.parse(read(join(out, "billing.profile.json")));
    expect(existsSync(join(out, doc.$schema))).toBe(true);

    ok(["compile", "agent-spec", "--session", "billing", "--format", "both", "--check"], { cwd });
    ok(["artifact", "write", "--stage", "spec", "--session", "billing"], {
      cwd,
      stdin: PROFILE.replace("[git]", "[git, make]"),
    });
    const stale = run(["compile", "agent-spec", "--session", "billing", "--check"], { cwd });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("error[AGENT_PROFILE_STALE]");
  });

  test("--dry-run prints YAML on stdout and writes nothing", () => {
    const cwd = tempDir();
    ok(["init", "shop", "-q"], { cwd });
    ok(["artifact", "write", "--stage", "spec"], { cwd, stdin: PROFILE });
    const r = ok(["compile", "agent-spec", "--dry-run"], { cwd });
    expect(parse(r.stdout)).toMatchObject({ id: "billing-agent", source_session: "__blueprint__" });
    expect(existsSync(proj(cwd, "shop", "build"))).toBe(false);
  });

  test("the Python original's workspace: --all compiles its profiles", () => {
    const cwd = fixtureCopy();
    const r = run(["compile", "agent-spec", "--all", "--project", "idse-orchestrator", "--json"], { cwd });
    const rows = Object.fromEntries(
      r.env.data.profiles.map((p: { session: string; status: string }) => [p.session, p.status]),
    );
    // item8-test-session still says [REQUIRES INPUT]: skipped with a warning, not a failure.
    // sqlite-cms-refactor lists `- Plan: humble-twirling-cat.md`, a mapping, among string inputs: the
    // original's Pydantic model rejected it too.
    expect(rows).toEqual({
      __blueprint__: "compiled",
      "agent-spec-compiler": "compiled",
      "designstore-file-artifacts": "compiled",
      "item8-test-session": "skipped",
      "notion-designstore-refactor": "compiled",
      "sqlite-cms-refactor": "failed",
    });
    expect(r.code).toBe(1);
    expect(errorOf(r)).toMatchObject({
      code: "AGENT_PROFILE_INVALID",
      file: ".idse/projects/idse-orchestrator/sessions/sqlite-cms-refactor/specs/spec.md",
      line: 56,
      field: "inputs[1]",
    });
    const out = proj(cwd, "idse-orchestrator", "build", "agents");
    const bp = parse(readFileSync(join(out, "__blueprint__.profile.yaml"), "utf8"));
    expect(bp).toMatchObject({ id: "idse-orchestrator", version: "0.1.0" });
  });

  // --all writes its files in one batch (src/store/atomic-files.ts): killed at any moment, every file is still
  // either the old or the new one. Each round flips the blueprint's version, which every profile inherits.
  test("SIGKILL at any moment during --all leaves every file old or new", async () => {
    const cwd = tempDir("idse-compile-kill-");
    const ws = await generateWorkspace(cwd, 300);
    await addAgentProfiles(ws);
    const env = { HOME: cwd };
    ok(["compile", "agent-spec", "--all", "--format", "json", "-q"], { cwd, env });
    const spec = sess(cwd, ws.project, "__blueprint__", STAGE_FILES.spec);
    const out = proj(cwd, ws.project, "build", "agents");
    for (let i = 0; i < 12; i++) {
      writeFileSync(spec, read(spec).replace(/^version: .*$/m, `version: "${i % 2 ? "1.0" : "2.0"}"`));
      const child = spawn(BINARY, ["compile", "agent-spec", "--all", "--format", "json"], {
        cwd,
        env,
        stdio: "ignore",
      });
      const done = new Promise((r) => child.on("exit", r));
      setTimeout(() => child.kill("SIGKILL"), i * 20);
      await done;
      const profiles = readdirSync(out).filter((f) => f.endsWith(".profile.json"));
      expect(profiles.length).toBe(300);
      for (const f of profiles) expect(["1.0", "2.0"]).toContain(JSON.parse(read(join(out, f))).version);
    }
    // The next run that writes sweeps what the killed ones left half-way (temp files of dead processes).
    writeFileSync(spec, read(spec).replace(/^version: .*$/m, 'version: "3.0"'));
    ok(["compile", "agent-spec", "--all", "--format", "json", "-q"], { cwd, env });
    ok(["compile", "agent-spec", "--all", "--format", "json", "--check", "-q"], { cwd, env });
    expect(readdirSync(out).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    for (const f of readdirSync(out)) expect(JSON.parse(read(join(out, f))).version).toBe("3.0");
  }, 60_000);
});
