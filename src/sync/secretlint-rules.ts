import { rules as PRESET } from "@secretlint/secretlint-rule-preset-recommend";
import { type Occurrences, windows } from "./keyword-windows.ts";

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

/**
 * The keywords (lowercase) one of which occurs in every match of a module, and the longest match, read
 * from its patterns: the preset has no keywords of its own, and without them every module would run over
 * every document (keyword-windows.ts). A module missing here runs on the whole text; a test requires an
 * entry for each, so a new module in a new preset version is noticed.
 */
export const PRESET_KEYWORDS: Record<string, { keywords: string[]; span: number }> = {
  aws: { keywords: ["secret"], span: 400 },
  gcp: { keywords: ["private_key"], span: 100_000 },
  privatekey: { keywords: ["private key"], span: 10_200 },
  npm: { keywords: ["npm_", "_authtoken"], span: 1000 },
  basicauth: { keywords: ["://"], span: 800 },
  slack: { keywords: ["xox", "xapp", "hooks.slack.com"], span: 1000 },
  sendgrid: { keywords: ["sg."], span: 400 },
  shopify: { keywords: ["shppa_", "shpca_", "shpat_", "shpss_"], span: 80 },
  stripe: { keywords: ["sk_live", "sk_test", "rk_live", "rk_test"], span: 120 },
  github: { keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], span: 12_100 },
  gitlab: { keywords: ["glpat-"], span: 140 },
  grafana: { keywords: ["glc_", "glsa_"], span: 420 },
  openai: { keywords: ["sk-"], span: 200 },
  anthropic: { keywords: ["sk-ant-"], span: 150 },
  groq: { keywords: ["gsk_"], span: 60 },
  huggingface: { keywords: ["hf_"], span: 40 },
  linear: { keywords: ["lin_api_"], span: 140 },
  notion: { keywords: ["ntn_"], span: 60 },
  "1password": { keywords: ["ops_"], span: 1300 },
  "database-connection-string": { keywords: ["mongodb", "mysql", "postgres"], span: 1200 },
  "hashicorp-vault": { keywords: ["hvs.", "hvb.", "hvr."], span: 310 },
  vercel: { keywords: ["vcp_", "vci_", "vca_", "vcr_", "vck_"], span: 70 },
  databricks: { keywords: ["dapi"], span: 40 },
  docker: { keywords: ["dckr_pat_"], span: 40 },
  figma: { keywords: ["figd_"], span: 210 },
  cloudflare: { keywords: ["cfk_", "cfut_", "cfat_"], span: 60 },
  tailscale: { keywords: ["tskey-"], span: 130 },
};

export const PRESET_KEYWORD_LIST = Object.values(PRESET_KEYWORDS).flatMap((k) => k.keywords);

const GATES = new Map(
  PRESET_RULES.map((r) => [r, PRESET_KEYWORDS[r.meta.id.replace(/^@secretlint\/secretlint-rule-/, "")]]),
);

/** "@secretlint/secretlint-rule-github" → "secretlint-github". */
export const presetRuleId = (id: string) => id.replace(/^@secretlint\/secretlint-rule-/, "secretlint-");

/** "found GitHub Token(ghp): {KEY}" → "GitHub Token (secretlint)". */
function describe(m: Message | undefined, props: Record<string, unknown>): string {
  if (!m) return "secret";
  const blank = Object.fromEntries(Object.keys(props).map((k) => [k, "\0"]));
  return (
    m
      .en(blank)
      .replace(/^found\s+/i, "")
      // The placeholder in parentheses first: cutting at the first placeholder left "GitHub Token(".
      .replace(/\s*\(\0\)/g, "")
      .replace(/\s*:?\s*\0.*$/s, "")
      .trim()
  );
}

/** Every finding of the preset's rules in `text`; with `occurrences`, each module only where it may match. */
export function scanPreset(text: string, occurrences?: Occurrences): PresetHit[] {
  const hits: PresetHit[] = [];
  for (const rule of PRESET_RULES) {
    const gate = GATES.get(rule);
    if (gate && occurrences && !gate.keywords.some((k) => occurrences.has(k))) continue;
    const spans: [number, number][] =
      gate && occurrences ? windows(text, occurrences, gate.keywords, gate.span) : [[0, text.length]];
    for (const [start, end] of spans)
      runModule(rule, start === 0 && end === text.length ? text : text.slice(start, end), start, hits);
  }
  return hits;
}

function runModule(rule: RuleModule, text: string, offset: number, hits: PresetHit[]): void {
  const source = { content: text, filePath: "document.md", ext: ".md", contentType: "text" };
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
        index: index + offset,
        secret,
      });
    },
    ignore: () => {},
    registerRule: () => {},
  };
  rule.create(context, {}).file?.(source);
}
