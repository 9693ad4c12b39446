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
