import { onDemand } from "../on-demand.ts";
import type { SpecDoc } from "./index.ts";
import { locateClosed } from "./locate.ts";
import type { ParsedProfile } from "./parse.ts";
import { isPlainProfile } from "./plain.ts";

// Reading a spec's Agent Profile: `validate` asks whether the block is there and parses (checkProfile),
// `compile agent-spec` wants its tree (readProfile). The block is found by locate.ts's line scanner; a
// plain block (plain.ts) answers checkProfile without the yaml library; any other is parsed by parse.ts,
// loaded on first need (src/on-demand.ts): the yaml library is about 9 ms of a compiled binary's start-up.
//
// This module is only ever imported dynamically (by the agent-profile-yaml rule, on demand, and by the
// compile command), and readProfile lives here rather than in the compiler (index.ts), for the compiled
// binary's chunks: Bun folds a module that both the compiler and the rules import statically into the
// yaml library's chunk, and every `validate` would load yaml with it. test/build-chunks.test.ts checks it.

const parser = onDemand(() => import("./parse.ts"));
/** Loads the yaml side now, for a caller outside validateSessions (`compile agent-spec`, a test). */
export const loadProfileParser = () => parser.load();

/**
 * What readProfile says of a spec without the tree: the reason a block is missing, undefined when it
 * parses, an IdseError thrown when it does not. `validate` asks only this, so a block plainly fine
 * (plain.ts) skips the yaml library: same findings, a fraction of the time. Any other block needs it:
 * NotLoaded until loaded (src/on-demand.ts).
 */
export function checkProfile(session: string, file: string, markdown: string | undefined) {
  const located = locateClosed(session, file, markdown);
  if ("missing" in located) return located;
  if (!isPlainProfile(located.text)) parser.get().parseLocated(session, file, located);
  return undefined;
}

/**
 * The profile block of one spec, parsed; `missing` when it has none. Throws for an unusable block, and
 * NotLoaded before loadProfileParser().
 */
export function readProfile(doc: SpecDoc): ParsedProfile {
  const located = locateClosed(doc.session, doc.file, doc.text);
  return "missing" in located ? located : parser.get().parseLocated(doc.session, doc.file, located);
}
