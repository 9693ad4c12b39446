import { STAGES, type Stage } from "../models/common.ts";

// The on-disk layout of the Python original (DESIGN.md §2), as DesignStore keys: '/'-separated paths
// relative to the `.idse/` directory. This module is the only place that knows them.

export { STAGES, type Stage };

export const STAGE_PATHS: Record<Stage, string> = {
  intent: "intents/intent.md",
  context: "contexts/context.md",
  spec: "specs/spec.md",
  plan: "plans/plan.md",
  tasks: "tasks/tasks.md",
  implementation: "implementation/README.md",
  feedback: "feedback/feedback.md",
};

/** Files of a session's folder that are not stage documents, relative to the folder. */
export const SESSION_FILES = {
  metadata: "metadata/session.json",
  owner: "metadata/.owner",
  stageState: "metadata/stage_state.json",
} as const;

const P = (project: string) => `projects/${project}`;
const S = (project: string, session: string) => `${P(project)}/sessions/${session}`;

export const keys = {
  projects: "projects",
  currentProject: "projects/CURRENT_PROJECT",
  config: "config.json",
  plugins: "plugins.json",
  project: P,
  currentSession: (p: string) => `${P(p)}/CURRENT_SESSION`,
  sessionState: (p: string) => `${P(p)}/session_state.json`,
  agentRegistry: (p: string) => `${P(p)}/agent_registry.json`,
  sessions: (p: string) => `${P(p)}/sessions`,
  session: S,
  artifact: (p: string, s: string, stage: Stage) => `${S(p, s)}/${STAGE_PATHS[stage]}`,
  metadataDir: (p: string, s: string) => `${S(p, s)}/metadata`,
  sessionMetadata: (p: string, s: string) => `${S(p, s)}/${SESSION_FILES.metadata}`,
  owner: (p: string, s: string) => `${S(p, s)}/${SESSION_FILES.owner}`,
  stageState: (p: string, s: string) => `${S(p, s)}/${SESSION_FILES.stageState}`,
  meta: (p: string) => `${S(p, "__blueprint__")}/metadata/meta.md`,
  lock: (p: string) => `${P(p)}/.idse.lock`,
  /** The project's intent journal: a multi-file change in progress (src/intent-journal.ts). */
  intent: (p: string) => `${P(p)}/.idse-intent.json`,
  governance: (name: string) => `governance/${name}`,
};

/**
 * A `$schema` reference for a file idse creates new, relative to the file, pointing at the copy of the
 * schemas that init writes to `.idse/schemas/` (editors resolve relative paths offline).
 */
export function schemaRef(key: string, schema: string): string {
  const depth = key.split("/").length - 1;
  return `${depth === 0 ? "./" : "../".repeat(depth)}schemas/${schema}.schema.json`;
}

/** Parses an artifact key back into its parts (used by stores that index artifacts, e.g. Notion). */
export function parseArtifactKey(
  key: string,
): { project: string; session: string; stage: Stage } | undefined {
  const m = /^projects\/([^/]+)\/sessions\/([^/]+)\/(.+)$/.exec(key);
  if (!m) return undefined;
  const stage = STAGES.find((s) => STAGE_PATHS[s] === m[3]);
  return stage ? { project: m[1]!, session: m[2]!, stage } : undefined;
}
