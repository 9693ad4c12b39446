import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  visit,
  type YAMLMap,
} from "yaml";
import { IdseError, toDiagnostic } from "../errors.ts";
import { parseWithLimits, YamlLimit } from "./limits.ts";
import { isPlainProfile } from "./plain.ts";

// Parse: find the `## Agent Profile` section of a spec, take the first ```yaml fence inside it, and parse
// it into a tree whose every node remembers where it came from, so any later error (merge, validation)
// can point at a line and column of that spec.md.

/** A parsed profile block: which session and file it came from, and how its lines map to the file. */
export interface Source {
  session: string;
  /** The spec, relative to the repository root (for messages). */
  file: string;
  /** Line of the opening fence in the file; line n of the YAML is line fenceLine + n of the file. */
  fenceLine: number;
  /** Spaces stripped from each YAML line (a fence indented by up to three spaces). */
  indent: number;
  doc: Document;
  lines: LineCounter;
}

export interface Pos {
  file: string;
  line: number;
  column: number;
}

// Mappings stay trees so they can merge key by key; anything else is a leaf that replaces as a whole.
export type Tree = MapTree | LeafTree;
export interface MapTree {
  kind: "map";
  src: Source;
  node: YAMLMap | null;
  entries: Map<string, Entry>;
}
export interface LeafTree {
  kind: "leaf";
  src: Source;
  node: Node | null;
}
export interface Entry {
  key: string;
  /** Where the key is written (for unknown-key errors). */
  at: Pos;
  value: Tree;
}

export function posOf(src: Source, node: Node | null | undefined): Pos {
  const offset = node?.range?.[0];
  if (offset === undefined) return { file: src.file, line: src.fenceLine, column: 1 };
  const { line, col } = src.lines.linePos(offset);
  return { file: src.file, line: src.fenceLine + line, column: col + src.indent };
}

/** Where the block opens: the position used for problems of the profile as a whole (a missing id). */
export const blockPos = (src: Source): Pos => ({ file: src.file, line: src.fenceLine, column: 1 });

// --- the markdown side: a line scanner, not a markdown parser ----------------------------------------
// Only headings and fences matter here, and the CommonMark rules for those two fit in a few regexes; a
// full parser would cost startup time for every one of the 1,001 specs `--all` reads.

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const NOT_PARAGRAPH = /^\s*$|^ {0,3}([-+*]|\d+[.)])(\s|$)|^ {0,3}>|^ {4}/;

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

// --- the YAML side --------------------------------------------------------------------------------------

function invalid(pos: Pos, reason: string, extra: Record<string, unknown> = {}): IdseError {
  return new IdseError("AGENT_PROFILE_INVALID", { ...pos, reason, ...extra });
}

/** The message of a yaml error without its " at line L, column C:" suffix and code frame. */
const cleanMessage = (message: string) => message.replace(/ at line \d+, column \d+:[\s\S]*$/, "").trim();

function toTree(src: Source, node: Node | null): Tree {
  if (!isMap(node)) return { kind: "leaf", src, node };
  const entries = new Map<string, Entry>();
  for (const pair of node.items) {
    const keyNode = isNode(pair.key) ? pair.key : null;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode ?? pair.key);
    const value = isNode(pair.value) ? pair.value : null;
    entries.set(key, { key, at: posOf(src, keyNode ?? value), value: toTree(src, value) });
  }
  return { kind: "map", src, node, entries };
}

export type ParsedProfile = { tree: MapTree; src: Source } | { missing: string; line?: number };

/**
 * Parses one spec's profile block. Returns undefined when the spec has none (the other side of the
 * merge may supply it), the reason in `missing`; throws for a block that is there but unusable.
 */
export function parseProfile(session: string, file: string, markdown: string | undefined): ParsedProfile {
  const located = locateClosed(session, file, markdown);
  return "missing" in located ? located : parseLocated(session, file, located);
}

/**
 * What parseProfile says of a spec without the tree: the reason a block is missing, undefined when it
 * parses, an IdseError thrown when it does not. `validate` asks only this, so a block plainly fine
 * (plain.ts) skips the yaml library: same findings, a fraction of the time.
 */
export function checkProfile(session: string, file: string, markdown: string | undefined) {
  const located = locateClosed(session, file, markdown);
  if ("missing" in located) return located;
  if (!isPlainProfile(located.text)) parseLocated(session, file, located);
  return undefined;
}

type Found = Extract<Located, { found: true }>;

function locateClosed(
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

function parseLocated(session: string, file: string, located: Found): { tree: MapTree; src: Source } {
  const lines = new LineCounter();
  let parsed: ReturnType<typeof parseWithLimits>;
  try {
    parsed = parseWithLimits(located.text, lines);
  } catch (err) {
    if (!(err instanceof YamlLimit)) throw err;
    const lp = lines.linePos(err.offset);
    throw new IdseError("PROFILE_YAML_LIMIT", {
      file,
      line: located.fenceLine + (lp.line || 1),
      column: (lp.col || 1) + located.indent,
      session,
      reason: err.reason,
    });
  }
  const { doc, aliases } = parsed;
  const src: Source = { session, file, fenceLine: located.fenceLine, indent: located.indent, doc, lines };
  if (doc.errors.length) {
    const [first, ...rest] = doc.errors.map((e) => {
      const lp = e.linePos?.[0] ?? { line: 1, col: 1 };
      const data = {
        file,
        line: located.fenceLine + lp.line,
        column: lp.col + located.indent,
        session,
        reason: cleanMessage(e.message),
      };
      return new IdseError("AGENT_PROFILE_YAML", data);
    });
    throw IdseError.of(first!.code, first!.data, rest.map(toDiagnostic));
  }
  // An alias without its anchor is no parse error in yaml; it would fail later, without a position.
  let dangling: Node | undefined;
  if (aliases)
    visit(doc, {
      Alias(_, alias) {
        if (!alias.resolve(doc)) {
          dangling = alias;
          return visit.BREAK;
        }
      },
    });
  if (dangling) {
    throw new IdseError("AGENT_PROFILE_YAML", {
      ...posOf(src, dangling),
      session,
      reason: `alias ${String(dangling)} has no anchor`,
    });
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    throw invalid(blockPos(src), "the ```yaml block is empty", { session });
  }
  if (!isMap(root)) {
    const kind = isSeq(root) ? "a list" : "a single value";
    throw invalid(posOf(src, root), `the yaml block must be a mapping of keys to values, not ${kind}`, {
      session,
    });
  }
  return { tree: toTree(src, root) as MapTree, src };
}
