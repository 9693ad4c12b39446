import { IdseError } from "../../errors.ts";
import { onDemand } from "../../on-demand.ts";
import type { Rule } from "../engine.ts";

// The profile reader is loaded by the first edited spec (src/on-demand.ts): imported here statically, it
// would share a chunk of the compiled binary with the compiler's, and so with the yaml library, which
// every `validate` would then load (src/compiler/check.ts).
const profiles = onDemand(() => import("../../compiler/check.ts"));
/** Loads the profile reader now, for a caller that runs the rule outside validateSessions (a test). */
export const loadProfileReader = () => profiles.load();

// The spec's `## Agent Profile` block is compiled into an AgentProfileSpec; it must at least parse. The
// compiler's own reader finds and parses it, so `validate` and `compile agent-spec` agree on what the
// block is (section bounds, numbered headings) and on where an error is.
export const agentProfileYaml: Rule = {
  id: "idse/agent-profile-yaml",
  meta: {
    description: "The yaml block of the spec's `## Agent Profile` section parses.",
    article: "III",
    stages: ["spec"],
    messages: {
      "no-block": "the Agent Profile section has no ```yaml block",
      invalid: "Agent Profile yaml does not parse: {{reason}}",
    },
    fixable: false,
    documentOnly: true,
    recommended: "error",
  },
  create(ctx) {
    return {
      artifact(a) {
        // An untouched spec holds our template's block, which a unit test keeps parseable; skipping it
        // keeps the yaml parser off the hot path of `validate --all`.
        if (a.untouched) return;
        try {
          const parsed = profiles.get().checkProfile(ctx.session.session, a.file, a.doc!.text);
          if (parsed?.line) {
            ctx.report({ messageId: "no-block", stage: "spec", line: parsed.line, column: 1 });
          }
        } catch (err) {
          if (!(err instanceof IdseError)) throw err;
          const { line, column, reason } = err.data as { line?: number; column?: number; reason?: string };
          ctx.report({
            messageId: "invalid",
            data: { reason: String(reason ?? err.message) },
            stage: "spec",
            line: typeof line === "number" ? line : undefined,
            column: typeof column === "number" ? column : undefined,
          });
        }
      },
    };
  },
};
