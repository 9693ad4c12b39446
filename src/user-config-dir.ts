import { join } from "node:path";
import * as v from "valibot";
import { IdseError } from "./errors.ts";
import { parseJsonText } from "./json-text.ts";
import { readTextIfExists } from "./store/atomic-file.ts";

// The user's own idse config directory, outside every repository: credentials, workspace trust and
// personal remotes live there. $XDG_CONFIG_HOME/idse, else %APPDATA%\idse on Windows, else ~/.config/idse.

export function userConfigFile(env: Record<string, string | undefined>, home: string, name: string): string {
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "idse", name);
  if (process.platform === "win32" && env.APPDATA) return join(env.APPDATA, "idse", name);
  return join(home, ".config", "idse", name);
}

/**
 * One of the user's JSON files, checked against its model; `empty` when there is none. A file that does
 * not parse or fit is INVALID_FILE, not CORRUPT_FILE: `doctor --fix` repairs the repository, never the
 * user's own files.
 */
export function readUserJson<S extends v.GenericSchema>(
  file: string,
  model: S,
  empty: v.InferOutput<S>,
): v.InferOutput<S> {
  const text = readTextIfExists(file);
  if (text === undefined) return empty;
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new IdseError("INVALID_FILE", { file, reason: (err as Error).message });
  }
  const r = v.safeParse(model, json);
  if (!r.success) {
    const i = r.issues[0];
    throw new IdseError("INVALID_FILE", {
      file,
      reason: `${i.path?.map((p) => p.key).join(".") || "file"}: ${i.message}`,
    });
  }
  return r.output;
}
