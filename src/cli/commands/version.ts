import type { VersionOutput } from "../../models/outputs.ts";
import { CAPABILITIES, runtimeName, VERSION } from "../../version.ts";
import { defineCommand } from "../command.ts";

export const version = defineCommand<Record<string, never>, VersionOutput>({
  async run() {
    return {
      version: VERSION,
      runtime: runtimeName(),
      platform: `${process.platform}-${process.arch}`,
      capabilities: CAPABILITIES,
    };
  },
  text: (d) => {
    const caps = Object.entries(d.capabilities)
      .map(([k, v]) => `  ${k}: ${Array.isArray(v) ? v.join(", ") : v ? "yes" : "no"}`)
      .join("\n");
    return `idse ${d.version} (${d.runtime}, ${d.platform})\ncapabilities:\n${caps}`;
  },
});
