import { BLUEPRINT } from "./ids.ts";
import type { Spine, SpineFinding, SpinePrimitive } from "./models/spine.ts";
import type { DesignStore } from "./store/contract.ts";
import { keys } from "./store/layout.ts";

// ProductSpine: the components and posture a project declares, as data. It lives in the blueprint's
// spec.md under a heading naming the "Product Spine", either as a table (one row per primitive, columns
// recognised by name, extra columns kept) or as bullets under group labels ("**Workspace:**" then
// "- ProjectWorkspace", or "- **Workspace**: ProjectWorkspace, SessionGraph"). idse reads it everywhere
// and writes it in one place only (`idse spine accept`, through addPrimitive below).

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const SPINE_HEADING = /product\s+spine/i;
const FENCE = /^\s{0,3}(```|~~~)/;

/** Layers idse knows when the Spine does not declare its own (`Layers: A, B` inside the section). */
export const DEFAULT_LAYERS = [
  "Workspace",
  "Cognition",
  "Artifacts",
  "Governance",
  "Validation",
  "Storage",
  "Sync",
  "Coordination",
  "Compilation",
  "CLI",
  "Interface",
  "Runtime",
];

/** Column header → field; anything else is kept under `extra`. */
const COLUMNS: [RegExp, keyof typeof FIELD_OF][] = [
  [/^(primitive|component|name|spine primitive)s?$/, "name"],
  [/^(module|file|path|source)s?$/, "module"],
  [/^(area|group|domain)s?$/, "area"],
  [/^layers?$/, "layer"],
  [/^milestones?$/, "milestone"],
  [/^(system )?roles?$/, "role"],
];
const FIELD_OF = { name: 0, module: 0, area: 0, layer: 0, milestone: 0, role: 0 };
type Field = keyof typeof FIELD_OF;

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\s+/g, " "));
// Emphasis and code marks go; underscores inside a word stay (project_workspace.py).
const plain = (s: string) =>
  s
    .replace(/[`*]/g, "")
    .replace(/(^|\s)_+|_+(\s|$)/g, "$1$2")
    .trim();
const list = (s: string) =>
  s
    .split(",")
    .map((x) => plain(x))
    .filter(Boolean);
