import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { withRepoLock } from "../../config.ts";
import { IdseError, notice } from "../../errors.ts";
import { assertExistingId } from "../../ids.ts";
import type {
  StoreExportOutput,
  StoreImportOutput,
  StoreInfoOutput,
  StoreMigrateOutput,
} from "../../models/store.ts";
import { beginMigration, endMigration, recoverLocked, recoverMigration } from "../../recovery.ts";
import { requireSession } from "../../session-graph.ts";
import { readTextIfExists } from "../../store/atomic-file.ts";
import type { DesignStore } from "../../store/contract.ts";
import { nativeMethods } from "../../store/core.ts";
import { displayKey } from "../../store/documents.ts";
import { createFilesystemStore } from "../../store/fs.ts";
import { keys } from "../../store/layout.ts";
import {
  canonical,
  FILESYSTEM,
  fileChoice,
  openedChoice,
  openPluginStore,
  realStore,
  STORE_ROOT,
  storeChoice,
  writeStoreConfig,
} from "../../store/select.ts";
import { documentKeys, withProjectLocks } from "../../store/transfer/documents.ts";
import { exportFiles } from "../../store/transfer/export.ts";
import { EXPORT_MANIFEST, readExportManifest, writeExportManifest } from "../../store/transfer/files.ts";
import { importFiles } from "../../store/transfer/import.ts";
import { copyDocuments, readText } from "../../store/transfer/migrate.ts";
import { leavesMachine } from "../../sync/guard.ts";
import { listProjects, type Workspace } from "../../workspace.ts";
import { type Context, defineCommand } from "../command.ts";
import { parseKeyValues, storeNameArg } from "../key-values.ts";
import { ensureStorePlugin } from "./init-store.ts";

// `idse store …`: which DesignStore the repository uses (info), moving every document to another one
// (migrate), and files for agents when the store is not the filesystem (export, import). docs/stores.md.

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

async function pluginVersion(ws: Workspace, name: string): Promise<string | null> {
  if (name === FILESYSTEM) return null;
  const { findPlugin, readLock } = await import("../../plugins/lockfile.ts");
  return findPlugin(readLock(ws.idseDir), name)?.version ?? null;
}

export const storeInfo = defineCommand<Record<string, never>, StoreInfoOutput>({
  async run(ctx) {
    const ws = ctx.workspace();
    const choice = storeChoice(ws.config, ws.idseDir);
    // Opening the store is the point: an unreachable database or a wrong password fails here, with its code.
    const real = await realStore(ws.store);
    const manifest = readExportManifest(ws);
    return {
      plugin: choice.plugin,
      source: choice.source,
      kind: real.kind,
      location: real.location,
      version: await pluginVersion(ws, choice.plugin),
      options: choice.options,
      capabilities: nativeMethods(real) as StoreInfoOutput["capabilities"],
      projects: await listProjects(ws.store),
      export: manifest
        ? { dir: manifest.dir, exported_at: manifest.exported_at, files: Object.keys(manifest.files).length }
        : null,
    };
  },
  text: (d) =>
    [
      `store:     ${d.plugin}${d.version ? ` ${d.version}` : ""} (${d.source === "default" ? "default" : `from ${d.source}`})`,
      `kind:      ${d.kind}`,
      `location:  ${d.location}`,
      ...(Object.keys(d.options).length ? [`options:   ${JSON.stringify(d.options)}`] : []),
      `optional:  ${d.capabilities.join(", ") || "none"}`,
      `projects:  ${d.projects.join(", ") || "(none)"}`,
      ...(d.export ? [`export:    ${d.export.dir} (${d.export.files} files, ${d.export.exported_at})`] : []),
    ].join("\n"),
});

/** A dry run must not install anything: it says whether the bundled plugin would be installed. */
async function wouldInstall(ws: Workspace, name: string): Promise<boolean> {
  const { findPlugin, readLock, requirePlugin } = await import("../../plugins/lockfile.ts");
  const lock = readLock(ws.idseDir);
  if (findPlugin(lock, name)) return false;
  const { embeddedPlugin } = await import("../../plugins/builtin.ts");
  if (!(await embeddedPlugin(name))) requirePlugin(lock, name);
  return true;
}

