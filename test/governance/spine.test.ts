import { describe, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { addPrimitive, checkSpine, parseSpine } from "../../src/spine.ts";
import { fixtureCopy, idse, initShop, REPO, tempDir } from "../helpers.ts";
import { call, connect } from "../mcp/util.ts";

// `idse spine …` on the two fixtures and on bad tables; the CI story of docs/governance.md; and the
// doctrine that nothing but `idse spine accept` edits the Spine table.

const SQLITE_FIXTURE = resolve(REPO, "..", "shared", "fixtures", "python-original-sqlite-workspace");
const BP_SPEC = ".idse/projects/shop/sessions/__blueprint__/specs/spec.md";
const SPINE = `## Product Spine

| # | Primitive | Module | Area | Layer | Milestone | System Role |
|---|---|---|---|---|---|---|
| 1 | Catalog | catalog.ts | Core | Storage | MVP | Primitive |
| 2 | Checkout | checkout.ts | Core | Coordination | MVP | Primitive |
`;

async function run(cwd: string, argv: string[], o: { stdin?: string } = {}) {
  const r = await idse([...argv, "--json"], { cwd, ...o });
  return { code: r.code, data: r.json!.data, diagnostics: r.json!.diagnostics, stderr: r.stderr };
}

async function shopWithSpine(): Promise<string> {
  const cwd = await initShop();
  const spec = readFileSync(join(cwd, BP_SPEC), "utf8");
  writeFileSync(join(cwd, BP_SPEC), `${spec}\n${SPINE}`);
  return cwd;
}

describe("idse spine", () => {
  test("the Python original's workspace: 12 primitives read from its Product Spine Table, and it checks clean", async () => {
    const cwd = fixtureCopy();
    const r = await run(cwd, ["spine"]);
    expect(r.code).toBe(0);
    const s = r.data.spine;
    expect([s.declared, s.format, s.heading, s.primitives.length]).toEqual([
      true,
      "table",
      "4. Product Spine Table",
      12,
    ]);
    expect(s.primitives[0]).toMatchObject({
      name: "ProjectWorkspace",
      module: "project_workspace.py",
      area: "Foundation",
      layer: "Workspace",
      milestone: "Concept",
      role: "Primitive",
    });
    expect(s.primitives.map((p: { name: string }) => p.name)).toContain("DocToAgentProfileSpecCompiler");
    const c = await run(cwd, ["spine", "check"]);
    expect([c.code, c.data.passed, c.data.findings]).toEqual([0, true, []]);
  });

  test("the original's SQLite workspace: no Spine declared is a clear state, not an error storm", async () => {
    const cwd = tempDir();
    cpSync(SQLITE_FIXTURE, cwd, { recursive: true });
    for (const project of ["shop", "billing-svc"]) {
      const r = await run(cwd, ["spine", "--project", project]);
      // ORIGINAL_DATABASE_FOUND: the original's database is not imported here (docs/migrating.md).
      const codes = r.diagnostics
        .map((d: { code: string }) => d.code)
        .filter((c: string) => c !== "ORIGINAL_DATABASE_FOUND");
      expect([r.code, r.data.spine.declared, codes]).toEqual([0, false, ["SPINE_NOT_DECLARED"]]);
      const c = await run(cwd, ["spine", "check", "--project", project]);
      expect([c.code, c.data.declared, c.data.findings]).toEqual([0, false, []]);
      const v = await run(cwd, [
        "validate",
        "--all",
        "--project",
        project,
        "--rule",
        "idse/spine-components",
        "--rule",
        "idse/spine-coverage",
      ]);
      expect(v.data.reports.flatMap((x: { findings: unknown[] }) => x.findings)).toEqual([]);
    }
  });

  test("spine check: malformed rows, duplicates, empty cells, unknown layers", () => {
    const table = (rows: string, extra = "") =>
      `# Spec\n\n## Product Spine\n${extra}\n| Primitive | Module | Area | Layer | Milestone | System Role | Owner |\n|---|---|---|---|---|---|---|\n${rows}`;
    const codes = (text: string) =>
      checkSpine(parseSpine(text, "s")).map((f) => [f.severity, f.code, f.line]);
    expect(codes(table("| A | a.ts | Core | Storage | MVP | Primitive | ana |\n"))).toEqual([]);
    expect(
      codes(
        table(
          "| A | a.ts | Core | Storage | MVP | Primitive | ana |\n| a | b.ts | Core | Storage | MVP | Primitive | bo |\n",
        ),
      ),
    ).toEqual([["error", "SPINE_DUPLICATE", 8]]);
    expect(codes(table("| A |  | Core | Storage | MVP | Primitive | ana |\n"))).toEqual([
      ["error", "SPINE_EMPTY_CELL", 7],
    ]);
    expect(codes(table("| A | a.ts | Core | Storage | MVP | Primitive |  |\n"))).toEqual([
      ["warning", "SPINE_EMPTY_CELL", 7],
    ]);
    expect(codes(table("| A | a.ts | Core | Frontend | MVP | Primitive | ana |\n"))).toEqual([
      ["warning", "SPINE_UNKNOWN_LAYER", 7],
    ]);
    expect(
      codes(table("| A | a.ts | Core | Frontend | MVP | Primitive | ana |\n", "\nLayers: Storage, Sync\n")),
    ).toEqual([["error", "SPINE_UNKNOWN_LAYER", 9]]);
    expect(codes(table("| A | a.ts | Core |\n"))).toEqual([["error", "SPINE_MALFORMED", 7]]);
    expect(codes("## Product Spine\n\n| Primitive | Layer |\n| A | Sync |\n")).toEqual([
      ["error", "SPINE_MALFORMED", 3],
    ]);
    expect(codes("## Product Spine\n\n| Thing | Layer |\n|---|---|\n| A | Sync |\n")).toEqual([
      ["error", "SPINE_MALFORMED", 3],
    ]);
    // Extra columns are kept as data.
    expect(
      parseSpine(table("| A | a.ts | Core | Storage | MVP | Primitive | ana |\n"), "s").primitives[0]!.extra,
    ).toEqual({ owner: "ana" });
  });

  test("the list form: bullets under group labels, and `Group: A, B` lines", () => {
    const s = parseSpine(
      "## Product Spine\n\n**Workspace:**\n- ProjectWorkspace\n- DesignStore (abstraction)\n\n- **Sync**: ArtifactSyncEngine, ArtifactConfig\nCLI: CLIInterface\n",
      "s",
    );
    expect(s.primitives.map((p) => [p.area, p.name, p.role])).toEqual([
      ["Workspace", "ProjectWorkspace", null],
      ["Workspace", "DesignStore", "abstraction"],
      ["Sync", "ArtifactSyncEngine", null],
      ["Sync", "ArtifactConfig", null],
      ["CLI", "CLIInterface", null],
    ]);
  });

  test("accept in the list form adds a bullet under the primitive's group, or a new group", () => {
    const text =
      "# Spec\n\n## Product Spine\n\n- **Workspace**: ProjectWorkspace\n- **Sync**: ArtifactSyncEngine\n\n## Next\n";
    const s = parseSpine(text, "s");
    const p = { module: null, milestone: null, role: null, layer: "Workspace" };
    const one = addPrimitive(text, s, { ...p, name: "SessionGraph", area: "Workspace" });
    expect(one).toBe(text.replace("ProjectWorkspace\n", "ProjectWorkspace\n- SessionGraph\n"));
    expect(parseSpine(one, "s").primitives.map((x) => [x.area, x.name])).toEqual([
      ["Workspace", "ProjectWorkspace"],
      ["Workspace", "SessionGraph"],
      ["Sync", "ArtifactSyncEngine"],
    ]);
    const two = addPrimitive(text, s, { ...p, name: "CLIInterface", area: "CLI" });
    expect(parseSpine(two, "s").primitives.at(-1)).toMatchObject({ area: "CLI", name: "CLIInterface" });
  });

  test("CI: a feature session that invents a component fails; propose and accept make it pass", async () => {
    const cwd = await shopWithSpine();
    expect((await run(cwd, ["session", "create", "gift-cards"])).code).toBe(0);
    const plan = readFileSync(join(cwd, ".idse/projects/shop/sessions/gift-cards/plans/plan.md"), "utf8");
    await run(cwd, ["artifact", "write", "--stage", "plan"], {
      stdin: plan.replace(
        "## Components\n",
        "## Components\n\n- `GiftCardLedger`: balances per card\n- `Checkout`: accepts gift cards\n",
      ),
    });
    const v = await run(cwd, ["validate", "--rule", "idse/spine-components"]);
    expect(v.code).toBe(1);
    const f = v.data.reports[0].findings;
    expect(
      f.map((x: { rule_id: string; stage: string; line: number }) => [x.rule_id, x.stage, x.line]),
    ).toEqual([["idse/spine-components", "plan", plan.split("\n").indexOf("## Components") + 3]]);
    expect(f[0].message).toContain('"GiftCardLedger"');
    // route names what the session works on.
    const route = await run(cwd, ["route", "plan"]);
    expect(route.data.handoff.spine_primitives).toEqual(["Checkout"]);
    expect(route.data.handoff.markdown).toContain("This session works on: `Checkout`.");
    // The completion gate refuses while the finding stands, even with the rule set to warn.
    writeFileSync(
      join(cwd, ".idse/config.json"),
      JSON.stringify({ validation: { rules: { "idse/spine-components": "warn" } } }),
    );
    const gate = await run(cwd, ["session", "set-status", "gift-cards", "--status", "complete"]);
    expect(gate.code).toBe(1);
    expect(gate.diagnostics.some((d: { rule_id?: string }) => d.rule_id === "idse/spine-components")).toBe(
      true,
    );
    // Propose: the table does not change. Accept: it gains the row, and the finding is gone.
    const before = readFileSync(join(cwd, BP_SPEC), "utf8");
    const p = await run(cwd, [
      "spine",
      "propose",
      "GiftCardLedger",
      "--area",
      "Core",
      "--layer",
      "Storage",
      "--reason",
      "balances per card",
      "--session",
      "gift-cards",
    ]);
    expect([p.code, p.data.spine_changed, readFileSync(join(cwd, BP_SPEC), "utf8")]).toEqual([
      0,
      false,
      before,
    ]);
    expect(
      (await run(cwd, ["spine", "proposals"])).data.proposals.map((x: { name: string }) => x.name),
    ).toEqual(["GiftCardLedger"]);
    const a = await run(cwd, ["spine", "accept", "GiftCardLedger"]);
    expect([a.code, a.data.spine_changed, a.data.proposal.status]).toEqual([0, true, "accepted"]);
    const after = readFileSync(join(cwd, BP_SPEC), "utf8");
    expect(after).toBe(
      before.replace(
        /(\| 2 \| Checkout [^\n]*\n)/,
        "$1| 3 | GiftCardLedger | (TBD) | Core | Storage | Concept | Primitive |\n",
      ),
    );
    expect((await run(cwd, ["spine", "check"])).data.passed).toBe(true);
    const again = await run(cwd, ["validate", "--rule", "idse/spine-components"]);
    expect(again.data.reports[0].findings).toEqual([]);
  });

  test("propose, accept and reject refuse what they cannot do, and change nothing", async () => {
    const cwd = await shopWithSpine();
    const code = async (argv: string[]) => {
      const r = await run(cwd, argv);
      return [r.code, r.diagnostics[0]?.code];
    };
    const spec = readFileSync(join(cwd, BP_SPEC), "utf8");
    const P = ["--area", "Core", "--layer", "Storage", "--reason", "why"];
    expect(await code(["spine", "propose", "Catalog", ...P])).toEqual([1, "SPINE_PRIMITIVE_EXISTS"]);
    expect(await code(["spine", "propose", "bad name", ...P])).toEqual([2, "SPINE_INVALID_NAME"]);
    expect(await code(["spine", "propose", "Quota", "--area", "Core", "--layer", "Storage"])).toEqual([
      2,
      "USAGE",
    ]);
    expect(await code(["spine", "accept", "Quota"])).toEqual([1, "SPINE_PROPOSAL_NOT_FOUND"]);
    expect(await code(["spine", "propose", "Quota", ...P])).toEqual([0, undefined]);
    expect(await code(["spine", "propose", "quota", ...P])).toEqual([1, "SPINE_PROPOSAL_EXISTS"]);
    const r = await run(cwd, ["spine", "reject", "Quota", "--reason", "Catalog covers it"]);
    expect([r.code, r.data.proposal.status, r.data.spine_changed]).toEqual([0, "rejected", false]);
    expect(readFileSync(join(cwd, BP_SPEC), "utf8")).toBe(spec);
    expect((await run(cwd, ["spine", "proposals", "--all"])).data.proposals[0]).toMatchObject({
      status: "rejected",
      decision_reason: "Catalog covers it",
    });
  });

  test("accept on a project without a Spine declares one", async () => {
    const cwd = await initShop();
    await run(cwd, [
      "spine",
      "propose",
      "Catalog",
      "--area",
      "Core",
      "--layer",
      "Storage",
      "--reason",
      "the product list",
    ]);
    await run(cwd, ["spine", "accept", "Catalog"]);
    const s = (await run(cwd, ["spine"])).data.spine;
    expect([s.declared, s.primitives.map((p: { name: string }) => p.name)]).toEqual([true, ["Catalog"]]);
  });
});

describe("nothing but `idse spine accept` edits the Spine table", () => {
  test("MCP artifact_write: a blueprint spec that changes the table is refused; other edits pass", async () => {
    const cwd = await shopWithSpine();
    const spec = readFileSync(join(cwd, BP_SPEC), "utf8");
    const { client, close } = await connect(cwd, { agent: "claude-code" });
    const denied = await call(client, "artifact_write", {
      stage: "spec",
      session: "__blueprint__",
      content: spec.replace("| 2 | Checkout |", "| 2 | Payments |"),
    });
    expect(denied.isError).toBe(true);
    expect(denied.content[0]!.text).toContain("SPINE_EDIT_DENIED");
    expect(readFileSync(join(cwd, BP_SPEC), "utf8")).toBe(spec);
    const fine = await call(client, "artifact_write", {
      stage: "spec",
      session: "__blueprint__",
      content: `${spec}\nMore prose.\n`,
    });
    expect(fine.isError).toBeUndefined();
    await close();
  });

  test("compile agent-spec and the Claude Code hook read the blueprint spec and leave it byte for byte", async () => {
    const cwd = await shopWithSpine();
    const spec = readFileSync(join(cwd, BP_SPEC), "utf8");
    await idse(["compile", "agent-spec", "--session", "__blueprint__"], { cwd });
    const hook = {
      session_id: "x",
      cwd,
      hook_event_name: "PreToolUse",
      tool_name: "Edit",
      tool_input: { file_path: join(cwd, BP_SPEC), old_string: "Checkout", new_string: "Payments" },
    };
    await idse(["hook", "claude-pre-tool-use"], { cwd, stdin: JSON.stringify(hook) });
    await idse(["validate", "--all", "--fix"], { cwd });
    expect(readFileSync(join(cwd, BP_SPEC), "utf8")).toBe(spec);
  });
  test("store import: an exported blueprint spec whose table was edited is held back unless --accept-spine", async () => {
    const cwd = tempDir();
    expect(
      (await idse(["init", "shop", "--store", "sqlite-store", "--no-create-agent-files"], { cwd })).code,
    ).toBe(0);
    const spec = (await run(cwd, ["artifact", "read", "--stage", "spec", "--session", "__blueprint__"])).data
      .content;
    await run(cwd, ["artifact", "write", "--stage", "spec", "--session", "__blueprint__"], {
      stdin: `${spec}\n${SPINE}`,
    });
    expect((await run(cwd, ["store", "export"])).code).toBe(0);
    const file = join(cwd, BP_SPEC);
    writeFileSync(file, readFileSync(file, "utf8").replace("| 2 | Checkout |", "| 2 | Payments |"));
    const held = await run(cwd, ["store", "import"]);
    expect([held.code, held.data.counts.held, held.diagnostics[0].code]).toEqual([1, 1, "SPINE_CHANGE_HELD"]);
    const names = async () =>
      (await run(cwd, ["spine"])).data.spine.primitives.map((p: { name: string }) => p.name);
    expect(await names()).toEqual(["Catalog", "Checkout"]);
    expect((await run(cwd, ["store", "import", "--accept-spine"])).code).toBe(0);
    expect(await names()).toEqual(["Catalog", "Payments"]);
  });
  // sync pull: test/sync/engine.test.ts ("Spine doctrine") holds a pull that changes the table back.
});
