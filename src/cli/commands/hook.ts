import type { Diagnostic } from "../../errors.ts";
import { notice } from "../../errors.ts";
import { decide, type Policy } from "../../hooks/claude.ts";
import {
  activeAgent,
  fileSource,
  findRoot,
  type HookState,
  handsOverTo,
  type Problem,
  plainFileStore,
  readHookState,
  type Source,
  STAGE_NAMES,
} from "../../hooks/state.ts";
import type { HookOutput, InstallHooksOutput } from "../../models/routing.ts";
import { type Context, defineCommand } from "../command.ts";

// Claude Code's PreToolUse hook, answered by the binary itself, and the command that installs it.
//
// Fail closed: in a repository with `.idse/`, when idse's own state cannot be read (a corrupt registry,
// stage state or session state, a CURRENT_SESSION or CURRENT_PROJECT that names nothing, several projects
// and none selected, a store that cannot be opened) the mode of the agent at work is read the safest way
// (the named agent's if the registry can be read, else the strictest Claude Code agent's, else planning),
// and a planning agent is denied every call with a reason that names the file and the repair command.
// An implementation agent is not objected to (a warning goes to stderr). Only a repository without
// `.idse/` at all gets no objection: idse is not in charge there.
//
// Fast path: this module and what it imports statically (src/hooks/*) are all the hook loads for the
// filesystem store, in one chunk of the binary; main.ts runs it without the command table and the flag reader
// (docs/benchmarks.md). The workspace and store modules are imported only for a store plugin.

type Hook = HookOutput;

export interface HookRun {
  cwd: string;
  /** Whether the working directory was given (--cwd) rather than inherited. */
  explicitCwd: boolean;
  home: string;
  env: Record<string, string | undefined>;
  project?: string;
  agent?: string;
  stdinIsTTY: boolean;
  readStdin(): Promise<string>;
  /** Where a store plugin's log lines go. */
  stderr(text: string): void;
  report(d: Diagnostic): void;
}

const silent = (reason: string, event = "PreToolUse", tool: string | null = null): Hook => ({
  event,
  tool,
  decision: "allow",
  reason,
  agent: null,
  mode: null,
  output: null,
});

function denial(base: Omit<Hook, "decision" | "reason" | "output">, reason: string): Hook {
  const output = {
    hookSpecificOutput: {
      hookEventName: "PreToolUse",
      permissionDecision: "deny",
      permissionDecisionReason: reason,
    },
  };
  return { ...base, decision: "deny", reason, output };
}

const describe = (p: Problem) => `${p.file}: ${p.reason}; repair: ${p.fix}.`;

/** Hook input: an object, or the reason it is not one. */
function parseInput(raw: string): Record<string, unknown> | string {
  if (raw.trim() === "") return "no hook input on standard input";
  try {
    const input = JSON.parse(raw);
    if (typeof input === "object" && input !== null && !Array.isArray(input)) return input;
  } catch {}
  return "the hook input is not a JSON object";
}

/** The store's documents: the files under .idse/, or a store plugin's (opened through the workspace). */
async function stateSource(root: string, run: HookRun): Promise<{ src: Source; close(): Promise<void> }> {
  const idseDir = `${root}/.idse`;
  if (plainFileStore(idseDir, run.env)) return { src: fileSource(idseDir), close: async () => {} };
  const { openWorkspaceAt, listProjects } = await import("../../workspace.ts");
  const { closeStore } = await import("../../store/select.ts");
  const ws = openWorkspaceAt(root, { cwd: root, home: run.home, env: run.env, log: run.stderr });
  return {
    src: {
      read: (key) => ws.store.read(key),
      listProjects: () => listProjects(ws.store),
      hasSession: (p, s) => ws.store.has(`projects/${p}/sessions/${s}`),
    },
    close: () => closeStore(ws.store),
  };
}

export async function evaluateHook(run: HookRun): Promise<Hook> {
  try {
    return await evaluate(run);
  } catch (err) {
    // A failure of the hook itself: idse is in charge here (there is a .idse/), so no silent pass.
    const dir = run.explicitCwd ? run.cwd : run.env.CLAUDE_PROJECT_DIR || run.cwd;
    const message = err instanceof Error ? err.message : String(err);
    if (!findRoot(dir)) return silent(`no .idse workspace in ${dir}`);
    run.report(notice("HOOK_ERROR", { reason: message, when: "failed" }));
    const base = { event: "PreToolUse", tool: null, agent: null, mode: "planning" as const };
    return denial(
      base,
      `idse: the Claude Code hook failed (${message}), so the call is denied; \`idse doctor\` shows what is wrong with the workspace.`,
    );
  }
}

