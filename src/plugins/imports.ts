import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { isAbsolute, join, relative, resolve } from "node:path";
import { IdseError } from "../errors.ts";
import { listFiles } from "./integrity.ts";

// What a plugin's code may import: the runtime's built-in modules and its own files, nothing else. A bare
// specifier (`import x from "lodash"`) would be resolved from the node_modules folders above the plugin,
// which are the repository's: code nobody approved would run inside an approved plugin, and `plugin
// verify` would not see it. So a plugin is one self-contained ESM file (docs/plugins.md), and every
// static import and every dynamic import of a literal name in its .js, .mjs and .cjs files is checked with
// es-module-lexer before any of its code runs: at `plugin add` and at each load. A dynamic import of a
// computed name cannot be read before it runs; it is the plugin author's own code, as approved.

const BUILTIN = new Set(builtinModules);
const CODE = /\.(?:m?js|cjs)$/;

/** Whether `spec`, imported by `file` of the plugin folder `dir`, resolves to a built-in or to the folder. */
function allowed(dir: string, file: string, spec: string): boolean {
  if (spec.startsWith("node:") || spec.startsWith("bun:") || BUILTIN.has(spec)) return true;
  if (!spec.startsWith("./") && !spec.startsWith("../")) return false;
  const to = relative(dir, resolve(dir, file, "..", spec.split(/[?#]/)[0]!));
  return to !== "" && !to.startsWith("..") && !isAbsolute(to);
}

/** Throws PLUGIN_IMPORT_REFUSED for the first import of a plugin's code that is neither built in nor its own. */
export async function requireSelfContained(dir: string, plugin: string): Promise<void> {
  const { init, parse } = await import("es-module-lexer");
  await init;
  // The folder's files as integrity lists them (links are refused there before this runs).
  for (const file of listFiles(dir).filter((f) => CODE.test(f))) {
    const text = readFileSync(join(dir, file), "utf8");
    let imports: ReturnType<typeof parse>[0];
    try {
      [imports] = parse(text, file);
    } catch {
      // Not lexable as a module: the runtime refuses it too, at import (PLUGIN_LOAD_FAILED).
      continue;
    }
    for (const i of imports) {
      // import.meta has no specifier, nor has a dynamic import of a computed name.
      const spec = "specifier" in i ? i.specifier : undefined;
      if (spec == null || allowed(dir, file, spec)) continue;
      throw new IdseError("PLUGIN_IMPORT_REFUSED", { plugin, file, specifier: spec });
    }
  }
}
