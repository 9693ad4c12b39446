import type { Stage } from "../../store/layout.ts";
import { templateShape } from "../engine.ts";
import { type MdDoc, proseOf, sectionRange } from "../markdown.ts";

// Helpers shared by rules: what our own templates look like, so rules can tell filled from unfilled.

export const MARKER = "[REQUIRES INPUT]";

const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/[`*_:]/g, "")
    .replace(/\s+/g, " ")
    .trim();
/** Headings repeat across a workspace's sessions (the templates' titles): each is normalised once. */
const normed = new Map<string, string>();
const NORMED_MAX = 4096;
function norm(s: string): string {
  let n = normed.get(s);
  if (n === undefined) {
    n = normalise(s);
    if (normed.size >= NORMED_MAX) normed.clear();
    normed.set(s, n);
  }
  return n;
}

const templateDoc = templateShape;
const cache = <T>(make: (stage: Stage) => T) => {
  const memo = new Map<Stage, T>();
  return (stage: Stage): T => {
    let v = memo.get(stage);
    if (v === undefined) {
      v = make(stage);
      memo.set(stage, v);
    }
    return v;
  };
};

/** The `##` section titles of a stage's template: the sections a filled document must keep. */
export const requiredSections = cache((stage: Stage): string[] =>
  templateDoc(stage)
    .headings.filter((h) => h.level === 2)
    .map((h) => h.text),
);

/** The template's guidance sentences (whole-line emphasis), which a filled document no longer has. */
export const scaffoldSentences = cache((stage: Stage): Set<string> => {
  const doc = templateDoc(stage);
  const out = new Set<string>();
  doc.lines.forEach((line, i) => {
    if (doc.nonProse.has(i + 1)) return;
    const t = line.trim();
    if (/^([*_])[^*_].*\1$/.test(t) && t.length > 12) out.add(t);
  });
  return out;
});

const normalised = new WeakMap<MdDoc, Map<string, MdDoc["headings"][number]>>();

/** The first heading whose text matches `title` (case, emphasis and spacing ignored). */
export function findHeading(doc: MdDoc, title: string) {
  let index = normalised.get(doc);
  if (!index) {
    index = new Map();
    for (const h of doc.headings) {
      const key = norm(h.text);
      if (!index.has(key)) index.set(key, h);
    }
    normalised.set(doc, index);
  }
  return index.get(norm(title));
}

/** True when a section holds something besides blank lines, guidance sentences and the marker. */
/**
 * True when a line says something: not blank, not a heading, not HTML, not a guidance sentence, and not
 * just list markup, ids (FR-1, T-1) and the marker (`- FR-1 [REQUIRES INPUT]` is still a blank).
 */
export function isContentLine(doc: MdDoc, line: number, scaffold: Set<string>): boolean {
  if (doc.html.has(line)) return false;
  const src = (doc.lines[line - 1] ?? "").trim();
  if (src === "" || scaffold.has(src) || /^#{1,6}(\s|$)/.test(src)) return false;
  if (doc.nonProse.has(line)) {
    // Code is content, unless it is a block still waiting for input (the template's profile block).
    const fence = doc.fences.find((f) => line >= f.line && line <= (f.endLine ?? doc.lines.length));
    return !fence?.content.includes(MARKER);
  }
  const body = src.replace(/^(?:[-+*]|\d+[.)])\s+(?:\[[ xX]\]\s*)?/, "");
  // A lowercase letter outlives what is taken out below (the marker, ids and punctuation hold none): the
  // line says something, found without the three replacements that were most of a written document's check.
  if (/[a-z]/.test(body)) return true;
  const rest = body
    .replaceAll(MARKER, "")
    .replace(/\b[A-Z]{1,4}-\d+\b/g, "")
    .replace(/[\s:.,;()[\]*_`-]+/g, "");
  return rest.length > 0;
}

/** True when a section holds something besides blank lines, guidance sentences and markers. */
export function sectionHasContent(doc: MdDoc, from: number, to: number, scaffold: Set<string>): boolean {
  for (let line = from; line <= to; line++) if (isContentLine(doc, line, scaffold)) return true;
  return false;
}

/**
 * Every prose occurrence of a pattern, with 1-based line and column. `needle`, when given, is a piece of
 * text every match holds outside spaces (so never inside a code span, which proseOf blanks): only the
 * lines holding it are looked at, found with one native search of the text rather than a regular
 * expression run on every line, which was most of a rule's time on a long document.
 */
export function* occurrences(
  doc: MdDoc,
  pattern: RegExp,
  needle?: string,
): Generator<{ line: number; column: number; match: string }> {
  const re = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
  const lines = needle === undefined ? undefined : linesHolding(doc, needle);
  const count = lines ? lines.length : doc.lines.length;
  for (let i = 0; i < count; i++) {
    const line = lines ? lines[i]! : i + 1;
    const prose = proseOf(doc, line);
    if (!prose) continue;
    re.lastIndex = 0;
    for (let m = re.exec(prose); m; m = re.exec(prose)) yield { line, column: m.index + 1, match: m[0] };
  }
}

/** The 1-based numbers of the lines of `doc` that hold `needle` (which has no line break), in order. */
function linesHolding(doc: MdDoc, needle: string): number[] {
  const out: number[] = [];
  let line = 1;
  let start = 0; // offset in doc.text of the line's first character
  for (let at = doc.text.indexOf(needle); at !== -1; at = doc.text.indexOf(needle, at + 1)) {
    while (at > start + doc.lines[line - 1]!.length) {
      start += doc.lines[line - 1]!.length + 1;
      line++;
    }
    if (out[out.length - 1] !== line) out.push(line);
  }
  return out;
}

/** True when a document still needs work: missing, untouched, or holding the marker. */
export function incomplete(
  text: string | undefined,
  doc: MdDoc | undefined,
  untouched: boolean,
  stage?: Stage,
): boolean {
  if (text === undefined || untouched || !doc) return true;
  if (!occurrences(doc, /\[REQUIRES INPUT\]/, MARKER).next().done) return true;
  // Written means at least one line of content (an empty file or bare headings is not written).
  const scaffold = stage ? scaffoldSentences(stage) : new Set<string>();
  // Only the sections count: the title and the header list (session, owner, date) are not writing.
  const firstSection = doc.headings.find((h) => h.level === 2)?.line ?? 1;
  for (let line = firstSection; line <= doc.lines.length; line++) {
    if (isContentLine(doc, line, scaffold)) return false;
  }
  return true;
}

export { sectionRange };