async function evaluate(run: HookRun): Promise<Hook> {
  const raw = run.stdinIsTTY ? "" : await run.readStdin();
  const input = parseInput(raw);
  const event =
    typeof input === "object" && typeof input.hook_event_name === "string"
      ? input.hook_event_name
      : "PreToolUse";
  if (event !== "PreToolUse") return silent(`idse does not handle ${event}`, event);
  const tool = typeof input === "object" && typeof input.tool_name === "string" ? input.tool_name : null;

  const inputCwd =
    typeof input === "object" && typeof input.cwd === "string" && input.cwd ? input.cwd : undefined;
  // The project directory Claude Code names, not the agent's current directory (a `cd` elsewhere must
  // not take the agent out of idse's reach).
  const dir = run.explicitCwd ? run.cwd : run.env.CLAUDE_PROJECT_DIR || inputCwd || run.cwd;
  const root = findRoot(dir);
  if (!root) return silent(`no .idse workspace in ${dir}`, event, tool);

  const problems: Problem[] = [];
  let state: Awaited<ReturnType<typeof readHookState>> = { problems };
  let close = async () => {};
  try {
    const s = await stateSource(root, run);
    close = s.close;
    state = await readHookState(s.src, run.project ?? (run.env.IDSE_PROJECT || undefined));
  } catch (err) {
    const e = err as { message?: string; code?: string; data?: { file?: string } };
    problems.push({
      file: e.data?.file ?? ".idse",
      reason: `cannot be read: ${e.message ?? String(err)}`,
      // An unapproved store plugin is not damage: approving it (or not) is the user's decision.
      fix:
        e.code === "WORKSPACE_UNTRUSTED"
          ? "`idse trust --show` to see what would run, then `idse trust` if the user approves it"
          : "`idse doctor` to see what is wrong, then `idse doctor --fix`",
    });
  } finally {
    await close().catch(() => {});
  }
  problems.push(...state.problems.filter((p) => !problems.includes(p)));

  const named = run.agent ?? (run.env.IDSE_AGENT || undefined);
  let agent: { id: string; mode: "planning" | "implementation" } | null = null;
  let why: string;
  if (state.agents) {
    // With damaged state the stages are not trusted: the strictest Claude Code agent applies.
    const active = activeAgent(state.agents, problems.length ? undefined : state.stages, named);
    agent = active.agent;
    why = active.why;
    if (!agent && named) {
      problems.push({
        file: "IDSE_AGENT",
        reason: `names "${named}", which is not in the agent registry (${state.agents.map((a) => a.id).join(", ") || "none"})`,
        fix: "set IDSE_AGENT (or the hook's --agent) to one of `idse agents list`",
      });
    } else if (!agent) return { ...silent(why, event, tool) };
  } else why = "the agent registry cannot be read, so the agent is taken to be in planning mode";

  const mode = agent?.mode ?? "planning";
  const base = { event, tool, agent: agent?.id ?? null, mode };
  if (mode === "implementation") {
    for (const p of problems) {
      run.report(notice("HOOK_ERROR", { reason: describe(p), when: "allowed" }));
    }
    return {
      ...base,
      decision: "allow",
      reason: `${agent!.id} works in implementation mode (${why})`,
      output: null,
    };
  }
  if (problems.length) {
    for (const p of problems) run.report(notice("HOOK_ERROR", { reason: describe(p) }));
    const reason = [
      `idse: the Claude Code hook cannot read idse's own state, so ${agent ? `${agent.id} (planning mode)` : "the agent"} may not use ${tool ?? "tools"} until it is repaired:`,
      problems.map(describe).join("; "),
      "Ask the user to run the repair; idse's state files are not for an agent to edit.",
    ].join(" ");
    return denial(base, reason);
  }
  if (typeof input === "string") {
    run.report(notice("HOOK_ERROR", { reason: input }));
    return denial(base, `idse: ${input}, so a planning-mode call is denied`);
  }
  const markStage = stageMarker(state, named);
  const d = decide(
    { ...input, cwd: inputCwd ?? run.cwd },
    { mode, root, project: state.project!, markStage },
  );
  if (d.decision === "allow") return { ...base, decision: "allow", reason: d.reason, output: null };
  const implementer = state.agents?.find((a) => a.stages.includes("implementation"));
  const reason = [
    `idse: ${agent!.id} works in planning mode (${why}), which writes design documents only: ${d.reason}.`,
    `Design documents are the markdown files under .idse/projects/${state.project}/sessions/<session>/ (also \`idse artifact write\`); agent instruction files may change outside idse's markers.`,
    implementer && implementer.id !== agent!.id ? `Implementation belongs to ${implementer.id}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return denial(base, reason);
}

/**
 * Which stage changes a planning agent may make (`idse session set-stage`): a stage routed to a planning
 * agent, as the MCP server's set_stage allows (src/cli/mcp/policy.ts), and not one that would put an
 * implementation-mode agent in charge of the current session, since that would be the agent's own way out
 * of planning mode (when IDSE_AGENT or --agent names the agent, the stages do not decide its mode).
 */
function stageMarker(state: HookState, named: string | undefined): Policy["markStage"] {
  const agents = state.agents ?? [];
  const planning = STAGE_NAMES.filter((s) =>
    agents.some((a) => a.mode === "planning" && a.stages.includes(s)),
  );
  return (session, stage, status) => {
    const st = planning.find((s) => s === stage);
    if (st === undefined)
      return `stage ${stage} is not routed to a planning agent (planning stages: ${planning.join(", ") || "none"})`;
    if (named || !state.stages || (session !== undefined && session !== state.session)) return undefined;
    const next = handsOverTo(agents, state.stages, st, status ?? state.stages[st]);
    return next
      ? `setting ${stage} to ${status} would put ${next.id} (implementation mode) in charge of session ${state.session}: that hand-over is the user's to make (\`idse session set-stage ${state.session} --stage ${stage} --status ${status}\`)`
      : undefined;
  };
}

