import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateWorkspace, writeDocuments } from "../../scripts/bench-workspace.ts";
import { idse, tempDir } from "../helpers.ts";

// The benchmark's written workspace (`bench-workspace.ts --written`) is only a fair measure of the engine
// on real documents if its documents really are written: no guidance sentence, no marker but the one a
// draft leaves in its open questions, requirements covered by tasks. The validator says so.

describe("bench workspace --written", () => {
  test("every document is written: a draft's open question is the only finding", async () => {
    const ws = await generateWorkspace(tempDir("idse-bench-written-"), 21);
    await writeDocuments(ws);
    const r = await idse(["validate", "--all", "--json", "--no-cache"], { cwd: ws.dir });
    const reports = r.json!.data.reports as {
      session: string;
      findings: { rule_id: string; message_id: string; file: string }[];
    }[];
    expect(reports).toHaveLength(21);
    const findings = reports.flatMap((x) => x.findings.map((f) => ({ session: x.session, ...f })));
    // Sessions 1-3, 10-13 and 20 are drafts (bench-workspace.ts's shapeOf): one marker each, in the spec.
    expect(new Set(findings.map((f) => `${f.rule_id}:${f.message_id}`))).toEqual(
      new Set(["idse/no-requires-input:marker"]),
    );
    expect(findings.map((f) => f.session).sort()).toEqual(
      ["feature-0001", "feature-0002", "feature-0003", "feature-0010", "feature-0011", "feature-0012"]
        .concat(["feature-0013", "feature-0020"])
        .sort(),
    );
    for (const f of findings) expect(f.file).toEndWith("specs/spec.md");
    // Sessions differ from one another: the engine gets no run of identical documents.
    const spec = (id: string) =>
      readFileSync(join(ws.dir, ".idse/projects/bench/sessions", id, "specs/spec.md"), "utf8").replaceAll(
        id,
        "",
      );
    expect(spec("feature-0005")).not.toBe(spec("feature-0006"));
  });
});
