// One catalogue of error codes. A code is stable once released: scripts match on it, so words may change
// but codes and their exit codes may not. Messages live here, nowhere else (Rollup/ESLint style).

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

type Data = Record<string, unknown>;
interface CodeSpec {
  exit: 1 | 2 | 130;
  message: (d: Data) => string;
  hint?: (d: Data) => string;
}

const s = (v: unknown) => String(v ?? "");

export const CATALOGUE = {
  USAGE: { exit: 2, message: (d) => s(d.reason) },
  UNKNOWN_COMMAND: {
    exit: 2,
    message: (d) => `unknown command "${s(d.command)}"`,
    hint: () => "run `idse --help` for the list of commands",
  },
  UNKNOWN_OPTION: {
    exit: 2,
    message: (d) => `unknown option ${s(d.option)}`,
    hint: (d) => `run \`idse ${s(d.command) || ""}${d.command ? " " : ""}--help\` for its options`,
  },
  MISSING_ARGUMENT: { exit: 2, message: (d) => `missing required argument <${s(d.argument)}>` },
  INVALID_ENUM: {
    exit: 2,
    message: (d) => `invalid value "${s(d.value)}" for ${s(d.option)}`,
    hint: (d) => `expected one of: ${(d.allowed as string[]).join(", ")}`,
  },
  INVALID_ID: {
    exit: 2,
    message: (d) => `invalid ${s(d.kind)} id ${JSON.stringify(d.id)}: ${s(d.reason)}`,
    hint: () => "ids are lowercase slugs: [a-z0-9][a-z0-9._-]{0,63}",
  },
  NO_WORKSPACE: {
    exit: 1,
    message: (d) => `no .idse workspace found in ${s(d.cwd)} or any parent directory`,
    hint: () => "run `idse init <project>` to create one",
  },
  NO_PROJECT: {
    exit: 1,
    message: () => "no project selected and more than one project exists",
    hint: (d) =>
      `pass --project or set IDSE_PROJECT; projects: ${(d.projects as string[]).join(", ") || "(none)"}`,
  },
  PROJECT_NOT_FOUND: {
    exit: 1,
    message: (d) => `project "${s(d.project)}" does not exist`,
    hint: (d) => `projects: ${(d.projects as string[] | undefined)?.join(", ") || "(none)"}`,
  },
  PROJECT_EXISTS: {
    exit: 1,
    message: (d) => `project "${s(d.project)}" already exists; nothing was changed`,
  },
  SESSION_NOT_FOUND: {
    exit: 1,
    message: (d) => `session "${s(d.session)}" does not exist in project "${s(d.project)}"`,
    hint: () => "run `idse sessions` to list them",
  },
  SESSION_EXISTS: {
    exit: 1,
    message: (d) => `session "${s(d.session)}" already exists in project "${s(d.project)}"`,
  },
  NO_CURRENT_SESSION: {
    exit: 1,
    message: (d) => `project "${s(d.project)}" has no valid current session`,
    hint: () => "run `idse session switch <id>` or `idse doctor --fix`",
  },
  CORRUPT_FILE: {
    exit: 1,
    message: (d) => `${s(d.file)} is corrupt: ${s(d.reason)}`,
    hint: () => "run `idse doctor --fix` to rebuild it from what is on disk",
  },
  INVALID_CONFIG: {
    exit: 1,
    message: (d) => `invalid value for config key "${s(d.key)}" in ${s(d.file)}: ${s(d.reason)}`,
  },
  UNKNOWN_CONFIG_KEY: {
    exit: 2,
    message: (d) => `unknown config key "${s(d.key)}"`,
    hint: (d) => `known keys: ${(d.known as string[]).join(", ")}`,
  },
  ARTIFACT_NOT_FOUND: {
    exit: 1,
    message: (d) => `no ${s(d.stage)} artifact in session "${s(d.session)}"`,
  },
  COMPLETION_GATE_FAILED: {
    exit: 1,
    message: (d) =>
      `session "${s(d.session)}" cannot be marked complete: ${s(d.reason)}; nothing was changed`,
  },
  COLLABORATOR_EXISTS: {
    exit: 1,
    message: (d) => `"${s(d.name)}" is already a collaborator of session "${s(d.session)}"`,
  },
  COLLABORATOR_NOT_FOUND: {
    exit: 1,
    message: (d) => `"${s(d.name)}" is not a collaborator of session "${s(d.session)}"`,
  },
  LOCKED: {
    exit: 1,
    message: (d) => `${s(d.file)} is locked by another idse process (pid ${s(d.pid)})`,
    hint: () => "wait for it to finish; a lock left by a dead process is taken over automatically",
  },
  INPUT_REQUIRED: {
    exit: 1,
    message: (d) => s(d.reason),
  },
  SCHEMA_NOT_FOUND: {
    exit: 1,
    message: (d) => `no schema named "${s(d.name)}"`,
    hint: (d) => `schemas: ${(d.known as string[]).join(", ")}`,
  },
  UNKNOWN_RULE: {
    exit: 2,
    message: (d) => `unknown rule "${s(d.rule)}"`,
    hint: (d) => `rules: ${(d.known as string[]).join(", ")}`,
  },
  AGENT_NOT_FOUND: {
    exit: 1,
    message: (d) => `no agent "${s(d.agent)}" in the registry of project "${s(d.project)}"`,
    hint: (d) =>
      `agents: ${(d.known as string[] | undefined)?.join(", ") || "(none)"}; see \`idse agents list\``,
  },
  AGENT_EXISTS: {
    exit: 1,
    message: (d) => `agent "${s(d.agent)}" is already registered in project "${s(d.project)}"`,
    hint: () => "change it with `idse agents set-mode|set-role|set-stages`, or remove it first",
  },
  AGENT_PROFILE_NOT_FOUND: {
    exit: 1,
    message: (d) => `session "${s(d.session)}" has no Agent Profile: ${s(d.reason)}`,
    hint: (d) =>
      `add a \`## Agent Profile\` section holding a \`\`\`yaml block to its spec.md or to the blueprint "${s(d.blueprint)}"`,
  },
  AGENT_PROFILE_YAML: {
    exit: 1,
    message: (d) => `invalid YAML in the Agent Profile (column ${s(d.column)}): ${s(d.reason)}`,
  },
  AGENT_PROFILE_INVALID: { exit: 1, message: (d) => `invalid Agent Profile: ${s(d.reason)}` },
  AGENT_PROFILE_UNKNOWN_KEYS: {
    exit: 1,
    message: (d) => {
      const keys = d.keys as string[];
      return `unknown key${keys.length === 1 ? "" : "s"} in the Agent Profile: ${keys.join(", ")}`;
    },
    hint: (d) => `allowed keys: ${(d.allowed as string[]).join(", ")}`,
  },
  AGENT_PROFILE_UNFINISHED: {
    exit: 1,
    message: (d) => `the Agent Profile is unfinished: ${s(d.field)} still holds [REQUIRES INPUT]`,
    hint: () => "fill in every value of the `## Agent Profile` yaml block",
  },
  AGENT_PROFILE_STALE: {
    exit: 1,
    message: (d) => `${s(d.file)} ${d.status === "created" ? "does not exist" : "is out of date"}`,
    hint: () => "run the same `idse compile agent-spec` command without --check, and commit the result",
  },
  INVALID_FILE: {
    exit: 1,
    message: (d) => `${s(d.file)} cannot be read: ${s(d.reason)}; nothing was changed`,
    hint: () => "fix or delete it by hand: idse never rewrites a file it cannot read",
  },
  IO_ERROR: { exit: 1, message: (d) => `cannot ${s(d.op)} ${s(d.file)}: ${s(d.reason)}` },
  INTERNAL: { exit: 1, message: (d) => `internal error: ${s(d.reason)}`, hint: () => "please report this" },
} satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof CATALOGUE;

export class IdseError extends Error {
  readonly code: ErrorCode;
  readonly data: Data;
  /** Extra diagnostics that explain the failure (e.g. every unmet gate condition). */
  readonly details: Diagnostic[];

  constructor(code: ErrorCode, data: Data = {}, details: Diagnostic[] = []) {
    super((CATALOGUE[code] as CodeSpec).message(data));
    this.name = "IdseError";
    this.code = code;
    this.data = data;
    this.details = details;
  }

  get exitCode(): number {
    return CATALOGUE[this.code].exit;
  }

  get hint(): string | undefined {
    return (CATALOGUE[this.code] as CodeSpec).hint?.(this.data);
  }
}

export interface Diagnostic {
  severity: "error" | "warning" | "info";
  code: string;
  message: string;
  hint?: string;
  file?: string;
  [key: string]: unknown;
}

export function toDiagnostic(err: IdseError): Diagnostic {
  const d: Diagnostic = { severity: "error", code: err.code, message: err.message };
  const hint = err.hint;
  if (hint) d.hint = hint;
  for (const [k, v] of Object.entries(err.data)) if (!(k in d)) d[k] = v;
  return d;
}
