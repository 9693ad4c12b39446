import type { RoutingHost, RoutingPlugin } from "../plugins/api.ts";

// Gemini CLI reads GEMINI.md at the repository root as its context file.

const gemini = (host: RoutingHost): RoutingPlugin => ({
  kind: "routing",
  name: "gemini",
  label: "Gemini CLI",
  aliases: ["gemini", "gemini-cli"],
  paths: ["GEMINI.md"],
  renderFiles: (ctx) => [
    {
      path: "GEMINI.md",
      body: host.instructions(ctx, {
        title: "Gemini instructions",
        intro: "Gemini CLI has no idse hook: keep to the mode below yourself.",
      }),
    },
  ],
});

export default gemini;
