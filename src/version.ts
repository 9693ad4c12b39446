import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;

/**
 * What this build supports, for scripts to probe (`idse version --json`). A flag is true only when the
 * capability is implemented in this build.
 */
export const CAPABILITIES = {
  json_output: true,
  workspace: true,
  sessions: true,
  stage_state: true,
  artifacts: true,
  config: true,
  doctor: true,
  schemas: true,
  validation: true,
  plugins: true,
  agents: true,
  compiler: true,
  stores: ["filesystem"] as string[],
  sync: true,
};

export function runtimeName(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${process.version}`;
}