async function openTarget(ctx: Context, ws: Workspace, to: string, options: Record<string, unknown>) {
  if (to === FILESYSTEM) return createFilesystemStore(ws.idseDir, ws.root);
  return openPluginStore(ws, to, { env: ctx.io.env, log: ctx.io.stderr, options });
}

/**
 * Scans every document (metadata included) and the project and session ids of every key before any is
 * written; one finding refuses the migration.
 */
async function refuseSecrets(ws: Workspace, source: DesignStore, to: string): Promise<void> {
  const { readAllowlist } = await import("../../sync/remotes.ts");
  const { findSecretsInNames, refusal, scanStore } = await import("../../sync/guard.ts");
  const keys = await documentKeys(source);
  const allowlist = readAllowlist(ws.idseDir);
  const found = [
    ...(await findSecretsInNames(keys, allowlist)),
    ...(await scanStore(
      keys,
      (key) => readText(source, key),
      allowlist,
      (key) => displayKey(source, key),
    )),
  ];
  const err = refusal(found, to);
  if (err) throw err;
}

export const storeMigrate = defineCommand<
  { to: string; option: string[]; dryRun?: boolean },
  StoreMigrateOutput
>({
  options: [
    {
      flags: "--to <store>",
      description: "The target: filesystem, or a store plugin (a bundled one is installed)",
      required: true,
    },
    {
      flags: "--option <key=value>",
      description: "An option of the target store, recorded in .idse/config.json (repeatable)",
      multiple: true,
    },
    { flags: "--dry-run", description: "Print the plan; change nothing" },
  ],
  examples: [
    "idse store migrate --to sqlite-store",
    "idse store migrate --to postgres-store --option tenant=acme-shop --dry-run",
    "idse store migrate --to filesystem",
  ],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    const to = storeNameArg(o.to, "--to");
    const options = parseKeyValues(o.option ?? []);
    if (to === FILESYSTEM && Object.keys(options).length) {
      throw new IdseError("USAGE", { reason: "the filesystem store takes no --option" });
    }
    // The store this process opened and copies from: its workspace was opened before any lock was taken.
    const from = openedChoice(ws);
    const isTarget = (c: { plugin: string; options: Record<string, unknown> }) =>
      c.plugin === to && canonical(c.options) === canonical(options);
    if (isTarget(from)) throw new IdseError("STORE_SAME", { store: to });
    const dryRun = o.dryRun === true;
    // Scanned once before the plugin is installed, so a refused migration changes nothing at all (not
    // even plugins.json); scanned again under the locks below, where a document may have changed since.
    if (leavesMachine(to) && !dryRun) await refuseSecrets(ws, ws.store, to);
    const installed =
      to === FILESYSTEM ? false : dryRun ? await wouldInstall(ws, to) : await ensureStorePlugin(ctx, ws, to);
    const source = ws.store;
    const projects = await listProjects(source);
    const timeout = ws.config.values["lock.timeout_ms"];
    // Hold the repository lock (config.json, the export manifest), then every project's lock on the
    // source: no idse process changes a document during the copy.
    return withRepoLock(ws.idseDir, timeout, () =>
      withProjectLocks(source, projects, timeout, async () => {
        // config.json read under the lock must still name the store this process opened: a migration
        // that ran in between (while this one installed the plugin or waited) moved the documents, and
        // copying from the old store would overwrite them with what it left behind. Checked when the
        // repository's config.json chose the store (a store chosen in the environment, a flag or the
        // home config is not a name this file holds).
        const now = fileChoice(ws.idseDir);
        const owned = from.source === "repo" || from.source === "default";
        const moved =
          owned && (now.plugin !== from.plugin || canonical(now.options) !== canonical(from.options));
        // Already where this one was going: the same answer as running it afterwards (STORE_SAME).
        if (moved && isTarget(now)) throw new IdseError("STORE_SAME", { store: to });
        if (moved) throw new IdseError("STORE_CHANGED", { store: now.plugin });
        // Nothing half done is copied: an interrupted session create or stage change is settled first.
        for (const project of projects) await recoverLocked(ctx, ws, project);
        // A store off this disk is the machine's edge: no document goes there with a secret in it.
        if (leavesMachine(to)) await refuseSecrets(ws, source, to);
        const target = dryRun ? undefined : await openTarget(ctx, ws, to, options);
        // From here to the switch (config.json naming the target) a killed run is completed or rolled
        // back by the next idse run, under the migration journal (recovery.ts); so is a failed one.
        const manifest = {
          file: EXPORT_MANIFEST,
          before: readTextIfExists(join(ws.idseDir, EXPORT_MANIFEST)) ?? null,
        };
        if (target) beginMigration(ws.idseDir, { to: { plugin: to, options }, manifest });
        try {
          const progress =
            ctx.io.stderrIsTTY && !ctx.global.quiet && !ctx.global.json
              ? (done: number, total: number) => ctx.io.stderr(`\r  copied ${done}/${total}`)
              : undefined;
          const r = await copyDocuments(source, target, progress);
          if (progress) ctx.io.stderr("\n");
          if (r.mismatched.length) {
            throw new IdseError("STORE_VERIFY_FAILED", {
              count: r.mismatched.length,
              key: r.mismatched[0],
              keys: r.mismatched.slice(0, 20),
              source: from.plugin,
              target: to,
            });
          }
          if (target) {
            // The export manifest first, then the switch itself.
            beforeSwitch(ctx, ws, from.plugin, to, target, r.hashes);
            await writeStoreConfig(ws.idseDir, to, options, { timeoutMs: timeout });
            endMigration(ws.idseDir);
          }
          if (r.extra.length) {
            ctx.report(
              notice("STORE_EXTRA_KEYS", { store: to, count: r.extra.length, keys: r.extra.slice(0, 20) }),
            );
          }
          return {
            dry_run: dryRun,
            from: { plugin: from.plugin, location: source.location },
            to: { plugin: to, location: target?.location ?? null, options },
            installed,
            keys: r.keys.length,
            bytes: r.bytes,
            counts: r.counts,
            copied: r.copied,
            verified: r.verified,
            extra: r.extra,
            switched: target !== undefined,
          };
        } catch (err) {
          if (target) await recoverMigration(ws.idseDir);
          throw err;
        } finally {
          await target?.dispose?.();
        }
      }),
    );
  },
  text: (d) => {
    const c = d.counts;
    const what = `${d.keys} documents (${kb(d.bytes)}: ${c.artifacts} artifacts, ${c.metadata} metadata, ${c.state} state, ${c.other} other)`;
    if (d.dry_run) {
      return [
        `Would migrate ${what}`,
        `  from ${d.from.plugin} (${d.from.location})`,
        `  to   ${d.to.plugin}${d.installed ? " (the bundled plugin would be installed first)" : ""}`,
        "Dry run: nothing was changed.",
      ].join("\n");
    }
    return [
      `Migrated ${what}`,
      `  from ${d.from.plugin} (${d.from.location})`,
      `  to   ${d.to.plugin} (${d.to.location})${d.installed ? ", installed from this build" : ""}`,
      `  ${d.verified} of ${d.copied} verified by hash.`,
      `The repository now uses ${d.to.plugin} (.idse/config.json). Nothing was deleted from ${d.from.plugin}.`,
    ].join("\n");
  },
});

