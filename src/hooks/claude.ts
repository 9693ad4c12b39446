import { readFileSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import {
  ALLOWED_ENV,
  gitVerdict,
  HELPERS,
  type IdseScope,
  idseVerdict,
  pathVerdict,
  TOOLS,
  type Verdict,
  writeVerdict,
} from "./policy.ts";
import { shellCommands } from "./shell.ts";

// The Claude Code PreToolUse decision. Claude Code runs `idse hook claude-pre-tool-use` before Edit,
// MultiEdit, Write, NotebookEdit and Bash, with the call as JSON on stdin ({session_id, cwd,
// hook_event_name, tool_name, tool_input, …}). In planning mode idse applies the table of
// src/hooks/policy.ts; this module does the file system part the pure table leaves out (symlinks, the
// working directory, the current text of an instruction file). Otherwise it has no objection and prints
// nothing, so the user's own permission settings still apply (idse never answers "allow", which would
// skip them). This is a guardrail for the tools Claude Code routes through the hook, not a sandbox.

export interface HookInput {
  tool_name?: unknown;
  tool_input?: unknown;
  cwd?: unknown;
}

export interface Policy {
  mode: "planning" | "implementation";
  /** Repository root (the directory holding `.idse/`). */
  root: string;
  /** The project whose design documents a planning agent may write. */
  project: string;
  /** Why a planning agent may not set a stage's status (`idse session set-stage`); see IdseScope. */
  markStage?: IdseScope["markStage"];
}

export interface Decision {
  decision: "allow" | "deny";
  reason: string;
}

/** realpath of the longest existing prefix, so symlinks cannot smuggle a path out of its folder. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const up = dirname(p);
    return up === p ? p : join(real(up), basename(p));
  }
}

/** The repo-relative path of `file` after symlinks, or undefined when it is outside the repository. */
function repoPath(root: string, cwd: string, file: string): string | undefined {
  const rel = relative(real(root), real(resolve(cwd, file))).replace(/\\/g, "/");
  if (rel === "" || rel === ".." || rel.startsWith("../") || isAbsolute(rel)) return undefined;
  return rel;
}

const inside = (root: string, dir: string) =>
  repoPath(root, root, dir) !== undefined || real(dir) === real(root);

const deny = (why: string): Decision => ({ decision: "deny", reason: why });
const allow = (why: string): Decision => ({ decision: "allow", reason: why });
const fromVerdict = (v: Verdict): Decision => (v.ok ? allow(v.why) : deny(v.why));

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The text a file would have after an Edit or MultiEdit; undefined when the edit would not apply. */
function applyEdits(before: string, edits: unknown[]): string | undefined {
  let text = before;
  for (const e of edits) {
    const { old_string, new_string, replace_all } = (e ?? {}) as Record<string, unknown>;
    if (typeof old_string !== "string" || typeof new_string !== "string" || old_string === "")
      return undefined;
    if (!text.includes(old_string)) return undefined;
    text =
      replace_all === true
        ? text.split(old_string).join(new_string)
        : text.replace(old_string, () => new_string);
  }
  return text;
}

/** May a planning agent make this edit? (tool: Edit, MultiEdit, Write or NotebookEdit) */
export function checkEdit(
  policy: Policy,
  cwd: string,
  tool: string,
  args: Record<string, unknown>,
): Decision {
  const field = TOOLS[tool]?.field ?? "file_path";
  const file = args[field];
  if (typeof file !== "string" || file === "") return deny(`${tool} names no file`);
  const rel = repoPath(policy.root, cwd, file);
  if (rel === undefined) return deny(`${file} is outside the repository`);
  const v = pathVerdict(rel, { project: policy.project });
  if (v.rule !== "instruction-file") return fromVerdict(v);
  // An instruction file: the edit may change anything but idse's managed block.
  const before = readText(join(policy.root, rel));
  const after =
    tool === "Write"
      ? typeof args.content === "string"
        ? args.content
        : undefined
      : tool === "Edit"
        ? applyEdits(before ?? "", [args])
        : tool === "MultiEdit" && Array.isArray(args.edits)
          ? applyEdits(before ?? "", args.edits)
          : undefined;
  return fromVerdict(writeVerdict(rel, { project: policy.project }, before, after));
}

/** Why a shell command is not allowed in planning mode, or undefined when every part of it is. */
export function bashProblem(command: string, policy: Policy, cwd: string): string | undefined {
  const parsed = shellCommands(command);
  if ("problem" in parsed) return parsed.problem;
  // `cd` moves the working directory of the commands after it (and of Claude Code's next calls).
  let dir: string | undefined = cwd;
  for (const { words: all, expands } of parsed.commands) {
    let at = 0;
    let envProject: string | undefined;
    while (at < all.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(all[at]!)) {
      const [name, ...value] = all[at]!.split("=");
      if (!ALLOWED_ENV.includes(name!)) return `setting ${name} is not allowed`;
      envProject = value.join("=");
      at++;
    }
    const words = all.slice(at);
    const cmd = words[0];
    if (cmd === undefined) continue;
    // Globs and ~ are fine for the programs that only read; idse, git and cd need literal words.
    if (expands.slice(at).some(Boolean) && (!HELPERS.includes(cmd) || cmd === "cd")) {
      return `\`${cmd}\` with a glob or ~ (the shell rewrites it) is not allowed`;
    }
    if (cmd === "cd") {
      const target = words[1];
      if (target === undefined || target === "-" || words.length > 2 || dir === undefined) {
        return "`cd` may only name a directory inside the repository";
      }
      dir = resolve(dir, target);
      if (!inside(policy.root, dir)) return `\`cd ${target}\` leaves the repository`;
      continue;
    }
    if (
      basename(cmd) === "idse" &&
      (cmd === "idse" || (isAbsolute(cmd) && repoPath(policy.root, policy.root, cmd) === undefined))
    ) {
      const v = idseVerdict(words.slice(1), {
        project: policy.project,
        markStage: policy.markStage,
        envProject,
        cwdInRepo: dir !== undefined && inside(policy.root, dir),
      });
      if (!v.ok) return v.why;
      continue;
    }
    if (cmd === "git") {
      const v = gitVerdict(words.slice(1));
      if (!v.ok) return v.why;
      continue;
    }
    if (!HELPERS.includes(cmd)) return `\`${cmd}\` is not read-only git or idse`;
  }
  return undefined;
}

export function decide(input: HookInput, policy: Policy): Decision & { tool: string | null } {
  const tool = typeof input.tool_name === "string" ? input.tool_name : null;
  const args = (input.tool_input ?? {}) as Record<string, unknown>;
  const cwd = typeof input.cwd === "string" && input.cwd !== "" ? input.cwd : policy.root;
  if (policy.mode === "implementation") return { tool, ...allow("implementation mode") };
  if (tool === null) return { tool, ...deny("the hook input names no tool") };
  const kind = TOOLS[tool]?.kind;
  if (kind === "edit") return { tool, ...checkEdit(policy, cwd, tool, args) };
  if (kind === "bash") {
    const command = typeof args.command === "string" ? args.command : "";
    const problem = bashProblem(command, policy, cwd);
    return { tool, ...(problem ? deny(problem) : allow("read-only git or idse")) };
  }
  if (kind === "read") return { tool, ...allow(`${tool} only reads`) };
  return { tool, ...deny(`idse cannot tell what ${tool} changes`) };
}
