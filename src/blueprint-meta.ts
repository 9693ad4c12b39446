import { BLUEPRINT } from "./ids.ts";
import type { SessionMetadata } from "./models/session-metadata.ts";
import { byCodePoint, childrenOf, type LineageNode, readAllSessions } from "./session-graph.ts";
import { progressPercent, readProjectState, readSessionStages } from "./stage-state.ts";
import type { DesignStore } from "./store/contract.ts";
import { keys } from "./store/layout.ts";

// The blueprint's `metadata/meta.md`: a registry, status matrix and lineage tree of every session,
// regenerated on each session change. Two kinds of text survive regeneration: whatever lies between the
// custom-narrative markers, and any `##` section idse does not generate (the Python original wrote
// promotion records and delivery summaries there; they are the user's history, so they are kept).

export const NARRATIVE_BEGIN = "<!-- BEGIN CUSTOM NARRATIVE -->";
export const NARRATIVE_END = "<!-- END CUSTOM NARRATIVE -->";
const GENERATED = new Set(["Session Registry", "Session Status Matrix", "Lineage Graph", "Meta Narrative"]);

interface Row {
  meta: SessionMetadata;
  progress: number;
}

function tree(nodes: LineageNode[], prefix: string): string[] {
  return nodes.flatMap((n, i) => {
    const last = i === nodes.length - 1;
    return [
      `${prefix}${last ? "└── " : "├── "}${n.session_id}`,
      ...tree(n.children, `${prefix}${last ? "    " : "│   "}`),
    ];
  });
}

/** Splits an existing meta.md into the narrative and the sections idse does not own. */
export function preservedParts(existing: string | undefined) {
  if (!existing) return { narrative: "", extra: [] as string[] };
  const b = existing.indexOf(NARRATIVE_BEGIN);
  const e = existing.indexOf(NARRATIVE_END);
  const narrative =
    b >= 0 && e > b ? existing.slice(b + NARRATIVE_BEGIN.length, e).replace(/^\n|\n$/g, "") : "";
  const body = existing.replace(/\n---\n\*Last updated:[^\n]*\*\s*$/, "");
  const extra = body
    .split(/^(?=## )/m)
    .filter((sec) => sec.startsWith("## ") && !GENERATED.has(sec.slice(3, sec.indexOf("\n")).trim()))
    .map((sec) => sec.trimEnd());
  return { narrative, extra };
}

export function renderMeta(project: string, rows: Row[], existing: string | undefined, now: string): string {
  const { narrative, extra } = preservedParts(existing);
  const metas = rows.map((r) => r.meta);
  const byCreated = [...rows].sort((a, b) => byCodePoint(a.meta.created_at, b.meta.created_at));
  // In the order they were created, as the original lists them (and as the matrix below is).
  const active = byCreated
    .map((r) => r.meta)
    .filter((m) => m.session_id !== BLUEPRINT && !["complete", "archived"].includes(m.status));
  const ids = new Set(metas.map((m) => m.session_id));
  const roots = metas
    .filter((m) => m.session_id !== BLUEPRINT && (!m.parent_session || !ids.has(m.parent_session)))
    .map((m) => m.session_id)
    .sort();
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    `# ${project} - Blueprint Meta`,
    "",
    "## Session Registry",
    "",
    "This document tracks all sessions spawned from this Blueprint.",
    "",
    "### Active Sessions",
    `- \`${BLUEPRINT}\` (THIS SESSION) - Project governance and roadmap`,
    // As the original writes it: the session's description, else its kind.
    ...active.map(
      (m) =>
        `- \`${m.session_id}\` - ${m.description?.trim() ? m.description.replace(/\s+/g, " ").trim() : `${m.session_type === "exploratory" ? "Exploratory" : "Feature"} session`}`,
    ),
    "",
    "## Session Status Matrix",
    "",
    "| Session ID | Type | Status | Owner | Created | Progress |",
    "|------------|------|--------|-------|---------|----------|",
    ...byCreated.map(
      ({ meta: m, progress }) =>
        `| ${cell(m.session_id)} | ${m.session_type} | ${m.status} | ${cell(m.owner)} | ${m.created_at.slice(0, 10)} | ${progress}% |`,
    ),
    "",
    "## Lineage Graph",
    "",
    "```",
    `${BLUEPRINT} (root)`,
    ...tree(childrenOf(metas, BLUEPRINT, new Set([BLUEPRINT])), ""),
    ...roots.flatMap((r) => [`${r} (root)`, ...tree(childrenOf(metas, r, new Set([r])), "")]),
    "```",
    "",
    ...extra.flatMap((sec) => [sec, ""]),
    "## Meta Narrative",
    "",
    NARRATIVE_BEGIN,
    ...(narrative ? [narrative] : []),
    NARRATIVE_END,
    "",
    "---",
    `*Last updated: ${now}*`,
    "",
  ];
  return lines.join("\n");
}

/**
 * Regenerates meta.md from the sessions in the store (no-op when the blueprint session is missing); true
 * when it wrote (or, with `write: false`, would write) it.
 */
export async function regenerateMeta(
  store: DesignStore,
  project: string,
  now: string,
  /** onlyIfStale: false, and nothing written, when meta.md already says what it should; write: false checks only. */
  o: { onlyIfStale?: boolean; write?: boolean } = {},
): Promise<boolean> {
  if (!(await store.has(keys.session(project, BLUEPRINT)))) return false;
  const state = await readProjectState(store, project).catch(() => undefined);
  const records = await readAllSessions(store, project);
  const rows: Row[] = [];
  for (const { meta } of records) {
    const { stages } = await readSessionStages(store, project, meta.session_id, state).catch(() => ({
      stages: undefined,
    }));
    rows.push({ meta, progress: stages ? progressPercent(stages, meta.status) : 0 });
  }
  const key = keys.meta(project);
  const current = await store.read(key);
  const text = renderMeta(project, rows, current, now);
  // Only the time would change: the file says what it should (doctor's check, with `write` false).
  if (o.onlyIfStale && current !== undefined && withoutStamp(current) === withoutStamp(text)) return false;
  if (o.write !== false) await store.write(key, text);
  return true;
}

const withoutStamp = (text: string) => text.replace(/\*Last updated: [^\n]*\*\s*$/, "");
