import type { RoutingPluginFactory } from "./types.ts";

// Gemini CLI reads GEMINI.md at the repository root as its context file.

const gemini: RoutingPluginFactory = (host) => ({
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
