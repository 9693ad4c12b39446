import type { RoutingHost, RoutingPlugin } from "../plugins/api.ts";

// Cursor reads project rules from .cursor/rules/*.mdc, and the older single .cursorrules file. idse
// writes .cursor/rules/idse.mdc when the repository uses project rules (the folder exists), else
// .cursorrules, which every Cursor version reads and which the Python original wrote.

const RULE = ".cursor/rules/idse.mdc";

const cursor = (host: RoutingHost): RoutingPlugin => ({
  kind: "routing",
  name: "cursor",
  label: "Cursor",
  aliases: ["cursor", "cursor-agent"],
  paths: [RULE, ".cursorrules"],
  renderFiles(ctx) {
    const body = host.instructions(ctx, {
      title: "Cursor rules",
      intro: "Cursor has no idse hook: keep to the mode below yourself.",
    });
    if (!ctx.exists(".cursor/rules")) return [{ path: ".cursorrules", body }];
    const preamble =
      "---\ndescription: idse pipeline, stage routing and agent mode\nalwaysApply: true\n---\n";
    return [{ path: RULE, body, preamble }];
  },
});

export default cursor;
