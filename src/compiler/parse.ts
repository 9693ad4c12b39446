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
// Types only from locate.ts: a module both sides import at run time would share a chunk of the compiled
// binary with the yaml library, and validate's check.ts would load yaml with it (docs/benchmarks.md).
import type { Found, Pos } from "./locate.ts";

export type { Pos } from "./locate.ts";

// Parse: find the `## Agent Profile` section of a spec and its first ```yaml fence (locate.ts), and parse
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

// --- the YAML side --------------------------------------------------------------------------------------

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

/** locate.ts's `invalid`, written again here: importing it would put locate.ts in yaml's chunk (above). */
function invalid(pos: Pos, reason: string, extra: Record<string, unknown> = {}): IdseError {
  return new IdseError("AGENT_PROFILE_INVALID", { ...pos, reason, ...extra });
}

export type ParsedProfile = { tree: MapTree; src: Source } | { missing: string; line?: number };

/** Parses a located, closed block (the yaml side of readProfile, index.ts, and of checkProfile, check.ts). */
export function parseLocated(session: string, file: string, located: Found): { tree: MapTree; src: Source } {
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
