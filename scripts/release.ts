// Cross-compiles the release binaries and writes SHA256SUMS beside them.
// Usage: bun scripts/release.ts [--out dist/release] [--only bun-linux-x64,...]
// Bun fetches each target's runtime from the npm registry the first time it cross-compiles.
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "./build.ts";

export const TARGETS = [
  { target: "bun-linux-x64", file: "idse-linux-x64" },
  { target: "bun-linux-arm64", file: "idse-linux-arm64" },
  { target: "bun-darwin-arm64", file: "idse-darwin-arm64" },
  { target: "bun-windows-x64", file: "idse-windows-x64.exe" },
];

export function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: "string" }, only: { type: "string" } } });
  const out = values.out ?? "dist/release";
  const only = values.only?.split(",");
  rmSync(out, { recursive: true, force: true });
  const lines: string[] = [];
  for (const t of TARGETS.filter((x) => !only || only.includes(x.target))) {
    const file = join(out, t.file);
    build(file, t.target);
    lines.push(`${sha256(file)}  ${basename(file)}`);
  }
  writeFileSync(join(out, "SHA256SUMS"), `${lines.join("\n")}\n`);
  process.stdout.write(`${lines.join("\n")}\n`);
}
