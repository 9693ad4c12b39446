import { expect, test } from "bun:test";
import { NARRATIVE_BEGIN, NARRATIVE_END, preservedParts, renderMeta } from "../../src/blueprint-meta.ts";
import { derivedMetadata } from "../../src/session-graph.ts";

const meta = (id: string, parent: string | null, status = "draft" as const) => ({
  ...derivedMetadata("p", id, "2026-01-02T00:00:00Z"),
  parent_session: parent,
  status,
});

test("renders registry, matrix and lineage tree", () => {
  const rows = [
    { meta: meta("__blueprint__", null), progress: 0 },
    { meta: meta("auth", "__blueprint__"), progress: 43 },
    { meta: { ...meta("auth-2fa", "auth"), description: "Two-factor\n  sign-in" }, progress: 0 },
    { meta: { ...meta("billing", "__blueprint__"), status: "complete" as const }, progress: 100 },
  ];
  const md = renderMeta("p", rows, undefined, "2026-01-03T00:00:00Z");
  expect(md).toContain("# p - Blueprint Meta");
  expect(md).toContain("| auth | feature | draft | system | 2026-01-02 | 43% |");
  expect(md).toContain("- `auth` - Feature session");
  expect(md).not.toContain("- `billing` - Feature session");
  // A description stands in for the kind, on one line, as the original writes it.
  expect(md).toContain("- `auth-2fa` - Two-factor sign-in\n");
  expect(md).toContain("__blueprint__ (root)\n├── auth\n│   └── auth-2fa\n└── billing");
  expect(md).toContain("*Last updated: 2026-01-03T00:00:00Z*");
});

test("custom narrative and sections idse does not generate survive regeneration", () => {
  const old = [
    "# p - Blueprint Meta",
    "## Session Registry",
    "old",
    "## Blueprint Promotion Record",
    "",
    "- Date: 2026-02-08",
    "## Meta Narrative",
    NARRATIVE_BEGIN,
    "### Known Gaps",
    "- keep me",
    NARRATIVE_END,
    "",
    "---",
    "*Last updated: x*",
  ].join("\n");
  const parts = preservedParts(old);
  expect(parts.narrative).toBe("### Known Gaps\n- keep me");
  expect(parts.extra).toEqual(["## Blueprint Promotion Record\n\n- Date: 2026-02-08"]);
  const md = renderMeta("p", [{ meta: meta("__blueprint__", null), progress: 0 }], old, "now");
  expect(md).toContain("## Blueprint Promotion Record\n\n- Date: 2026-02-08");
  expect(md).toContain(`${NARRATIVE_BEGIN}\n### Known Gaps\n- keep me\n${NARRATIVE_END}`);
  expect(md.match(/\*Last updated/g)?.length).toBe(1);
  // Regenerating twice is stable apart from the timestamp.
  expect(renderMeta("p", [{ meta: meta("__blueprint__", null), progress: 0 }], md, "now")).toBe(md);
});
