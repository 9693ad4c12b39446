import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadRegistry } from "../agent-registry.ts";
import { type Diagnostic, IdseError, notice } from "../errors.ts";
import type { AgentRegistry } from "../models/agent-registry.ts";
import type { AgentFilesManifest, SyncOutput } from "../models/routing.ts";
import { readTextIfExists, writeFileAtomic } from "../store/atomic-file.ts";
import { guardWrite } from "../store/path-guard.ts";
import type { Workspace } from "../workspace.ts";
import { contextFor, loadRoutingAdapters, renderBase } from "./agent-routing.ts";
import { DEFAULT_ADAPTERS } from "./index.ts";
import { type Planned, planFile, readManifest, writeManifest } from "./managed.ts";

// `idse agents sync-files`: renders every enabled adapter's instruction files and writes what changed.
// Enabled adapters: --ide when given; else those the manifest lists (the defaults before the first
// sync), plus the IDE of every agent that declares one.

/** Instruction files above this size cost agents too much context (issue 6: about 2,000 tokens). */
export const MAX_FILE_BYTES = 8 * 1024;

export interface SyncOptions {
  ides?: string[];
  force: boolean;
  check: boolean;
  /** Only bring files that exist up to date; create none (what `session switch` does). */
  existingOnly?: boolean;
}

/**
 * After `session switch`: the instruction files name the current session, so the ones idse manages (a
 * manifest exists) are brought up to date at once instead of telling agents about the old session until
 * the next `agents sync-files`. Hand-edited blocks are kept, with the same warnings; no file is created.
 * Returns undefined when the repository has no generated agent files.
 */
export async function refreshAgentFiles(
  ws: Workspace,
  project: string,
): Promise<{ updated: string[]; diagnostics: Diagnostic[] } | undefined> {
  if (!readManifest(ws.idseDir)) return undefined;
  const { data, diagnostics } = await syncAgentFiles(ws, project, {
    force: false,
    check: false,
    existingOnly: true,
  });
  return { updated: data.files.filter((f) => f.action === "updated").map((f) => f.path), diagnostics };
}

/**
 * Refuses, before anything is written, an instruction file that the adapters a new project enables
 * (the manifest's or the defaults, plus the IDEs of the default registry) would write through a link out
 * of the repository: `init` checks this first, so following the refusal's hint and running it again works.
 */
export async function assertAgentFilesInside(ws: Workspace, registry: AgentRegistry): Promise<void> {
  const manifest = readManifest(ws.idseDir);
  const declared = registry.agents.flatMap((a) => (a.ide ? [a.ide] : []));
  const wanted = new Set([...(manifest?.adapters ?? DEFAULT_ADAPTERS), ...declared]);
  for (const plugin of await loadRoutingAdapters(ws)) {
    if (!wanted.has(plugin.name)) continue;
    for (const rel of plugin.paths) guardWrite(ws.root, join(ws.root, rel));
  }
}

export async function syncAgentFiles(
  ws: Workspace,
  project: string,
  o: SyncOptions,
): Promise<{ data: SyncOutput; diagnostics: Diagnostic[] }> {
  const manifest = readManifest(ws.idseDir);
  const { registry } = await loadRegistry(ws.store, project);
  const all = await loadRoutingAdapters(ws);
  const unknown = o.ides?.find((ide) => !all.some((p) => p.name === ide));
  if (unknown !== undefined) {
    throw new IdseError("INVALID_ENUM", { value: unknown, option: "--ide", allowed: all.map((p) => p.name) });
  }
  const declared = registry.agents.flatMap((a) => (a.ide ? [a.ide] : []));
  const wanted = new Set(
    o.ides?.length ? o.ides : [...(manifest?.adapters ?? DEFAULT_ADAPTERS), ...declared],
  );
  const plugins = all.filter((p) => wanted.has(p.name));
  const base = await renderBase(ws.store, project, registry, (rel) => existsSync(join(ws.root, rel)), all);

  const planned: Planned[] = [];
  for (const plugin of plugins) {
    for (const file of plugin.renderFiles(contextFor(plugin, base))) {
      const existing = readTextIfExists(join(ws.root, file.path), ws.root);
      if (existing === undefined && o.existingOnly) continue;
      planned.push(planFile(plugin.name, file, existing, manifest?.files[file.path]?.sha256, o.force));
    }
  }

  const diagnostics: Diagnostic[] = [];
  const checked = (a: Planned["action"]) =>
    !o.check ? a : a === "created" ? "missing" : a === "updated" ? "stale" : a;
  const files: SyncOutput["files"] = planned.map((f) => ({
    path: f.path,
    adapter: f.adapter,
    action: checked(f.action),
    reason: f.reason,
    bytes: f.bytes,
  }));
  for (const f of files) {
    if (f.bytes > MAX_FILE_BYTES) {
      diagnostics.push(notice("AGENT_FILE_LARGE", { file: f.path, bytes: f.bytes, budget: MAX_FILE_BYTES }));
    }
    if (o.check && (f.action === "missing" || f.action === "stale" || f.reason === "edited")) {
      const state = f.action === "missing" ? "missing" : f.reason === "edited" ? "edited" : "stale";
      diagnostics.push(notice("AGENT_FILE_STALE", { file: f.path, state }));
    } else if (f.reason === "edited") {
      diagnostics.push(notice("FILE_EDITED", { file: f.path }));
    } else if (f.action === "kept") {
      diagnostics.push(notice("FILE_KEPT", { file: f.path, malformed: f.reason === "malformed" }));
    }
  }
  const stale = files.some((f) => f.action === "missing" || f.action === "stale" || f.reason === "edited");

  if (!o.check) {
    // Contained in the repository: an instruction file that is a symlink is written through to its
    // target inside the repository, and refused when it leads out (src/store/path-guard.ts).
    for (const p of planned)
      if (p.text !== undefined) writeFileAtomic(join(ws.root, p.path), p.text, ws.root);
    const next: AgentFilesManifest = {
      project,
      adapters: all.map((p) => p.name).filter((n) => wanted.has(n) || manifest?.adapters.includes(n)),
      files: { ...(manifest?.files ?? {}) },
    };
    for (const p of planned) if (p.hash) next.files[p.path] = { adapter: p.adapter, sha256: p.hash };
    writeManifest(ws.idseDir, next, manifest);
  }
  return {
    data: { project, check: o.check, stale, adapters: plugins.map((p) => p.name), files },
    diagnostics,
  };
}
