import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPO } from "../helpers.ts";

// The hook's fast path (issue 16): what `idse hook claude-pre-tool-use` loads before it answers, for the
// filesystem store. The static import graph from src/cli/commands/hook-fast.ts (type-only imports and lazy
// `await import()`s are not loaded with it) must leave out the command table, the config models
// (valibot), the store drivers, the plugin host, routing and validation: docs/benchmarks.md promises it.

function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      else seen.add(spec);
    }
  };
  visit(entry);
  return [...seen].map((f) => (f.startsWith("/") ? relative(REPO, f) : f)).sort();
}

test("the fast path loads only the hook's own modules", () => {
  const graph = staticGraph(join(REPO, "src/cli/commands/hook-fast.ts"));
  expect(graph).toContain("src/hooks/policy.ts");
  expect(graph).toContain("src/hooks/state.ts");
  for (const heavy of [
    "src/cli/cli.ts",
    "src/cli/commands/index.ts",
    "valibot",
    "src/config.ts",
    "src/workspace.ts",
    "src/store/fs.ts",
    "src/plugins/host.ts",
    "src/routing/agent-routing.ts",
    "src/validation/engine.ts",
    "node:os",
    "node:crypto",
  ]) {
    expect({ heavy, loaded: graph.includes(heavy) }).toEqual({ heavy, loaded: false });
  }
});

test("main.ts sends exactly Claude Code's invocation down the fast path", () => {
  const main = readFileSync(join(REPO, "src/main.ts"), "utf8");
  expect(main).toContain('argv.length === 2 && argv[0] === "hook" && argv[1] === "claude-pre-tool-use"');
  expect(main).toContain('import("./cli/commands/hook-fast.ts")');
  expect(main).not.toMatch(/^import .* from "node:os"/m);
});
