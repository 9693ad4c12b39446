import type { MdDoc } from "../markdown.ts";

// What counts as a document naming a component as a NEW part of the system (idse/spine-components).
// Only four explicit forms, so prose that merely mentions a word is never read as a design decision:
//   1. a heading "New component: X" (also "Component: X", "New primitive|module|service: X");
//   2. a table whose header has a Component / Primitive / Service column (its cells), or a table under a
//      Components or Architecture heading whose first column is headed Component, Module, Name or Part;
//      a cell counts only when it is a PascalCase identifier or Title Case words (files, functions and
//      phrases such as "CLI additions" are not components), and not when its row says it is a part of a
//      Spine primitive (a Parent / Primitive / Spine column naming one) or not new (a cell saying
//      unchanged, existing, extended, refactored, updated or modified);
//   3. in a section headed "Components" or "Primitives", a list item that starts with a code span holding
//      a PascalCase identifier ("- `InventedWidget`: renders widgets");
//   4. the `components:` key of the `## Agent Profile` yaml block (a list, a flow list or mapping keys).
// Names are single identifiers or up to four words; placeholders (-, n/a, TBD) are skipped.

export interface NamedComponent {
  name: string;
  line: number;
  column: number;
  /** Where it was found, for the message: "a Components table", "the Agent Profile", … */
  where: string;
}

const HEAD_NAMED = /^(?:[\d.]+\s+)?(new\s+)?(component|primitive|module|service)\s*[:—–-]\s*(.+)$/i;
const COMPONENT_COLUMN = /^(new\s+)?(components?|primitives?|services?)(\s+name)?$/i;
const FIRST_COLUMN = /^(components?|modules?|names?|parts?|primitives?)$/i;
const SECTION_TABLE = /\b(components?|architecture)\b/i;
const SECTION_LIST = /\b(components?|primitives?)\b/i;
const PASCAL = /^[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+$|^[A-Z]{2,}[a-z][A-Za-z0-9]*$|^[A-Z][a-z0-9]{2,}$/;

const plain = (s: string) =>
  s
    .replace(/[`*]/g, "")
    .replace(/(^|\s)_+|_+(\s|$)/g, "$1$2")
    .replace(/\s*\(.*\)\s*$/, "")
    .trim();
const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** A usable component name, or undefined for placeholders, sentences and paths. */
function usable(raw: string): string | undefined {
  const s = plain(raw);
  if (!s || /^(-+|n\/?a|tbd|none|\?+|\.\.\.)$/i.test(s) || /[/\\]/.test(s)) return undefined;
  if (/^[A-Za-z][\w.-]*$/.test(s)) return s;
  const words = s.split(/\s+/);
  return words.length <= 4 && words.every((w) => /^[A-Za-z][\w-]*$/.test(w)) ? s : undefined;
}

/** The heading that encloses a line (the nearest heading above it): a binary search, as tasks documents
 * have many list items and many headings. */
function enclosing(doc: MdDoc, line: number) {
  const hs = doc.headings;
  let lo = 0;
  let hi = hs.length - 1;
  let found: MdDoc["headings"][number] | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (hs[mid]!.line <= line) {
      found = hs[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** True when a name is a Spine primitive; rows that point at one are parts of it, not new components. */
export type IsPrimitive = (name: string) => boolean;

const ROW = /^\s*\|/;
const PARENT_COLUMN = /parent|primitive|spine|part of|belongs/i;
const NOT_NEW = /\b(unchanged|existing|extended|refactored|updated|modified)\b/i;
const TITLE_WORDS = /^[A-Z][A-Za-z0-9]*(?:\s+[A-Z][A-Za-z0-9]*){1,3}$/;

export function namedComponents(doc: MdDoc, isPrimitive: IsPrimitive = () => false): NamedComponent[] {
  const out: NamedComponent[] = [];
  for (const h of doc.headings) {
    const m = HEAD_NAMED.exec(h.text);
    // "Component: DesignStore changes" names DesignStore: the leading identifier, unless the whole title
    // is Title Case words ("New component: Billing Engine").
    const title = m ? plain(m[3]!.split(/\s+[—–-]\s+/)[0]!) : "";
    const name = usable(TITLE_WORDS.test(title) ? title : (/^[A-Za-z][\w.-]*/.exec(title)?.[0] ?? ""));
    if (!name) continue;
    const column = (doc.lines[h.line - 1] ?? "").lastIndexOf(name) + 1;
    out.push({ name, line: h.line, column: Math.max(column, 1), where: `the heading "${h.text}"` });
  }
  // Each form needs a character most documents lack: a substring test skips the scan (validate --all).
  if (doc.text.includes("|")) tables(doc, out, isPrimitive);
  if (doc.text.includes("`")) lists(doc, out);
  if (doc.text.includes("components")) profile(doc, out);
  return out;
}

function tables(doc: MdDoc, out: NamedComponent[], isPrimitive: IsPrimitive) {
  const lines = doc.lines;
  for (let i = 0; i < lines.length - 1; i++) {
    const n = i + 1;
    if (!ROW.test(lines[i]!) || doc.nonProse.has(n)) continue;
    if (i > 0 && ROW.test(lines[i - 1]!)) continue; // not a table's first row
    const sep = cells(lines[i + 1]!);
    if (!sep.length || !sep.every((c) => /^:?-+:?$/.test(c))) continue;
    const header = cells(lines[i]!).map((c) => plain(c));
    let col = header.findIndex((h) => COMPONENT_COLUMN.test(h));
    let where = `the ${header[col]} column of a table`;
    if (col < 0) {
      const h = enclosing(doc, n);
      const first = header.findIndex((c) => c !== "#" && c !== "");
      if (!h || !SECTION_TABLE.test(h.text) || first < 0 || !FIRST_COLUMN.test(header[first]!)) continue;
      col = first;
      where = `the table under "${h.text}"`;
    }
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith("|"); j++) {
      const row = cells(lines[j]!);
      const cell = row[col] ?? "";
      const name = usable(cell);
      if (!name || !(PASCAL.test(name) || TITLE_WORDS.test(name))) continue;
      const partOf = row.some(
        (c, k) =>
          k !== col &&
          PARENT_COLUMN.test(header[k] ?? "") &&
          c.split(/[,;]/).some((x) => isPrimitive(plain(x))),
      );
      if (partOf || row.some((c, k) => k !== col && NOT_NEW.test(c))) continue;
      const column = lines[j]!.indexOf(name, lines[j]!.indexOf(cell)) + 1;
      out.push({ name, line: j + 1, column, where });
    }
  }
}

function lists(doc: MdDoc, out: NamedComponent[]) {
  for (const item of doc.listItems) {
    const m = /^\s*(?:\*\*)?`([^`]+)`/.exec(item.text);
    if (!m || !PASCAL.test(m[1]!)) continue;
    const h = enclosing(doc, item.line);
    if (!h || !SECTION_LIST.test(h.text) || HEAD_NAMED.test(h.text)) continue;
    const column = (doc.lines[item.line - 1] ?? "").indexOf(`\`${m[1]}\``) + 2;
    out.push({ name: m[1]!, line: item.line, column, where: `the "${h.text}" section` });
  }
}

