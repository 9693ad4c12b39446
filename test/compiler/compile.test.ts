import { describe, expect, test } from "bun:test";
import { renderStage } from "../../src/artifacts.ts";
import { loadProfileParser, readProfile } from "../../src/compiler/check.ts";
import { compileProfile, type SpecDoc } from "../../src/compiler/index.ts";
import { locateProfile } from "../../src/compiler/locate.ts";
import { IdseError } from "../../src/errors.ts";
import type { AgentProfileSpec } from "../../src/models/agent-profile.ts";

// The yaml side of readProfile loads on demand (src/compiler/check.ts); the command awaits it, so do these.
await loadProfileParser();

// Spec documents → the profile they compile to, or the error and the line of spec.md it points at. Covers
// every case of the Python original's tests (section missing, empty block, not a mapping, bad YAML, missing
// id or name, deep merge, list replacement) and the new ones (unknown keys, unfinished values, section
// bounds). --check is covered by test/compiler/command.test.ts and test/e2e/compile.test.ts.

const SPEC = ".idse/projects/shop/sessions/billing/specs/spec.md";
const BP = ".idse/projects/shop/sessions/__blueprint__/specs/spec.md";

/** A spec whose Agent Profile section holds `yaml`, between other sections. */
const spec = (yaml: string, heading = "## Agent Profile") =>
  `# Spec: shop\n\n## Overview\n\nSome text.\n\n${heading}\n\nThe agent.\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n\n## Open Questions\n\nNone.\n`;

interface Case {
  name: string;
  /** The session's spec.md; undefined: the file does not exist. */
  spec: string | undefined;
  /** The blueprint's spec.md; omitted: no blueprint session. */
  blueprint?: string | undefined;
  /** Compile the blueprint alone (`--session __blueprint__`). */
  alone?: boolean;
  profile?: Partial<AgentProfileSpec>;
  error?: {
    code: string;
    /** The first line of the erring file that contains this text; null: the error has no line. */
    at: string | null;
    /** Which file the error points at (default: the session's spec). */
    in?: "blueprint";
    column?: number;
    /** Other data the error must carry. */
    data?: Record<string, unknown>;
    /** Codes of the details, in order. */
    details?: string[];
  };
}

