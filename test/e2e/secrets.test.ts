import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import { fill } from "../sync/corpus.ts";
import { json, ok, requireBinary, run } from "./util.ts";

// The compiled binary's secret guard (secretlint's preset and the translated rules are bundled into it):
// a document holding a format the old hand-picked ruleset missed is blocked on `sync push` to a
// filesystem remote: exit 1, SECRET_FOUND with file, line, rule and the masked value, nothing written.

beforeAll(requireBinary);

/** Every file's text below `dir`, joined. */
function everything(dir: string): string {
  let out = "";
  for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const full = join(dir, rel);
    if (statSync(full).isFile()) out += readFileSync(full, "utf8");
  }
  return out;
}

describe("sync push with a new-format secret, filesystem remote", () => {
  test("is blocked: exit 1, SECRET_FOUND naming file, line and rule, the value masked; the remote has none of it", () => {
    const cwd = tempDir();
    const remote = join(tempDir(), "backup");
    ok(["init", "shop", "--no-create-agent-files"], { cwd });
    ok(["remote", "add", "backup", remote], { cwd });
    // An OpenAI project key (sk-proj-…) and a Stripe webhook secret, both passed the old guard.
    const openai = fill(["sk-", "proj-{A:74}T3Blbk", "FJ{A:74}"].join(""), 3);
    const webhook = fill(["wh", "sec_{A:32}"].join(""), 4);
    const spec = join(cwd, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md");
    writeFileSync(spec, `# Spec\n\nThe assistant calls the API.\n\nOPENAI_API_KEY=${openai}\n`);
    const plan = join(cwd, ".idse/projects/shop/sessions/__blueprint__/plans/plan.md");
    writeFileSync(plan, `# Plan\n\n| setting | value |\n| --- | --- |\n| webhook | ${webhook} |\n`);

    const r = json(["sync", "push"], { cwd });
    expect(r.code).toBe(1);
    const blocked = r.json!.data.results.filter((x: { outcome: string }) => x.outcome === "blocked");
    expect(blocked.map((x: { path: string }) => x.path).sort()).toEqual([
      ".idse/projects/shop/sessions/__blueprint__/plans/plan.md",
      ".idse/projects/shop/sessions/__blueprint__/specs/spec.md",
    ]);
    const found = r.json!.diagnostics.filter((d: { code: string }) => d.code === "SECRET_FOUND");
    expect(found.map((d: { rule: string; line: number }) => [d.rule, d.line]).sort()).toEqual([
      ["secretlint-openai", 5],
      ["stripe-webhook-secret", 5],
    ]);
    for (const d of found) {
      expect(d.file).toMatch(/__blueprint__\/(specs\/spec|plans\/plan)\.md$/);
      expect(d.message).toContain("********");
    }
    const out = r.stdout + r.stderr;
    expect(out).not.toContain(openai);
    expect(out).not.toContain(webhook);
    const sent = everything(remote);
    expect(sent).not.toContain(openai);
    expect(sent).not.toContain(webhook);
    expect(sent).toContain("# Intent"); // the clean documents went

    // The text report names file:line:column, the rule and the mask.
    const text = run(["sync", "push"], { cwd });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/specs\/spec\.md:5:\d+\s+secretlint-openai\s+sk-proj-\*{8}/);
    expect(text.stdout + text.stderr).not.toContain(openai);
  });
});
