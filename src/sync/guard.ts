import type { Diagnostic } from "../errors.ts";
import type { SecretFinding } from "../models/sync.ts";

// The secret guard at the edge of the machine, for callers that move whole documents: `store migrate`
// to a store that is not on this disk (postgres, Notion, any plugin store but sqlite), metadata included
// (session.json holds names, descriptions and tags). Every document is scanned before the first is
// written, so a finding leaves the target untouched. `sync push` scans each artifact in sync/apply.ts.

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
export function secretDiagnostic(f: SecretFinding): Diagnostic {
  return {
    severity: "error",
    code: "SECRET_FOUND",
    message: `${f.description} (${f.rule}): ${f.masked}`,
    file: f.file,
    line: f.line,
    column: f.column,
    rule: f.rule,
    fingerprint: f.fingerprint,
    hint: `not a secret? add {"fingerprint": "${f.fingerprint}"} to sync.secret_allowlist in .idse/config.json`,
  };
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
