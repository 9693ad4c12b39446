import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../errors.ts";
import { errorCodes } from "../errors.ts";
import { findRoot } from "../workspace.ts";
import { ORIGINAL_DB } from "./files.ts";

// The once-per-run notice that the repository still holds the Python original's database: one warning
// diagnostic (stderr, or the --json envelope), from a stat and, only when the file exists, its header.
// The reader (detect.ts) and the models it checks the import record with are loaded only then: they are
// about a millisecond of every command's start-up, for a file most repositories do not have.

/** Commands that say it themselves (import-original, doctor) or must print nothing extra (hooks). */
const SILENT = /^(import-original|doctor|hook |version|schema )/;

export async function originalDbNotice(command: string, cwd: string): Promise<Diagnostic | undefined> {
  if (SILENT.test(command)) return undefined;
  const root = findRoot(cwd);
  if (!root || !existsSync(join(root, ".idse", ORIGINAL_DB))) return undefined;
  return originalDbDiagnostic(join(root, ".idse"));
}

/** The ORIGINAL_DATABASE_FOUND warning for the workspace at `idseDir`, or undefined when there is nothing to say. */
export async function originalDbDiagnostic(idseDir: string): Promise<Diagnostic | undefined> {
  const { detectOriginalDb } = await import("./detect.ts");
  const found = detectOriginalDb(idseDir);
  if (!found || found.imported) return undefined;
  const spec = errorCodes().ORIGINAL_DATABASE_FOUND;
  const data = { file: found.file, changed: found.changedSinceImport };
  return {
    severity: "warning",
    code: "ORIGINAL_DATABASE_FOUND",
    message: spec.message(data),
    hint: spec.hint?.(data),
    file: found.file,
  };
}
