import type { Entry, MapTree, Tree } from "./parse.ts";

// Merge: the blueprint's profile is the base and the session's overrides it. Mappings merge key by key,
// at any depth; lists and scalars replace (as in the Python original). Keys keep the base's order, new
// keys follow in the override's order, so the result is as deterministic as the two documents.
// The trees keep their nodes, so every merged value still knows the file and line it came from.

export function mergeTrees(base: Tree | undefined, over: Tree | undefined): Tree | undefined {
  if (!base) return over;
  if (!over) return base;
  if (base.kind !== "map" || over.kind !== "map") return over;
  const entries = new Map<string, Entry>(base.entries);
  for (const [key, entry] of over.entries) {
    const merged = mergeTrees(base.entries.get(key)?.value, entry.value)!;
    entries.set(key, { ...entry, value: merged });
  }
  return { ...over, entries } satisfies MapTree;
}

/** The plain value of a tree, as JSON would hold it. */
export function toValue(tree: Tree): unknown {
  if (tree.kind === "map") {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of tree.entries) {
      // defineProperty: a "__proto__" key is data, not the object's prototype.
      Object.defineProperty(out, key, {
        value: toValue(entry.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return tree.node ? tree.node.toJS(tree.src.doc) : null;
}
