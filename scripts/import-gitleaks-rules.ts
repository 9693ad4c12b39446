// Translates gitleaks' default configuration (config/gitleaks.toml, MIT) into the JSON rules the secret
// guard runs beside secretlint's preset: `bun scripts/import-gitleaks-rules.ts <gitleaks.toml> <commit>`.
// Writes src/sync/secret-rules/gitleaks.json. Review the diff by hand, then run
// test/sync/secret-rules.test.ts: every quantifier must be bounded and every rule must still compile.
//
// Go's RE2 syntax → JavaScript: a leading (?i) becomes the i flag, a (?i) inside the pattern becomes a
// (?i:…) group up to the end of the enclosing group, (?P<name> becomes (?<name>, \z becomes $, (?s:.)
// becomes [\s\S]. RE2 runs in linear time whatever the pattern; JavaScript backtracks, so every `*`, `+`
// and `{n,}` is given an upper bound, and the lazy `[\w.-]{0,50}?` prefix of the keyword rules (it only
// widens the reported match) is dropped, so a rule's search starts at its keyword.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Rules secretlint's recommended preset already covers (the same formats), and rules replaced here. */
const SKIP: Record<string, string> = {
  "github-pat": "secretlint github",
  "github-oauth": "secretlint github",
  "github-app-token": "secretlint github",
  "github-refresh-token": "secretlint github",
  "github-fine-grained-pat": "secretlint github",
  "gitlab-pat": "secretlint gitlab",
  "gitlab-pat-routable": "secretlint gitlab",
  "slack-bot-token": "secretlint slack",
  "slack-app-token": "secretlint slack",
  "slack-webhook-url": "secretlint slack",
  "npm-access-token": "secretlint npm",
  "sendgrid-api-token": "secretlint sendgrid",
  "shopify-access-token": "secretlint shopify",
  "shopify-custom-access-token": "secretlint shopify",
  "shopify-private-app-access-token": "secretlint shopify",
  "shopify-shared-secret": "secretlint shopify",
  "openai-api-key": "secretlint openai",
  "anthropic-api-key": "secretlint anthropic",
  "huggingface-access-token": "secretlint huggingface",
  "linear-api-key": "secretlint linear",
  "notion-api-token": "secretlint notion",
  "1password-service-account-token": "secretlint 1password",
  "databricks-api-token": "secretlint databricks",
  "grafana-cloud-api-token": "secretlint grafana",
  "grafana-service-account-token": "secretlint grafana",
  "private-key": "idse private-key (also without its END line)",
  "generic-api-key": "idse generic-secret-assignment (a stricter value shape, no stop-word list)",
  "pkcs12-file": "a file-name rule; documents are text",
  jwt: "idse jwt (longer bounds: a JWT's payload often exceeds 200 characters)",
};

/** Changes to a translated pattern, each with its reason. */
const PATCH: Record<string, (regex: string) => string> = {
  // Its third alternative is any 40-digit hex string: every git commit id in a document would match.
  "sourcegraph-access-token": (re) => re.replace("|[a-fA-F0-9]{40})", ")"),
};

const BOUND = 100;

/** RE2's `X(?i)Y` (the flag holds to the end of the enclosing group) as `X(?i:Y)`. */
function midFlags(s: string): string {
  for (;;) {
    const at = s.indexOf("(?i)");
    if (at < 0) return s;
    let depth = 0;
    let end = s.length;
    let cls = false;
    for (let i = at + 4; i < s.length; i++) {
      const c = s[i];
      if (c === "\\") {
        i++;
        continue;
      }
      if (cls) {
        if (c === "]") cls = false;
        continue;
      }
      if (c === "[") cls = true;
      else if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0) {
          end = i;
          break;
        }
        depth--;
      }
    }
    s = `${s.slice(0, at)}(?i:${s.slice(at + 4, end)})${s.slice(end)}`;
  }
}