const CASES: Case[] = [
  // --- the original's cases ---
  {
    name: "a minimal profile, with the model's defaults",
    spec: spec("id: agent-1\nname: Agent One"),
    profile: {
      id: "agent-1",
      name: "Agent One",
      description: null,
      goals: [],
      tools: [],
      memory_policy: null,
      runtime_hints: null,
      model_preference: null,
      version: "1.0",
      source_session: "billing",
      source_blueprint: null,
    },
  },
  {
    name: "section missing",
    spec: "# Spec\n\n## Overview\n\n```yaml\nid: a\nname: b\n```\n",
    error: {
      code: "AGENT_PROFILE_NOT_FOUND",
      at: null,
      data: { reason: expect.stringContaining("no `## Agent Profile` section") },
    },
  },
  {
    name: "spec.md missing",
    spec: undefined,
    error: { code: "AGENT_PROFILE_NOT_FOUND", at: null, data: { reason: "its spec.md does not exist" } },
  },
  {
    name: "empty block",
    spec: spec(""),
    error: { code: "AGENT_PROFILE_INVALID", at: "```yaml", data: { reason: "the ```yaml block is empty" } },
  },
  {
    name: "a block of comments only is empty",
    spec: spec("# nothing yet"),
    error: { code: "AGENT_PROFILE_INVALID", at: "```yaml", data: { reason: "the ```yaml block is empty" } },
  },
  {
    name: "not a mapping (a list)",
    spec: spec("- id: a\n- name: b"),
    error: {
      code: "AGENT_PROFILE_INVALID",
      at: "- id: a",
      data: { reason: expect.stringContaining("not a list") },
    },
  },
  {
    name: "not a mapping (a scalar; the original's `:bad`)",
    spec: spec(":bad"),
    error: {
      code: "AGENT_PROFILE_INVALID",
      at: ":bad",
      data: { reason: expect.stringContaining("not a single value") },
    },
  },
  {
    name: "bad YAML, with its line and column in spec.md",
    spec: spec("id: a\nname: b\ntools: [git, make\ngoals: []"),
    error: { code: "AGENT_PROFILE_YAML", at: "goals: []", column: 1 },
  },
  {
    name: "bad YAML: an unclosed quote",
    spec: spec('id: a\nname: "Billing\ngoals: []'),
    error: { code: "AGENT_PROFILE_YAML", at: "goals: []" },
  },
  {
    name: "bad YAML: a duplicate key",
    spec: spec("id: a\nname: b\nid: c"),
    error: {
      code: "AGENT_PROFILE_YAML",
      at: "id: c",
      column: 1,
      data: { reason: "Map keys must be unique" },
    },
  },
  {
    name: "bad YAML: an alias without an anchor",
    spec: spec("id: a\nname: *who"),
    error: { code: "AGENT_PROFILE_YAML", at: "name: *who", column: 7 },
  },
  // Parser limits: a stable code with the line, never INTERNAL (an alias bomb crashed the compiler).
  {
    name: "an alias bomb (aliases that expand exponentially) is a YAML limit at the first alias",
    spec: spec(
      [
        "id: a",
        "name: b",
        'description: &x0 "lol"',
        `tools: [${Array.from({ length: 9 }, (_, i) => `&x${i + 1} [${`*x${i}, `.repeat(8)}*x${i}]`).join(", ")}]`,
      ].join("\n"),
    ),
    error: {
      code: "PROFILE_YAML_LIMIT",
      at: "tools: [",
      data: { reason: expect.stringContaining("aliases") },
    },
  },
  {
    name: "nesting deeper than 64 levels is a YAML limit at the level that passes it",
    spec: spec(`id: a\nname: b\ndeep: ${"[".repeat(80)}${"]".repeat(80)}`),
    error: { code: "PROFILE_YAML_LIMIT", at: "deep: [", data: { reason: "it nests deeper than 64 levels" } },
  },
  {
    name: "nesting that would exhaust the parser's stack is a YAML limit",
    spec: spec(`id: a\nname: b\ndeep: ${"[".repeat(20_000)}${"]".repeat(20_000)}`),
    error: { code: "PROFILE_YAML_LIMIT", at: "deep: [" },
  },
  {
    name: "a block over 64 KiB is a YAML limit",
    spec: spec(`id: a\nname: b\ngoals: [${'"x", '.repeat(20_000)}"x"]`),
    error: {
      code: "PROFILE_YAML_LIMIT",
      at: "id: a",
      data: { reason: expect.stringContaining("at most 65536 are read") },
    },
  },
  {
    name: "missing id",
    spec: spec("name: Agent One"),
    error: {
      code: "AGENT_PROFILE_INVALID",
      at: "```yaml",
      data: { field: "id", reason: 'the required key "id" is missing' },
    },
  },
  {
    name: "missing name",
    spec: spec("id: agent-1"),
    error: { code: "AGENT_PROFILE_INVALID", at: "```yaml", data: { field: "name" } },
  },
  {
    name: "missing id and name: both reported",
    spec: spec("description: Missing required fields"),
    error: {
      code: "AGENT_PROFILE_INVALID",
      at: "```yaml",
      data: { field: "id" },
      details: ["AGENT_PROFILE_INVALID"],
    },
  },
  {
    name: "missing id in the merged result, blueprint and session both lacking it (the original's pipeline test)",
    spec: spec("description: Missing required fields"),
    blueprint: spec("description: Base defaults only"),
    error: {
      code: "AGENT_PROFILE_INVALID",
      at: "```yaml",
      data: { field: "id" },
      details: ["AGENT_PROFILE_INVALID"],
    },
  },
  {
    name: "deep merge: mappings merge at every depth, scalars and lists replace",
    blueprint: spec(
      "id: agent\nname: Base\ndescription: default\ngoals: [a]\nconstraints: [no-llm, deterministic]\n" +
        "memory_policy:\n  retain_days: 7\n  shared: false\nruntime_hints:\n  x: 1\n  nested:\n    y: 1\n    keep: true",
    ),
    spec: spec(
      "name: Feature\ngoals: [b]\nconstraints: [deterministic]\nmemory_policy:\n  shared: true\n" +
        "runtime_hints:\n  nested:\n    y: 2\n  z: 3",
    ),
    profile: {
      id: "agent",
      name: "Feature",
      description: "default",
      goals: ["b"],
      constraints: ["deterministic"],
      memory_policy: { retain_days: 7, shared: true },
      runtime_hints: { x: 1, nested: { y: 2, keep: true }, z: 3 },
      source_session: "billing",
      source_blueprint: "__blueprint__",
    },
  },
  {
    name: "list replacement: an empty list in the session clears the blueprint's",
    blueprint: spec("id: base\nname: Base\ntools: [sqlite]"),
    spec: spec("id: feature-a\nname: Feature Agent\ntools: []"),
    profile: { id: "feature-a", tools: [] },
  },
  {
    name: "a null in the session replaces the blueprint's value",
    blueprint: spec("id: base\nname: Base\ndescription: Base agent"),
    spec: spec("description:"),
    profile: { id: "base", description: null },
  },
  {
    name: "provenance is stamped whatever the block says",
    spec: spec("id: a\nname: b\nsource_session: other\nsource_blueprint: [REQUIRES INPUT]"),
    blueprint: spec("id: base\nname: Base"),
    profile: { source_session: "billing", source_blueprint: "__blueprint__" },
  },
  // --- either side may lack a profile ---
  {
    name: "a session without a profile compiles from the blueprint's",
    spec: "# Spec\n\n## Overview\n\nNo profile here.\n",
    blueprint: spec("id: base\nname: Base\nversion: '2.0'"),
    profile: {
      id: "base",
      name: "Base",
      version: "2.0",
      source_session: "billing",
      source_blueprint: "__blueprint__",
    },
  },
  {
    name: "a blueprint without a profile is no error when the session's is complete",
    spec: spec("id: a\nname: b"),
    blueprint: "# Spec\n",
    profile: { id: "a", source_blueprint: "__blueprint__" },
  },
  {
    name: "neither side has a profile",
    spec: "# Spec\n",
    blueprint: "# Spec\n",
    error: {
      code: "AGENT_PROFILE_NOT_FOUND",
      at: null,
      data: { reason: expect.stringContaining("has none either") },
    },
  },
  {
    name: "the blueprint compiled alone",
    spec: undefined,
    blueprint: spec("id: base\nname: Base"),
    alone: true,
    profile: { id: "base", source_session: "__blueprint__", source_blueprint: "__blueprint__" },
  },
  {
    name: "a broken blueprint block fails with the blueprint's line",
    spec: spec("id: a\nname: b"),
    blueprint: spec("id: base\n  name: Base"),
    error: { code: "AGENT_PROFILE_YAML", at: "id: base", in: "blueprint", details: ["AGENT_PROFILE_YAML"] },
  },
  // --- unknown keys (the original dropped them silently) ---
  {
    name: "unknown keys are named, at the line of the first",
    spec: spec("id: a\nname: b\nmodel: gpt\ntemperature: 0.2"),
    error: {
      code: "AGENT_PROFILE_UNKNOWN_KEYS",
      at: "model: gpt",
      column: 1,
      data: { keys: ["model", "temperature"] },
      details: ["AGENT_PROFILE_UNKNOWN_KEYS"],
    },
  },
  {
    name: "an unknown key inherited from the blueprint points at the blueprint",
    spec: spec("id: a\nname: b"),
    blueprint: spec("id: base\nname: Base\nowner: ana"),
    error: {
      code: "AGENT_PROFILE_UNKNOWN_KEYS",
      at: "owner: ana",
      in: "blueprint",
      data: { keys: ["owner"] },
    },
  },
  {
    name: "unknown keys nested in memory_policy and runtime_hints are free-form",
    spec: spec("id: a\nname: b\nruntime_hints:\n  anything: [1, 2]\n  deep: {x: null}"),
    profile: { runtime_hints: { anything: [1, 2], deep: { x: null } } },
  },
  // --- unfinished values ---
  {
    name: "a value that still says [REQUIRES INPUT]",
    spec: spec('id: a\nname: "[REQUIRES INPUT]"'),
    error: { code: "AGENT_PROFILE_UNFINISHED", at: "name:", column: 7, data: { field: "name" } },
  },
  {
    name: "an unquoted [REQUIRES INPUT] (a flow list in YAML) is unfinished, not a type error",
    spec: spec("id: [REQUIRES INPUT]\nname: [REQUIRES INPUT]"),
    error: {
      code: "AGENT_PROFILE_UNFINISHED",
      at: "id:",
      data: { field: "id" },
      details: ["AGENT_PROFILE_UNFINISHED"],
    },
  },
  {
    name: "the marker inside a list item or a nested mapping",
    spec: spec(
      "id: a\nname: b\ngoals:\n  - ship it\n  - '[REQUIRES INPUT]: more goals'\nruntime_hints:\n  mode: '[REQUIRES INPUT]'",
    ),
    error: {
      code: "AGENT_PROFILE_UNFINISHED",
      at: "more goals",
      column: 5,
      data: { field: "goals[1]" },
      details: ["AGENT_PROFILE_UNFINISHED"],
    },
  },
  {
    name: "an unfinished value inherited from the blueprint points at the blueprint",
    spec: spec("id: a\nname: b"),
    blueprint: spec('id: base\nname: Base\ndescription: "[REQUIRES INPUT]"'),
    error: {
      code: "AGENT_PROFILE_UNFINISHED",
      at: "description:",
      in: "blueprint",
      data: { field: "description" },
    },
  },
  {
    name: "the session's value hides the blueprint's unfinished one",
    spec: spec("id: a\nname: b\ndescription: Bills customers"),
    blueprint: spec('id: base\nname: "[REQUIRES INPUT]"\ndescription: "[REQUIRES INPUT]"'),
    profile: { name: "b", description: "Bills customers" },
  },
  {
    name: "the untouched spec template is unfinished, at its name line",
    spec: renderStage("spec", {
      project: "shop",
      session: "billing",
      stack: "go",
      date: "2026-01-01",
      owner: "ana",
    }),
    error: {
      code: "AGENT_PROFILE_UNFINISHED",
      at: 'name: "[REQUIRES INPUT]"',
      data: { field: "name" },
      details: ["AGENT_PROFILE_UNFINISHED"],
    },
  },
  {
    name: "the spec template, filled in, compiles (its keys, model_preference included, are all known)",
    spec: renderStage("spec", {
      project: "shop",
      session: "billing",
      stack: "go",
      date: "2026-01-01",
      owner: "ana",
    })
      .replace('name: "[REQUIRES INPUT]"', "name: Billing")
      .replace('description: "[REQUIRES INPUT]"', "description: Bills"),
    profile: { id: "billing-agent", name: "Billing", description: "Bills", model_preference: null },
  },
  // --- types ---
  {
    name: "a list where a list is due, with the line of the value",
    spec: spec("id: a\nname: b\ngoals: ship it"),
    error: {
      code: "AGENT_PROFILE_INVALID",
      at: "goals:",
      column: 8,
      data: { reason: 'goals must be a list, not "ship it"' },
    },
  },
  {
    name: "a list item of the wrong type, with the line of the item",
    spec: spec("id: a\nname: b\ntools:\n  - git\n  - 42"),
    error: { code: "AGENT_PROFILE_INVALID", at: "- 42", column: 5, data: { field: "tools[1]" } },
  },
  {
    name: "an unquoted version is a number, not a string",
    spec: spec("id: a\nname: b\nversion: 1.0"),
    error: { code: "AGENT_PROFILE_INVALID", at: "version:", data: { field: "version" } },
  },
  {
    name: "an empty id",
    spec: spec("id: ''\nname: b"),
    error: { code: "AGENT_PROFILE_INVALID", at: "id:", data: { reason: "id must not be empty" } },
  },
  {
    name: "a number JSON cannot hold",
    spec: spec("id: a\nname: b\nruntime_hints:\n  budget: .inf"),
    error: { code: "AGENT_PROFILE_INVALID", at: "budget:", data: { field: "runtime_hints.budget" } },
  },
  {
    name: "YAML 1.2: yes, no and dates are strings",
    spec: spec("id: a\nname: b\nruntime_hints:\n  cache: yes\n  since: 2026-01-01"),
    profile: { runtime_hints: { cache: "yes", since: "2026-01-01" } },
  },
  // --- section bounds ---
  {
    name: "a yaml fence after the section ends is not the profile",
    spec: "# Spec\n\n## Agent Profile\n\nTo do.\n\n## Open Questions\n\n```yaml\nid: a\nname: b\n```\n",
    error: {
      code: "AGENT_PROFILE_NOT_FOUND",
      at: "## Agent Profile",
      data: { reason: expect.stringContaining("has no ```yaml block") },
    },
  },
  {
    name: "a higher-level heading ends the section too",
    spec: "## Agent Profile\n\n# Appendix\n\n```yaml\nid: a\nname: b\n```\n",
    error: { code: "AGENT_PROFILE_NOT_FOUND", at: "## Agent Profile" },
  },
  {
    name: "a setext heading ends the section",
    spec: "## Agent Profile\n\nAppendix\n--------\n\n```yaml\nid: a\nname: b\n```\n",
    error: { code: "AGENT_PROFILE_NOT_FOUND", at: "## Agent Profile" },
  },
  {
    name: "a lower-level heading stays inside the section",
    spec: "## Agent Profile\n\n### Details\n\n```yaml\nid: a\nname: b\n```\n\n## Next\n",
    profile: { id: "a" },
  },
  {
    name: "the first yaml fence of the section; other fences and a heading inside code are skipped",
    spec: "## Agent Profile\n\n```md\n## Not a heading\n```\n\n```json\n{}\n```\n\n```yaml\nid: first\nname: b\n```\n\n```yaml\nid: second\nname: b\n```\n",
    profile: { id: "first" },
  },
  {
    name: "a yaml fence before the section is not the profile",
    spec: "# Spec\n\n```yaml\nid: early\nname: b\n```\n\n## Agent Profile\n\n```yaml\nid: a\nname: b\n```\n",
    profile: { id: "a" },
  },
  {
    name: "a thematic break (---) after a blank line does not end the section",
    spec: "## Agent Profile\n\nText.\n\n---\n\n```yaml\nid: a\nname: b\n```\n",
    profile: { id: "a" },
  },
  {
    name: "a numbered heading, as the original's blueprint has (## 6. Agent Profile)",
    spec: spec("id: a\nname: b", "## 6. Agent Profile"),
    profile: { id: "a" },
  },
  {
    name: "a level-3 heading, closed ATX style, and ~~~yml fences",
    spec: "### Agent Profile ###\n\n~~~yml\nid: a\nname: b\n~~~\n\n### Next\n",
    profile: { id: "a" },
  },
  {
    name: "an indented fence: lines and columns still point into spec.md",
    spec: "## Agent Profile\n\n  ```yaml\n  id: a\n  name: b\n  goals: x\n  ```\n",
    error: { code: "AGENT_PROFILE_INVALID", at: "goals: x", column: 10 },
  },
  {
    name: "CRLF line endings",
    spec: spec("id: a\nname: b\ntools: 3").replace(/\n/g, "\r\n"),
    error: { code: "AGENT_PROFILE_INVALID", at: "tools: 3", column: 8 },
  },
  {
    name: "an unclosed fence",
    spec: "## Agent Profile\n\n```yaml\nid: a\nname: b\n\n## Next\n",
    error: {
      code: "AGENT_PROFILE_INVALID",
      at: "```yaml",
      data: { reason: "the ```yaml block is never closed" },
    },
  },
];

