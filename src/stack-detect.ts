import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

// The technology stack `idse init` writes into the templates, when neither --stack nor the config key
// `stack` says it: read from the files that declare a project's build at the repository root. The first
// match in this order wins (a TypeScript repository has both tsconfig.json and package.json).

const MARKERS: [stack: string, files: string[]][] = [
  ["typescript", ["tsconfig.json", "deno.json", "deno.jsonc"]],
  ["javascript", ["package.json"]],
  ["python", ["pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile"]],
  ["go", ["go.mod"]],
  ["rust", ["Cargo.toml"]],
  ["java", ["pom.xml", "build.gradle", "build.gradle.kts"]],
  ["ruby", ["Gemfile"]],
  ["php", ["composer.json"]],
  ["elixir", ["mix.exs"]],
  ["dart", ["pubspec.yaml"]],
  ["swift", ["Package.swift"]],
];

/** Every marker file name, for messages ("no package.json, pyproject.toml, … found"). */
export const STACK_MARKERS = MARKERS.flatMap(([, files]) => files);

export interface DetectedStack {
  stack: string;
  /** The file it was detected from. */
  file: string;
}

export function detectStack(root: string): DetectedStack | undefined {
  for (const [stack, files] of MARKERS) {
    const file = files.find((f) => existsSync(join(root, f)));
    if (file) return { stack, file };
  }
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return undefined;
  }
  const dotnet = names.find((n) => /\.(csproj|fsproj|sln)$/.test(n));
  return dotnet ? { stack: "dotnet", file: dotnet } : undefined;
}