/** Bookkeeping for the switch, made just before config.json names the target: the export manifest, and an override to warn about. */
function beforeSwitch(
  ctx: Context,
  ws: Workspace,
  from: string,
  to: string,
  target: DesignStore,
  hashes: Map<string, string>,
): void {
  const manifest = join(ws.idseDir, EXPORT_MANIFEST);
  if (to === FILESYSTEM) {
    // The files are the store again: there is nothing exported to track.
    if (existsSync(manifest)) rmSync(manifest);
  } else if (from === FILESYSTEM) {
    // The source files stay where they were, exactly as copied: that is an export, so record it, and
    // `store import` can take an agent's later edit of them back (and `store export` refresh them).
    writeExportManifest(ws, {
      store: { plugin: to, location: target.location },
      dir: ".idse",
      exported_at: ctx.now,
      scopes: [STORE_ROOT],
      files: Object.fromEntries(hashes),
    });
  }
  const source = ws.config.sources["store.plugin"];
  if (source === "env" || source === "flag") {
    ctx.report(
      notice("STORE_CONFIG_OVERRIDDEN", { store: to, selected: String(ws.config.values["store.plugin"]) }),
    );
  }
}

function requirePluginStore(ws: Workspace): void {
  if (ws.store.kind === FILESYSTEM) throw new IdseError("STORE_IS_FILESYSTEM", {});
}

