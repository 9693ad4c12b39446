import * as v from "valibot";
import { IdseError } from "../../errors.ts";
import type { ValidationConfig } from "../../models/validation.ts";
import type { Rule, RuleConfig } from "../engine.ts";
import { agentProfileYaml } from "./agent-profile-yaml.ts";
import { artifactPresent } from "./artifact-present.ts";
import { atomicTasks } from "./atomic-tasks.ts";
import { canonicalLayout } from "./canonical-layout.ts";
import { feedbackBeforeCompletion } from "./feedback-before-completion.ts";
import { implementationReport } from "./implementation-report.ts";
import { noRequiresInput } from "./no-requires-input.ts";
import { requiredSectionsRule } from "./required-sections.ts";
import { spineComponents } from "./spine-components.ts";
import { spineCoverage } from "./spine-coverage.ts";
import { stageSequence } from "./stage-sequence.ts";
import { templateCompliance } from "./template-compliance.ts";
import { traceability } from "./traceability.ts";

// ConstitutionRules: the built-in rule pack, fixed at build time (no plugin adds rules); configuration
// refers to rules by id only. A new rule is one file here and one line in this list (docs/architecture.md).

const registry = new Map<string, Rule>();
for (const rule of [
  artifactPresent,
  noRequiresInput,
  requiredSectionsRule,
  stageSequence,
  templateCompliance,
  implementationReport,
  atomicTasks,
  feedbackBeforeCompletion,
  canonicalLayout,
  traceability,
  agentProfileYaml,
  spineComponents,
  spineCoverage,
] as Rule[]) {
  // Two rules with one id would make configuration ambiguous: fail at load, where a test sees it.
  if (registry.has(rule.id)) throw new Error(`rule ${rule.id} is declared twice`);
  registry.set(rule.id, rule);
}

export function allRules(): Rule[] {
  return [...registry.values()];
}

/**
 * Levels and options for every rule: the preset (recommended: each rule's own level; strict: every rule
 * an error), then the repository's per-rule settings, then `--rule` (only those rules run).
 */
export function resolveRuleConfig(config: ValidationConfig | undefined, only: string[] = []): RuleConfig {
  const strict = config?.preset === "strict";
  const out: RuleConfig = {};
  for (const rule of registry.values()) out[rule.id] = { level: strict ? "error" : rule.meta.recommended };
  for (const [id, setting] of Object.entries(config?.rules ?? {})) {
    const rule = registry.get(id);
    if (!rule) throw new IdseError("UNKNOWN_RULE", { rule: id, known: [...registry.keys()] });
    const [level, options] = Array.isArray(setting) ? setting : [setting, undefined];
    let parsed: unknown = options;
    if (options !== undefined && rule.options) {
      const r = v.safeParse(rule.options, options);
      if (!r.success)
        throw new IdseError("INVALID_CONFIG", {
          key: `validation.rules.${id}`,
          file: ".idse/config.json",
          reason: r.issues[0].message,
        });
      parsed = r.output;
    }
    out[id] = { level, options: parsed };
  }
  if (only.length) {
    for (const id of only)
      if (!registry.has(id)) throw new IdseError("UNKNOWN_RULE", { rule: id, known: [...registry.keys()] });
    for (const id of Object.keys(out)) if (!only.includes(id)) out[id] = { level: "off" };
  }
  return out;
}
