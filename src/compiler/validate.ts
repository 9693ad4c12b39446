import * as v from "valibot";
import { isMap, isNode, isScalar, isSeq, type Node } from "yaml";
import { REQUIRES_INPUT } from "../artifacts.ts";
import { IdseError, toDiagnostic } from "../errors.ts";
import { AgentProfileSpec, PROFILE_KEYS } from "../models/agent-profile.ts";
import { toValue } from "./merge.ts";
import { blockPos, type MapTree, type Pos, posOf, type Source, type Tree } from "./parse.ts";

// Validate: the merged tree against the AgentProfileSpec model. Every problem is collected, each with the
// file and line its value came from; the first becomes the error and the others its details. Unfinished
// values come first: a template's `name: "[REQUIRES INPUT]"` is not a type error but a missing answer.

const KNOWN = new Set<string>(PROFILE_KEYS);
/** Set by the compiler whatever the block says (as in the original), so never checked. */
const STAMPED = new Set(["source_session", "source_blueprint"]);

type Path = (string | number)[];

const field = (path: Path) =>
  path.reduce<string>((s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${k}` : k), "");

interface Finding {
  kind: "unfinished" | "not-finite";
  path: Path;
  node: Node;
}

/** Values that still hold the marker, and numbers JSON cannot carry, below a YAML node. */
function* scanNode(node: unknown, path: Path): Generator<Finding> {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      yield* scanNode(pair.value, [...path, key]);
    }
  } else if (isSeq(node)) {
    // Unquoted, `name: [REQUIRES INPUT]` is a flow list holding the string "REQUIRES INPUT".
    const only = node.items.length === 1 ? node.items[0] : undefined;
    if (node.flow && isScalar(only) && only.value === REQUIRES_INPUT.slice(1, -1)) {
      yield { kind: "unfinished", path, node };
      return;
    }
    for (let i = 0; i < node.items.length; i++) yield* scanNode(node.items[i], [...path, i]);
  } else if (isScalar(node)) {
    if (typeof node.value === "string" && node.value.includes(REQUIRES_INPUT))
      yield { kind: "unfinished", path, node };
    if (typeof node.value === "number" && !Number.isFinite(node.value))
      yield { kind: "not-finite", path, node };
  }
}

function* scanTree(tree: Tree, path: Path): Generator<Finding & { src: Source }> {
  if (tree.kind === "map") {
    for (const [key, entry] of tree.entries) yield* scanTree(entry.value, [...path, key]);
  } else {
    for (const f of scanNode(tree.node, path)) yield { ...f, src: tree.src };
  }
}

/** The position of the value at `path`: through the merged tree, then through the YAML nodes. */
function locate(tree: Tree, path: Path): Pos {
  let t = tree;
  let i = 0;
  for (; i < path.length && t.kind === "map"; i++) {
    const entry = t.entries.get(String(path[i]));
    if (!entry) return blockPos(t.src);
    t = entry.value;
  }
  let node: unknown = t.node;
  for (; i < path.length; i++) {
    const next: unknown = isMap(node)
      ? node.get(path[i], true)
      : isSeq(node)
        ? node.items[Number(path[i])]
        : undefined;
    if (!isNode(next)) break;
    node = next;
  }
  return posOf(t.src, node as Node);
}

const WORDS: Record<string, string> = { string: "a string", Array: "a list", Object: "a mapping" };

function describe(issue: v.BaseIssue<unknown>): string {
  if (issue.type === "non_empty") return "must not be empty";
  if (issue.kind === "schema") {
    const expected = issue.expected ? (WORDS[issue.expected] ?? issue.expected) : "something else";
    const got = WORDS[issue.received] ?? issue.received;
    // `- Plan: x.md` is a mapping in YAML, not the text it looks like.
    const quote =
      issue.expected === "string" && issue.received === "Object" ? ' (quote text that holds ": ")' : "";
    return `must be ${expected}, not ${got}${quote}`;
  }
  return issue.message;
}

export interface Stamp {
  session: string;
  /** null when there was no blueprint to merge. */
  blueprint: string | null;
}

/** The profile the merged tree describes, or an IdseError listing everything wrong with it. */
export function validateProfile(tree: MapTree, stamp: Stamp): AgentProfileSpec {
  const session = stamp.session;
  const problems: IdseError[] = [];
  const unfinished = new Set<string>();
  const scanned = new Map([...tree.entries].filter(([k]) => KNOWN.has(k) && !STAMPED.has(k)));
  for (const f of scanTree({ ...tree, entries: scanned }, [])) {
    const at = { ...posOf(f.src, f.node), session, field: field(f.path) };
    if (f.kind === "unfinished") {
      problems.push(new IdseError("AGENT_PROFILE_UNFINISHED", at));
      unfinished.add(String(f.path[0]));
    } else {
      problems.push(
        new IdseError("AGENT_PROFILE_INVALID", { ...at, reason: `${at.field} must be a finite number` }),
      );
    }
  }

  const unknown = [...tree.entries.values()].filter((e) => !KNOWN.has(e.key));
  unknown.forEach((e, i) => {
    const keys = i === 0 ? unknown.map((u) => u.key) : [e.key];
    problems.push(
      new IdseError("AGENT_PROFILE_UNKNOWN_KEYS", { ...e.at, session, keys, allowed: PROFILE_KEYS }),
    );
  });

  const value: Record<string, unknown> = {};
  for (const [key, entry] of scanned) value[key] = toValue(entry.value);
  value.source_session = stamp.session;
  value.source_blueprint = stamp.blueprint;
  const result = v.safeParse(AgentProfileSpec, value);
  for (const issue of result.issues ?? []) {
    const path = (issue.path ?? []).map((p) => p.key as string | number);
    const top = String(path[0] ?? "");
    if (unfinished.has(top)) continue;
    if (path.length === 1 && !(top in value)) {
      const reason = `the required key "${top}" is missing`;
      problems.push(
        new IdseError("AGENT_PROFILE_INVALID", { ...blockPos(tree.src), session, field: top, reason }),
      );
      continue;
    }
    const reason = `${field(path)} ${describe(issue)}`;
    problems.push(
      new IdseError("AGENT_PROFILE_INVALID", { ...locate(tree, path), session, field: field(path), reason }),
    );
  }

  const [first, ...rest] = problems;
  if (first) throw IdseError.of(first.code, first.data, rest.map(toDiagnostic));
  if (!result.success)
    throw new IdseError("INTERNAL", { reason: "profile failed validation without issues" });
  // Canonical key order, whatever order the block used; defaults filled in.
  const out = {} as Record<string, unknown>;
  for (const key of PROFILE_KEYS) out[key] = structuredClone(result.output[key]);
  return out as AgentProfileSpec;
}
