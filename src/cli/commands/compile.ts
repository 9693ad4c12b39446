import { join, resolve } from "node:path";
import { isAbsolute, normalize, relative } from "pathe";
import { readArtifact } from "../../artifacts.ts";
import type { SpecDoc } from "../../compiler/index.ts";
import { IdseError, toDiagnostic } from "../../errors.ts";
import { BLUEPRINT } from "../../ids.ts";
import {
  type CompiledFile,
  type CompiledProfile,
  type CompileOutput,
  PROFILE_FORMATS,
  type ProfileFormat,
} from "../../models/agent-profile.ts";
import { listSessionIds, requireSession, sessionExists } from "../../session-graph.ts";
import { readTextIfExists } from "../../store/atomic-file.ts";
import { writeFilesAtomic } from "../../store/atomic-files.ts";
import { keys } from "../../store/layout.ts";
import { boundaryFor } from "../../store/path-guard.ts";
import { defineCommand } from "../command.ts";
import { openVerdicts } from "./compile-verdicts.ts";
import { targetSession } from "./shared.ts";

// `idse compile agent-spec`: reads specs through the DesignStore, hands them to the compiler (loaded
// lazily: it brings `yaml`), and writes, prints or checks the compiled files. Outputs are build products
// for CI to compare, so they are plain files (written atomically), wherever --out puts them.

interface Options {
  session?: string;
  all?: boolean;
  blueprint?: string;
  out?: string;
  format?: ProfileFormat;
  dryRun?: boolean;
  check?: boolean;
  timestamp?: boolean;
  /** false with --no-cache: the sessions found current are neither looked up nor recorded. */
  cache?: boolean;
}

