import { closeSync, constants, openSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { artifactPath, createArtifact } from "../../artifacts.ts";
import { readSection } from "../../config.ts";
import { IdseError } from "../../errors.ts";
import { hostname } from "../../host-name.ts";
import { STAGES, type Stage } from "../../models/common.ts";
import type { ValidateOutput } from "../../models/outputs.ts";
import { repositoryPrefix } from "../../repo-root.ts";
import { listSessionIds } from "../../session-graph.ts";
import { writeFileAtomic } from "../../store/atomic-file.ts";
import { boundaryFor, guardWrite } from "../../store/path-guard.ts";
import type { RunOptions } from "../../validation/run.ts";
import type { Workspace } from "../../workspace.ts";
import { defineCommand } from "../command.ts";
import { jsonPieces } from "../json-stream.ts";
import { targetSession } from "./shared.ts";
import type { ReportSink } from "./validate-sink.ts";

const FORMATS = ["text", "json", "sarif", "junit"] as const;

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
    cache?: boolean;
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
    {
      flags: "--no-cache",
      description: "With --all: neither use nor update the findings cache in .idse/.cache/",
    },
  ],
  examples: ["idse validate", "idse validate --all --format sarif --output idse.sarif"],
  // The formatted report (text, SARIF or JUnit) is built here, where the engine is loaded, and handed to
  // the printer through `out`, so the JSON envelope carries only the data.
  async run(ctx, _args, o, out) {
    if (o.session !== undefined && o.all)
      throw new IdseError("USAGE", { reason: "use --session or --all, not both" });
    // --json is idse's envelope, on stdout and in --output's file: a SARIF or JUnit report asked for
    // beside it was silently replaced by the envelope.
    if (ctx.global.json && o.format !== undefined && o.format !== "json" && o.format !== "text")
      throw new IdseError("USAGE", {
        reason: `--json prints idse's JSON envelope and --format ${o.format} a ${o.format} report: give one of them`,
      });
    const project = await ctx.project();
    const format = ctx.global.json ? "json" : (o.format ?? "text");
    const { validateSessions, recordStatus, toRecord } = await import("../../validation/run.ts");
    const formats = await import("../../validation/formats.ts");
    const { allRules } = await import("../../validation/rules/index.ts");
    const rules = allRules();
    const automationId = (first: string | undefined) =>
      `idse/${project}/${o.all ? "all" : (first ?? "none")}/`;
    // --all: each report is serialised in the chosen format as it is made and kept as text (in a scratch
    // file past a threshold, or in the findings cache's data file), with only the counts in memory; see
    // reportSink.
    let sink: ReportSink | undefined;
    // The sink (its scratch file, the findings cache) only for --all: one session's report is printed as it is.
    const sinks = o.all
      ? await Promise.all([
          import("./validate-sink.ts"),
          import("../../validation/findings-cache.ts"),
          import("./validate-pool.ts"),
        ]).then(([sinkModule, cache, pool]) => ({ ...sinkModule, cache, pool }))
      : undefined;
    // The findings cache (src/validation/findings-cache.ts): a run of every rule over every session, in a
    // format whose report does not vary from run to run (JUnit's has durations), of a filesystem store.
    const cacheable =
      sinks && o.cache !== false && !o.fix && !o.rule.length && !o.stage && format !== "junit";
    // A run that validates enough sessions for worker threads goes faster with JavaScriptCore's FTL tier
    // off, which only a new process can have: this binary runs itself again, before any lock, and passes
    // its result on (src/rerun.ts). Not when the findings cache will likely serve the run: copying its
    // reports out is the work then, and that took 14 % longer without FTL (docs/benchmarks.md).
    if (sinks && out.handOff && !o.fix && format !== "junit") {
      const { canRerun, rerun } = await import("../../rerun.ts");
      const env = ctx.io.env;
      if (
        canRerun(env) &&
        !(cacheable && sinks.cache.hasFindingsCache(ctx.workspace().idseDir, project, format)) &&
        sinks.pool.threadsFor((await listSessionIds(ctx.workspace().store, project)).length, env)
      ) {
        const exitCode = await rerun(env);
        if (exitCode !== undefined) {
          out.handOff(exitCode);
          return { project, reports: [], errors: 0, warnings: 0, passed: exitCode === 0, fixed: [] };
        }
      }
    }
    /** One pass; `locked: false` gives up (undefined) where a status would have to be recorded. */
    const pass = async (ws: Workspace, locked: boolean) => {
      const validation = readSection(ws.idseDir, "validation");
      const sessions = o.all
        ? await listSessionIds(ws.store, project)
        : [await targetSession(ws.store, project, o.session)];
      let kept: ReturnType<ReportSink["attach"]> | undefined;
      const run = () => {
        sink?.spill.dispose();
        const prefix = repositoryPrefix(ws.root);
        sink = sinks?.reportSink(formats, rules, {
          format,
          hostname: format === "junit" ? hostname() : "",
          idseDir: ws.idseDir,
          env: ctx.io.env,
          prefix,
          timestamp: ctx.now.slice(0, 19),
          strict: o.strict === true,
        });
        const reuse: RunOptions["reuse"] = (setup) => {
          const cache =
            cacheable &&
            sinks.cache.openFindingsCache({
              idseDir: ws.idseDir,
              store: ws.store,
              project,
              format,
              // SARIF's results name files from the repository's root.
              runKey: [setup.key, format === "sarif" ? prefix : ""],
              projectState: setup.state,
              blueprintDepends: setup.blueprintDepends,
            });
          if (!cache) return undefined;
          kept = sink!.attach(cache);
          return kept;
        };
        return validateSessions(ws.store, project, sessions, {
          stack: ws.config.values.stack,
          validation,
          rules: o.rule,
          stage: o.stage,
          // JUnit shows durations; nothing else pays for the clock.
          ...(format === "junit" ? { clock: () => performance.now() } : {}),
          ...(sink ? { onReport: sink.add, reuse } : {}),
          // Worker threads, for a run whose reports are the same whoever makes them (no fixes, no clock).
          ...(sink && sinks && !o.fix && format !== "junit"
            ? {
                offload: sinks.pool.validationPool(
                  sinks.pool.threadsFor(sessions.length, ctx.io.env),
                  ws.store,
                  project,
                  ws.config.values.stack,
                  sink,
                ),
              }
            : {}),
        });
      };
      let { reports, fixes, recorded, timings } = await run();
      const fixed: ValidateOutput["fixed"] = [];
      if (o.fix && fixes.size) {
        for (const [session, list] of fixes) {
          for (const f of list) {
            // Fixes create; they never overwrite text.
            if (await createArtifact(ws.store, project, session, f.stage, f.text))
              fixed.push({ session, stage: f.stage, file: artifactPath(project, session, f.stage) });
          }
        }
        ({ reports, recorded, timings } = await run());
      }
      const changed = toRecord(recorded);
      if (!locked && changed.length) return undefined;
      await recordStatus(ws.store, project, recorded, ctx.now);
      kept?.save(new Set(changed.map((r) => r.session)));
      return { reports, fixed, timings, root: ws.root };
    };
    // One session, nothing to fix, the filesystem store: read without the project lock first, as `status`
    // reads, and take the lock only when the session's recorded status must change; it is then validated
    // again under the lock, so what is recorded is what a locked read saw (taking the lock was about 1.6 ms
    // of this most-run check; docs/benchmarks.md). A killed run's half-done change is finished at every
    // start for the filesystem store (recoverAtStart), but for a plugin store only under the lock: there,
    // as with --all and --fix, the lock is held throughout.
    const lockFree = !o.all && !o.fix && ctx.workspace().store.kind === "filesystem";
    const result = await (lockFree ? pass(ctx.workspace(), false) : Promise.resolve(undefined))
      .then((r) => r ?? ctx.mutate(project, (ws) => pass(ws, true).then((x) => x!)))
      .catch((err) => {
        sink?.spill.dispose(); // the scratch file of a run that failed
        throw err;
      });
    const t = sink?.tally ?? formats.tally(result.reports);
    const data: ValidateOutput = {
      project,
      // Streamed: the reports' text, which the JSON writer copies in place (src/cli/json-stream.ts).
      reports: sink ? (sink.json() as unknown as ValidateOutput["reports"]) : result.reports,
      errors: t.errors,
      warnings: t.warnings,
      passed: t.errors === 0 && !(o.strict && t.warnings > 0),
      fixed: result.fixed,
    };
    const exitCode = data.passed ? 0 : 1;
    // Each format as pieces, so a large report is written as it is produced (issue #16).
    const document = (): Iterable<string | Uint8Array> =>
      sink
        ? sink.document({
            exitCode,
            automationId: automationId(undefined),
            data,
            // --json --output: the envelope is printed too, after the file is written.
            keep: format === "json",
          })
        : format === "sarif"
          ? jsonPieces(
              formats.formatSarif(data.reports, rules, {
                prefix: repositoryPrefix(result.root),
                automationId: automationId(data.reports[0]?.session),
                exitCode,
              }),
            )
          : format === "junit"
            ? [
                formats.formatJunit(data.reports, rules, {
                  timings: result.timings,
                  strict: o.strict === true,
                  timestamp: ctx.now.slice(0, 19),
                  hostname: hostname(),
                }),
              ]
            : format === "json"
              ? jsonPieces({ ok: data.passed, command: "validate", data, diagnostics: [] })
              : formats.formatTextChunks(data.reports, !data.passed);
    if (o.output) {
      // Inside the repository, contained like every write there; elsewhere, written where it was named.
      const file = resolve(ctx.global.cwd, o.output);
      const within = boundaryFor(ctx.workspace().root, file);
      if (isStream(file)) {
        writeThrough(file, document(), within, o.output);
        // The stream may be this command's own stdout (`--output /dev/stdout`): the summary, text for
        // people, goes to stderr so the report stays whole.
        if (!ctx.global.quiet) ctx.io.stderr(formats.formatSummary(t, o.output, !data.passed));
        out.text(() => []);
      } else {
        writeFileAtomic(file, document(), within);
        out.text(() => [formats.formatSummary(t, o.output, !data.passed), `report written to ${o.output}\n`]);
      }
    } else if (format === "json") {
      out.envelope();
    } else {
      out.text(document);
    }
    return data;
  },
  exitCode: (d) => (d.passed ? 0 : 1),
});

