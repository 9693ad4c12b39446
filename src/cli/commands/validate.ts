import { hostname } from "node:os";
import { resolve } from "node:path";
import { readSection } from "../../config.ts";
import { IdseError } from "../../errors.ts";
import type { ValidateOutput } from "../../models/outputs.ts";
import { repositoryPrefix } from "../../repo-root.ts";
import { listSessionIds } from "../../session-graph.ts";
import { writeFileAtomic } from "../../store/atomic-file.ts";
import { keys, STAGES, type Stage } from "../../store/layout.ts";
import { boundaryFor } from "../../store/path-guard.ts";
import { defineCommand } from "../command.ts";
import { jsonPieces } from "../json-stream.ts";
import { targetSession } from "./shared.ts";

const FORMATS = ["text", "json", "sarif", "junit"] as const;

// The formatted report (text, SARIF or JUnit) is built in run(), where the engine is loaded, and handed
// to text() through this map, so the JSON envelope carries only the data.
const rendered = new WeakMap<object, () => Iterable<string>>();

export const validate = defineCommand<
  {
    session?: string;
    all?: boolean;
    stage?: Stage;
    strict?: boolean;
    rule: string[];
    format?: (typeof FORMATS)[number];
    output?: string;
    fix?: boolean;
  },
  ValidateOutput
>({
  options: [
    { flags: "--session <id>", description: "Session to check (default: the current session)" },
    { flags: "--all", description: "Check every session of the project" },
    { flags: "--stage <stage>", description: "Only findings about this stage", choices: STAGES },
    { flags: "--strict", description: "Warnings fail too" },
    { flags: "--rule <id>", description: "Run only this rule (repeatable)", multiple: true },
    { flags: "--format <format>", description: "Report format (default: text)", choices: FORMATS },
    { flags: "--output <file>", description: "Write the report to a file" },
    { flags: "--fix", description: "Apply the fixes rules offer (never deletes text)" },
  ],
  examples: ["idse validate", "idse validate --all --format sarif --output idse.sarif"],
  async run(ctx, _args, o) {
    if (o.session !== undefined && o.all)
      throw new IdseError("USAGE", { reason: "use --session or --all, not both" });
    const project = await ctx.project();
    const format = ctx.global.json ? "json" : (o.format ?? "text");
    const { validateSessions, recordStatus } = await import("../../validation/run.ts");
    const { formatJunit, formatSarif, formatSummary, formatTextChunks } = await import(
      "../../validation/formats.ts"
    );
    const { allRules } = await import("../../validation/rules/index.ts");
    const result = await ctx.mutate(project, async (ws) => {
      const validation = readSection(ws.idseDir, "validation");
      const sessions = o.all
        ? await listSessionIds(ws.store, project)
        : [await targetSession(ws.store, project, o.session)];
      const run = () =>
        validateSessions(ws.store, project, sessions, {
          stack: ws.config.values.stack,
          validation,
          rules: o.rule,
          stage: o.stage,
          // JUnit shows durations; nothing else pays for the clock.
          ...(format === "junit" ? { clock: () => performance.now() } : {}),
        });
      let { reports, fixes, recorded, timings } = await run();
      const fixed: ValidateOutput["fixed"] = [];
      if (o.fix && fixes.size) {
        for (const [session, list] of fixes) {
          for (const f of list) {
            const key = keys.artifact(project, session, f.stage);
            if (await ws.store.has(key)) continue; // fixes create; they never overwrite text
            await ws.store.write(key, f.text);
            fixed.push({ session, stage: f.stage, file: `.idse/${key}` });
          }
        }
        ({ reports, recorded, timings } = await run());
      }
      await recordStatus(ws.store, project, reports, recorded, ctx.now);
      return { reports, fixed, timings, root: ws.root };
    });
    const errors = result.reports.reduce((n, r) => n + r.errors, 0);
    const warnings = result.reports.reduce((n, r) => n + r.warnings, 0);
    const data: ValidateOutput = {
      project,
      reports: result.reports,
      errors,
      warnings,
      passed: errors === 0 && !(o.strict && warnings > 0),
      fixed: result.fixed,
    };
    const exitCode = data.passed ? 0 : 1;
    // Each format as pieces, so a large report is written as it is produced (issue #16).
    const document = (): Iterable<string> =>
      format === "sarif"
        ? jsonPieces(
            formatSarif(data.reports, allRules(), {
              prefix: repositoryPrefix(result.root),
              automationId: `idse/${project}/${o.all ? "all" : (data.reports[0]?.session ?? "none")}/`,
              exitCode,
            }),
          )
        : format === "junit"
          ? [
              formatJunit(data.reports, allRules(), {
                timings: result.timings,
                timestamp: ctx.now.slice(0, 19),
                hostname: hostname(),
              }),
            ]
          : format === "json"
            ? jsonPieces({ ok: data.passed, command: "validate", data, diagnostics: [] })
            : formatTextChunks(data.reports);
    if (o.output) {
      // Inside the repository, contained like every write there; elsewhere, written where it was named.
      const file = resolve(ctx.global.cwd, o.output);
      writeFileAtomic(file, [...document()].join(""), boundaryFor(ctx.workspace().root, file));
      rendered.set(data, () => [formatSummary(data.reports), `report written to ${o.output}\n`]);
    } else if (format === "json") {
      ctx.global.json = true; // the CLI prints the envelope
    } else {
      rendered.set(data, document);
    }
    return data;
  },
  text: (d) => rendered.get(d)?.() ?? "",
  exitCode: (d) => (d.passed ? 0 : 1),
});
