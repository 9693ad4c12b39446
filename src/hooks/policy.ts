import { type OptionShape, optionShape, scanArgv } from "../cli/argv.ts";

// The planning-mode policy, as data: what a planning agent may write (PATH_RULES), which idse commands it
// may run (IDSE_COMMANDS), which git subcommands (GIT_COMMANDS), which other programs (HELPERS) and which
// Claude Code tools (TOOLS). Pure: no file system, no process; callers resolve symlinks and the working
// directory first. Shared by the Claude Code hook (src/hooks/claude.ts) and anything else that must
// answer "may a planning agent do this?" (an MCP server, for one). docs/security.md ("Agent mode") says
// the same in words; test/agents/policy.test.ts has a test per row.
//
// The rule of the table: a planning agent writes the design documents of its own project and nothing else,
// and runs nothing that changes configuration, plugins, remotes, stores, agents, hooks, modes, trust,
// stage state or the current session/project (those decide its mode), nor anything that sends or fetches.

export interface Verdict {
  ok: boolean;
  /** Which row decided, for tests and messages. */
  rule: string;
  why: string;
}

const yes = (rule: string, why: string): Verdict => ({ ok: true, rule, why });
const no = (rule: string, why: string): Verdict => ({ ok: false, rule, why });

/** What the policy needs to know about the agent's situation. */
export interface Scope {
  /** The project whose design documents the agent may write (the project the hook resolved). */
  project: string;
}

// ---- paths ---------------------------------------------------------------------------------------------

/** Extensions of the files a design document may be: text that idse and editors render, never code. */
export const DESIGN_EXTENSIONS = [".md", ".markdown", ".txt", ".mmd", ".puml"];

/** Agent instruction files idse writes a managed block into (the built-in adapters and bundled plugins). */
export const INSTRUCTION_FILES = [
  "CLAUDE.md",
  "AGENTS.md",
  "GEMINI.md",
  ".github/copilot-instructions.md",
  ".cursorrules",
  ".cursor/rules/idse.mdc",
  ".windsurfrules",
  ".windsurf/rules/idse.md",
];

/** A path segment that is an id (a session or project folder), never `..`, `.x` or empty. */
const ID = "[A-Za-z0-9_][A-Za-z0-9._ -]*";
const SESSION_FILE = new RegExp(`^\\.idse/projects/(${ID})/sessions/(${ID})/(.+)$`);

export interface PathRule {
  rule: string;
  /** Matches a normalised repo-relative path (forward slashes, no `.`/`..` segments). */
  test(rel: string, scope: Scope): boolean;
  ok: boolean | "managed-block";
  why: string;
}

/** First matching row wins. `managed-block`: allowed only when idse's managed block is left as it is. */
export const PATH_RULES: PathRule[] = [
  {
    rule: "session-metadata",
    test: (rel) => SESSION_FILE.test(rel) && /^metadata(\/|$)/i.test(SESSION_FILE.exec(rel)![3]!),
    ok: false,
    why: "is idse's session state (metadata/: session.json, stage_state.json, .owner, meta.md), which decides the agent's mode",
  },
  {
    rule: "design-document",
    test: (rel, scope) => {
      const m = SESSION_FILE.exec(rel);
      if (!m || m[1] !== scope.project) return false;
      const inner = m[3]!;
      return (
        !inner.split("/").some((seg) => seg.startsWith(".") || seg === "") &&
        DESIGN_EXTENSIONS.some((ext) => inner.toLowerCase().endsWith(ext))
      );
    },
    ok: true,
    why: "is a design document of this project",
  },
  {
    rule: "other-project",
    test: (rel, scope) =>
      rel.startsWith(".idse/projects/") && !rel.startsWith(`.idse/projects/${scope.project}/`),
    ok: false,
    why: "belongs to another project (or is CURRENT_PROJECT, which selects the project)",
  },
  {
    rule: "session-non-document",
    test: (rel, scope) => rel.startsWith(`.idse/projects/${scope.project}/sessions/`),
    ok: false,
    why: `is not a design document (one of ${DESIGN_EXTENSIONS.join(" ")} in a session folder)`,
  },
  {
    rule: "project-state",
    test: (rel) => rel.startsWith(".idse/projects/"),
    ok: false,
    why: "is idse's project state (agent_registry.json, session_state.json, CURRENT_SESSION, sync state), which decides the agent's mode",
  },
  {
    rule: "idse-config",
    test: (rel) => rel === ".idse" || rel.startsWith(".idse/"),
    ok: false,
    why: "is idse's own configuration (config.json, plugins.json, plugins/, agent_files.json, governance, schemas)",
  },
  {
    rule: "claude-settings",
    test: (rel) => rel === ".claude" || rel.startsWith(".claude/"),
    ok: false,
    why: "holds Claude Code's settings and hooks",
  },
  {
    rule: "instruction-file",
    test: (rel) => INSTRUCTION_FILES.includes(rel),
    ok: "managed-block",
    why: "is an agent instruction file: text outside idse's markers may change, the managed block may not",
  },
  {
    rule: "not-design",
    test: () => true,
    ok: false,
    why: "is not a design document",
  },
];