/** The comparison key of a name: case, spaces, punctuation and a file extension ignored. */
export const nameKey = (s: string) =>
  plain(s)
    .replace(/\.(py|ts|js|tsx|go|rs|java|rb)$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

/** The Product Spine section's lines (1-based numbers), or undefined when the document has none. */
function section(text: string): { heading: string; start: number; lines: [number, string][] } | undefined {
  // No "product spine" anywhere, so no such heading: one native search instead of a line loop, which a
  // blueprint without a Spine (every new project's) ran at the start of every `validate`.
  if (!SPINE_HEADING.test(text)) return undefined;
  const lines = text.split(/\r?\n/);
  let level = 0;
  let heading = "";
  let start = 0;
  let inFence = false;
  const out: [number, string][] = [];
  for (const [i, line] of lines.entries()) {
    if (FENCE.test(line)) inFence = !inFence;
    const h = inFence ? null : HEADING.exec(line);
    if (h && level && h[1]!.length <= level) break;
    if (h && !level && SPINE_HEADING.test(h[2]!)) {
      level = h[1]!.length;
      heading = h[2]!;
      start = i + 1;
      continue;
    }
    if (level && !inFence) out.push([i + 1, line]);
  }
  return level ? { heading, start, lines: out } : undefined;
}

/** The Product Spine table of a document, normalised (trimmed cells); undefined when it has none. */
export function spineTable(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const sec = section(text);
  if (!sec) return undefined;
  return sec.lines
    .filter(([, l]) => l.trim().startsWith("|"))
    .map(([, l]) => cellsOf(l).join("|"))
    .join("\n");
}

const empty = (file: string): Spine => ({
  declared: false,
  file,
  format: null,
  heading: null,
  line: null,
  columns: [],
  layers: null,
  active_milestones: [],
  primitives: [],
  problems: [],
});

/** Parses the Spine out of the blueprint's spec.md text. Never throws: problems are reported as data. */
export function parseSpine(text: string | undefined, file: string): Spine {
  const spine = empty(file);
  if (text === undefined) return spine;
  const sec = section(text);
  if (!sec) return spine;
  spine.heading = sec.heading;
  spine.line = sec.start;
  const table = sec.lines.filter(([, l]) => l.trim().startsWith("|"));
  // Declarations inside the section, in either form: "Layers: A, B", "Active milestone: M1".
  for (const [, l] of sec.lines) {
    const m = /^\s*(?:[-*+]\s+)?\**(layers|active milestones?)\**\s*:\**\s*(.+)$/i.exec(l);
    if (!m) continue;
    if (/^layers/i.test(m[1]!)) spine.layers = list(m[2]!);
    else spine.active_milestones = list(m[2]!);
  }
  if (table.length) readTable(spine, table);
  else readList(spine, sec.lines);
  spine.declared = spine.format !== null;
  return spine;
}

function readTable(spine: Spine, rows: [number, string][]) {
  spine.format = "table";
  const [headLine, head] = rows[0]!;
  const header = cellsOf(head);
  spine.columns = header;
  const sep = rows[1];
  if (!sep || !cellsOf(sep[1]).every((c) => /^:?-{1,}:?$/.test(c))) {
    spine.problems.push(
      problem("error", "SPINE_MALFORMED", headLine, "the table has no header separator row"),
    );
    return;
  }
  const fieldAt = header.map((h) => COLUMNS.find(([re]) => re.test(plain(h).toLowerCase()))?.[1]);
  if (!fieldAt.includes("name")) {
    spine.problems.push(
      problem("error", "SPINE_MALFORMED", headLine, "no Primitive (or Component, Name) column in the table"),
    );
    return;
  }
  for (const [line, text] of rows.slice(2)) {
    const cells = cellsOf(text);
    if (cells.length !== header.length) {
      spine.problems.push(
        problem(
          "error",
          "SPINE_MALFORMED",
          line,
          `the row has ${cells.length} cells, the header ${header.length}`,
        ),
      );
    }
    const p: SpinePrimitive = {
      name: "",
      module: null,
      area: null,
      layer: null,
      milestone: null,
      role: null,
      extra: {},
      line,
    };
    header.forEach((h, i) => {
      if (cells[i] === undefined) return; // a short row is SPINE_MALFORMED, not a row of empty cells
      const value = plain(cells[i]!);
      const field: Field | undefined = fieldAt[i];
      if (field === "name") p.name = value;
      else if (field) p[field] = value;
      else if (h !== "#" && h !== "") p.extra[plain(h).toLowerCase().replace(/\W+/g, "_")] = value;
    });
    spine.primitives.push(p);
  }
}

function readList(spine: Spine, lines: [number, string][]) {
  let group: string | null = null;
  const add = (raw: string, line: number) => {
    const m = /^([A-Za-z_][\w.-]*)\s*(?:\((.*)\))?/.exec(plain(raw));
    if (!m) return;
    spine.primitives.push({
      name: m[1]!,
      module: null,
      area: group,
      layer: null,
      milestone: null,
      role: m[2]?.trim() || null,
      extra: {},
      line,
    });
  };
  for (const [line, l] of lines) {
    if (/^\s*(?:[-*+]\s+)?\**(layers|active milestones?)\**\s*:/i.test(l)) continue;
    // "- **Group**: A, B" or "Group: A, B": a group and its primitives on one line.
    const inline = /^\s*(?:[-*+]\s+)?\*{0,2}([A-Z][\w &/-]*?)\*{0,2}\s*:\*{0,2}\s+(\S.*)$/.exec(l);
    const label = /^\s*\*{2}([^*]+?):?\*{2}:?\s*$/.exec(l) ?? /^\s*#{3,6}\s+(.+?)\s*$/.exec(l);
    const bullet = /^\s*[-*+]\s+(.+)$/.exec(l);
    if (label) group = plain(label[1]!).replace(/:$/, "");
    else if (inline && !/^\s*[-*+]\s+[A-Za-z_][\w.-]*\s*\(/.test(l)) {
      group = plain(inline[1]!);
      for (const name of list(inline[2]!)) add(name, line);
    } else if (bullet && group !== null) add(bullet[1]!, line);
  }
  if (spine.primitives.length) spine.format = "list";
}

const problem = (
  severity: SpineFinding["severity"],
  code: string,
  line: number | null,
  message: string,
  extra: Partial<SpineFinding> = {},
): SpineFinding => ({ severity, code, message, line, primitive: null, ...extra });

/** `idse spine check`: the table itself — malformed rows, duplicates, empty cells, unknown layers. */
export function checkSpine(spine: Spine): SpineFinding[] {
  const out = [...spine.problems];
  if (!spine.declared) return out;
  const seen = new Map<string, SpinePrimitive>();
  const layers = spine.layers ?? DEFAULT_LAYERS;
  const known = new Set(layers.map(nameKey));
  for (const p of spine.primitives) {
    const key = nameKey(p.name);
    const first = seen.get(key);
    if (!key)
      out.push(
        problem("error", "SPINE_EMPTY_CELL", p.line, "a row has no primitive name", { column: "name" }),
      );
    else if (first)
      out.push(
        problem(
          "error",
          "SPINE_DUPLICATE",
          p.line,
          `"${p.name}" is declared twice (first on line ${first.line})`,
          { primitive: p.name },
        ),
      );
    else seen.set(key, p);
    if (spine.format === "table") {
      for (const field of ["module", "area", "layer", "milestone", "role"] as const) {
        if (p[field] === "")
          out.push(
            problem("error", "SPINE_EMPTY_CELL", p.line, `"${p.name}" has an empty ${field} cell`, {
              primitive: p.name,
              column: field,
            }),
          );
      }
      for (const [col, value] of Object.entries(p.extra))
        if (value === "")
          out.push(
            problem("warning", "SPINE_EMPTY_CELL", p.line, `"${p.name}" has an empty ${col} cell`, {
              primitive: p.name,
              column: col,
            }),
          );
    }
    if (p.layer && !known.has(nameKey(p.layer)))
      // Against the team's own list an unknown layer is an error; against idse's defaults, a warning.
      out.push(
        problem(
          spine.layers ? "error" : "warning",
          "SPINE_UNKNOWN_LAYER",
          p.line,
          `"${p.name}" is in the layer "${p.layer}", which is not one of: ${layers.join(", ")}`,
          { primitive: p.name },
        ),
      );
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** The primitive a name refers to (by its name, or its module's file name), if the Spine has it. */
export function findPrimitive(spine: Spine, name: string): SpinePrimitive | undefined {
  const key = nameKey(name);
  if (!key) return undefined;
  return spine.primitives.find(
    (p) => nameKey(p.name) === key || (p.module !== null && nameKey(p.module.split("/").at(-1)!) === key),
  );
}

const matchers = new WeakMap<Spine, { name: string; re: RegExp }[]>();

/** Primitives a set of documents names as a whole word (what a session works on), in Spine order. */
export function touchedPrimitives(spine: Spine, texts: (string | undefined)[]): string[] {
  let m = matchers.get(spine);
  if (!m) {
    m = spine.primitives
      .filter((p) => p.name)
      .map((p) => ({ name: p.name, re: new RegExp(`(?<![\\w])${escapeRe(p.name)}(?![\\w])`) }));
    matchers.set(spine, m);
  }
  // `includes` first: a plain substring search is far cheaper than a regex scan, and most documents
  // name few primitives; the regex only confirms a whole-word hit.
  return m
    .filter(({ name, re }) => texts.some((t) => t?.includes(name) && re.test(t)))
    .map(({ name }) => name);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Reads the project's Spine from its blueprint spec. */
export async function readSpine(store: DesignStore, project: string): Promise<Spine> {
  const key = keys.artifact(project, BLUEPRINT, "spec");
  return parseSpine(await store.read(key), `.idse/${key}`);
}

export function isSpineDocument(key: string, project: string): boolean {
  return key === keys.artifact(project, BLUEPRINT, "spec");
}

/** Whether replacing `local` with `remote` changes the Product Spine. */
export function spineChanged(local: string | undefined, remote: string | undefined): boolean {
  return spineTable(local) !== spineTable(remote);
}

export interface NewPrimitive {
  name: string;
  module: string | null;
  area: string;
  layer: string;
  milestone: string | null;
  role: string | null;
}

/**
 * The spec text with one primitive added to the Spine: a row at the end of the table (cells by column
 * name, `#` numbered), a bullet under its group in the list form, or a new `## Product Spine` table
 * when the document declares none. Everything else in the document is kept byte for byte.
 */
export function addPrimitive(text: string, spine: Spine, p: NewPrimitive): string {
  const lines = text.split("\n");
  const value: Record<Field, string> = {
    name: p.name,
    module: p.module ?? "(TBD)",
    area: p.area,
    layer: p.layer,
    milestone: p.milestone ?? "Concept",
    role: p.role ?? "Primitive",
  };
  if (spine.format === "table" && spine.line !== null) {
    const fieldAt = spine.columns.map((h) => COLUMNS.find(([re]) => re.test(plain(h).toLowerCase()))?.[1]);
    const cells = spine.columns.map((h, i) =>
      h.trim() === "#" ? String(spine.primitives.length + 1) : fieldAt[i] ? value[fieldAt[i]!] : "",
    );
    const last = spine.primitives.at(-1)?.line ?? spine.line + 2;
    const at = spine.primitives.length ? last : lastTableLine(lines, spine.line);
    lines.splice(at, 0, `| ${cells.join(" | ")} |`);
    return lines.join("\n");
  }
  if (spine.format === "list") {
    const same = spine.primitives.filter((x) => x.area !== null && nameKey(x.area) === nameKey(p.area));
    const at = (same.at(-1) ?? spine.primitives.at(-1)!).line;
    const bullet = same.length ? `- ${p.name}` : `- **${p.area}**: ${p.name}`;
    lines.splice(at, 0, bullet);
    return lines.join("\n");
  }
  const body = text.endsWith("\n") ? text : `${text}\n`;
  return `${body}\n## Product Spine\n\n| Primitive | Module | Area | Layer | Milestone | System Role |\n|---|---|---|---|---|---|\n| ${[value.name, value.module, value.area, value.layer, value.milestone, value.role].join(" | ")} |\n`;
}

/** Index (0-based, for splice) just after the header separator of the section's table. */
function lastTableLine(lines: string[], start: number): number {
  for (let i = start; i < lines.length; i++) if (/^\s*\|[\s:|-]+\|\s*$/.test(lines[i]!)) return i + 1;
  return lines.length;
}