/**
 * Whether `--output` names a pipe, a terminal or a device (`/dev/stdout`, `>(wc -c)`, a FIFO): those are
 * written through, as a shell's redirection would. A temp file renamed over them would replace the FIFO
 * or the device node with a regular file, and `/dev/stdout`'s link leads to no path at all (`pipe:[N]`).
 */
function isStream(file: string): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  return st !== undefined && !st.isFile() && !st.isDirectory();
}

/** Made on the first EAGAIN only (as in src/main.ts): what a full pipe's wait sleeps on. */
let pause: Int32Array | undefined;

function writeThrough(
  file: string,
  pieces: Iterable<string | Uint8Array>,
  within: string | null,
  shown: string,
): void {
  // Inside the repository, only through links that stay inside it, like every write there.
  if (within !== null) guardWrite(within, file);
  // This process's own descriptors are written as they are, as GNU tools do: a socket (the pipe some
  // runtimes spawn with) cannot be opened again through /proc (ENXIO).
  const own = /^\/(?:dev\/(?:(stdout)|(stderr)|fd\/(\d+))|proc\/self\/fd\/(\d+))$/.exec(file);
  const ownFd = own ? (own[1] ? 1 : own[2] ? 2 : Number(own[3] ?? own[4])) : undefined;
  let fd: number | undefined;
  try {
    fd = ownFd ?? openSync(file, constants.O_WRONLY);
    for (const piece of pieces) {
      let buf = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
      while (buf.length > 0) {
        try {
          buf = buf.subarray(writeSync(fd, buf));
        } catch (err) {
          // A non-blocking pipe that is full: wait a millisecond for its reader.
          if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
          pause ??= new Int32Array(new SharedArrayBuffer(4));
          Atomics.wait(pause, 0, 0, 1);
        }
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // The reader went away (`--output /dev/stdout | head`): stop writing quietly, as stdout does.
    if (e.code === "EPIPE") return;
    if (err instanceof IdseError || !e.code) throw err;
    throw new IdseError("IO_ERROR", { op: "write", file: shown, reason: e.code });
  } finally {
    if (fd !== undefined && fd !== ownFd) closeSync(fd);
  }
}