/** Every `*`, `+` and `{n,}` outside a character class gets an upper bound. */
function bound(s: string): string {
  let out = "";
  let cls = false;
  /** Whether the last thing written is a quantifier (not an escaped `*` or `+`, which is an atom). */
  let quantified = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\") {
      out += c + (s[i + 1] ?? "");
      i++;
      quantified = false;
      continue;
    }
    if (cls) {
      if (c === "]") cls = false;
      out += c;
      quantified = false;
      continue;
    }
    if (c === "[") {
      cls = true;
      out += c;
      if (s[i + 1] === "^") out += s[++i];
      if (s[i + 1] === "]") out += s[++i];
      continue;
    }
    if ((c === "+" || c === "*") && !quantified) {
      out += c === "+" ? `{1,${BOUND}}` : `{0,${BOUND}}`;
      quantified = true;
      continue;
    }
    const open = c === "{" ? /^\{(\d+),\}/.exec(s.slice(i)) : null;
    if (open) {
      const min = Number(open[1]);
      out += `{${min},${Math.max(BOUND * 2, min * 4)}}`;
      i += open[0].length - 1;
      quantified = true;
      continue;
    }
    out += c;
    quantified = c === "}" || c === "?" || c === "*" || c === "+";
  }
  return out;
}

function translate(re: string): { regex: string; flags?: string } {
  let s = re;
  let flags: string | undefined;
  if (s.startsWith("(?i)")) {
    flags = "i";
    s = s.slice(4);
  }
  s = midFlags(s)
    .replace(/^\[\\w\.-\]\{0,50\}\?/, "")
    .replace(/^(\(\?i:)?\[\\w\.-\]\{0,50\}\?/, "$1")
    .replace(/\(\?P</g, "(?<")
    .replace(/\\z/g, "$")
    .replace(/\(\?s:\.\)/g, "[\\s\\S]")
    .replace(/\[\[:alnum:\]\]/g, "[A-Za-z0-9]");
  return { regex: bound(s), ...(flags ? { flags } : {}) };
}

/** "Identified an Anthropic API Key, which may …" → "Anthropic API Key". */
function shortDescription(d: string): string {
  return d
    .replace(/^(?:Identified|Detected|Uncovered|Found|Discovered|Captured|Exposed)\s+(?:an?|the)?\s*/i, "")
    .replace(/^(?:Possible|Potential|Pattern that resembles)\s+(?:an?\s+)?/i, "")
    .replace(/,.*$/s, "")
    .replace(/\.$/, "")
    .replace(/^./, (c) => c.toUpperCase());
}

/** How many leading characters are the format's literal marker (`PMAK-`), safe to show. */
function literalPrefix(regex: string): number {
  const m = /^(?:\\b)?\(?(?:\?:)?((?:[A-Za-z0-9_]|\\-|\\\.|-){2,12})(?![?*{|])/.exec(regex);
  if (!m) return 0;
  const lit = m[1]!.replace(/\\/g, "");
  return /[-_.]$/.test(lit) ? lit.length : 0;
}

const [file, commit] = process.argv.slice(2);
if (!file || !commit) throw new Error("usage: bun scripts/import-gitleaks-rules.ts <gitleaks.toml> <commit>");
// biome-ignore lint/suspicious/noExplicitAny: the TOML's shape is gitleaks'
const config = (globalThis as any).Bun.TOML.parse(readFileSync(file, "utf8")) as { rules: any[] };
const rules = [];
for (const r of config.rules) {
  if (SKIP[r.id] || !r.regex) continue;
  const allow: string[] = [];
  for (const a of r.allowlists ?? []) {
    for (const x of a.regexes ?? []) allow.push(translate(x).regex);
  }
  const t = translate(r.regex);
  if (PATCH[r.id]) t.regex = PATCH[r.id]!(t.regex);
  new RegExp(t.regex, `g${t.flags ?? ""}`); // throws on a translation JavaScript cannot compile
  const show = literalPrefix(t.regex);
  rules.push({
    id: r.id,
    description: shortDescription(r.description),
    ...t,
    ...(r.secretGroup ? { secret_group: r.secretGroup } : {}),
    keywords: (r.keywords ?? []).map((k: string) => k.toLowerCase()),
    ...(r.entropy ? { entropy: r.entropy } : {}),
    ...(allow.length ? { allow } : {}),
    ...(show ? { show_prefix: show } : {}),
  });
}
const out = {
  $comment: `Translated by scripts/import-gitleaks-rules.ts from gitleaks' config/gitleaks.toml (MIT, https://github.com/gitleaks/gitleaks) at ${commit}: the formats secretlint's recommended preset lacks. Do not edit by hand; re-run the script.`,
  skipped: SKIP,
  rules,
};
writeFileSync(
  join(import.meta.dir, "../src/sync/secret-rules/gitleaks.json"),
  `${JSON.stringify(out, null, 2)}\n`,
);
console.log(`${rules.length} rules written`);