/** Normalises a repo-relative path; undefined when it leaves the repository. */
export function normalisePath(rel: string): string | undefined {
  const out: string[] = [];
  for (const seg of rel.replace(/\\/g, "/").split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join("/");
}

/** The row that decides a write of `rel` (repo-relative; resolve symlinks before asking). */
export function pathRule(rel: string, scope: Scope): PathRule | undefined {
  const norm = normalisePath(rel);
  if (norm === undefined || norm === "") return undefined;
  return PATH_RULES.find((r) => r.test(norm, scope));
}

/**
 * May a planning agent write `rel`, whatever the new text? A `managed-block` row (an instruction file)
 * answers no here, since that depends on the text: ask writeVerdict with it.
 */
export function pathVerdict(rel: string, scope: Scope): Verdict {
  const row = pathRule(rel, scope);
  if (!row) return no("outside", `${rel} is outside the repository`);
  const norm = normalisePath(rel)!;
  return { ok: row.ok === true, rule: row.rule, why: `${norm} ${row.why}` };
}

/**
 * May a planning agent replace the text of `rel` (`before`: the file now, undefined when it does not
 * exist) with `after` (undefined: unknown, e.g. an edit that would not apply)?
 */
export function writeVerdict(
  rel: string,
  scope: Scope,
  before: string | undefined,
  after: string | undefined,
): Verdict {
  const v = pathVerdict(rel, scope);
  if (v.rule !== "instruction-file") return v;
  const norm = normalisePath(rel)!;
  if (after === undefined) return no(v.rule, `${norm}: idse cannot tell what this edit changes`);
  return managedBlockKept(before, after)
    ? yes(v.rule, `${norm}: only text outside idse's managed block changes`)
    : no(
        v.rule,
        `${norm}: the block between idse's markers is generated by \`idse agents sync-files\` and may not be edited`,
      );
}

// ---- managed blocks ------------------------------------------------------------------------------------

// The markers of src/routing/managed.ts (kept in step by a test), matched here without importing the
// routing module, which the hook's fast path does not load.
const BEGIN_RE = /^<!-- idse:begin\b.*-->[ \t]*$/;
const END_RE = /^<!-- idse:end\b.*-->[ \t]*$/;

/** The managed block of a file (markers included), "" when it has none, undefined when it is malformed. */
export function managedBlock(text: string): string | undefined {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const begins = lines.flatMap((l, i) => (BEGIN_RE.test(l) ? [i] : []));
  const ends = lines.flatMap((l, i) => (END_RE.test(l) ? [i] : []));
  if (begins.length === 0 && ends.length === 0) return "";
  if (begins.length !== 1 || ends.length !== 1 || ends[0]! < begins[0]!) return undefined;
  return lines.slice(begins[0]!, ends[0]! + 1).join("\n");
}

/** True when an edit of an instruction file leaves idse's managed block exactly as it was. */
export function managedBlockKept(before: string | undefined, after: string): boolean {
  const was = managedBlock(before ?? "");
  return was !== undefined && managedBlock(after) === was;
}

// ---- idse commands -------------------------------------------------------------------------------------

/** The CLI's global options (src/cli/cli.ts GLOBAL_OPTIONS; a test keeps them in step). */
export const GLOBAL_FLAGS = [
  "--json",
  "--project <name>",
  "--cwd <dir>",
  "-q, --quiet",
  "-y, --yes",
  "-h, --help",
  "-v, --version",
];

/** First words of two-word commands (src/cli/commands/index.ts; a test keeps them in step). */
export const COMMAND_GROUPS = [
  "session",
  "artifact",
  "compile",
  "docs",
  "agents",
  "hook",
  "config",
  "schema",
  "plugin",
  "store",
  "sync",
  "remote",
  "project",
  "spine",
  "blueprint",
];

export interface IdseRow {
  command: string;
  /** The command's own options, in the CLI's flag syntax (a test compares them with the command's definition). */
  options: string[];
  /** Options that would make it write or run something: denied. */
  deny?: string[];
  /** At least one of these must be given (the forms that write nothing). */
  requireOne?: string[];
  /** It writes design documents: only of the agent's project, from a directory inside the repository. */
  writesDesign?: boolean;
  /** It sets a stage's status: only of a stage routed to a planning agent (`--stage` required). */
  setsStage?: boolean;
  why: string;
}

/**
 * Every idse command a planning agent may run; anything not listed is denied (configuration, plugins,
 * remotes, stores, agents, hooks, modes, trust, sessions, the Spine's decisions, sync, docs install,
 * schema emit, init, and commands this table does not know yet). What the instruction files and the
 * route's handoff tell a planning agent to run is here (test/agents/policy.test.ts checks it).
 */
export const IDSE_COMMANDS: IdseRow[] = [
  { command: "status", options: ["--all"], why: "reads" },
  {
    command: "sessions",
    options: ["--type <type>", "--status <status>", "--tag <tag>", "--include-legacy"],
    why: "reads",
  },
  { command: "session-info", options: ["--lineage"], why: "reads" },
  { command: "route", options: ["--session <id>", "--next"], why: "reads" },
  { command: "project list", options: [], why: "reads" },
  { command: "graph", options: ["--format <format>", "--session <id>"], why: "reads" },
  { command: "completion", options: ["--complete"], why: "prints a script or candidates" },
  {
    command: "next",
    options: ["--all-projects", "--agent <id>", "--owner <name>", "--mine", "--limit <n>"],
    why: "reads",
  },
  {
    command: "validate",
    options: [
      "--session <id>",
      "--all",
      "--stage <stage>",
      "--strict",
      "--rule <id>",
      "--format <format>",
      "--output <file>",
      "--fix",
      "--no-cache",
    ],
    deny: ["--fix", "--output"],
    why: "checks (without --fix, which rewrites documents, or --output, which writes a file anywhere)",
  },
  { command: "artifact read", options: ["--stage <stage>", "--session <id>"], why: "reads" },
  {
    command: "artifact write",
    options: ["--stage <stage>", "--session <id>", "--file <path>"],
    writesDesign: true,
    why: "writes a design document of the agent's own project",
  },
  {
    command: "compile agent-spec",
    options: [
      "--session <id>",
      "--all",
      "--blueprint <id>",
      "--out <dir>",
      "--format <format>",
      "--dry-run",
      "--check",
      "--timestamp",
      "--no-cache",
    ],
    deny: ["--out"],
    requireOne: ["--check", "--dry-run"],
    why: "with --check or --dry-run, writes no profile (at most idse's own cache in .idse/.cache/)",
  },
  { command: "agents list", options: [], why: "reads" },
  {
    command: "doctor",
    options: ["--fix"],
    deny: ["--fix"],
    why: "checks (without --fix, which rewrites idse's state)",
  },
  {
    command: "session set-stage",
    options: ["--stage <stage>", "--status <status>"],
    writesDesign: true,
    setsStage: true,
    why: "sets the status of a stage routed to a planning agent (the MCP server's set_stage allows the same)",
  },
  { command: "spine", options: [], why: "reads" },
  { command: "spine check", options: [], why: "reads" },
  { command: "spine proposals", options: ["--all"], why: "reads" },
  {
    command: "spine propose",
    options: [
      "--area <area>",
      "--layer <layer>",
      "--reason <text>",
      "--module <module>",
      "--milestone <milestone>",
      "--role <role>",
      "--session <id>",
      "--actor <name>",
    ],
    // Who proposes is recorded: an agent may not write somebody else's name there.
    deny: ["--actor"],
    writesDesign: true,
    why: "records a proposal in the blueprint; only `idse spine accept`, which a planning agent may not run, changes the Spine table",
  },
  { command: "schema list", options: [], why: "reads" },
  { command: "schema show", options: [], why: "reads" },
  { command: "version", options: [], why: "reads" },
];

// Built by the first idse command line the hook reads, not at load: most tool calls an agent makes are
// edits and writes, which never need them.
let rows: Map<string, IdseRow> | undefined;
let globalShapes: OptionShape[] | undefined;

export interface IdseScope extends Scope {
  /**
   * Why a planning agent may not set `stage` of `session` to `status` (undefined: it may). The hook
   * answers from the registry and the stage state; without it every stage change is denied.
   */
  markStage?: (session: string | undefined, stage: string, status: string | undefined) => string | undefined;
  /** IDSE_PROJECT set on the command line (`IDSE_PROJECT=x idse …`), if any. */
  envProject?: string;
  /** Whether the command runs from a directory inside the repository (false when unknown). */
  cwdInRepo: boolean;
}

/** Every option name (without dashes) a token sets: `--out=x` → out, `-qy` → q, y. */
function optionNames(tok: string): string[] {
  if (tok.startsWith("--")) return [tok.slice(2).split("=")[0]!];
  return [...tok.slice(1)];
}

/** May a planning agent run `idse <argv>`? argv is what follows the program name, quotes removed. */
export function idseVerdict(argv: string[], scope: IdseScope): Verdict {
  rows ??= new Map(IDSE_COMMANDS.map((r) => [r.command, r]));
  globalShapes ??= GLOBAL_FLAGS.map((flags) => optionShape({ flags, description: "" }));
  const first = scanArgv(argv, globalShapes);
  const [p0, p1] = first.positionals;
  if (!p0) {
    // `idse`, `idse --help`, `idse --version`: help and version only, if nothing else is given.
    const rest = argv.filter(
      (a) => !["--help", "-h", "--version", "-v", "--json", "-q", "--quiet"].includes(a),
    );
    return rest.length === 0
      ? yes("idse-help", "prints help or the version")
      : no("idse-options", "idse with those options is not read-only");
  }
  const two = p1 && p1.index === p0.index + 1 ? `${p0.value} ${p1.value}` : undefined;
  const name = COMMAND_GROUPS.includes(p0.value) && two ? two : p0.value;
  const row = rows.get(name);
  if (!row) {
    return no(
      "idse-command",
      `\`idse ${name}\` is not one of the read-only commands a planning agent may run (it may change configuration, plugins, remotes, stores, agents, hooks, modes, sessions or stage state, or send documents)`,
    );
  }
  const shapes: OptionShape[] = [
    ...globalShapes,
    ...row.options.map((flags) => optionShape({ flags, description: "" })),
  ];
  const known = new Set(shapes.flatMap((s) => s.names));
  const scan = scanArgv(argv, shapes);
  const given = new Set<string>();
  const end = argv.indexOf("--");
  const valueTokens = new Set<number>();
  // Mark the tokens scanArgv consumed as option values, so a value such as `--stage -x` is not an option.
  for (let i = 0; i < argv.length && (end < 0 || i < end); i++) {
    const tok = argv[i]!;
    if (valueTokens.has(i) || !tok.startsWith("-") || tok === "-") continue;
    for (const n of optionNames(tok)) {
      if (!known.has(n))
        return no("idse-option", `\`idse ${name}\` has no option ${tok} a planning agent may use`);
      const shape = shapes.find((s) => s.names.includes(n))!;
      given.add(shape.names.at(-1)!);
      if (shape.takesValue && !tok.includes("=") && i + 1 < argv.length && !argv[i + 1]!.startsWith("-"))
        valueTokens.add(i + 1);
    }
  }
  const flag = (f: string) => f.replace(/^-+/, "").replace(/[ <[].*$/, "");
  for (const d of row.deny ?? []) {
    if (given.has(flag(d))) return no("idse-option", `\`idse ${name} ${d}\` writes files`);
  }
  if (row.requireOne && !row.requireOne.some((r) => given.has(flag(r)))) {
    return no("idse-option", `\`idse ${name}\` writes files unless given ${row.requireOne.join(" or ")}`);
  }
  if (row.writesDesign) {
    const projects = [...(scan.values.get("project") ?? []), ...(scope.envProject ? [scope.envProject] : [])];
    const other = projects.find((p) => p !== scope.project);
    if (other !== undefined)
      return no(
        "idse-project",
        `\`idse ${name}\` for project ${other}: only ${scope.project}'s documents may be written`,
      );
    if (given.has("cwd") || !scope.cwdInRepo)
      return no("idse-cwd", `\`idse ${name}\` must run inside this repository (no --cwd, no cd elsewhere)`);
  }
  if (row.setsStage) {
    const stages = scan.values.get("stage") ?? [];
    if (stages.length === 0) return no("idse-stage", `\`idse ${name}\` needs --stage`);
    const session = scan.positionals.find((p) => p.index > (p1?.index ?? p0.index))?.value;
    const status = scan.values.get("status")?.at(-1);
    for (const stage of stages) {
      const why = scope.markStage
        ? scope.markStage(session, stage, status)
        : "the hook cannot tell which stages are a planning agent's";
      if (why) return no("idse-stage", why);
    }
  }
  return yes(`idse ${name}`, `\`idse ${name}\` ${row.why}`);
}

// ---- git -----------------------------------------------------------------------------------------------

export interface GitRow {
  /** Subcommands that only read whatever their arguments. */
  any?: string[];
  /** A subcommand that reads only in these forms: `bare` (no argument) and what every argument must match. */
  sub?: string;
  bare?: boolean;
  args?: RegExp;
  /** A subcommand that reads when its first argument matches (the rest is free). */
  first?: RegExp;
  why: string;
}

export const GIT_COMMANDS: GitRow[] = [
  {
    any: [
      ..."status log diff show rev-parse ls-files ls-tree blame grep describe shortlog cat-file".split(" "),
      ..."show-ref merge-base name-rev rev-list whatchanged count-objects".split(" "),
    ],
    why: "reads the repository",
  },
  {
    sub: "branch",
    bare: true,
    args: /^(-a|-r|-v|-vv|--all|--remotes|--list|--show-current|--verbose|--no-color)$/,
    why: "lists branches",
  },
  { sub: "tag", bare: true, args: /^(-l|--list|-n\d*)$/, why: "lists tags" },
  { sub: "remote", bare: true, args: /^(-v|--verbose)$/, why: "lists remotes" },
  // Bare `git stash` is `git stash push`: it changes the working tree.
  { sub: "stash", bare: false, first: /^(list|show)$/, why: "lists or shows stashes" },
  {
    sub: "config",
    bare: false,
    first: /^(--get|--get-all|--get-regexp|--list|-l|get|list)$/,
    why: "reads configuration",
  },
];

/** Long options that write a file or run a program, matched also by the abbreviations git accepts. */
const GIT_DANGEROUS_LONG = ["output", "open-files-in-pager", "ext-diff", "exec", "textconv"];
const GIT_WRITE_ACTIONS =
  /^(--add|--unset|--unset-all|--replace-all|--edit|-e|--rename-section|--remove-section|set|unset|edit|rename-section|remove-section)$/;

function gitArgProblem(arg: string): string | undefined {
  if (arg.startsWith("--") && arg.length > 2) {
    const name = arg.slice(2).split("=")[0]!;
    if (name.length >= 1 && GIT_DANGEROUS_LONG.some((d) => d.startsWith(name) || name.startsWith(d)))
      return `git option ${arg} writes files or runs programs`;
  } else if (arg.startsWith("-") && !arg.startsWith("--") && arg.includes("O")) {
    // -O<pager> (git grep) runs a program, also inside a bundle such as -nOsh.
    return `git option ${arg} runs a program`;
  }
  return undefined;
}

/** May a planning agent run `git <args>`? (words after `git`, quotes removed) */
export function gitVerdict(args: string[]): Verdict {
  let i = 0;
  while (args[i]?.startsWith("-")) {
    if (args[i] === "-C") i += 2;
    else if (args[i] === "--no-pager" || args[i] === "-P") i += 1;
    else
      return no(
        "git-option",
        `git option ${args[i]} is not allowed (it can change configuration or run programs)`,
      );
  }
  const sub = args[i];
  const rest = args.slice(i + 1);
  if (sub === undefined) return yes("git-help", "prints git's help");
  for (const a of rest) {
    const problem = gitArgProblem(a);
    if (problem) return no("git-option", problem);
  }
  for (const row of GIT_COMMANDS) {
    if (row.any?.includes(sub)) return yes(`git ${sub}`, row.why);
    if (row.sub !== sub) continue;
    if (rest.length === 0) {
      if (row.bare) return yes(`git ${sub}`, row.why);
      break;
    }
    if (row.args && rest.every((a) => row.args!.test(a))) return yes(`git ${sub}`, row.why);
    if (row.first?.test(rest[0]!) && !(sub === "config" && rest.some((a) => GIT_WRITE_ACTIONS.test(a))))
      return yes(`git ${sub}`, row.why);
    break;
  }
  return no("git-command", `\`git ${sub}${rest.length ? " …" : ""}\` can change the repository`);
}

// ---- other programs and tools --------------------------------------------------------------------------

/** Programs that only read (no option of theirs writes a file or runs another program). */
export const HELPERS = ["cd", "pwd", "ls", "cat", "head", "tail", "wc", "grep", "jq", "echo", "true"];

/** Environment assignments allowed before a command (`NAME=value cmd`): only the project selector. */
export const ALLOWED_ENV = ["IDSE_PROJECT"];

export type ToolKind = "edit" | "bash" | "read";

/** Claude Code tools. Edit tools name the field that holds their path. Unlisted tools are denied. */
export const TOOLS: Record<string, { kind: ToolKind; field?: string }> = {
  Edit: { kind: "edit", field: "file_path" },
  MultiEdit: { kind: "edit", field: "file_path" },
  Write: { kind: "edit", field: "file_path" },
  NotebookEdit: { kind: "edit", field: "notebook_path" },
  Bash: { kind: "bash" },
  ...Object.fromEntries(
    [
      "Read",
      "Glob",
      "Grep",
      "LS",
      "NotebookRead",
      "WebFetch",
      "WebSearch",
      "TodoWrite",
      "TodoRead",
      "Task",
      "ExitPlanMode",
      "BashOutput",
      "KillShell",
    ].map((t) => [t, { kind: "read" as const }]),
  ),
};
