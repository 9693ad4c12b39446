// Compiles src/main.ts into one self-contained executable with the flags DESIGN.md §3 requires:
// --bytecode needs --format=esm for top-level await, and the two --no-compile-autoload-* flags stop the
// binary from reading a user's .env or running a bunfig.toml preload from their repository. The
// first-party plugins are bundled first, since the binary embeds them.
// Usage: bun scripts/build.ts [--target bun-linux-x64] [--outfile dist/idse]
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";

export const COMPILE_FLAGS = [
  "--compile",
  // Code splitting: every lazily imported module (each command, the plugin host, the validation engine)
  // becomes a chunk inside the executable that is parsed only when imported. Without it the whole
  // program is loaded at every start: `--version` went from 4 ms to 10 ms (docs/benchmarks.md).
  "--splitting",
  "--minify",
  "--bytecode",
  "--format=esm",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  // JavaScriptCore's JIT starts 64 times more reluctant to compile: most of a command runs once, and a
  // command that turns out to do bulk work restores the normal policy (src/jit-policy.ts).
  "--compile-jit-policy=64",
];

let pluginsBuilt = false;

/** The first-party plugins the binary embeds (scripts/build-plugins.ts), built once per process. */
export function buildPluginsOnce(): void {
  if (pluginsBuilt) return;
  const r = Bun.spawnSync([process.execPath, "scripts/build-plugins.ts"], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if (r.exitCode !== 0) throw new Error(`scripts/build-plugins.ts failed (exit ${r.exitCode})`);
  pluginsBuilt = true;
}

export function build(outfile: string, target?: string): void {
  buildPluginsOnce();
  mkdirSync(dirname(outfile), { recursive: true });
  const args = [
    "build",
    ...COMPILE_FLAGS,
    ...(target ? [`--target=${target}`] : []),
    "src/main.ts",
    // A second entry point: validate --all's worker threads (src/cli/commands/validate-pool.ts).
    "src/cli/commands/validate-worker.ts",
    "--outfile",
    outfile,
  ];
  const r = Bun.spawnSync([process.execPath, ...args], { stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0) throw new Error(`bun build failed for ${target ?? "host"} (exit ${r.exitCode})`);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { target: { type: "string" }, outfile: { type: "string" } } });
  build(values.outfile ?? "dist/idse", values.target);
}
