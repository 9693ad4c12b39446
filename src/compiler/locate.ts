import { IdseError } from "../errors.ts";

// The markdown side of reading an Agent Profile: a line scanner that finds the `## Agent Profile` section
// of a spec and its first ```yaml fence, without the yaml library (parse.ts reads the block itself), so
// that `validate` can ask whether a plain block is there without loading it (check.ts).

/** A place in a spec: file, 1-based line and column. */
export interface Pos {
  file: string;
  line: number;
  column: number;
}

// Only headings and fences matter here, and the CommonMark rules for those two fit in a few regexes; a
// full parser would cost startup time for every one of the 1,001 specs `--all` reads.

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const NOT_PARAGRAPH = /^\s*$|^ {0,3}([-+*]|\d+[.)])(\s|$)|^ {0,3}>|^ {4}/;

/**
 * Whether `line` can open or close a fence, be an ATX heading or underline a setext one: its first
 * character after at most three spaces is a backtick, a tilde, `#`, `=` or `-`, as each of those three
 * patterns requires. Most lines of a written spec are not, and skip the patterns (`validate --all` runs
 * this scan on every spec; test/compiler/locate.test.ts holds it to the patterns).
 */
export function mayMark(line: string): boolean {
  let k = 0;
  while (k < 3 && line.charCodeAt(k) === 32) k++;
  const c = line.charCodeAt(k);
  return c === 96 || c === 126 || c === 35 || c === 61 || c === 45;
}

/** The patterns mayMark stands before, for its test. */
export const MARK_PATTERNS = { FENCE, ATX, SETEXT } as const;

interface Heading {
  level: number;
  text: string;
  line: number;
}
interface Fence {
  info: string;
  line: number;
  indent: number;
  /** Line of the closing fence; undefined when the fence is never closed. */
  end: number | undefined;
}

/** Headings and fences of a markdown document, outside code; lines are 1-based. */
function scan(lines: string[]): { headings: Heading[]; fences: Fence[] } {
  const headings: Heading[] = [];
  const fences: Fence[] = [];
  let open: (Fence & { marker: string }) | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!mayMark(line)) continue;
    if (open) {
      const m = FENCE.exec(line);
      if (m && m[2]![0] === open.marker[0] && m[2]!.length >= open.marker.length && !m[3]!.trim()) {
        fences.push({ info: open.info, line: open.line, indent: open.indent, end: i + 1 });
        open = undefined;
      }
      continue;
    }
    const f = FENCE.exec(line);
    // A backtick fence's info string cannot hold a backtick (that would be inline code).
    if (f && !(f[2]![0] === "`" && f[3]!.includes("`"))) {
      open = { info: f[3]!.trim(), line: i + 1, indent: f[1]!.length, end: undefined, marker: f[2]! };
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      headings.push({ level: atx[1]!.length, text: (atx[2] ?? "").trim(), line: i + 1 });
      continue;
    }
    // "Title\n-----" is a heading too (setext) when the line above is paragraph text.
    const setext = SETEXT.exec(line);
    const above = lines[i - 1];
    const aboveIsHeading = headings.at(-1)?.line === i;
    if (setext && i > 0 && above !== undefined && !NOT_PARAGRAPH.test(above) && !aboveIsHeading) {
      const prevFence = fences.at(-1);
      if (prevFence?.end !== i) {
        headings.push({ level: setext[1]![0] === "=" ? 1 : 2, text: above.trim(), line: i });
      }
    }
  }
  if (open) fences.push({ info: open.info, line: open.line, indent: open.indent, end: undefined });
  return { headings, fences };
}

/** "Agent Profile", also numbered ("6. Agent Profile") and in any case. */
const isProfileHeading = (text: string) =>
  /^(\d+(\.\d+)*[.)]?\s+)?agent profile$/i.test(text.replace(/\s+/g, " ").trim());

const isYamlInfo = (info: string) => /^(yaml|yml)$/i.test(info.split(/\s+/)[0] ?? "");

export type Located =
  | { found: false; reason: string; line?: number }
  | { found: true; headingLine: number; fenceLine: number; indent: number; text: string; closed: boolean };

/**
 * The first yaml fence of the Agent Profile section. The section ends at the next heading of the same or
 * a higher level (the Python original took the first yaml fence anywhere after the heading).
 */
export function locateProfile(markdown: string): Located {
  const lines = markdown.replace(/^\uFEFF/, "").split(/\r?\n/);
  const { headings, fences } = scan(lines);
  const at = headings.findIndex((h) => isProfileHeading(h.text));
  if (at < 0) return { found: false, reason: "its spec.md has no `## Agent Profile` section" };
  const heading = headings[at]!;
  const next = headings.slice(at + 1).find((h) => h.level <= heading.level);
  const endLine = next?.line ?? lines.length + 1;
  const fence = fences.find((f) => f.line > heading.line && f.line < endLine && isYamlInfo(f.info));
  if (!fence) {
    return {
      found: false,
      reason: `the Agent Profile section (line ${heading.line}) has no \`\`\`yaml block`,
      line: heading.line,
    };
  }
  const strip = new RegExp(`^ {0,${fence.indent}}`);
  const last = fence.end === undefined ? lines.length : fence.end - 1;
  const text = lines
    .slice(fence.line, last)
    .map((l) => l.replace(strip, ""))
    .join("\n");
  const { line: fenceLine, indent } = fence;
  return { found: true, headingLine: heading.line, fenceLine, indent, text, closed: fence.end !== undefined };
}

export type Found = Extract<Located, { found: true }>;

/** The profile block of a spec, closed; or why there is none. Throws for a block never closed. */
export function locateClosed(
  session: string,
  file: string,
  markdown: string | undefined,
): Found | { missing: string; line?: number } {
  if (markdown === undefined) return { missing: "its spec.md does not exist" };
  const located = locateProfile(markdown);
  if (!located.found) return { missing: located.reason, line: located.line };
  if (!located.closed) {
    // Unclosed, the fence would swallow the rest of the document, later headings included.
    const at = { file, line: located.fenceLine, column: 1 };
    throw invalid(at, "the ```yaml block is never closed", { session });
  }
  return located;
}

/** An AGENT_PROFILE_INVALID at `pos`. */
export function invalid(pos: Pos, reason: string, extra: Record<string, unknown> = {}): IdseError {
  return new IdseError("AGENT_PROFILE_INVALID", { ...pos, reason, ...extra });
}
