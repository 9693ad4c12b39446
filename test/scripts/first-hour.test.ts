import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { REPO } from "../helpers.ts";

// What a fresh clone needs: no file both committed and ignored (git would hide its changes from some
// tools and not others), and a type-check that makes the generated file it needs.

test.if(existsSync(join(REPO, ".git")))("no committed file is also ignored by .gitignore", () => {
  const files = spawnSync("git", ["ls-files", "-z"], { cwd: REPO, encoding: "utf8" }).stdout;
  // --no-index: check the patterns themselves (a tracked file is otherwise never reported as ignored).
  const r = spawnSync("git", ["check-ignore", "--no-index", "--stdin", "-z"], {
    cwd: REPO,
    input: files,
    encoding: "utf8",
  });
  expect(files.length).toBeGreaterThan(0);
  // Exit 1: none ignored.
  expect({ status: r.status, ignored: r.stdout.split("\0").filter(Boolean) }).toEqual({
    status: 1,
    ignored: [],
  });
});

test("npm run typecheck generates src/generated/plugins.ts before tsc reads it", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  expect(pkg.scripts.typecheck).toMatch(/^bun scripts\/build-plugins\.ts && tsc -p \.$/);
  expect(readFileSync(join(REPO, ".gitignore"), "utf8")).toContain("src/generated/plugins.ts");
});

test("package.json's engines.node is one every locked dependency supports (no EBADENGINE on npm ci)", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8"));
  const oldest = semver.minVersion(pkg.engines.node)!.version;
  // Bundled into the compiled binary by Bun and never run by Node: its `engines` says nothing about the
  // Node that builds idse. Each entry is a known EBADENGINE warning of `npm ci`, with its reason.
  const bundledOnly: Record<string, string> = {
    "node_modules/@secretlint/secretlint-rule-preset-recommend":
      "the secret guard's rules (13.x asks for Node 22; 11.x lacks the formats gitleaks.json relies on it for)",
    // The real mermaid parser that checks `idse graph`'s output, run by `bun test` only.
    "node_modules/mermaid": "test-only, run by Bun",
    "node_modules/@mermaid-js/parser": "test-only, run by Bun (mermaid's)",
    "node_modules/chevrotain": "test-only, run by Bun (mermaid's parser's)",
    "node_modules/katex/node_modules/commander": "test-only, run by Bun (mermaid's)",
  };
  const refuse: string[] = [];
  for (const [path, p] of Object.entries(lock.packages as Record<string, { engines?: { node?: unknown } }>)) {
    const range = p.engines?.node;
    if (bundledOnly[path]) continue;
    if (path && typeof range === "string" && !semver.satisfies(oldest, range))
      refuse.push(`${path} ${range}`);
  }
  expect({ oldest, refuse }).toEqual({ oldest, refuse: [] });
});
