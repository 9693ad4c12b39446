import { join } from "node:path";
import type { Diagnostic } from "../errors.ts";
import { CATALOGUE } from "../errors.ts";
import { findRoot } from "../workspace.ts";
import { detectOriginalDb } from "./detect.ts";

// The once-per-run notice that the repository still holds the Python original's database: one warning
// diagnostic (stderr, or the --json envelope), from a stat and, only when the file exists, its header.

/** Commands that say it themselves (import-original, doctor) or must print nothing extra (hooks). */
const SILENT = /^(import-original|doctor|hook |version|schema )/;

export function originalDbNotice(command: string, cwd: string): Diagnostic | undefined {
  if (SILENT.test(command)) return undefined;
  const root = findRoot(cwd);
  if (!root) return undefined;
  return originalDbDiagnostic(join(root, ".idse"));
}

/** The ORIGINAL_DATABASE_FOUND warning for the workspace at `idseDir`, or undefined when there is nothing to say. */
export function originalDbDiagnostic(idseDir: string): Diagnostic | undefined {
  const found = detectOriginalDb(idseDir);
  if (!found || found.imported) return undefined;
  const spec = CATALOGUE.ORIGINAL_DATABASE_FOUND;
  const data = { file: found.file, changed: found.changedSinceImport };
  return {
    severity: "warning",
    code: "ORIGINAL_DATABASE_FOUND",
    message: spec.message(data),
    hint: spec.hint?.(data),
    file: found.file,
  };
}
