import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readContained } from "../store/path-guard.ts";

// What the Claude Code hook needs to know to decide, read the cheap way: the project, its agent registry,
// the current session and that session's stage state. Plain reads and JSON.parse, checked for exactly the
// fields the decision uses (a file doctor would call corrupt in those fields is called unreadable here),
// so the hook's fast path loads no models, no command table and no plugin host. For a store plugin the
// same reads go through the workspace's store (src/cli/commands/hook.ts passes a `Source` for it).
//
// Anything it cannot read is a Problem naming the file and the command that repairs it: the hook then
// denies a (possibly) planning agent instead of letting it through (docs/security.md, "Agent mode").

export const STAGE_NAMES = [
  "intent",
  "context",
  "spec",
  "plan",
  "tasks",
  "implementation",
  "feedback",
] as const;
export type StageName = (typeof STAGE_NAMES)[number];
const STATUSES = ["pending", "in_progress", "completed"];
const MODES = ["planning", "implementation"];

/** The ids the built-in Claude Code adapter answers to (src/routing/claude-code.ts; a test keeps them in step). */
export const CLAUDE_CODE_ALIASES = ["claude-code", "claude", "claude-cli"];

export interface HookAgent {
  id: string;
  mode: "planning" | "implementation";
  stages: StageName[];
  ide?: string;
}

export interface Problem {
  /** Repo-relative file (or variable) that could not be read. */
  file: string;
  reason: string;
  /** A command the user runs to repair it. */
  fix: string;
}

/**
 * The nearest directory at or above `cwd` that contains `.idse/` (src/workspace.ts findRoot, repeated here
 * because importing the workspace module brings the config models and the store drivers: 6 ms).
 */
