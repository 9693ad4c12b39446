import { describe, expect, test } from "bun:test";
import type { SessionMetadata } from "../../src/models/session-metadata.ts";
import { parseSpine } from "../../src/spine.ts";
import { validateSession } from "../../src/validation/engine.ts";
import { spineCoverage } from "../../src/validation/rules/spine-coverage.ts";
import { sessionInput } from "./harness.ts";

const TABLE = `# Spec

## Product Spine

Active milestone: MVP

| Primitive | Module | Area | Layer | Milestone | System Role |
|---|---|---|---|---|---|
| ProjectWorkspace | workspace.ts | Foundation | Workspace | MVP | Primitive |
| SessionGraph | session-graph.ts | Core Loop | Governance | MVP | Primitive |
| DesignStore | store/contract.ts | Platform | Storage | Later | Primitive |
`;

function run(
  touched: Record<string, string[]> | undefined,
  o: { spec?: string; session?: string; activeMilestones?: string[] } = {},
) {
  const input = sessionInput();
  input.session = o.session ?? "__blueprint__";
  input.meta = { ...input.meta, session_id: input.session, is_blueprint: true } as SessionMetadata;
  input.spine = parseSpine(o.spec ?? TABLE, "bp/spec.md");
  input.spineTouched = touched ? new Map(Object.entries(touched)) : undefined;
  const options = o.activeMilestones ? { activeMilestones: o.activeMilestones } : undefined;
  const { report } = validateSession(input, [spineCoverage], {
    [spineCoverage.id]: { level: "warn", options },
  });
  return report.findings;
}

describe("idse/spine-coverage", () => {
  test("valid: every primitive of the active milestone is worked on", () => {
    expect(run({ ProjectWorkspace: ["a"], SessionGraph: ["b"] })).toEqual([]);
  });
  test("invalid: an active primitive no session names is a warning on its row", () => {
    const f = run({ ProjectWorkspace: ["a"] });
    expect(f.map((x) => [x.severity, x.line, x.file])).toEqual([["warning", 10, "bp/spec.md"]]);
    expect(f[0]!.message).toContain('"SessionGraph"');
    expect(f[0]!.message).toContain('"MVP"');
  });
  test("a primitive of an inactive milestone is not reported", () => {
    expect(
      run({ ProjectWorkspace: ["a"], SessionGraph: ["b"] }).some((x) => x.message.includes("DesignStore")),
    ).toBe(false);
  });
  test("the option names the active milestones instead of the Spine", () => {
    const f = run({ ProjectWorkspace: ["a"], SessionGraph: ["b"] }, { activeMilestones: ["later"] });
    expect(f.map((x) => x.message.match(/"(\w+)"/)![1])).toEqual(["DesignStore"]);
  });
  test("no active milestone declared: nothing to report", () => {
    expect(run({}, { spec: TABLE.replace("Active milestone: MVP\n", "") })).toEqual([]);
  });
  test("no Spine declared: nothing to report", () => {
    expect(run({}, { spec: "# Spec\n" })).toEqual([]);
  });
  test("only the blueprint reports coverage", () => {
    expect(run({}, { session: "feature-a" })).toEqual([]);
  });
});
