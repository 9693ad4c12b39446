import * as v from "valibot";
import { IdseError } from "./errors.ts";
import { BLUEPRINT } from "./ids.ts";
import { type SpineProposal, SpineProposalsFile } from "./models/spine.ts";
import type { DesignStore } from "./store/contract.ts";
import { keys } from "./store/layout.ts";

// Proposals for the Product Spine: a file idse owns in the blueprint session's metadata. Agents and
// feature sessions propose; a person accepts (the one path that edits the Spine table) or rejects. A
// decided proposal stays in the file, so the history of the Spine's growth is kept.

export const proposalsKey = (project: string) =>
  `${keys.metadataDir(project, BLUEPRINT)}/spine_proposals.json`;

export async function readProposals(store: DesignStore, project: string): Promise<SpineProposal[]> {
  const key = proposalsKey(project);
  const text = await store.read(key);
  if (text === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new IdseError("INVALID_FILE", { file: `.idse/${key}`, reason: (err as Error).message });
  }
  const r = v.safeParse(SpineProposalsFile, raw);
  if (!r.success) throw new IdseError("INVALID_FILE", { file: `.idse/${key}`, reason: r.issues[0].message });
  return r.output.proposals;
}

export async function writeProposals(store: DesignStore, project: string, proposals: SpineProposal[]) {
  await store.write(proposalsKey(project), `${JSON.stringify({ proposals }, null, 2)}\n`);
}

/** The open proposal for a name (case and punctuation ignored), if any. */
export function openProposal(proposals: SpineProposal[], name: string, key: (s: string) => string) {
  return proposals.find((p) => p.status === "proposed" && key(p.name) === key(name));
}
