import type { MarkdownIt } from "markdown-it";
import { onDemand } from "../on-demand.ts";
import { leanParagraph } from "./lean-paragraph.ts";

// Markdown for the validation engine: a CommonMark parse (markdown-it, block level only: inline parsing
// is switched off because no rule needs inline trees, and it is most of the parse time) reduced to what
// rules ask about, with 1-based lines. Inline code spans are handled by `proseOf`, on the source line.
//
// markdown-it comes from its 14.3 line, maintained beside 15 (both had a release on 2026-10-16): 15's
// published build lowers class fields into a helper call per field, a dozen for every token, and that
// was 7-10 % of `validate --all` on 10,001 written sessions (docs/benchmarks.md, "Scaling").

export interface Heading {
  level: number;
  text: string;
  line: number;
}

export interface Fence {
  info: string;
  content: string;
  /** Line of the opening fence. */
  line: number;
  /** Line of the closing fence, or undefined when the fence runs to the end of the document. */
  endLine: number | undefined;
}

export interface ListItem {
  line: number;
  /** The item's first line as written, without the marker. */
  text: string;
  /** Task-list state: true for [x], false for [ ], null for a plain item. */
  checked: boolean | null;
  depth: number;
}

export interface ParseProblem {
  /** Becomes the message_id of an idse/parse finding. */
  id:
    | "BINARY_CONTENT"
    | "INVALID_UTF8"
    | "EMPTY_FILE"
    | "TOO_LARGE"
    | "BOM"
    | "CRLF"
    | "UNCLOSED_FENCE"
    | "DEEP_NESTING";
  message: string;
  line: number;
  severity: "error" | "warning";
}

export interface MdDoc {
  /** Source with the BOM removed and CRLF turned into LF. */
  text: string;
  lines: string[];
  headings: Heading[];
  fences: Fence[];
  listItems: ListItem[];
  /** Lines (1-based) inside code blocks, fences or HTML blocks: not prose. */
  nonProse: Set<number>;
  /** Lines of HTML blocks (comments included): not content a reader sees. */
  html: Set<number>;
  problems: ParseProblem[];
  /** False when the document could not be parsed (binary, too large): only presence rules apply. */
  parsed: boolean;
}

/** Documents above this size are reported, not parsed: a 50 MB design document is a mistake. */
export const MAX_PARSE_BYTES = 5 * 1024 * 1024;
const MAX_DEPTH = 20;

// Loaded only when a document is parsed: a session of untouched templates is validated from their stored
// shapes (engine.ts) and never needs it (src/on-demand.ts).
const library = onDemand(() => import("markdown-it"));
/** Loads markdown-it now, for a caller that parses outside validateSessions (a test). */
export const loadMarkdownIt = () => library.load();
let lean: MarkdownIt | undefined;
let stock: MarkdownIt | undefined;
/**
 * The parser: CommonMark, block level, with paragraphs left untokenised (src/validation/lean-paragraph.ts)
 * and without the `normalize` step (parseMarkdown has turned CRLF into LF and refused NUL; a lone CR is
 * turned into LF for the parse as normalize did). `stock`: markdown-it's own rules, for the test that holds
 * the two to the same result.
 */
function md(o: { stock?: boolean } = {}): MarkdownIt {
  if (o.stock) {
    stock ??= blockParser();
    return stock;
  }
  if (!lean) {
    lean = blockParser();
    lean.core.ruler.disable(["normalize"]);
    lean.block.ruler.at("paragraph", leanParagraph);
    lean.block.ruler.disable(["lheading"]);
  }
  return lean;
}

function blockParser(): MarkdownIt {
  // maxNesting is one of markdown-it's options (its presets set it) that @types/markdown-it leaves out.
  const options: object = { maxNesting: 200 };
  const parser = library.get().default("commonmark", options);
  parser.core.ruler.disable(["inline"]);
  return parser;
}

