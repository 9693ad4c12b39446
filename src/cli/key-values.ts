import { IdseError } from "../errors.ts";

// Options given on the command line as text: `--option key=value` pairs and store names.

/** `--option key=value` pairs: a value that parses as JSON (numbers, booleans) is that, else a string. */
export function parseKeyValues(raw: readonly string[], flag = "--option"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of raw) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new IdseError("USAGE", { reason: `${flag} expects key=value, got "${pair}"` });
    const value = pair.slice(eq + 1);
    try {
      out[pair.slice(0, eq)] = JSON.parse(value);
    } catch {
      out[pair.slice(0, eq)] = value;
    }
  }
  return out;
}

/** A store name from the command line: "filesystem" or a plugin's name (a usage error otherwise). */
export function storeNameArg(raw: string, flag: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(raw)) {
    throw new IdseError("USAGE", {
      reason: `${flag} expects "filesystem" or a store plugin's name (lowercase letters, digits, '-'), got "${raw}"`,
    });
  }
  return raw;
}
