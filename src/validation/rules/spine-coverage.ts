import * as v from "valibot";
import { BLUEPRINT } from "../../ids.ts";
import { nameKey } from "../../spine.ts";
import type { Rule } from "../engine.ts";

interface Options {
  /** Milestones that count as active; default: those the Spine marks (`Active milestone: M`). */
  activeMilestones: string[];
}

// A primitive whose milestone is active should be worked on somewhere. Reported on the blueprint
// session, where the Spine lives, once per primitive; a session "works on" a primitive when one of its
// documents names it (the same test `route` uses to list the primitives a session touches).
export const spineCoverage: Rule<Options> = {
  id: "idse/spine-coverage",
  meta: {
    description:
      "Every Spine primitive whose milestone is active is worked on by at least one feature session.",
    article: "II",
    stages: [],
    messages: {
      uncovered:
        'primitive "{{name}}" is in the active milestone "{{milestone}}" but no feature session works on it; start one: idse spawn <name>',
    },
    fixable: false,
    recommended: "warn",
  },
  options: v.object({ activeMilestones: v.optional(v.array(v.string()), []) }),
  defaultOptions: { activeMilestones: [] },
  create(ctx) {
    return {
      session() {
        const { spine, spineTouched } = ctx.session;
        if (ctx.session.session !== BLUEPRINT || !spine?.declared || !spineTouched) return;
        const active = new Set(
          (ctx.options.activeMilestones.length ? ctx.options.activeMilestones : spine.active_milestones).map(
            nameKey,
          ),
        );
        if (!active.size) return;
        for (const p of spine.primitives) {
          if (!p.milestone || !active.has(nameKey(p.milestone))) continue;
          if (spineTouched.get(p.name)?.length) continue;
          ctx.report({
            messageId: "uncovered",
            data: { name: p.name, milestone: p.milestone },
            file: spine.file,
            stage: "spec",
            line: p.line,
            column: 1,
          });
        }
      },
    };
  },
};
