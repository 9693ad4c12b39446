import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// sha512 in Subresource Integrity form, as npm writes `dist.integrity` and package-lock.json. A plugin
// folder is hashed file by file (for `idse plugin verify` to name what changed) and as a whole: the
// digest of its sorted "path sri" lines, which is the integrity of builtin and path installs.

export function sri(bytes: Uint8Array | string): string {
  return `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
}

/** Every file below `dir` (forward-slash relative paths, sorted) with its sha512. */
export function hashTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rel of listFiles(dir)) files[rel] = sri(readFileSync(join(dir, rel)));
  return files;
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk("");
  return out.sort();
}

/** The integrity of a set of files: order-independent, and any change to a name or byte changes it. */
export function treeIntegrity(files: Record<string, string>): string {
  const lines = Object.keys(files)
    .sort()
    .map((k) => `${k} ${files[k]}\n`)
    .join("");
  return sri(lines);
}
