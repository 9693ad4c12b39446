import {
  type Document,
  isAlias,
  isCollection,
  isPair,
  type LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { YAML_LIMITS } from "./yaml-limits.ts";

// Limits on an Agent Profile's YAML, so that a hostile or broken block is a stable error with a line
// (PROFILE_YAML_LIMIT), never a parser crash reported as INTERNAL: an alias bomb (aliases that expand
// exponentially: the yaml library's maxAliasCount), nesting deep enough to exhaust the stack, and size.
// A real profile is a few flat keys, far inside all three.

/** A limit the block goes past: why, and the offset in the block where it shows. */
export class YamlLimit extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

const DEEP = "it is nested too deeply for the parser";

/**
 * Parses the block like parseDocument, throwing YamlLimit where it goes past a limit. `aliases` is false
 * only when the document parsed and holds no alias, so callers can skip their own search for one.
 */
export function parseWithLimits(text: string, lineCounter: LineCounter): { doc: Document; aliases: boolean } {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > YAML_LIMITS.bytes)
    throw new YamlLimit(`it is ${bytes} bytes; at most ${YAML_LIMITS.bytes} are read`, 0);
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: true });
  } catch (err) {
    if (err instanceof RangeError) throw new YamlLimit(DEEP, 0);
    throw err;
  }
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  if (overflow) throw new YamlLimit(DEEP, overflow.pos[0]);
  if (doc.errors.length) return { doc, aliases: true };

  // Depth, walked with a stack of its own (a recursive walk would overflow where the parser did not).
  const todo: [unknown, number][] = [[doc.contents, 1]];
  let aliases = false;
  while (todo.length) {
    const [node, depth] = todo.pop()!;
    if (isAlias(node)) aliases = true;
    if (!isCollection(node)) continue;
    if (depth > YAML_LIMITS.depth)
      throw new YamlLimit(`it nests deeper than ${YAML_LIMITS.depth} levels`, node.range?.[0] ?? 0);
    for (const item of node.items) {
      if (isPair(item)) todo.push([item.key, depth + 1], [item.value, depth + 1]);
      else todo.push([item, depth + 1]);
    }
  }

  // Aliases: resolving them is where a bomb explodes; the library counts and stops it. Without one
  // there is nothing to count, and resolving the whole document (toJS) would be wasted work.
  if (!aliases) return { doc, aliases };
  try {
    doc.toJS({ maxAliasCount: YAML_LIMITS.aliases });
  } catch (err) {
    if (!/excessive alias count/i.test((err as Error).message)) return { doc, aliases }; // e.g. a dangling alias: reported by the caller
    let first: Node | undefined;
    visit(doc, {
      Alias(_, a) {
        first = a;
        return visit.BREAK;
      },
    });
    throw new YamlLimit(
      `its aliases expand to more than ${YAML_LIMITS.aliases} nodes (an alias bomb?)`,
      first?.range?.[0] ?? 0,
    );
  }
  return { doc, aliases };
}
