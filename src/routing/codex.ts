import type { RoutingHost, RoutingPlugin } from "../plugins/api.ts";

// OpenAI Codex reads AGENTS.md at the repository root (other agents that follow the AGENTS.md
// convention read it too).

const codex = (host: RoutingHost): RoutingPlugin => ({
  kind: "routing",
  name: "codex",
  label: "Codex",
  aliases: ["codex", "gpt-codex", "openai-codex", "codex-cli"],
  paths: ["AGENTS.md"],
  renderFiles: (ctx) => [
    {
      path: "AGENTS.md",
      body: host.instructions(ctx, {
        title: "Agent instructions",
        intro: "Codex has no idse hook: keep to the mode below yourself.",
      }),
    },
  ],
});

export default codex;
