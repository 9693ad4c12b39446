import type { RoutingHost, RoutingPlugin } from "../../../src/plugins/api.ts";

// Windsurf reads workspace rules from .windsurf/rules/*.md, and the older single .windsurfrules file.
// Like the built-in Cursor adapter: the rules folder when the repository has one, else the single file.

const RULE = ".windsurf/rules/idse.md";

export default function windsurf(host: RoutingHost): RoutingPlugin {
  return {
    kind: "routing",
    name: "windsurf",
    label: "Windsurf",
    aliases: ["windsurf", "cascade"],
    paths: [RULE, ".windsurfrules"],
    renderFiles(ctx) {
      const body = host.instructions(ctx, {
        title: "Windsurf rules",
        intro: "Windsurf has no idse hook: keep to the mode below yourself.",
      });
      if (!ctx.exists(".windsurf/rules")) return [{ path: ".windsurfrules", body }];
      return [{ path: RULE, body, preamble: "---\ntrigger: always_on\n---\n" }];
    },
  };
}
