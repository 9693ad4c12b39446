import { rules as PRESET } from "@secretlint/secretlint-rule-preset-recommend";

// secretlint's recommended preset, run without secretlint. Each rule module is `{ meta, messages,
// create(context, options) → { file(source) } }`; @secretlint/core only builds the context, and with it
// comes @secretlint/profiler, whose global PerformanceObserver kept the process alive after a large scan
// (measured here). So this file is the context: `report` collects, `createTranslator` keeps the data a
// message is made from (the value found: KEY, TOKEN, ID, URI, URL or CREDENTIAL) instead of the sentence,
// which would hold the secret itself. Imported lazily (secrets.ts), so commands that do not scan never
// load the preset.

export interface PresetHit {
  rule: string;
  description: string;
  /** Where the value starts in the scanned text. */
  index: number;
  secret: string;
}

interface Message {
  en: (props: Record<string, unknown>) => string;
}
interface RuleModule {
  meta: { id: string };
  messages?: Record<string, Message>;
  create(
    context: unknown,
    options: Record<string, unknown>,
  ): { file?: (source: Record<string, unknown>) => void };
}

/** Not a detector: the comment directive that switches secretlint off (idse uses fingerprints instead). */
const EXCLUDED = new Set(["@secretlint/secretlint-rule-filter-comments"]);
const VALUE_KEYS = ["KEY", "TOKEN", "ID", "URI", "URL", "CREDENTIAL"];

export const PRESET_RULES: readonly RuleModule[] = (PRESET as unknown as RuleModule[]).filter(
  (r) => !EXCLUDED.has(r.meta.id),
);

/** "@secretlint/secretlint-rule-github" → "secretlint-github". */
export const presetRuleId = (id: string) => id.replace(/^@secretlint\/secretlint-rule-/, "secretlint-");

/** "found GitHub Token(ghp): {KEY}" → "GitHub Token (secretlint)". */
function describe(m: Message | undefined, props: Record<string, unknown>): string {
  if (!m) return "secret";
  const blank = Object.fromEntries(Object.keys(props).map((k) => [k, "\0"]));
  return m
    .en(blank)
    .replace(/^found\s+/i, "")
    .replace(/\s*:?\s*\0.*$/s, "")
    .replace(/\(\0\)/g, "")
    .trim();
}

/** Every finding of the preset's rules in `text`. */
export function scanPreset(text: string): PresetHit[] {
  const hits: PresetHit[] = [];
  const source = { content: text, filePath: "document.md", ext: ".md", contentType: "text" };
  for (const rule of PRESET_RULES) {
    let last: { id: string; props: Record<string, unknown> } | undefined;
    const messages = rule.messages ?? {};
    const context = {
      createTranslator:
        () =>
        (id: string, props: Record<string, unknown> = {}) => {
          last = { id, props };
          return id;
        },
      report: (d: { range: [number, number] }) => {
        const props = last?.props ?? {};
        const key = VALUE_KEYS.find((k) => typeof props[k] === "string" && props[k] !== "");
        const start = d.range[0];
        let secret = key ? (props[key] as string) : text.slice(start, d.range[1]);
        // Some rules report the range of the whole assignment; find the value itself from there.
        let index = text.indexOf(secret, start);
        if (index < 0 || index > d.range[1]) {
          index = start;
          secret = text.slice(start, d.range[1]);
        }
        hits.push({
          rule: presetRuleId(rule.meta.id),
          description: describe(messages[last?.id ?? ""], props),
          index,
          secret,
        });
      },
      ignore: () => {},
      registerRule: () => {},
    };
    rule.create(context, {}).file?.(source);
  }
  return hits;
}
