import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { REPO } from "../helpers.ts";

// The secret guard's rules (secretlint's preset, 200-odd patterns) load only when a command scans: no
// module that every command loads (src/cli/cli.ts) reaches them statically, nor do the sync and store command
// modules, so `idse status`, the hook and `sync status` never pay for them. Read from the sources: every
// static import, followed.

const STATIC = /^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+"([^"]+)"|^import\s+"([^"]+)"/gm;

function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith(".ts")) return;
    for (const m of readFileSync(file, "utf8").matchAll(STATIC)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        if (existsSync(target)) visit(target);
      } else seen.add(spec);
    }
  };
  visit(entry);
  return seen;
}

test("no static import from the CLI, the sync or the store commands reaches the secret rules", () => {
  const cli = staticGraph(join(REPO, "src", "cli", "cli.ts"));
  expect(cli.size).toBeGreaterThan(20);
  expect(cli.has(join(REPO, "src", "cli", "commands", "index.ts"))).toBe(true);
  for (const entry of [
    join(REPO, "src", "cli", "cli.ts"),
    ...["sync.ts", "store.ts"].map((f) => join(REPO, "src", "cli", "commands", f)),
  ]) {
    const graph = staticGraph(entry);
    for (const lazy of ["secrets.ts", "secretlint-rules.ts", "secret-views.ts"]) {
      expect(graph.has(join(REPO, "src", "sync", lazy)), `${entry} → ${lazy}`).toBe(false);
    }
    expect(graph.has("@secretlint/secretlint-rule-preset-recommend"), entry).toBe(false);
  }
  // The guard itself is reachable (its diagnostics), and it is what imports the rules, lazily.
  expect(
    staticGraph(join(REPO, "src", "cli", "commands", "sync.ts")).has(join(REPO, "src", "sync", "guard.ts")),
  ).toBe(true);
  expect(readFileSync(join(REPO, "src", "sync", "guard.ts"), "utf8")).toContain(
    'await import("./secrets.ts")',
  );
});
