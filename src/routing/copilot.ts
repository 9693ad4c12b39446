import type { RoutingHost, RoutingPlugin } from "../plugins/api.ts";

// GitHub Copilot reads repository-wide custom instructions from .github/copilot-instructions.md.

const copilot = (host: RoutingHost): RoutingPlugin => ({
  kind: "routing",
  name: "copilot",
  label: "GitHub Copilot",
  aliases: ["copilot", "github-copilot", "copilot-agent"],
  paths: [".github/copilot-instructions.md"],
  renderFiles: (ctx) => [
    {
      path: ".github/copilot-instructions.md",
      body: host.instructions(ctx, {
        title: "Copilot instructions",
        intro: "Copilot has no idse hook: keep to the mode below yourself.",
      }),
    },
  ],
});

export default copilot;