export const hookText = (d: Hook) => (d.output ? JSON.stringify(d.output) : "");

export const hookClaudePreToolUse = defineCommand<{ agent?: string }, Hook>({
  options: [
    {
      flags: "--agent <id>",
      description:
        "Agent whose mode applies (default: IDSE_AGENT, else the Claude Code agent of the next stage)",
    },
  ],
  async run(ctx: Context, _args, o) {
    return evaluateHook({
      cwd: ctx.global.cwd,
      explicitCwd: ctx.global.cwd !== ctx.io.cwd,
      home: ctx.io.home,
      env: ctx.io.env,
      project: ctx.global.project,
      agent: o.agent,
      get stdinIsTTY() {
        return ctx.io.stdinIsTTY;
      },
      readStdin: () => ctx.io.readStdin(),
      stderr: ctx.io.stderr,
      report: (d) => ctx.report(d),
    });
  },
  text: hookText,
});

export const agentsInstallHooks = defineCommand<{ command?: string; force?: boolean }, InstallHooksOutput>({
  options: [
    {
      flags: "--command <cmd>",
      description:
        "How the IDE runs idse (default: `idse` when on PATH is this binary, else its path; a command naming a path of this machine goes to .claude/settings.local.json, not the committed file)",
    },
    {
      // The original's flag, kept for its users' scripts: the merge replaces idse's own hook anyway.
      flags: "--force",
      description: "Accepted for the Python original's scripts; the merge is always idempotent",
    },
  ],
  async run(ctx, _args, o) {
    const project = await ctx.project();
    const { routingAdapters } = await import("../../routing/agent-routing.ts");
    const { hookFile, installHooks, selfCommand } = await import("../../routing/settings.ts");
    const selfCmd = o.command ?? selfCommand(ctx.io.env);
    const entries = routingAdapters().flatMap((p) => p.hooks?.({ selfCommand: selfCmd }) ?? []);
    for (const e of entries.filter((x) => hookFile(x) !== x.file)) {
      ctx.report(notice("HOOK_LOCAL", { command: e.command, file: hookFile(e), committed: e.file }));
    }
    return ctx.mutate(project, async (ws) => ({
      project,
      hooks: entries.map((e) => ({
        file: hookFile(e),
        event: e.event,
        matcher: e.matcher,
        command: e.command,
      })),
      files: installHooks(ws.root, entries),
    }));
  },
  text: (d) =>
    [
      ...d.files.map((f) => `  ${f.action.padEnd(9)} ${f.path}`),
      ...d.hooks.map((h) => `  ${h.event} [${h.matcher}] → ${h.command}`),
    ].join("\n"),
});