/** `stock`: parse with markdown-it's own block rules (for the test that compares the two). */
export function parseMarkdown(raw: string, o: { stock?: boolean } = {}): MdDoc {
  const problems: ParseProblem[] = [];
  let text = raw;
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    problems.push({
      id: "BOM",
      message: "the file starts with a byte-order mark",
      line: 1,
      severity: "warning",
    });
  }
  if (text.includes("\r\n")) {
    text = text.replace(/\r\n/g, "\n");
    problems.push({ id: "CRLF", message: "the file uses CRLF line endings", line: 1, severity: "warning" });
  }
  const lines = text.split("\n");
  const doc: MdDoc = {
    text,
    lines,
    headings: [],
    fences: [],
    listItems: [],
    nonProse: new Set(),
    html: new Set(),
    problems,
    parsed: false,
  };
  if (text.includes("\0")) {
    problems.push({
      id: "BINARY_CONTENT",
      message: "the file holds binary content, not markdown",
      line: 1,
      severity: "error",
    });
    return doc;
  }
  // Characters undercount UTF-8 bytes by up to 3x: measure bytes only when it can matter.
  const bytes = raw.length * 3 > MAX_PARSE_BYTES ? Buffer.byteLength(raw, "utf8") : raw.length;
  if (bytes > MAX_PARSE_BYTES) {
    const mb = (bytes / 1024 / 1024).toFixed(1);
    problems.push({
      id: "TOO_LARGE",
      message: `the file is ${mb} MB; documents over 5 MB are not parsed`,
      line: 1,
      severity: "error",
    });
    return doc;
  }
  const bad = text.indexOf("\uFFFD");
  if (bad >= 0) {
    const line = text.slice(0, bad).split("\n").length;
    problems.push({
      id: "INVALID_UTF8",
      message: "the file is not valid UTF-8 (or holds U+FFFD)",
      line,
      severity: "error",
    });
  }
  if (text.trim() === "") {
    problems.push({ id: "EMPTY_FILE", message: "the file is empty", line: 1, severity: "error" });
  }
  collect(doc, o.stock === true);
  doc.parsed = true;
  return doc;
}

function collect(doc: MdDoc, stock: boolean): void {
  // What markdown-it's normalize step does, which the lean parser leaves out: NUL was refused above, so
  // only line ends are left to it (a CR that the CRLF replacement left, or made: "\r\r\n" gives "\r\n").
  const src = stock || !doc.text.includes("\r") ? doc.text : doc.text.replace(/\r\n?/g, "\n");
  const tokens = md({ stock }).parse(src, {});
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const start = (t.map?.[0] ?? 0) + 1;
    switch (t.type) {
      case "heading_open": {
        const inline = tokens[i + 1];
        doc.headings.push({
          level: Number(t.tag.slice(1)),
          text: (inline?.content ?? "").trim(),
          line: start,
        });
        break;
      }
      case "fence": {
        const end = t.map?.[1] ?? start;
        const last = doc.lines[end - 1] ?? "";
        // Closed when the block's last line is a closing fence once container markup (blockquote `>`,
        // list indentation) is stripped: markdown-it ends an unclosed fence at its container's end.
        const closer = last.replace(/^[\s>]*/, "");
        const closed =
          end > start &&
          new RegExp(`^${t.markup[0] === "`" ? "`" : "~"}{${t.markup.length},}\\s*$`).test(closer);
        doc.fences.push({
          info: t.info.trim(),
          content: t.content,
          line: start,
          endLine: closed ? end : undefined,
        });
        if (!closed) {
          doc.problems.push({
            id: "UNCLOSED_FENCE",
            message: "a code fence is never closed",
            line: start,
            severity: "warning",
          });
        }
        for (let l = start; l <= end; l++) doc.nonProse.add(l);
        break;
      }
      case "code_block":
        for (let l = start; l <= (t.map?.[1] ?? start); l++) doc.nonProse.add(l);
        break;
      case "html_block":
        for (let l = start; l <= (t.map?.[1] ?? start); l++) {
          doc.nonProse.add(l);
          doc.html.add(l);
        }
        break;
      case "bullet_list_open":
      case "ordered_list_open":
        depth++;
        deepest = Math.max(deepest, depth);
        break;
      case "bullet_list_close":
      case "ordered_list_close":
        depth--;
        break;
      case "list_item_open": {
        const raw = doc.lines[start - 1] ?? "";
        const body = raw.replace(/^\s*(?:[-+*]|\d+[.)])\s?/, "");
        const task = /^\[([ xX])\]\s?/.exec(body);
        doc.listItems.push({
          line: start,
          text: task ? body.slice(task[0].length) : body,
          checked: task ? task[1] !== " " : null,
          depth,
        });
        break;
      }
    }
  }
  if (deepest > MAX_DEPTH) {
    doc.problems.push({
      id: "DEEP_NESTING",
      message: `lists are nested ${deepest} levels deep`,
      line: 1,
      severity: "warning",
    });
  }
}

