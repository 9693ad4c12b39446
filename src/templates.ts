import agentsMd from "../templates/agents/AGENTS.md" with { type: "text" };
import claudeMd from "../templates/agents/CLAUDE.md" with { type: "text" };
import cursorrules from "../templates/agents/cursorrules" with { type: "text" };
import constitution from "../templates/governance/IDSE_CONSTITUTION.md" with { type: "text" };
import pipeline from "../templates/governance/IDSE_PIPELINE.md" with { type: "text" };
import context from "../templates/stages/context.md" with { type: "text" };
import feedback from "../templates/stages/feedback.md" with { type: "text" };
import implementation from "../templates/stages/implementation.md" with { type: "text" };
import intent from "../templates/stages/intent.md" with { type: "text" };
import plan from "../templates/stages/plan.md" with { type: "text" };
import spec from "../templates/stages/spec.md" with { type: "text" };
import tasks from "../templates/stages/tasks.md" with { type: "text" };
import type { Stage } from "./models/common.ts";

// Templates are embedded into the binary as text, so idse needs no files beside it.

export const STAGE_TEMPLATES: Record<Stage, string> = {
  intent,
  context,
  spec,
  plan,
  tasks,
  implementation,
  feedback,
};

export const GOVERNANCE_DOCS: Record<string, string> = {
  "IDSE_CONSTITUTION.md": constitution,
  "IDSE_PIPELINE.md": pipeline,
};

/** Agent instruction files written at the repository root, by file name. */
export const AGENT_FILES: Record<string, string> = {
  "CLAUDE.md": claudeMd,
  "AGENTS.md": agentsMd,
  ".cursorrules": cursorrules,
};

export interface TemplateVars {
  project: string;
  session?: string;
  stack?: string;
  date?: string;
  owner?: string;
}

/** Replaces `{{name}}` placeholders; unknown names are left as they are. */
export function render(template: string, vars: TemplateVars): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = (vars as unknown as Record<string, string | undefined>)[name];
    return value === undefined ? whole : value;
  });
}
