// Written documents for the benchmark workspace (`bench-workspace.ts --written`): each stage's template
// with every guidance sentence and `[REQUIRES INPUT]` marker replaced by text a team would write, varied
// by session, so `validate --all` parses and checks real documents (a workspace of templates is mostly
// replayed from stored findings, and its report is a hundred findings a session). Deterministic: the same
// session index always gives the same text.
import type { Stage } from "../src/store/layout.ts";

const SUBJECTS = [
  "the billing export",
  "sign-in",
  "search results",
  "the mobile inbox",
  "deploy previews",
  "audit logs",
];
const VERBS = ["keeps", "records", "shows", "checks", "limits", "retries"];
const OBJECTS = [
  "each request",
  "the last sync",
  "every change",
  "failed payments",
  "stale sessions",
  "large uploads",
];
const REASONS = [
  "so support can answer a customer without opening the database",
  "because the current flow loses data when the network drops",
  "which the quarterly review asked for twice",
  "so the on-call engineer sees the cause in one place",
  "since the old job cannot keep up with the traffic",
  "to meet the retention policy agreed with legal",
];
const EXTRAS = [
  "Numbers come from the last two weeks of production traffic.",
  "The `api/v2` routes stay as they are.",
  "See the design notes in `docs/notes.md` for the alternatives we dropped.",
  "Nothing here changes the public API.",
  "The team agreed on this in the planning call.",
  "Latency stays under 200 ms at the 95th percentile.",
];

/** One of `list`, picked by the session's index and a salt (the section), so sessions differ. */
function pick<T>(list: readonly T[], i: number, salt: number): T {
  return list[((Math.imul(i + 1, 2654435761) ^ Math.imul(salt + 1, 40503)) >>> 0) % list.length]!;
}

/** A small deterministic hash of a section's name: its salt. */
function saltOf(section: string): number {
  let h = 0;
  for (let k = 0; k < section.length; k++) h = (h * 31 + section.charCodeAt(k)) % 9973;
  return h;
}

function sentence(i: number, salt: number): string {
  const s = pick(SUBJECTS, i, salt);
  return `${s[0]!.toUpperCase()}${s.slice(1)} ${pick(VERBS, i, salt + 1)} ${pick(OBJECTS, i, salt + 2)} ${pick(REASONS, i, salt + 3)}.`;
}

/** A paragraph of two or three sentences for a section of session `i`. */
function paragraph(i: number, section: string, id: string): string {
  const salt = saltOf(section);
  const parts = [sentence(i, salt), `In ${id} this is the ${section.toLowerCase()} part of the work.`];
  if ((i + salt) % 2 === 0) parts.push(pick(EXTRAS, i, salt));
  return parts.join(" ");
}

/** Sections written as a list rather than a paragraph, and the list's items. */
function listFor(stage: Stage, section: string, i: number, id: string): string[] | undefined {
  const salt = saltOf(section);
  if (stage === "implementation" && section === "Component Impact Report") {
    const name = ["ExportJob", "SessionStore", "SearchIndex", "InboxView", "PreviewBuilder", "AuditWriter"][
      i % 6
    ]!;
    return [
      `- **${name}**`,
      "  - Change: modified",
      `  - Files: src/${name.toLowerCase()}.ts, test/${name.toLowerCase()}.test.ts`,
      "  - Requirements: FR-1, FR-2",
      `  - Notes: ${sentence(i, salt)}`,
    ];
  }
  if (/Risks|Stakeholders|Success Criteria|Follow-up Actions|Lessons/.test(section))
    return [0, 1, 2].map((k) => `- ${sentence(i + k, salt + k)}`);
  if (section === "Acceptance Criteria")
    return [
      `- FR-1 holds when ${pick(OBJECTS, i, salt)} is handled in the end-to-end test of ${id}.`,
      `- FR-2 holds when ${pick(SUBJECTS, i, salt)} passes its integration test.`,
      "- NFR-1 holds when the load test stays within the latency budget.",
    ];
  return undefined;
}

/** What a requirement or task line says, in place of its marker. */
function itemText(kind: string, i: number, n: number): string {
  const s = pick(SUBJECTS, i, n);
  if (kind === "NFR")
    return `${s[0]!.toUpperCase()}${s.slice(1)} answers within 200 ms at the 95th percentile.`;
  if (kind === "FR") return `The user can see that ${s} ${pick(VERBS, i, n)} ${pick(OBJECTS, i, n)}.`;
  return `${["Write", "Add", "Wire", "Test", "Document"][n % 5]} ${pick(OBJECTS, i, n)} for ${s}`;
}

/**
 * `template` (one stage's document as a fresh session has it) with every section written: guidance and
 * markers replaced, requirement and task lines given text (tasks ticked for a session past that stage); a
 * draft's spec keeps the marker of its open questions.
 */
export function writtenDocument(
  stage: Stage,
  template: string,
  i: number,
  id: string,
  o: { done: boolean; draft: boolean },
): string {
  const { done, draft } = o;
  const out: string[] = [];
  let section = "";
  for (const line of template.split("\n")) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) section = heading[1]!;
    if (/^_.+_$/.test(line)) {
      const list = listFor(stage, section, i, id);
      out.push(paragraph(i, section, id));
      if (list) out.push("", ...list);
      continue;
    }
    if (line.trim() === "[REQUIRES INPUT]") {
      // A draft leaves its open questions open: the one marker its report shows.
      if (draft && section === "Open Questions") {
        out.push(line);
        continue;
      }
      // The marker's paragraph and the blank line after it go; the paragraph above took its place.
      if (out[out.length - 1] === "") out.pop();
      continue;
    }
    const req = /^- (N?FR)-(\d+): \[REQUIRES INPUT\]$/.exec(line);
    if (req) {
      out.push(`- ${req[1]}-${req[2]}: ${itemText(req[1]!, i, Number(req[2]))}`);
      continue;
    }
    const task = /^- \[ \] T-(\d+) \[REQUIRES INPUT\] (\(.*\))$/.exec(line);
    if (task) {
      // The verification task covers the non-functional requirement too.
      const cites = task[2] === "(FR-1, FR-2)" ? "(FR-1, FR-2, NFR-1)" : task[2];
      out.push(`- [${done ? "x" : " "}] T-${task[1]} ${itemText("T", i, Number(task[1]))} ${cites}`);
      continue;
    }
    out.push(line.replaceAll("[REQUIRES INPUT]", pick(SUBJECTS, i, out.length)));
  }
  return out.join("\n");
}
