import { readSection } from "../config.ts";
import type { Diagnostic } from "../errors.ts";
import { notice } from "../errors.ts";
import type { Workspace } from "../workspace.ts";

// The completion gate: the validation engine run as a gate (feedback required, every error counts, a
// feature session's Spine findings clear whatever their level) before a session is marked complete.
// `idse session set-status --status complete` runs it before anything is written, so a failed gate
// changes nothing (the Python original wrote "complete" first). The engine is loaded only here.

/** The errors that keep session `id` from being completed, as diagnostics; empty when it may be. */
export async function completionProblems(ws: Workspace, project: string, id: string): Promise<Diagnostic[]> {
  const { validateSessions } = await import("./run.ts");
  const { reports } = await validateSessions(ws.store, project, [id], {
    stack: ws.config.values.stack,
    validation: readSection(ws.idseDir, "validation"),
    gate: true,
  });
  return reports[0]!.findings
    .filter((f) => f.severity === "error")
    .map(
      (f): Diagnostic =>
        notice("RULE_VIOLATION", {
          reason: f.message,
          file: f.file,
          line: f.line || undefined,
          rule_id: f.rule_id,
          stage: f.stage,
        }),
    );
}
