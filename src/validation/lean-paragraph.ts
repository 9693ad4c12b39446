import type { StateBlock } from "markdown-it";

// markdown-it's `lheading` and `paragraph` block rules as one rule that makes no paragraph tokens. The
// validation engine reads headings, fences, lists and HTML from the parse (src/validation/markdown.ts);
// a paragraph's three tokens and its joined, trimmed text were built for every paragraph and never read.
// Stock markdown-it also scans each paragraph twice: `lheading` looks for a setext underline, fails, and
// `paragraph` walks the same lines again. The two loops are the same but for the underline check (which
// only ever ends the loop), so when no underline is found the paragraph ends where the scan stopped.
// Written by hand for the `validate --all` budget (docs/benchmarks.md, "Scaling"); held to stock
// markdown-it's parse by test/validation/lean-paragraph.test.ts.

const DASH = 0x2d;
const EQUALS = 0x3d;

/** A setext heading (as `lheading` makes it) or a paragraph, which leaves no token. */
export function leanParagraph(state: StateBlock, startLine: number, endLine: number): boolean {
  const terminators = state.md.block.ruler.getRules("paragraph");
  const oldParentType = state.parentType;
  // `lheading` refuses a first line indented as code, but no such line reaches this rule: `code` comes
  // first and takes every one.
  state.parentType = "paragraph"; // the terminators check this
  let level = 0;
  let marker = 0;
  let nextLine = startLine + 1;
  for (; nextLine < endLine && !state.isEmpty(nextLine); nextLine++) {
    // A line indented as code continues the paragraph (it cannot be a lazy code block).
    if (state.sCount[nextLine]! - state.blkIndent > 3) continue;
    if (state.sCount[nextLine]! >= state.blkIndent) {
      let pos = state.bMarks[nextLine]! + state.tShift[nextLine]!;
      const max = state.eMarks[nextLine]!;
      if (pos < max) {
        marker = state.src.charCodeAt(pos);
        if (marker === DASH || marker === EQUALS) {
          pos = state.skipSpaces(state.skipChars(pos, marker));
          if (pos >= max) {
            level = marker === EQUALS ? 1 : 2;
            break;
          }
        }
      }
    }
    // Negative indentation (a blockquote's lazy line) continues the paragraph.
    if (state.sCount[nextLine]! < 0) continue;
    let terminate = false;
    for (const rule of terminators) {
      if (rule(state, nextLine, endLine, true)) {
        terminate = true;
        break;
      }
    }
    if (terminate) break;
  }
  state.parentType = oldParentType;
  if (!level) {
    state.line = nextLine;
    return true;
  }
  state.line = nextLine + 1;
  const tag = `h${level}`;
  const markup = String.fromCharCode(marker);
  const open = state.push("heading_open", tag, 1);
  open.markup = markup;
  open.map = [startLine, state.line];
  const inline = state.push("inline", "", 0);
  inline.content = state.getLines(startLine, nextLine, state.blkIndent, false).trim();
  inline.map = [startLine, state.line - 1];
  inline.children = [];
  state.push("heading_close", tag, -1).markup = markup;
  return true;
}
