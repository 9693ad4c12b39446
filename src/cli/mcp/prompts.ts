import { STAGES, type Stage } from "../../models/common.ts";
import type { RouteOutput } from "../../models/routing.ts";
import { type McpEnv, runCommand } from "./context.ts";

// One prompt per stage (`/idse-spec` in an IDE): "write the spec for session X", filled with the same
// handoff `idse route spec --session X` prints (what to read, what to write, what to run), plus the tools
// of this server that do each step.

export interface PromptDef {
  name: string;
  stage: Stage;
  title: string;
  description: string;
  arguments: { name: string; description: string; required: boolean }[];
}

const WORD: Record<Stage, string> = {
  intent: "intent",
  context: "context",
  spec: "specification",
  plan: "plan",
  tasks: "task list",
  implementation: "implementation report",
  feedback: "feedback",
};

export const PROMPTS: PromptDef[] = STAGES.map((stage) => ({
  name: `idse-${stage}`,
  stage,
  title: `Write the ${WORD[stage]}`,
  description: `Write the ${stage} document of a session, with its handoff: what to read first, what to write, what to run afterwards.`,
  arguments: [
    { name: "session", description: "Session id (default: the current session).", required: false },
    { name: "project", description: "Project (default: the server's project).", required: false },
  ],
}));

/** The prompt's one user message: the task, the handoff, and the tools that carry it out. */
export async function promptText(env: McpEnv, def: PromptDef, args: Record<string, string | undefined>) {
  const { data } = await runCommand<RouteOutput>(
    env,
    "route",
    [def.stage],
    args.session ? { session: args.session } : {},
    { project: args.project },
  );
  const h = data.handoff!;
  const who = h.agent ? ` It is routed to ${h.agent}${h.mode ? ` (${h.mode} mode)` : ""}.` : "";
  return [
    `Write the ${WORD[def.stage]} (${def.stage}) for session ${data.session} of project ${data.project}.${who}`,
    "",
    h.markdown.trimEnd(),
    "",
    "With the idse MCP tools: read the documents above with `artifact_read`, write yours with " +
      `\`artifact_write\` (stage "${def.stage}", session "${data.session}"), then run \`validate\` and fix ` +
      `what it finds; \`set_stage\` marks the stage in_progress or completed.`,
    "",
  ].join("\n");
}
