import { loadRegistry } from "../../agent-registry.ts";
import { IdseError, notice } from "../../errors.ts";
import { STAGES, type Stage } from "../../models/common.ts";
import type { RouteOutput } from "../../models/routing.ts";
import { readSessionStages } from "../../stage-state.ts";
import { defineCommand } from "../command.ts";
import { inferredNotice, targetSession } from "./shared.ts";

// `idse route`: who handles a stage of a session, in which mode, and the handoff document (what to
// write, what to read first, the Constitution articles that apply, the commands to run afterwards).

export const route = defineCommand<{ session?: string; next?: boolean }, RouteOutput>({
  options: [
    { flags: "--session <id>", description: "Session (default: the current session)" },
    { flags: "--next", description: "Route the first stage that is not completed" },
  ],
  examples: ["idse route --next", "idse route spec --session auth --json"],
  async run(ctx, [stageArg], o) {
    if (stageArg !== undefined && o.next)
      throw new IdseError("USAGE", { reason: "give a stage or --next, not both" });
    if (stageArg === undefined && !o.next) throw new IdseError("USAGE", { reason: "give a stage or --next" });
    if (stageArg !== undefined && !(STAGES as readonly string[]).includes(stageArg)) {
      // `idse route next` is the natural slip for `idse route --next`.
      const { didYouMean } = await import("../../suggest.ts");
      const suggestion = stageArg === "next" ? "--next" : didYouMean(stageArg, STAGES);
      throw new IdseError("INVALID_ENUM", {
        value: stageArg,
        option: "<stage>",
        allowed: [...STAGES],
        ...(suggestion ? { suggestion } : {}),
      });
    }
    const ws = ctx.workspace();
    const project = await ctx.project();
    const session = await targetSession(ws.store, project, o.session);
    const { registry, source } = await loadRegistry(ws.store, project);
    if (source === "default") {
      ctx.report(notice("REGISTRY_DEFAULTS", { project, routing: true }));
    }
    const st = await readSessionStages(ws.store, project, session);
    if (st.source === "inferred") ctx.report(inferredNotice([`${project}/${session}`]));
    // The handoff suggests only the validate options this build has: read them from the command itself,
    // not through the command table (which would tie this command back to the table that loads it).
    const { validate } = await import("./validate.ts");
    const flag = (f: string) => validate.options?.some((x) => x.flags.startsWith(f)) ?? false;
    const { routeStageHandoff } = await import("../../routing/agent-routing.ts");
    const data = await routeStageHandoff(
      ws.store,
      project,
      session,
      registry,
      (stageArg as Stage) ?? "next",
      {
        validate: validate ? { session: flag("--session"), stage: flag("--stage") } : undefined,
      },
    );
    if (data.stage && data.agents.length === 0) {
      ctx.report(notice("NO_AGENT_FOR_STAGE", { stages: [data.stage] }));
    }
    return data;
  },
  text: (d) => d.handoff?.markdown ?? `All seven stages of ${d.session} are completed.`,
});
