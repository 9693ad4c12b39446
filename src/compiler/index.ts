import { IdseError } from "../errors.ts";
import type { AgentProfileSpec } from "../models/agent-profile.ts";
import { mergeTrees } from "./merge.ts";
import type { ParsedProfile } from "./parse.ts";
import { validateProfile } from "./validate.ts";

// DocToAgentProfileSpecCompiler: parse (check.ts's readProfile) → merge → validate → emit. It takes
// documents, never paths (the command reads specs through the DesignStore and writes the files). Loaded
// lazily by the command, so other commands do not load `yaml`.

export { contentHash, type Provenance, renderJson, renderYaml, withoutTimestamp } from "./emit.ts";
export type { ParsedProfile };

/** A session's spec.md: its text (undefined when missing) and its path for messages. */
export interface SpecDoc {
  session: string;
  file: string;
  text: string | undefined;
}

export const hasProfile = (p: ParsedProfile | undefined): p is Extract<ParsedProfile, { tree: unknown }> =>
  p !== undefined && "tree" in p;

export interface CompileInput {
  session: string;
  blueprint: string;
  /** The session's spec. */
  own: SpecDoc;
  ownProfile: ParsedProfile;
  /** The blueprint's profile; undefined when compiling the blueprint itself or when it does not exist. */
  baseProfile: ParsedProfile | undefined;
}

const alone = (input: CompileInput) => input.session === input.blueprint;

/** The session's profile merged over the blueprint's, validated. Throws an IdseError pointing at a line. */
export function compileProfile(input: CompileInput): AgentProfileSpec {
  const { session, blueprint, ownProfile, baseProfile } = input;
  const own = hasProfile(ownProfile) ? ownProfile.tree : undefined;
  const base = hasProfile(baseProfile) ? baseProfile.tree : undefined;
  const merged = mergeTrees(base, own);
  if (merged?.kind !== "map") {
    const missing = "missing" in ownProfile ? ownProfile : { missing: "", line: undefined };
    const reason =
      alone(input) || baseProfile === undefined
        ? missing.missing
        : `${missing.missing}, and the blueprint "${blueprint}" has none either`;
    const line = missing.line === undefined ? {} : { line: missing.line };
    throw new IdseError("AGENT_PROFILE_NOT_FOUND", {
      session,
      blueprint,
      file: input.own.file,
      ...line,
      reason,
    });
  }
  // Provenance names the blueprint only when there was one to merge (or the blueprint is compiled).
  const stamp = alone(input) || baseProfile !== undefined ? blueprint : null;
  return validateProfile(merged, { session, blueprint: stamp });
}
