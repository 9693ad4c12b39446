import { loadRegistry } from "../../agent-registry.ts";
import { readArtifact } from "../../artifacts.ts";
import { IdseError } from "../../errors.ts";
import { assertExistingId } from "../../ids.ts";
import { readCurrentSession, sessionExists } from "../../session-graph.ts";
import { keys, STAGES, type Stage } from "../../store/layout.ts";
import { GOVERNANCE_DOCS } from "../../templates.ts";
import { listProjects } from "../../workspace.ts";
import type { McpEnv } from "./context.ts";

// The resources of `idse mcp`, addressed by URI, never by path:
//   idse://<project>/<session>/<stage>      a stage document (text/markdown)
//   idse://<project>/agent_registry.json    the project's agent registry (the defaults when the file is missing)
//   idse://<project>/meta.md                the blueprint's meta.md (registry, status matrix, lineage)
//   idse:///governance/IDSE_CONSTITUTION.md the governance docs (no project: an empty host): the copy
//   idse:///governance/IDSE_PIPELINE.md     `idse docs install` put in .idse/governance/, else the built-in one
// Ids are checked as the CLI checks them (src/ids.ts) and percent-encoded in URIs.

export const STAGE_TEMPLATE = "idse://{project}/{session}/{stage}";

export type ResourceRef =
  | { kind: "stage"; project: string; session: string; stage: Stage }
  | { kind: "registry"; project: string }
  | { kind: "meta"; project: string }
  | { kind: "doc"; name: string };

export interface ResourceEntry {
  uri: string;
  name: string;
  title: string;
  mimeType: string;
  description?: string;
}

const enc = encodeURIComponent;

/** An id from a URI, decoded and checked; undefined when it is not one. */
function id(kind: "project" | "session", raw: string): string | undefined {
  try {
    return assertExistingId(kind, decodeURIComponent(raw));
  } catch {
    return undefined;
  }
}

export function uriOf(r: ResourceRef): string {
  switch (r.kind) {
    case "stage":
      return `idse://${enc(r.project)}/${enc(r.session)}/${r.stage}`;
    case "registry":
      return `idse://${enc(r.project)}/agent_registry.json`;
    case "meta":
      return `idse://${enc(r.project)}/meta.md`;
    case "doc":
      return `idse:///governance/${r.name}`;
  }
}

/** The resource a URI names, or undefined when it names none of the forms above. */
export function parseUri(uri: string): ResourceRef | undefined {
  const m = /^idse:\/\/([^/]*)\/(.+)$/.exec(uri);
  if (!m) return undefined;
  const [, host, rest] = m as unknown as [string, string, string];
  const parts = rest.split("/");
  if (host === "") {
    const name = rest.slice("governance/".length);
    return rest.startsWith("governance/") && Object.hasOwn(GOVERNANCE_DOCS, name)
      ? { kind: "doc", name }
      : undefined;
  }
  const project = id("project", host);
  if (!project) return undefined;
  if (parts.length === 1 && rest === "agent_registry.json") return { kind: "registry", project };
  if (parts.length === 1 && rest === "meta.md") return { kind: "meta", project };
  const session = parts.length === 2 ? id("session", parts[0]!) : undefined;
  if (session && (STAGES as readonly string[]).includes(parts[1]!)) {
    return { kind: "stage", project, session, stage: parts[1] as Stage };
  }
  return undefined;
}

/** The DesignStore key a resource is read from (what the watcher watches); none for built-in text. */
export function keyOf(r: ResourceRef): string {
  switch (r.kind) {
    case "stage":
      return keys.artifact(r.project, r.session, r.stage);
    case "registry":
      return keys.agentRegistry(r.project);
    case "meta":
      return keys.meta(r.project);
    case "doc":
      return keys.governance(r.name);
  }
}

const MIME = (r: ResourceRef) => (r.kind === "registry" ? "application/json" : "text/markdown");

function entry(r: ResourceRef, title: string, description?: string): ResourceEntry {
  const uri = uriOf(r);
  return {
    uri,
    name: uri.slice("idse://".length),
    title,
    mimeType: MIME(r),
    ...(description ? { description } : {}),
  };
}

/** What resources/list shows: for every project, its current session's documents, registry and meta; the docs. */
export async function listResources(env: McpEnv): Promise<ResourceEntry[]> {
  const store = env.workspace().store;
  const out: ResourceEntry[] = [];
  const projects = env.project ? [env.project] : await listProjects(store);
  for (const project of projects) {
    const session = await readCurrentSession(store, project);
    if (session && (await sessionExists(store, project, session))) {
      for (const stage of STAGES) {
        if (await store.has(keys.artifact(project, session, stage))) {
          out.push(entry({ kind: "stage", project, session, stage }, `${stage} of ${project}/${session}`));
        }
      }
    }
    out.push(
      entry(
        { kind: "registry", project },
        `Agent registry of ${project}`,
        "Which agent owns which stage, in which mode.",
      ),
    );
    if (await store.has(keys.meta(project))) {
      out.push(
        entry(
          { kind: "meta", project },
          `Blueprint meta of ${project}`,
          "Session registry, status matrix and lineage.",
        ),
      );
    }
  }
  for (const name of Object.keys(GOVERNANCE_DOCS)) {
    out.push(entry({ kind: "doc", name }, name.replace(/\.md$/, "").replace(/_/g, " ")));
  }
  return out;
}

export class ResourceNotFound extends Error {}

/** The text of a resource, read from the store now. */
export async function readResource(env: McpEnv, uri: string): Promise<{ text: string; mimeType: string }> {
  const r = parseUri(uri);
  if (!r)
    throw new ResourceNotFound(
      `no resource ${uri}: expected idse://<project>/<session>/<stage>, idse://<project>/agent_registry.json, idse://<project>/meta.md or idse:///governance/<name>`,
    );
  const store = env.workspace().store;
  let text: string | undefined;
  if (r.kind === "doc") {
    text = (await store.read(keyOf(r))) ?? GOVERNANCE_DOCS[r.name];
  } else if (r.kind === "registry") {
    text = `${JSON.stringify((await loadRegistry(store, r.project)).registry, null, 2)}\n`;
  } else if (r.kind === "stage") {
    if (!(await sessionExists(store, r.project, r.session))) {
      throw new IdseError("SESSION_NOT_FOUND", { session: r.session, project: r.project });
    }
    text = await readArtifact(store, r.project, r.session, r.stage);
  } else {
    text = await store.read(keyOf(r));
  }
  if (text === undefined) throw new ResourceNotFound(`${uri} does not exist (yet)`);
  return { text, mimeType: MIME(r) };
}
