import * as v from "valibot";
import { BLUEPRINT } from "../../ids.ts";
import { findPrimitive, nameKey } from "../../spine.ts";
import type { Rule } from "../engine.ts";
import { namedComponents } from "./spine-names.ts";

interface Options {
  /** Names that may appear without being Spine primitives (libraries, external systems). */
  allow: string[];
}

// The doctrine: a feature session respects the Spine's primitives as reality and does not invent new
// components behind its back. What counts as naming a new component is defined in spine-names.ts. A
// project without a Spine has nothing to compare with: the rule is silent (`idse spine` says why).
export const spineComponents: Rule<Options> = {
  id: "idse/spine-components",
  meta: {
    description:
      "A feature session's spec, plan and tasks name as new components only primitives the Product Spine declares.",
    article: "II",
    stages: ["spec", "plan", "tasks"],
    messages: {
      invented:
        '"{{name}}" is named as a component in {{where}} but the Product Spine does not declare it; propose it through the blueprint: idse spine propose {{name}} --area <area> --layer <layer> --reason "<why>"',
    },
    fixable: false,
    recommended: "error",
  },
  options: v.object({ allow: v.optional(v.array(v.string()), []) }),
  defaultOptions: { allow: [] },
  create(ctx) {
    const spine = ctx.session.spine;
    const allowed = new Set(ctx.options.allow.map(nameKey));
    return {
      artifact(a) {
        if (!spine?.declared || ctx.session.session === BLUEPRINT || a.untouched || !a.doc) return;
        const seen = new Set<string>();
        const isPrimitive = (name: string) => findPrimitive(spine, name) !== undefined;
        for (const c of namedComponents(a.doc, isPrimitive)) {
          const key = nameKey(c.name);
          if (seen.has(key) || allowed.has(key) || findPrimitive(spine, c.name)) continue;
          seen.add(key);
          ctx.report({
            messageId: "invented",
            data: { name: c.name, where: c.where },
            stage: a.stage,
            line: c.line,
            column: c.column,
          });
        }
      },
    };
  },
};
