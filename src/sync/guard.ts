import { type Diagnostic, IdseError, notice } from "../errors.ts";
import type { SecretFinding } from "../models/sync.ts";

// The secret guard at the edge of the machine, for callers that move whole documents: `store migrate`
// to a store that is not on this disk (postgres, Notion, any plugin store but sqlite), metadata included
// (session.json holds names, descriptions and tags). Every document is scanned before the first is
// written, so a finding leaves the target untouched. `sync push` scans each artifact in sync/apply.ts.
//
// Names travel too: every transport sends a document's key, and the key holds the project and session
// ids (`projects/<project>/sessions/<session>/…`), the only metadata a sync remote receives (descriptions,
// tags and owners stay in session.json, which sync never sends). An id in the scope is scanned before the
// remote is first asked anything (sync's listing sends the scope's prefix); `store migrate` scans the ids
// of every key with the documents.

/** Stores whose documents stay on this disk; every other store is treated as leaving the machine. */
export const LOCAL_STORES: ReadonlySet<string> = new Set(["filesystem", "sqlite-store"]);

export const leavesMachine = (store: string) => !LOCAL_STORES.has(store);

/** The findings in one document, less those allow-listed by fingerprint (sync.secret_allowlist). */
export async function findSecrets(
  key: string,
  file: string,
  text: string,
  allowlist: ReadonlySet<string>,
): Promise<SecretFinding[]> {
  const { fingerprint, mask, scanText } = await import("./secrets.ts");
  return scanText(text)
    .map((f) => ({
      file,
      line: f.line,
      column: f.column,
      rule: f.rule,
      description: f.description,
      masked: mask(f.secret, f.showPrefix),
      fingerprint: fingerprint(key, f.rule, f.secret),
    }))
    .filter((f) => !allowlist.has(f.fingerprint));
}

/** The diagnostic a blocked finding is reported with, by sync and by store migrate alike. */
export function secretDiagnostic(
  f: SecretFinding,
  at: { session?: string; stage?: string } = {},
): Diagnostic {
  return notice("SECRET_FOUND", {
    description: f.description,
    masked: f.masked,
    file: f.file,
    line: f.line,
    column: f.column,
    rule: f.rule,
    fingerprint: f.fingerprint,
    ...at,
  });
}

/** Every finding in the documents `keys`, each read with `read`. */
export async function scanStore(
  keys: readonly string[],
  read: (key: string) => Promise<string | undefined>,
  allowlist: ReadonlySet<string>,
  fileOf: (key: string) => string,
): Promise<SecretFinding[]> {
  const out: SecretFinding[] = [];
  for (const key of keys) {
    const text = await read(key);
    if (text !== undefined) out.push(...(await findSecrets(key, fileOf(key), text, allowlist)));
  }
  return out;
}

/** `projects/<p>` and `projects/<p>/sessions/<s>`: the names a key carries, each once. */
export function namePrefixes(keys: readonly string[]): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    const m = /^projects\/([^/]+)(?:\/sessions\/([^/]+))?/.exec(key);
    if (!m) continue;
    out.add(`projects/${m[1]}`);
    if (m[2] !== undefined) out.add(`projects/${m[1]}/sessions/${m[2]}`);
  }
  return [...out];
}

/** The findings in the project and session ids of `keys` (the names every transport sends). */
export async function findSecretsInNames(
  keys: readonly string[],
  allowlist: ReadonlySet<string>,
): Promise<SecretFinding[]> {
  const out: SecretFinding[] = [];
  for (const prefix of namePrefixes(keys))
    out.push(...(await findSecrets(prefix, prefix, prefix, allowlist)));
  return out;
}

/** SECRET_FOUND for a whole command: one finding refuses it, each finding its own diagnostic. */
export function refusal(found: readonly SecretFinding[], target: string): IdseError | undefined {
  const first = found[0];
  if (!first) return undefined;
  return new IdseError(
    "SECRET_FOUND",
    {
      count: found.length,
      target,
      file: first.file,
      line: first.line,
      rule: first.rule,
      masked: first.masked,
    },
    found.map((f) => secretDiagnostic(f)),
  );
}