export const compileAgentSpec = defineCommand<Options, CompileOutput>({
  options: [
    { flags: "--session <id>", description: "Session to compile (default: the current session)" },
    { flags: "--all", description: "Compile every session whose spec has an Agent Profile block" },
    { flags: "--blueprint <id>", description: "Session whose profile is the base (default: __blueprint__)" },
    {
      flags: "--out <dir>",
      description: "Output directory (default: .idse/projects/<project>/build/agents)",
    },
    { flags: "--format <format>", description: "Files to write (default: yaml)", choices: PROFILE_FORMATS },
    { flags: "--dry-run", description: "Print the files instead of writing them" },
    {
      flags: "--check",
      description: "Write no profile; exit 1 when a file differs from what would be written",
    },
    { flags: "--timestamp", description: "Put the generation time in the header (the bytes then vary)" },
    {
      flags: "--no-cache",
      description: "With --all: neither use nor update .idse/.cache/'s record of sessions found current",
    },
  ],
  examples: [
    "idse compile agent-spec --session billing",
    "idse compile agent-spec --session billing --dry-run",
    "idse compile agent-spec --all --format both --check",
  ],
  async run(ctx, _args, o) {
    if (o.all && o.session !== undefined) {
      throw new IdseError("USAGE", { reason: "--all and --session cannot be combined" });
    }
    const format = o.format ?? "yaml";
    const ws = ctx.workspace();
    const store = ws.store;
    const project = await ctx.project();
    const blueprint =
      o.blueprint === undefined ? BLUEPRINT : await requireSession(store, project, o.blueprint);
    const sessions = o.all
      ? await listSessionIds(store, project)
      : [await targetSession(store, project, o.session)];
    // The profile reader and its yaml side load on demand (src/compiler/check.ts): this command needs both.
    const [C, { readProfile, loadProfileParser }] = await Promise.all([
      import("../../compiler/index.ts"),
      import("../../compiler/check.ts"),
    ]);
    await loadProfileParser();

    const spec = async (session: string): Promise<SpecDoc> => ({
      session,
      file: `.idse/${keys.artifact(project, session, "spec")}`,
      text: await readArtifact(store, project, session, "spec"),
    });
    // Parsed once: every session is merged over it, so a broken blueprint block fails the whole run.
    const baseDoc = (await sessionExists(store, project, blueprint)) ? await spec(blueprint) : undefined;
    const baseProfile = baseDoc ? readProfile(baseDoc) : undefined;

    // Display paths are relative to the repository root when inside it, with forward slashes.
    const display = (abs: string) => {
      const rel = relative(ws.root, abs);
      return rel.startsWith("../") || rel === ".." || isAbsolute(rel) ? normalize(abs) : rel;
    };
    const outDir =
      o.out !== undefined
        ? resolve(ctx.global.cwd, o.out)
        : join(ws.idseDir, keys.project(project), "build", "agents");
    // Contained in the repository when --out is inside it (symlinks and all); a folder the user named
    // outside it is written as named.
    const within = boundaryFor(ws.root, outDir);
    const schemaRef = relative(outDir, join(ws.idseDir, "schemas", "agent-profile.schema.json"));
    const formats: ("yaml" | "json")[] = format === "both" ? ["yaml", "json"] : [format];
    const outPath = (session: string, fmt: string) => join(outDir, `${session}.profile.${fmt}`);
    // --all remembers the sessions found current (./compile-verdicts.ts). Not with --timestamp (the files
    // then differ by their time), --dry-run (it prints every file's text) or --no-cache (the MCP tool,
    // which promises to write nothing).
    const verdicts =
      o.all && !o.dryRun && !o.timestamp && o.cache !== false
        ? openVerdicts({
            store,
            idseDir: ws.idseDir,
            project,
            blueprint,
            blueprintSpec: baseDoc,
            sessions: sessions.map((session) => ({
              session,
              specKey: keys.artifact(project, session, "spec"),
            })),
            outDir,
            within,
            formats,
            schemaRef,
            outPath,
          })
        : undefined;

    const rows: CompiledProfile[] = [];
    const writes: { path: string; text: string }[] = [];
    for (const session of sessions) {
      const hit = verdicts?.cached(session);
      if (hit) {
        const files = formats.map(
          (fmt): CompiledFile => ({
            path: display(outPath(session, fmt)),
            format: fmt,
            status: "unchanged",
            written: false,
          }),
        );
        rows.push({ session, status: "compiled", ...hit, files });
        continue;
      }
      const alone = session === blueprint;
      const own = alone && baseDoc ? baseDoc : await spec(session);
      let profile: CompiledProfile["profile"];
      try {
        const ownProfile = alone && baseProfile ? baseProfile : readProfile(own);
        // --all compiles the sessions that have a block of their own, not every session the blueprint covers.
        if (o.all && !C.hasProfile(ownProfile)) continue;
        const base = alone ? undefined : baseProfile;
        profile = C.compileProfile({ session, blueprint, own, ownProfile, baseProfile: base });
      } catch (err) {
        if (!o.all || !(err instanceof IdseError)) throw err;
        // With --all, a profile still holding [REQUIRES INPUT] is not written yet: skipped, with a warning.
        if (err.code === "AGENT_PROFILE_UNFINISHED") {
          ctx.report({ ...toDiagnostic(err), severity: "warning" });
          rows.push({ session, status: "skipped", content_hash: null, profile: null, files: [] });
        } else {
          for (const d of [toDiagnostic(err), ...err.details]) ctx.report(d);
          rows.push({ session, status: "failed", content_hash: null, profile: null, files: [] });
        }
        continue;
      }
      const prov = {
        session,
        blueprint: profile.source_blueprint ?? "(none)",
        schemaRef,
        ...(o.timestamp ? { timestamp: ctx.now } : {}),
      };
      const exact: string[] = []; // the outputs that are byte for byte what this compile renders
      const files = formats.map((fmt): CompiledFile => {
        const path = outPath(session, fmt);
        const text = fmt === "yaml" ? C.renderYaml(profile, prov) : C.renderJson(profile, prov);
        const disk = readTextIfExists(path, within);
        if (disk === text) exact.push(disk);
        // --check ignores the --timestamp line, so files written with it can still be checked.
        const same = o.check
          ? disk !== undefined && C.withoutTimestamp(disk) === C.withoutTimestamp(text)
          : disk === text;
        const status = disk === undefined ? "created" : same ? "unchanged" : "updated";
        const written = !o.dryRun && !o.check && status !== "unchanged";
        if (written) writes.push({ path, text });
        return { path: display(path), format: fmt, status, written, ...(o.dryRun ? { content: text } : {}) };
      });
      const content_hash = C.contentHash(profile);
      if (verdicts && own.text !== undefined && exact.length === formats.length) {
        verdicts.current(session, own.text, exact, { content_hash, profile });
      }
      rows.push({ session, status: "compiled", content_hash, profile, files });
    }

    if (writes.length) {
      // All at once rather than one writeFileAtomic after another: a first `--all` writes a file per
      // session, and their fsyncs overlap (src/store/atomic-files.ts). Each file is still old or new.
      await ctx.mutate(project, () => writeFilesAtomic(writes, within));
    }
    verdicts?.save();
    const changed = rows.flatMap((r) => r.files).filter((f) => f.status !== "unchanged");
    if (o.check) {
      for (const row of rows)
        for (const f of row.files.filter((x) => x.status !== "unchanged"))
          ctx.report(
            toDiagnostic(
              new IdseError("AGENT_PROFILE_STALE", { file: f.path, session: row.session, status: f.status }),
            ),
          );
    }
    const tally = (s: CompiledProfile["status"]) => rows.filter((r) => r.status === s).length;
    return {
      project,
      blueprint,
      format,
      out_dir: display(outDir),
      dry_run: o.dryRun === true,
      check: o.check === true,
      profiles: rows,
      counts: {
        compiled: tally("compiled"),
        skipped: tally("skipped"),
        failed: tally("failed"),
        changed: changed.length,
      },
    };
  },
  exitCode: (d) => (d.counts.failed > 0 || (d.check && d.counts.changed > 0) ? 1 : 0),
  text: (d) => {
    const files = d.profiles.flatMap((p) => p.files);
    if (d.dry_run) {
      if (files.length === 1) return files[0]!.content ?? "";
      return files.map((f) => `==> ${f.path} <==\n${f.content ?? ""}`).join("\n");
    }
    const CHECK = { created: "missing", updated: "stale", unchanged: "current" } as const;
    const lines: string[] = [];
    for (const p of d.profiles) {
      if (p.status !== "compiled") lines.push(`${p.status.padEnd(9)} ${p.session}`);
      for (const f of p.files) lines.push(`${(d.check ? CHECK[f.status] : f.status).padEnd(9)} ${f.path}`);
    }
    const { compiled, skipped, failed, changed } = d.counts;
    const s = (n: number) => (n === 1 ? "" : "s");
    const tail = d.check
      ? `${changed} file${s(changed)} out of date`
      : `${changed} file${s(changed)} written`;
    lines.push(`${compiled} profile${s(compiled)} compiled, ${skipped} skipped, ${failed} failed; ${tail}`);
    return lines.join("\n");
  },
});
