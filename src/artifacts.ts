import type { DesignStore } from "./store/contract.ts";
import { keys, STAGE_PATHS, STAGES, type Stage } from "./store/layout.ts";
import { render, STAGE_TEMPLATES, type TemplateVars } from "./templates.ts";

// PipelineArtifacts: the seven stage documents of a session, read and written through the DesignStore.

export const REQUIRES_INPUT = "[REQUIRES INPUT]";

export function renderStage(stage: Stage, vars: TemplateVars): string {
  return render(STAGE_TEMPLATES[stage], vars);
}

/** Where a stage document is, as printed (`.idse/projects/<p>/sessions/<s>/…`): commands name it, never build it. */
export function artifactPath(project: string, session: string, stage: Stage): string {
  return `.idse/${keys.artifact(project, session, stage)}`;
}

/** A stage document's path inside its session's folder (`intents/intent.md`), for short listings. */
export function stagePath(stage: Stage): string {
  return STAGE_PATHS[stage];
}

export async function readArtifact(store: DesignStore, project: string, session: string, stage: Stage) {
  return store.read(keys.artifact(project, session, stage));
}

export async function writeArtifact(
  store: DesignStore,
  project: string,
  session: string,
  stage: Stage,
  text: string,
): Promise<void> {
  await store.write(keys.artifact(project, session, stage), text);
}

/** Writes a stage document only where there is none (a fix creates; it never overwrites text); returns whether it wrote. */
export async function createArtifact(
  store: DesignStore,
  project: string,
  session: string,
  stage: Stage,
  text: string,
): Promise<boolean> {
  const key = keys.artifact(project, session, stage);
  if (await store.has(key)) return false;
  await store.write(key, text);
  return true;
}

/** Writes every stage document that is missing (or all of them with `overwrite`); returns those written. */
export async function writeTemplates(
  store: DesignStore,
  project: string,
  session: string,
  vars: TemplateVars,
  overwrite = false,
): Promise<Stage[]> {
  const written: Stage[] = [];
  for (const stage of STAGES) {
    const key = keys.artifact(project, session, stage);
    if (!overwrite && (await store.has(key))) continue;
    await store.write(key, renderStage(stage, vars));
    written.push(stage);
  }
  return written;
}

export async function artifactPresence(
  store: DesignStore,
  project: string,
  session: string,
): Promise<Record<Stage, boolean>> {
  const out = {} as Record<Stage, boolean>;
  for (const stage of STAGES) out[stage] = await store.has(keys.artifact(project, session, stage));
  return out;
}