export function findRoot(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    try {
      if (statSync(join(dir, ".idse")).isDirectory()) return dir;
    } catch {}
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * True when the documents are certainly plain files under `.idse/` (no store plugin in
 * `.idse/config.json` or IDSE_STORE_PLUGIN; store.plugin is never read from the home file). Anything
 * else, an unreadable config.json included, goes the slow way through the config loader.
 */
export function plainFileStore(idseDir: string, env: Record<string, string | undefined>): boolean {
  const fromEnv = env.IDSE_STORE_PLUGIN;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv === "filesystem";
  let text: string | undefined;
  try {
    // As every reader of the repository's files: nothing a link leads out to is read (a link to
    // /dev/stdin would hang the hook); such a file goes the slow way, which reports it.
    text = readContained(dirname(idseDir), join(idseDir, "config.json"), "utf8");
    if (text === undefined) return true;
  } catch {
    return false;
  }
  try {
    const doc = JSON.parse(text);
    if (!isObject(doc)) return false;
    if (doc.store === undefined) return true;
    if (!isObject(doc.store)) return false;
    const plugin = doc.store.plugin ?? doc.store.backend;
    return plugin === undefined || plugin === "filesystem";
  } catch {
    return false;
  }
}

/** Where the state documents come from: keys relative to `.idse/`, as in src/store/layout.ts. */
export interface Source {
  read(key: string): Promise<string | undefined>;
  /** Directory names under `projects/`. */
  listProjects(): Promise<string[]>;
  hasSession(project: string, session: string): Promise<boolean>;
}

export function fileSource(idseDir: string): Source {
  return {
    async read(key) {
      try {
        // PATH_OUTSIDE_WORKSPACE for a file a link leads out of the repository: a problem, so a denial.
        return readContained(dirname(idseDir), join(idseDir, key), "utf8");
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return undefined;
        throw err;
      }
    },
    async listProjects() {
      try {
        return readdirSync(join(idseDir, "projects"), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name);
      } catch {
        return [];
      }
    },
    async hasSession(project, session) {
      try {
        return statSync(join(idseDir, "projects", project, "sessions", session)).isDirectory();
      } catch {
        return false;
      }
    },
  };
}

/** Ids that can name a project or a session folder (src/ids.ts isListableId, without importing it). */
const LISTABLE = /^[A-Za-z0-9_][A-Za-z0-9._ -]{0,127}$/;

export interface HookState {
  project?: string;
  /** Undefined when it could not be read (then the agents' modes are unknown). */
  agents?: HookAgent[];
  /** The current session's stages; undefined when unknown. */
  stages?: Record<StageName, string>;
  session?: string;
  problems: Problem[];
}

const DOCTOR = "`idse doctor --fix` (it moves the damaged file aside and rebuilds it)";
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

async function readJson(src: Source, key: string, problems: Problem[]): Promise<unknown> {
  const text = await src.read(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    problems.push({ file: `.idse/${key}`, reason: `not JSON (${(err as Error).message})`, fix: DOCTOR });
    return null;
  }
}

function parseAgents(doc: unknown): HookAgent[] | undefined {
  if (!isObject(doc) || !Array.isArray(doc.agents)) return undefined;
  const out: HookAgent[] = [];
  for (const a of doc.agents) {
    if (!isObject(a) || typeof a.id !== "string" || a.id === "" || !MODES.includes(a.mode as string))
      return undefined;
    if (!Array.isArray(a.stages) || !a.stages.every((s) => (STAGE_NAMES as readonly string[]).includes(s)))
      return undefined;
    if (a.ide !== undefined && typeof a.ide !== "string") return undefined;
    out.push({
      id: a.id,
      mode: a.mode as HookAgent["mode"],
      stages: a.stages as StageName[],
      ide: a.ide as string,
    });
  }
  return out;
}

function parseStages(doc: unknown): Record<StageName, string> | undefined {
  if (!isObject(doc) || !isObject(doc.stages)) return undefined;
  const stages = doc.stages;
  return STAGE_NAMES.every((s) => STATUSES.includes(stages[s] as string))
    ? (stages as Record<StageName, string>)
    : undefined;
}

/** The defaults a missing agent_registry.json reads as (src/agent-registry.ts DEFAULT_AGENTS; kept in step by a test). */
export const DEFAULT_HOOK_AGENTS: HookAgent[] = [
  { id: "claude-code", mode: "planning", stages: ["intent", "context", "spec", "plan", "tasks", "feedback"] },
  { id: "gpt-codex", mode: "implementation", stages: ["implementation"] },
  { id: "github-copilot", mode: "implementation", stages: ["implementation", "feedback"] },
];

/**
 * The project: `explicit` (--project or IDSE_PROJECT), else the only project, else CURRENT_PROJECT; as
 * src/workspace.ts resolveProject, but a failure is a Problem rather than an error.
 */
async function resolveProject(src: Source, explicit: string | undefined, problems: Problem[]) {
  const projects = (await src.listProjects()).filter((p) => LISTABLE.test(p)).sort();
  if (explicit !== undefined) {
    if (projects.includes(explicit)) return explicit;
    problems.push({
      file: "IDSE_PROJECT",
      reason: `names project "${explicit}", which does not exist (projects: ${projects.join(", ") || "none"})`,
      fix: "set IDSE_PROJECT (or the hook's --project) to one of the projects",
    });
    return undefined;
  }
  if (projects.length === 1) return projects[0];
  const raw = await src.read("projects/CURRENT_PROJECT");
  const current = raw?.trim();
  if (current && projects.includes(current)) return current;
  if (projects.length === 0) {
    problems.push({ file: ".idse/projects", reason: "holds no project", fix: "`idse init <project>`" });
    return undefined;
  }
  problems.push({
    file: ".idse/projects/CURRENT_PROJECT",
    reason: `${projects.length} projects (${projects.join(", ")}) and ${current ? `CURRENT_PROJECT names "${current.slice(0, 64)}", which is none of them` : "none is selected"}`,
    fix: "`idse project use <project>`, or IDSE_PROJECT=<project> in the environment Claude Code runs in",
  });
  return undefined;
}

export async function readHookState(src: Source, explicitProject: string | undefined): Promise<HookState> {
  const problems: Problem[] = [];
  const project = await resolveProject(src, explicitProject, problems);
  if (!project) return { problems };
  const P = `projects/${project}`;
  const regKey = `${P}/agent_registry.json`;
  const regDoc = await readJson(src, regKey, problems);
  let agents: HookAgent[] | undefined;
  if (regDoc === undefined) agents = structuredClone(DEFAULT_HOOK_AGENTS);
  else if (regDoc !== null) {
    agents = parseAgents(regDoc);
    if (!agents)
      problems.push({
        file: `.idse/${regKey}`,
        reason: "not an agent registry ({agents: [{id, mode, stages}]})",
        fix: DOCTOR,
      });
  }

  const rawSession = (await src.read(`${P}/CURRENT_SESSION`))?.trim();
  let session: string | undefined;
  if (!rawSession)
    problems.push({ file: `.idse/${P}/CURRENT_SESSION`, reason: "missing or empty", fix: DOCTOR });
  else if (!LISTABLE.test(rawSession) || !(await src.hasSession(project, rawSession))) {
    problems.push({
      file: `.idse/${P}/CURRENT_SESSION`,
      reason: `names "${rawSession.slice(0, 64)}", which is not a session of ${project}`,
      fix: DOCTOR,
    });
  } else session = rawSession;

  // session_state.json is read whatever happens: a damaged one is damaged state, even when unused.
  const stateKey = `${P}/session_state.json`;
  const stateDoc = await readJson(src, stateKey, problems);
  const projectStages = stateDoc ? parseStages(stateDoc) : undefined;
  if (stateDoc && !projectStages)
    problems.push({ file: `.idse/${stateKey}`, reason: "has no valid `stages`", fix: DOCTOR });

  let stages: Record<StageName, string> | undefined;
  if (session) {
    const stageKey = `${P}/sessions/${session}/metadata/stage_state.json`;
    const own = await readJson(src, stageKey, problems);
    if (own) {
      stages = parseStages(own);
      if (!stages) problems.push({ file: `.idse/${stageKey}`, reason: "has no valid `stages`", fix: DOCTOR });
    } else if (own === undefined) {
      const s = isObject(stateDoc) && stateDoc.session_id === session ? projectStages : undefined;
      stages = s ?? (Object.fromEntries(STAGE_NAMES.map((n) => [n, "pending"])) as Record<StageName, string>);
    }
  }
  return { project, agents, stages, session, problems };
}

/** The IDE an agent runs in, for the hook's purpose: Claude Code or not. */
const runsInClaude = (a: HookAgent) => (a.ide ? a.ide === "claude-code" : CLAUDE_CODE_ALIASES.includes(a.id));

export interface Active {
  agent: HookAgent | null;
  why: string;
}

/**
 * Whose mode applies: the agent named (--agent, IDSE_AGENT), else the Claude Code agent that owns the
 * session's first stage not completed, else (no stages known, or no Claude Code agent owns it) the
 * strictest Claude Code agent: planning if any is.
 */
export function activeAgent(
  agents: HookAgent[],
  stages: Record<StageName, string> | undefined,
  named?: string,
): Active {
  if (named) {
    const agent = agents.find((a) => a.id === named) ?? null;
    return { agent, why: agent ? `agent ${named} was named` : `no agent ${named} is registered` };
  }
  const mine = agents.filter(runsInClaude);
  if (mine.length === 0) return { agent: null, why: "no registered agent runs in claude-code" };
  const next = stages ? STAGE_NAMES.find((s) => stages[s] !== "completed") : undefined;
  const owner = next ? mine.find((a) => a.stages.includes(next)) : undefined;
  if (owner && next) return { agent: owner, why: `${owner.id} owns the next stage, ${next}` };
  const strict = mine.find((a) => a.mode === "planning") ?? mine[0]!;
  return { agent: strict, why: `${strict.id} is the strictest claude-code agent` };
}

/**
 * The implementation-mode agent that setting `stage` to `status` in the current session would put in
 * charge of it (activeAgent: the owner of the first stage not completed), when one is not already:
 * marking the last planning stage done is how a planning agent would hand the session, and its own next
 * calls, to implementation mode. Undefined when the change leaves the mode as it is.
 */
export function handsOverTo(
  agents: HookAgent[],
  stages: Record<StageName, string>,
  stage: StageName,
  status: string,
): HookAgent | undefined {
  if (activeAgent(agents, stages).agent?.mode === "implementation") return undefined;
  const after = activeAgent(agents, { ...stages, [stage]: status }).agent;
  return after?.mode === "implementation" ? after : undefined;
}