function profile(doc: MdDoc, out: NamedComponent[]) {
  const h = doc.headings.find((x) => /^(?:[\d.]+\s+)?agent profile$/i.test(x.text.trim()));
  if (!h) return;
  const fence = doc.fences.find((f) => f.line > h.line && /^ya?ml\b/i.test(f.info.trim()));
  if (!fence) return;
  const body = fence.content.split("\n");
  for (let k = 0; k < body.length; k++) {
    const m = /^(\s*)components\s*:\s*(.*)$/.exec(body[k]!);
    if (!m) continue;
    const indent = m[1]!.length;
    const at = (idx: number, name: string) => ({
      name,
      line: fence.line + 1 + idx,
      column: (body[idx] ?? "").indexOf(name) + 1,
      where: "the Agent Profile's components",
    });
    const flow = /^\[(.*)\]\s*$/.exec(m[2]!.trim());
    if (flow) {
      for (const raw of flow[1]!.split(",")) {
        const name = usable(raw.replace(/["']/g, ""));
        if (name) out.push(at(k, name));
      }
      continue;
    }
    let child = -1; // the indentation of the first entry: deeper lines are the entry's own fields
    for (let j = k + 1; j < body.length; j++) {
      const line = body[j]!;
      if (!line.trim()) continue;
      const ind = line.length - line.trimStart().length;
      if (ind < indent || (ind === indent && !line.trimStart().startsWith("- "))) break;
      if (child < 0) child = ind;
      if (ind !== child) continue;
      const item = /^\s*-\s+(?:name\s*:\s*)?["']?([^"':#]+)["']?\s*(?::.*)?$/.exec(line);
      const key = /^\s*([A-Za-z][\w-]*)\s*:/.exec(line);
      const raw = item?.[1] ?? key?.[1];
      const name = raw && usable(raw);
      if (name) out.push(at(j, name));
    }
  }
}
