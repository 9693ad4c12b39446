import { routeStage } from "../agent-registry.ts";
import { type Context, defineCommand } from "../command.ts";
import type { HookOutput, InstallHooksOutput } from "../models/routing.ts";

// Claude Code's PreToolUse hook, answered by the binary itself from the current project's registry, and
// the command that installs it. The hook never blocks on its own failure: any error allows the call,
// with the reason on stderr (a warning), and exit 0.

type Hook = HookOutput;

const allow = (reason: string, tool: string | null = null): Hook => ({
  event: "PreToolUse",
  tool,
  decision: "allow",
  reason,
  agent: null,
  mode: null,
  output: null,
});

async function evaluate(ctx: Context, explicitAgent: string | undefined): Promise<Hook> {
  const { findRoot, openWorkspaceAt, resolveProject } = await import("../workspace.ts");
  const { loadRegistry } = await import("../agent-registry.ts");
  const { activeAgent, routingAdapters } = await import("../routing.ts");
  const { decide } = await import("../hooks/claude.ts");
  const { readCurrentSession } = await import("../session-graph.ts");
  const { readSessionStages } = await import("../stage-state.ts");

  const raw = ctx.io.stdinIsTTY ? "" : await ctx.io.readStdin();
  if (raw.trim() === "") throw new Error("no hook input on standard input");
  const input = JSON.parse(raw) as Record<string, unknown>;
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new Error("the hook input is not a JSON object");
  const event = typeof input.hook_event_name === "string" ? input.hook_event_name : "PreToolUse";
  if (event !== "PreToolUse") return { ...allow(`idse does not handle ${event}`), event };

  const env = ctx.io.env;
  const explicitCwd = ctx.global.cwd !== ctx.io.cwd;
  const cwd = typeof input.cwd === "string" && input.cwd ? input.cwd : ctx.global.cwd;
  const dir = explicitCwd ? ctx.global.cwd : env.CLAUDE_PROJECT_DIR || cwd;
  const root = findRoot(dir);
  if (!root) return allow(`no .idse workspace in ${dir}`);
  const ws = openWorkspaceAt(root, { cwd: root, home: ctx.io.home, env, store: ctx.io.store });
  const project = await resolveProject(ws, ctx.global.project, env);
  const { registry } = await loadRegistry(ws.store, project);
  const session = await readCurrentSession(ws.store, project);
  const stages = session ? (await readSessionStages(ws.store, project, session)).stages : null;
  const named = explicitAgent ?? (env.IDSE_AGENT || undefined);
  const { agent, why } = activeAgent(registry, "claude-code", stages, named);
  if (!agent) {
    if (named) throw new Error(why);
    return allow(why);
  }
  const instructionFiles = [...new Set(routingAdapters().flatMap((p) => p.paths))];
  const d = decide({ ...input, cwd }, { mode: agent.mode, root, instructionFiles });
  const base = { event, tool: d.tool, agent: agent.id, mode: agent.mode };
  if (d.decision === "allow") return { ...base, decision: "allow", reason: d.reason, output: null };
  const implementer = routeStage(registry, "implementation");
  const reason = [
    `idse: ${agent.id} works in planning mode (${why}), which edits design documents only: ${d.reason}.`,
    "Write stage documents with `idse artifact write`; only .idse/ and the agent instruction files may be edited.",
    implementer && implementer.id !== agent.id ? `Implementation belongs to ${implementer.id}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const output = {
    hookSpecificOutput: {
      hookEventName: "PreToolUse",
      permissionDecision: "deny",
      permissionDecisionReason: reason,
    },
  };
  return { ...base, decision: "deny", reason, output };
}

export const hookClaudePreToolUse = defineCommand<{ agent?: string }, Hook>({
  options: [
    {
      flags: "--agent <id>",
      description:
        "Agent whose mode applies (default: IDSE_AGENT, else the Claude Code agent of the next stage)",
    },
  ],
  async run(ctx, _args, o) {
    try {
      return await evaluate(ctx, o.agent);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.report({
        severity: "warning",
        code: "HOOK_ERROR",
        message: `idse hook could not decide, so the call is allowed: ${message}`,
      });
      return allow(`hook error: ${message}`);
    }
  },
  text: (d) => (d.output ? JSON.stringify(d.output) : ""),
});

export const agentsInstallHooks = defineCommand<{ command?: string }, InstallHooksOutput>({
  options: [
    {
      flags: "--command <cmd>",
      description:
        "How the IDE runs idse (default: `idse` when on PATH is this binary, else its path; a command naming a path of this machine goes to .claude/settings.local.json, not the committed file)",
    },
  ],
  async run(ctx, _args, o) {
    const project = await ctx.project();
    const { routingAdapters } = await import("../routing.ts");
    const { hookFile, installHooks, selfCommand } = await import("../routing/settings.ts");
    const selfCmd = o.command ?? selfCommand(ctx.io.env);
    const entries = routingAdapters().flatMap((p) => p.hooks?.({ selfCommand: selfCmd }) ?? []);
    for (const e of entries.filter((x) => hookFile(x) !== x.file)) {
      ctx.report({
        severity: "warning",
        code: "HOOK_LOCAL",
        message: `the hook runs idse by a path of this machine (${e.command}), so it went to ${hookFile(e)}, which is yours only and not committed, instead of ${e.file}`,
        file: hookFile(e),
        hint: "put idse on PATH, then run `idse agents install-hooks` again to record `idse hook …` in the committed settings for everyone",
      });
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
