// Keys (src/store/contract.ts) and how they appear in Notion. The stage table is repeated here because a
// plugin imports only types from idse; test/stores/notion checks it against src/store/layout.ts.

import { assertKey } from "../../shared/store-keys.ts";

export { assertKey };

export const STAGE_PATHS = {
  intent: "intents/intent.md",
  context: "contexts/context.md",
  spec: "specs/spec.md",
  plan: "plans/plan.md",
  tasks: "tasks/tasks.md",
  implementation: "implementation/README.md",
  feedback: "feedback/feedback.md",
} as const;
export type Stage = keyof typeof STAGE_PATHS;
const STAGES = Object.keys(STAGE_PATHS) as Stage[];
const SEP = "::";

export const stageTitle = (s: Stage) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

const SESSION_KEY = /^projects\/([^/]+)\/sessions\/([^/]+)(?:\/(.+))?$/;

/** A stage artifact's parts, when the key is one and its ids can be written with "::" unambiguously. */
export function artifactOf(key: string): { project: string; session: string; stage: Stage } | undefined {
  const m = SESSION_KEY.exec(key);
  if (!m?.[3] || m[1]!.includes(SEP) || m[2]!.includes(SEP)) return undefined;
  const stage = STAGES.find((s) => STAGE_PATHS[s] === m[3]);
  return stage ? { project: m[1]!, session: m[2]!, stage } : undefined;
}

/** The session a key belongs to (for the Session property), if any. */
export const sessionOf = (key: string) => SESSION_KEY.exec(key)?.[2];

/**
 * The IDSE_ID of a key: `<project>::<session>::<stage>` for a stage artifact (the Python original's id),
 * the key itself for any other document. A one-segment key that contains "::" is written "./key", which
 * no other key can be, so reading an id back is never ambiguous.
 */
export function idOf(key: string): string {
  const a = artifactOf(key);
  if (a) return `${a.project}${SEP}${a.session}${SEP}${a.stage}`;
  return !key.includes("/") && key.includes(SEP) ? `./${key}` : key;
}

/** The key an IDSE_ID names, or undefined for an id no key has (a page people made by hand). */
export function keyOf(id: string): string | undefined {
  let key: string;
  if (id.startsWith("./")) key = id.slice(2);
  else if (id.includes("/")) key = id;
  else {
    const parts = id.split(SEP);
    if (parts.length === 3 && (STAGES as string[]).includes(parts[2]!) && parts[0] && parts[1]) {
      key = `projects/${parts[0]}/sessions/${parts[1]}/${STAGE_PATHS[parts[2] as Stage]}`;
    } else key = id;
  }
  try {
    assertKey(key);
  } catch {
    return undefined;
  }
  return idOf(key) === id ? key : undefined;
}

/**
 * What to ask Notion for to find every key at or below `prefix`: IDSE_IDs that equal or start with one
 * of these strings. A superset (Notion may match case-insensitively); callers filter exactly.
 */
export function idPatterns(prefix: string): { equals: string[]; startsWith: string[]; all: boolean } {
  const equals = [idOf(prefix)];
  const startsWith = [`${prefix}/`];
  const parts = prefix.split("/");
  if (parts[0] === "projects") {
    const [, p, sessions, s, dir] = parts;
    // Every artifact is below "projects": only a scan of all pages finds them.
    if (parts.length === 1) return { equals, startsWith, all: true };
    if (p && !p.includes(SEP) && (parts.length === 2 || (parts.length === 3 && sessions === "sessions"))) {
      startsWith.push(`${p}${SEP}`);
    } else if (p && s && sessions === "sessions" && !`${p}${s}`.includes(SEP)) {
      if (parts.length === 4) startsWith.push(`${p}${SEP}${s}${SEP}`);
      else if (parts.length === 5) {
        for (const st of STAGES)
          if (STAGE_PATHS[st].startsWith(`${dir}/`)) equals.push(`${p}${SEP}${s}${SEP}${st}`);
      }
    }
  }
  return { equals, startsWith, all: false };
}

export const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Immediate children of `prefix` among `keys`, sorted, with their kind. */
export function childrenOf(prefix: string, keys: Iterable<string>): { name: string; kind: "file" | "dir" }[] {
  const lo = `${prefix}/`;
  const kinds = new Map<string, "file" | "dir">();
  for (const key of keys) {
    if (!key.startsWith(lo)) continue;
    const rest = key.slice(lo.length);
    const slash = rest.indexOf("/");
    if (slash >= 0) kinds.set(rest.slice(0, slash), "dir");
    else if (!kinds.has(rest)) kinds.set(rest, "file");
  }
  return [...kinds.keys()].sort(byCodeUnit).map((name) => ({ name, kind: kinds.get(name)! }));
}

/** Every file and folder below `prefix`, relative, sorted. */
export function treeOf(prefix: string, keys: Iterable<string>): string[] {
  const lo = `${prefix}/`;
  const out = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(lo)) continue;
    const rel = key.slice(lo.length);
    out.add(rel);
    for (let i = rel.indexOf("/"); i >= 0; i = rel.indexOf("/", i + 1)) out.add(rel.slice(0, i));
  }
  return [...out].sort(byCodeUnit);
}