export const storeExport = defineCommand<
  { session?: string; dir?: string; force?: boolean },
  StoreExportOutput
>({
  options: [
    { flags: "--session <id>", description: "Export one session's folder (default: every project)" },
    {
      flags: "--dir <path>",
      description: "The folder that plays .idse/ (default: .idse, i.e. .idse/projects/…)",
    },
    { flags: "--force", description: "Overwrite files edited since the last export" },
  ],
  examples: ["idse store export", "idse store export --session auth"],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    requirePluginStore(ws);
    let scope = STORE_ROOT;
    if (o.session !== undefined) {
      const project = await ctx.project();
      const session = await requireSession(ws.store, project, assertExistingId("session", o.session));
      scope = keys.session(project, session);
    }
    const dir = o.dir === undefined ? ws.idseDir : resolve(ctx.global.cwd, o.dir);
    // The repository lock: the export manifest is read, changed and written by export, import and migrate.
    const out = await withRepoLock(ws.idseDir, ws.config.values["lock.timeout_ms"], () =>
      exportFiles(ws, ws.store, {
        dir,
        scope,
        force: o.force === true,
        now: ctx.now,
        report: ctx.report,
      }),
    );
    return out;
  },
  text: (d) => {
    const c = d.counts;
    const lines = d.results.filter((r) => r.action === "kept").map((r) => `  kept        ${r.file}`);
    lines.push(
      `Exported ${d.scopes.join(", ")} to ${d.dir}/: ${c.written} written, ${c.unchanged} unchanged, ${c.overwritten} overwritten, ${c.kept} kept (manifest: ${d.manifest}).`,
    );
    return lines.join("\n");
  },
  exitCode: (d) => (d.counts.kept ? 1 : 0),
});

export const storeImport = defineCommand<
  { dryRun?: boolean; force?: boolean; acceptSpine?: boolean },
  StoreImportOutput
>({
  options: [
    { flags: "--dry-run", description: "Say what would be imported; write nothing" },
    { flags: "--force", description: "Take the file's text also where the store changed too (a conflict)" },
    { flags: "--accept-spine", description: "Take a file that changes the Product Spine table" },
  ],
  examples: ["idse store import --dry-run", "idse store import"],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    requirePluginStore(ws);
    const timeout = ws.config.values["lock.timeout_ms"];
    return withRepoLock(ws.idseDir, timeout, () =>
      importFiles(ws, ws.store, {
        dryRun: o.dryRun === true,
        force: o.force === true,
        acceptSpine: o.acceptSpine === true,
        lockTimeoutMs: timeout,
        now: ctx.now,
        report: ctx.report,
      }),
    );
  },
  text: (d) => {
    const lines = d.results
      .filter((r) => r.result !== "unchanged")
      .map((r) => `  ${r.result.padEnd(11)} ${r.file}`);
    const c = d.counts;
    lines.push(
      `${d.dry_run ? "Would import" : "Imported"} from ${d.dir}/: ${c.imported} imported, ${c.added} added, ${c.overwritten} overwritten, ${c.conflict} conflicts, ${c.stale} stale, ${c.missing} missing, ${c.held} held (Spine), ${c.unchanged} unchanged.`,
    );
    return lines.join("\n");
  },
  exitCode: (d) => (d.counts.conflict || d.counts.held ? 1 : 0),
});
