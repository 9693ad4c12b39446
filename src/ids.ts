import { IdseError } from "./errors.ts";

// Project and session ids become directory names, so they are checked before anything touches a path.
export const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const BLUEPRINT = "__blueprint__";

// Ids written by the Python original may be looser than SLUG (it accepted any name). They stay readable
// when they already exist on disk, as long as they cannot escape their directory.
const SAFE_EXISTING = /^[A-Za-z0-9_][A-Za-z0-9._ -]{0,127}$/;

export type IdKind = "project" | "session";

function reason(id: string): string | undefined {
  if (id.length === 0) return "it is empty";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(id)) return "it contains control characters";
  if (id.includes("/") || id.includes("\\")) return "it contains a path separator";
  if (id === "." || id === ".." || id.startsWith(".")) return "it starts with a dot";
  if (id.length > 64) return "it is longer than 64 characters";
  return undefined;
}

/** Validates an id that will create something new. */
export function assertNewId(kind: IdKind, id: string): string {
  if (kind === "session" && id === BLUEPRINT) return id;
  const why = reason(id) ?? (SLUG.test(id) ? undefined : "use lowercase letters, digits, '.', '_' and '-'");
  if (why) throw new IdseError("INVALID_ID", { kind, id, reason: why });
  return id;
}

/** Validates an id that names something that should already exist (it may predate SLUG). */
export function assertExistingId(kind: IdKind, id: string): string {
  if (id === BLUEPRINT || SLUG.test(id)) return id;
  const why = reason(id) ?? (SAFE_EXISTING.test(id) ? undefined : "it contains unsupported characters");
  if (why) throw new IdseError("INVALID_ID", { kind, id, reason: why });
  return id;
}

/** True for directory names that can be listed as sessions or projects. */
export function isListableId(name: string): boolean {
  return name === BLUEPRINT || SLUG.test(name) || (reason(name) === undefined && SAFE_EXISTING.test(name));
}
