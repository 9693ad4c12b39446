import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { type Shell, shellCommands } from "./shell.ts";

// The Claude Code PreToolUse policy. Claude Code runs `idse hook claude-pre-tool-use` before Edit,
// MultiEdit, Write, NotebookEdit and Bash, with the call as JSON on stdin ({session_id, cwd,
// hook_event_name, tool_name, tool_input, …}). In planning mode idse denies file edits outside `.idse/`
// and the agent instruction files, and shell commands other than read-only git and idse; otherwise it
// has no objection and prints nothing, so the user's own permission settings still apply (idse never
// answers "allow", which would skip them). This is a guardrail for a cooperative agent, not a sandbox.

export interface HookInput {
  tool_name?: unknown;
  tool_input?: unknown;
  cwd?: unknown;
}

export interface Policy {
  mode: "planning" | "implementation";
  /** Repository root (the directory holding `.idse/`). */
  root: string;
  /** Agent instruction files (relative to the root) a planning agent may edit. */
  instructionFiles: string[];
}

export interface Decision {
  decision: "allow" | "deny";
  reason: string;
}

const EDIT_TOOLS: Record<string, string> = {
  Edit: "file_path",
  MultiEdit: "file_path",
  Write: "file_path",
  NotebookEdit: "notebook_path",
};

/** Files under `.idse/` that would let an agent change its own mode or run code: never in planning. */
const PROTECTED = [
  /(^|\/)agent_registry\.json$/,
  /^\.idse\/(config|plugins|agent_files)\.json$/,
  /^\.idse\/plugins\//,
];

/** realpath of the longest existing prefix, so symlinks cannot smuggle a path out of `.idse/`. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const up = dirname(p);
    return up === p ? p : join(real(up), basename(p));
  }
}

export function checkPath(policy: Policy, cwd: string, file: string): Decision {
  const rel = relative(real(policy.root), real(resolve(cwd, file))).replace(/\\/g, "/");
  const deny = (why: string) => ({ decision: "deny" as const, reason: why });
  if (rel === "" || rel.startsWith("../") || rel === ".." || isAbsolute(rel)) {
    return deny(`${file} is outside the project`);
  }
  if (policy.instructionFiles.includes(rel))
    return { decision: "allow", reason: `${rel} is an agent instruction file` };
  if (!rel.startsWith(".idse/")) return deny(`${rel} is not a design document`);
  if (PROTECTED.some((re) => re.test(rel)))
    return deny(`${rel} holds the agent registry or idse configuration`);
  return { decision: "allow", reason: `${rel} is a design document` };
}

const READ_ONLY_GIT = new Set([
  ..."status log diff show rev-parse ls-files ls-tree blame grep describe shortlog cat-file show-ref".split(
    " ",
  ),
  ..."merge-base name-rev rev-list whatchanged count-objects".split(" "),
]);
/** Subcommands that only read when given no arguments but these. */
const LISTING: Record<string, RegExp> = {
  branch:
    /^(-a|-r|-v|-vv|--all|--remotes|--list|--show-current|--verbose|--no-color|--contains|--merged|--no-merged)$/,
  tag: /^(-l|--list|-n\d*|--contains|--points-at)$/,
  remote: /^(-v|--verbose|show|get-url)$/,
  stash: /^(list|show)$/,
  config: /^(--get|--get-all|--get-regexp|--list|-l|--show-origin|--local|--global)$/,
};
const GIT_UNSAFE_ARG = /^(--output|-O|--open-files-in-pager|--ext-diff|--exec)/;
const HELPERS = new Set(["cd", "pwd", "ls", "cat", "head", "tail", "wc", "grep", "jq", "echo", "true"]);
const AGENT_MUTATIONS = new Set(["add", "remove", "set-mode", "set-role", "set-stages", "install-hooks"]);

function gitReadOnly(words: string[]): string | undefined {
  let i = 1;
  while (words[i]?.startsWith("-")) {
    if (words[i] === "-C") i += 2;
    else if (words[i] === "--no-pager" || words[i] === "-P") i += 1;
    else return `git option ${words[i]} is not allowed`;
  }
  const sub = words[i];
  const args = words.slice(i + 1);
  if (!sub) return undefined;
  if (args.some((a) => GIT_UNSAFE_ARG.test(a))) return "that git option writes files or runs programs";
  if (READ_ONLY_GIT.has(sub)) return undefined;
  const listing = LISTING[sub];
  if (listing && args.every((a) => listing.test(a))) return undefined;
  return `\`git ${sub}${args.length ? " …" : ""}\` can change the repository`;
}

/** Why a shell command is not read-only git or idse, or undefined when it is. */
export function bashProblem(command: string, root?: string): string | undefined {
  const parsed: Shell = shellCommands(command);
  if ("problem" in parsed) return parsed.problem;
  for (const raw of parsed.commands) {
    let words = raw;
    while (words[0] && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
      if (!words[0].startsWith("IDSE_")) return `setting ${words[0].split("=")[0]} is not allowed`;
      words = words.slice(1);
    }
    const cmd = words[0];
    if (cmd === undefined) continue;
    const name = basename(cmd).replace(/\.exe$/, "");
    const inside = root !== undefined && !relative(root, cmd).startsWith("..");
    if (name === "idse" && (cmd === "idse" || (isAbsolute(cmd) && !inside))) {
      const at = words.indexOf("agents");
      if (at > 0 && words.slice(at + 1).some((w) => AGENT_MUTATIONS.has(w))) {
        return "a planning agent may not change the agent registry or hooks";
      }
      if (words.some((w) => /^--(output|out)(=|$)/.test(w)) || words.join(" ").includes("schema emit")) {
        return "idse may write files outside .idse/ with that command";
      }
      continue;
    }
    if (cmd === "git") {
      const problem = gitReadOnly(words);
      if (problem) return problem;
      continue;
    }
    if (!HELPERS.has(cmd)) return `\`${cmd}\` is not read-only git or idse`;
  }
  return undefined;
}

export function decide(input: HookInput, policy: Policy): Decision & { tool: string | null } {
  const tool = typeof input.tool_name === "string" ? input.tool_name : null;
  const args = (input.tool_input ?? {}) as Record<string, unknown>;
  const cwd = typeof input.cwd === "string" && input.cwd !== "" ? input.cwd : policy.root;
  if (policy.mode === "implementation") return { tool, decision: "allow", reason: "implementation mode" };
  if (tool === null) return { tool, decision: "allow", reason: "no tool named in the hook input" };
  const field = EDIT_TOOLS[tool];
  if (field) {
    const file = args[field];
    if (typeof file !== "string" || file === "")
      return { tool, decision: "deny", reason: `${tool} names no file` };
    return { tool, ...checkPath(policy, cwd, file) };
  }
  if (tool === "Bash") {
    const command = typeof args.command === "string" ? args.command : "";
    const problem = bashProblem(command, policy.root);
    return problem
      ? { tool, decision: "deny", reason: problem }
      : { tool, decision: "allow", reason: "read-only git or idse" };
  }
  return { tool, decision: "allow", reason: `idse does not restrict ${tool}` };
}