function run(c: Case): AgentProfileSpec {
  const blueprintDoc: SpecDoc | undefined =
    "blueprint" in c ? { session: "__blueprint__", file: BP, text: c.blueprint } : undefined;
  const baseProfile = blueprintDoc ? readProfile(blueprintDoc) : undefined;
  if (c.alone) {
    return compileProfile({
      session: "__blueprint__",
      blueprint: "__blueprint__",
      own: blueprintDoc!,
      ownProfile: baseProfile!,
      baseProfile: undefined,
    });
  }
  const own: SpecDoc = { session: "billing", file: SPEC, text: c.spec };
  return compileProfile({
    session: "billing",
    blueprint: "__blueprint__",
    own,
    ownProfile: readProfile(own),
    baseProfile,
  });
}

/** 1-based line of the first line of `text` at which `needle` starts (needle may span lines). */
function lineOf(text: string, needle: string): number {
  const at = text.replace(/\r\n/g, "\n").indexOf(needle);
  if (at < 0) throw new Error(`test bug: ${JSON.stringify(needle)} is not in the document`);
  return text.replace(/\r\n/g, "\n").slice(0, at).split("\n").length;
}

describe("compile: spec documents → profile or error", () => {
  for (const c of CASES) {
    test(c.name, () => {
      if (c.profile) {
        expect(run(c)).toMatchObject(c.profile);
        return;
      }
      let err: unknown;
      try {
        run(c);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IdseError);
      const e = err as IdseError;
      const want = c.error!;
      const file = want.in === "blueprint" ? BP : SPEC;
      const text = (want.in === "blueprint" ? c.blueprint : c.spec) ?? "";
      expect({ code: e.code as string, file: e.data.file }).toEqual({ code: want.code, file });
      expect(e.data.line).toBe(want.at === null ? undefined : lineOf(text, want.at));
      if (want.column !== undefined) expect(e.data.column).toBe(want.column);
      if (want.data) expect(e.data).toMatchObject(want.data);
      expect(e.details.map((d) => d.code as string)).toEqual(want.details ?? []);
      // Every detail points into a file too.
      for (const d of e.details) expect(typeof d.line).toBe("number");
    });
  }
});

describe("locateProfile", () => {
  test("ignores fences whose info string is not yaml, and a backtick fence with backticks in its info", () => {
    const md = "## Agent Profile\n\n``` yaml`x`\nid: a\n```\n";
    expect(locateProfile(md)).toMatchObject({ found: false });
  });

  test("returns the block text with the fence indentation removed", () => {
    const md = "## Agent Profile\n   ```yaml\n   id: a\n     nested: 1\n   ```\n";
    expect(locateProfile(md)).toEqual({
      found: true,
      headingLine: 1,
      fenceLine: 2,
      indent: 3,
      text: "id: a\n  nested: 1",
      closed: true,
    });
  });
});
