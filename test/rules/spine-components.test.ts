import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SessionMetadata } from "../../src/models/session-metadata.ts";
import { parseSpine } from "../../src/spine.ts";
import { validateSession } from "../../src/validation/engine.ts";
import { spineComponents } from "../../src/validation/rules/spine-components.ts";
import { FIXTURE } from "../helpers.ts";
import { FILLED, fileOf, lineOf, sessionInput } from "./harness.ts";

// Table test of idse/spine-components against the Spine of idse's own seed (the Python original's
// idse-orchestrator blueprint: ProjectWorkspace, SessionGraph, DesignStore, …).

const SEED_SPEC = readFileSync(
  join(FIXTURE, ".idse/projects/idse-orchestrator/sessions/__blueprint__/specs/spec.md"),
  "utf8",
);
const SPINE = parseSpine(SEED_SPEC, "bp/spec.md");

function run(
  texts: { spec?: string; plan?: string; tasks?: string },
  o: { spine?: ReturnType<typeof parseSpine>; blueprint?: boolean; allow?: string[] } = {},
) {
  const input = sessionInput({ texts });
  input.spine = o.spine ?? SPINE;
  if (o.blueprint) {
    input.session = "__blueprint__";
    input.meta = { ...input.meta, session_id: "__blueprint__", is_blueprint: true } as SessionMetadata;
  }
  const { report } = validateSession(input, [spineComponents], {
    [spineComponents.id]: { level: "error", options: o.allow ? { allow: o.allow } : undefined },
  });
  return report.findings.filter((f) => f.rule_id === spineComponents.id);
}

const plan = (components: string) =>
  FILLED.plan.replace("## Components\n", `## Components\n\n${components}\n`);

const VALID: [string, { spec?: string; plan?: string; tasks?: string }][] = [
  ["the filled templates", {}],
  [
    "Spine primitives in code in the Components section",
    { plan: plan("- `SessionGraph`: adds edges\n- `DesignStore`: new method") },
  ],
  ["a primitive by its module's file name", { plan: plan("- `ProjectWorkspace` via project_workspace.py") }],
  ["camelCase code is a function, not a component", { plan: plan("- `parseArgs`: reads flags") }],
  [
    "code later in an item is not the item's subject",
    { plan: plan("- Extend the graph with `InventedWidget` calls") },
  ],
  ["a bold name is prose", { plan: plan("- **InventedWidget**: renders things") }],
  [
    "a table without a component column outside a Components section",
    {
      spec: `${FILLED.spec}\n## Data\n\n| Field | Type |\n|---|---|\n| InventedWidget | string |\n`,
    },
  ],
  [
    "a Components table naming primitives",
    {
      spec: `${FILLED.spec}\n## Components\n\n| Component | Change |\n|---|---|\n| DesignStore | add list() |\n| ValidationEngine | new rule |\n`,
    },
  ],
  [
    "placeholders in a component column",
    { spec: `${FILLED.spec}\n| Component | Note |\n|---|---|\n| - | none |\n| TBD | later |\n` },
  ],
  ["a heading naming a primitive", { spec: `${FILLED.spec}\n### New component: ArtifactSyncEngine\n` }],
  [
    "a heading naming a primitive and more words",
    { spec: `${FILLED.spec}\n### Component: DesignStore changes\n` },
  ],
  [
    "a row that names its parent primitive is a part of it (the fixture's agent-spec-compiler plan)",
    {
      plan: plan(
        "| Component | Responsibility | Parent Primitive |\n|---|---|---|\n| `SessionLoader` | Load spec.md | `DocToAgentProfileSpecCompiler` |",
      ),
    },
  ],
  [
    "a row saying the component is not new",
    {
      plan: plan(
        "| Component | Responsibility | Interfaces |\n| --- | --- | --- |\n| `NotionDesignStore` | push/pull | `design_store_notion.py` — refactored |\n| `MCPDesignStoreAdapter` | sessions | unchanged |",
      ),
    },
  ],
  [
    "files, functions and phrases in a component column",
    {
      plan: plan(
        "| Component | Responsibility |\n|---|---|\n| `artifact_database.py` | CRUD |\n| `merge_profiles` | merge |\n| CLI additions | export |",
      ),
    },
  ],
  ["code fences are not read", { plan: plan("```\n- `InventedWidget`\n| Component |\n|---|\n| Foo |\n```") }],
];