/**
 * The parse of `text`, a rendering of the template whose parse is `shape`: placeholders sit mid-line in
 * our templates, so block structure is the same and only line contents differ. Reusing the structure
 * skips the markdown parse for the untouched documents that make up most of a large workspace (written
 * by hand for the `validate --all` budget, see docs/benchmarks.md). Undefined when the shapes differ.
 */
export function reshape(shape: MdDoc, text: string): MdDoc | undefined {
  if (!shape.parsed || text.includes("\r") || text.charCodeAt(0) === 0xfeff) return undefined;
  const lines = text.split("\n");
  if (lines.length !== shape.lines.length) return undefined;
  const at = (line: number) => lines[line - 1] ?? "";
  // A line the same as the shape's has the same heading or item text: the shape's own entry is taken
  // as it is (its objects are never changed), so a rendered template recomputes only the lines its
  // values went into. Most of `validate --all`'s reshaping, on workspaces of untouched documents.
  const same = (line: number) => lines[line - 1] === shape.lines[line - 1];
  const fenceSame = (f: Fence) => {
    for (let l = f.line; l <= (f.endLine ?? lines.length); l++) if (!same(l)) return false;
    return true;
  };
  return {
    ...shape,
    text,
    lines,
    headings: shape.headings.map((h) =>
      same(h.line)
        ? h
        : {
            ...h,
            text: at(h.line)
              .replace(/^\s*#+\s*|\s+#+\s*$/g, "")
              .trim(),
          },
    ),
    fences: shape.fences.map((f) =>
      fenceSame(f)
        ? f
        : {
            ...f,
            content:
              lines.slice(f.line, (f.endLine ?? lines.length + 1) - 1).join("\n") + (f.content ? "\n" : ""),
          },
    ),
    listItems: shape.listItems.map((li) =>
      same(li.line)
        ? li
        : {
            ...li,
            text: at(li.line)
              .replace(/^\s*(?:[-+*]|\d+[.)])\s?/, "")
              .replace(/^\[([ xX])\]\s?/, ""),
          },
    ),
    problems: [],
  };
}

/** The block structure of a parse without its text: what `reshape` needs, as plain JSON. */
export interface ShapeJson {
  lines: number;
  headings: { level: number; line: number }[];
  fences: { info: string; line: number; endLine: number | null; empty: boolean }[];
  listItems: { line: number; checked: boolean | null; depth: number }[];
  nonProse: number[];
  html: number[];
}

export function toShapeJson(doc: MdDoc): ShapeJson {
  return {
    lines: doc.lines.length,
    headings: doc.headings.map(({ level, line }) => ({ level, line })),
    fences: doc.fences.map((f) => ({
      info: f.info,
      line: f.line,
      endLine: f.endLine ?? null,
      empty: f.content === "",
    })),
    listItems: doc.listItems.map(({ line, checked, depth }) => ({ line, checked, depth })),
    nonProse: [...doc.nonProse].sort((a, b) => a - b),
    html: [...doc.html].sort((a, b) => a - b),
  };
}

/** A stored shape as a parse without text (empty lines): what `reshape` fills with a document's lines. */
export function skeletonOf(j: ShapeJson): MdDoc {
  return {
    text: "",
    // fill, not Array.from with a callback: a call per line, in the interpreter, at every start.
    lines: new Array<string>(j.lines).fill(""),
    headings: j.headings.map((h) => ({ ...h, text: "" })),
    fences: j.fences.map((f) => ({
      info: f.info,
      line: f.line,
      endLine: f.endLine ?? undefined,
      content: f.empty ? "" : "\n",
    })),
    listItems: j.listItems.map((li) => ({ ...li, text: "" })),
    nonProse: new Set(j.nonProse),
    html: new Set(j.html),
    problems: [],
    parsed: true,
  };
}

/** A prose line with inline code spans blanked out (same length, so columns stay true). */
export function proseOf(doc: MdDoc, line: number): string | undefined {
  if (doc.nonProse.has(line)) return undefined;
  const src = doc.lines[line - 1];
  if (src === undefined) return undefined;
  if (!src.includes("`")) return src;
  return src.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (m) => " ".repeat(m.length));
}

/** The lines of the section a heading opens: up to the next heading of the same or a higher level. */
export function sectionRange(doc: MdDoc, heading: Heading): { from: number; to: number } {
  const next = doc.headings.find((h) => h.line > heading.line && h.level <= heading.level);
  return { from: heading.line + 1, to: (next?.line ?? doc.lines.length + 1) - 1 };
}
