import { applyEdits, findNodeAtLocation, modify, type Node, parseTree } from "jsonc-parser";
import { IdseError } from "./errors.ts";

// Editing a JSON file a user owns (.claude/settings.json, .mcp.json, .cursor/mcp.json): idse changes the
// one value it manages and leaves every other byte as it was, with jsonc-parser (VS Code's) rather than a
// JSON.parse/JSON.stringify round trip, which rounded an id of 12345678901234567890, turned 1e400 into
// null, dropped a duplicated key and reformatted the whole file (found by an attacker review). The value
// idse replaces was read with JSON.parse, so it must be one JSON.parse reads exactly: a number past 2^53,
// one outside a double's range or a key given twice there is refused rather than changed.

export type JsonPath = (string | number)[];

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: "\n" } };

/** Throws INVALID_FILE when the value at `path` holds what a JSON.parse round trip would change. */
function assertExact(text: string, node: Node | undefined, file: string, path: JsonPath): void {
  if (!node) return;
  const where = path.join(".");
  const walk = (n: Node) => {
    if (n.type === "number") {
      const literal = text.slice(n.offset, n.offset + n.length);
      const v = Number(literal);
      if (!Number.isFinite(v) || (/^-?\d+$/.test(literal) && !Number.isSafeInteger(v)))
        throw new IdseError("INVALID_FILE", {
          file,
          reason: `${where} holds the number ${literal}, which idse cannot rewrite exactly; change it by hand`,
        });
    }
    if (n.type === "object") {
      const seen = new Set<string>();
      for (const p of n.children ?? []) {
        const key = p.children?.[0]?.value as string;
        if (seen.has(key))
          throw new IdseError("INVALID_FILE", { file, reason: `${where} has the key "${key}" twice` });
        seen.add(key);
      }
    }
    for (const c of n.children ?? []) walk(c);
  };
  walk(node);
}

/**
 * `text` (a JSON object, or "" for a new file) with the value at `path` set to `value`, every other byte
 * as it was; the same text when the value is already that.
 */
export function setJsonValue(text: string, path: JsonPath, value: unknown, file: string): string {
  const base = text.trim() === "" ? "{}\n" : text;
  const root = parseTree(base);
  const node = root && findNodeAtLocation(root, path);
  assertExact(base, node, file, path);
  const edits = modify(base, path, value, FORMAT);
  const out = applyEdits(base, edits);
  return out.endsWith("\n") ? out : `${out}\n`;
}