const INVALID: [
  string,
  { spec?: string; plan?: string; tasks?: string },
  string,
  "spec" | "plan" | "tasks",
  string,
][] = [
  [
    "code identifier in the plan's Components section",
    { plan: plan("- `InventedWidget`: renders widgets") },
    "InventedWidget",
    "plan",
    "- `InventedWidget`",
  ],
  [
    "bold code identifier",
    { plan: plan("- **`InventedWidget`** renders widgets") },
    "InventedWidget",
    "plan",
    "InventedWidget",
  ],
  [
    "a Component column",
    {
      spec: `${FILLED.spec}\n## Design\n\n| # | Component | Responsibility |\n|---|---|---|\n| 1 | InventedWidget | renders |\n`,
    },
    "InventedWidget",
    "spec",
    "| 1 | InventedWidget",
  ],
  [
    "the first column of a table under Architecture",
    {
      plan: FILLED.plan.replace(
        "## Architecture\n",
        "## Architecture\n\n| Module | Purpose |\n|---|---|\n| Billing Engine | invoices |\n",
      ),
    },
    "Billing Engine",
    "plan",
    "| Billing Engine",
  ],
  [
    "a New component heading",
    { tasks: `${FILLED.tasks}\n### New component: InventedWidget\n` },
    "InventedWidget",
    "tasks",
    "### New component",
  ],
  [
    "a new class in a Components table (the fixture's notion plan)",
    {
      plan: plan(
        "| Component | Responsibility | Interfaces / Dependencies |\n| --- | --- | --- |\n| `NotionSchemaMap` | Map spine fields | New class or module |",
      ),
    },
    "NotionSchemaMap",
    "plan",
    "| `NotionSchemaMap`",
  ],
  [
    "a Title Case name in a heading",
    { spec: `${FILLED.spec}\n### New component: Billing Engine\n` },
    "Billing Engine",
    "spec",
    "### New component: Billing",
  ],
  [
    "a Primitive heading with a dash",
    { spec: `${FILLED.spec}\n## Primitive — QuotaKeeper\n` },
    "QuotaKeeper",
    "spec",
    "## Primitive",
  ],
  [
    "the Agent Profile's components",
    {
      spec: FILLED.spec.replace(/```yaml\n/, "```yaml\ncomponents:\n  - InventedWidget\n  - DesignStore\n"),
    },
    "InventedWidget",
    "spec",
    "  - InventedWidget",
  ],
  [
    "the Agent Profile's components as a flow list",
    {
      spec: FILLED.spec.replace(/```yaml\n/, "```yaml\ncomponents: [DesignStore, QuotaKeeper]\n"),
    },
    "QuotaKeeper",
    "spec",
    "components: [",
  ],
];

describe("idse/spine-components", () => {
  for (const [name, texts] of VALID) test(`valid: ${name}`, () => expect(run(texts)).toEqual([]));

  for (const [name, texts, component, stage, needle] of INVALID) {
    test(`invalid: ${name}`, () => {
      const findings = run(texts);
      expect(findings.map((f) => [f.stage, f.file])).toEqual([[stage, fileOf(stage)]]);
      const f = findings[0]!;
      expect(f.message).toContain(`"${component}"`);
      expect(f.message).toContain(`idse spine propose ${component}`);
      const text = texts[stage]!;
      expect(f.line).toBe(lineOf(text, needle));
      expect(text.split("\n")[f.line! - 1]!.slice(f.column! - 1)).toStartWith(component);
    });
  }

  test("one finding per name and document", () => {
    const findings = run({ plan: plan("- `InventedWidget`: a\n- `InventedWidget`: b") });
    expect(findings).toHaveLength(1);
  });

  test("the allow option exempts a name", () => {
    expect(run({ plan: plan("- `InventedWidget`: a") }, { allow: ["inventedwidget"] })).toEqual([]);
  });

  test("no Spine declared: silent, never an error storm", () => {
    const none = parseSpine("# Spec\n\n## Overview\n\nNo spine.\n", "x");
    expect(run({ plan: plan("- `InventedWidget`: a") }, { spine: none })).toEqual([]);
  });

  test("the blueprint session itself is not checked (it is where components are declared)", () => {
    expect(run({ plan: plan("- `InventedWidget`: a") }, { blueprint: true })).toEqual([]);
  });

  test("a Spine in the list form counts too", () => {
    const list = parseSpine("## Product Spine\n\n- **Workspace**: ProjectWorkspace, SessionGraph\n", "x");
    expect(run({ plan: plan("- `SessionGraph`: x") }, { spine: list })).toEqual([]);
    expect(run({ plan: plan("- `DesignStore`: x") }, { spine: list }).map((f) => f.rule_id)).toEqual([
      "idse/spine-components",
    ]);
  });
});
