import { statSync } from "node:fs";
import * as v from "valibot";
import type { Diagnostic } from "../errors.ts";
import { IdseError, notice } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import { CredentialsFile } from "../models/sync.ts";
import { readTextIfExists } from "../store/atomic-file.ts";
import { userConfigFile } from "../user-config-dir.ts";

// Credentials live in the environment or in the user's own config directory, never in a repository:
// $XDG_CONFIG_HOME/idse/credentials.json, else ~/.config/idse/credentials.json (%APPDATA%\idse on Windows).
// The file maps a remote (by name, or by URL origin) to environment-variable values, which the sync host
// gives the remote's plugin exactly as if they were set, and only for names its manifest declares.

export function credentialsPath(env: Record<string, string | undefined>, home: string): string {
  return userConfigFile(env, home, "credentials.json");
}

function origin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The variables for one remote: `named`, its name's entry, and `byOrigin`, its URL origin's. The sync host
 * lets the most specific win: the name's entry over the environment, the environment over the origin's.
 */
export function loadCredentials(
  env: Record<string, string | undefined>,
  home: string,
  remote: { name: string; url?: string },
  report?: (d: Diagnostic) => void,
): { named: Record<string, string>; byOrigin: Record<string, string> } {
  const file = credentialsPath(env, home);
  const text = readTextIfExists(file);
  if (text === undefined) return { named: {}, byOrigin: {} };
  // Never quote the parser's message: it may hold a piece of the file, i.e. a secret.
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch {
    throw new IdseError("CORRUPT_FILE", { file, reason: "not valid JSON" });
  }
  const r = v.safeParse(CredentialsFile, json);
  if (!r.success) {
    const where = v.getDotPath(r.issues[0]) ?? "";
    throw new IdseError("CORRUPT_FILE", { file, reason: `unexpected shape${where ? ` at ${where}` : ""}` });
  }
  if (process.platform !== "win32" && report) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      report(notice("CREDENTIALS_FILE_OPEN", { file, mode: mode.toString(8) }));
    }
  }
  const o = origin(remote.url);
  return { named: r.output.remotes[remote.name] ?? {}, byOrigin: (o && r.output.remotes[o]) || {} };
}
