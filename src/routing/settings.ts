import { existsSync, realpathSync } from "node:fs";
import { basename, delimiter, join, resolve } from "node:path";
import { IdseError } from "../errors.ts";
import { setJsonValue } from "../json-edit.ts";
import { parseJsonText } from "../json-text.ts";
import { readTextIfExists, writeFileAtomic } from "../store/atomic-file.ts";
import type { HookEntry } from "./types.ts";

// Hook entries in IDE settings files (JSON): idse merges its own entry and leaves every other key and
// entry as it was, byte for byte (src/json-edit.ts). Installing twice changes nothing; a changed command replaces idse's entry in place.

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);

function readSettings(root: string, file: string, text = readTextIfExists(join(root, file), root)): Json {
  if (text === undefined || text.trim() === "") return {};
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new IdseError("INVALID_FILE", { file, reason: (err as Error).message });
  }
  if (!isObject(json)) throw new IdseError("INVALID_FILE", { file, reason: "expected a JSON object" });
  return json;
}

/**
 * Whether a command line names a path of this machine (an absolute path, or one in a home folder): such
 * a command does not belong in a committed settings file, where every clone would run a path that may
 * not exist there.
 */
export function machineSpecific(command: string): boolean {
  return /(^|\s)["']?(\/|~[\\/]|[A-Za-z]:[\\/]|\\\\)/.test(command);
}

/** The file an entry goes to: its committed settings file, or the per-user one for this machine's paths. */
export function hookFile(entry: HookEntry): string {
  return entry.localFile && machineSpecific(entry.command) ? entry.localFile : entry.file;
}

/** The settings with idse's entry for `entry.event` merged in (Claude Code's hooks layout). */
export function mergeHook(settings: Json, entry: HookEntry): Json {
  const hooks = settings.hooks ?? {};
  if (!isObject(hooks))
    throw new IdseError("INVALID_FILE", { file: entry.file, reason: "hooks is not an object" });
  const groups = hooks[entry.event] ?? [];
  if (!Array.isArray(groups)) {
    throw new IdseError("INVALID_FILE", { file: entry.file, reason: `hooks.${entry.event} is not an array` });
  }
  const ours = (h: unknown) =>
    isObject(h) && typeof h.command === "string" && h.command.includes(entry.marker);
  let at = -1;
  const kept: unknown[] = [];
  for (const g of groups) {
    if (isObject(g) && Array.isArray(g.hooks) && g.hooks.some(ours)) {
      if (at < 0) at = kept.length;
      const rest = g.hooks.filter((h) => !ours(h));
      if (rest.length) kept.push({ ...g, hooks: rest });
    } else kept.push(g);
  }
  const group = {
    matcher: entry.matcher,
    hooks: [{ type: "command", command: entry.command, timeout: entry.timeout }],
  };
  kept.splice(at < 0 ? kept.length : at, 0, group);
  return { ...settings, hooks: { ...hooks, [entry.event]: kept } };
}

/** The settings without idse's entry for `entry.event` (the marker identifies it). */
export function removeHook(
  settings: Json,
  entry: HookEntry,
  only: (command: string) => boolean = () => true,
): Json {
  const hooks = settings.hooks;
  if (!isObject(hooks) || !Array.isArray(hooks[entry.event])) return settings;
  const ours = (h: unknown) =>
    isObject(h) && typeof h.command === "string" && h.command.includes(entry.marker) && only(h.command);
  const kept: unknown[] = [];
  for (const g of hooks[entry.event] as unknown[]) {
    if (isObject(g) && Array.isArray(g.hooks) && g.hooks.some(ours)) {
      const rest = g.hooks.filter((h) => !ours(h));
      if (rest.length) kept.push({ ...g, hooks: rest });
    } else kept.push(g);
  }
  return { ...settings, hooks: { ...hooks, [entry.event]: kept } };
}

/**
 * Installs the entries; returns what happened to each settings file. An entry goes to its committed
 * settings file, or, when its command names this machine's paths, to the adapter's per-user file
 * (`.claude/settings.local.json`). Installing it in the committed file removes idse's entry from the
 * per-user one (the hook would run twice); installing it in the per-user file removes idse's entry from
 * the committed one only when that names a machine's path too (an older install): a team's `idse hook …`
 * stays. Both files are in the repository: written through a symlink inside it, refused when one leads
 * out (src/store/path-guard.ts).
 */
export function installHooks(root: string, entries: HookEntry[]) {
  const changes = new Map<string, (settings: Json) => Json>();
  const change = (file: string, fn: (settings: Json) => Json) => {
    const prev = changes.get(file);
    changes.set(file, prev ? (s) => fn(prev(s)) : fn);
  };
  for (const entry of entries) {
    const file = hookFile(entry);
    change(file, (s) => mergeHook(s, entry));
    const local = file !== entry.file;
    const other = local ? entry.file : entry.localFile;
    if (other && existsSync(join(root, other)))
      change(other, (s) => removeHook(s, entry, local ? machineSpecific : undefined));
  }
  return [...changes].map(([file, apply]) => {
    const text = readTextIfExists(join(root, file), root) ?? "";
    const before = readSettings(root, file, text);
    const after = apply(before);
    const existed = existsSync(join(root, file));
    if (existed && JSON.stringify(after) === JSON.stringify(before))
      return { path: file, action: "unchanged" as const };
    // Only the hook lists that changed are rewritten; every other byte of the user's file stays.
    const was = isObject(before.hooks) ? before.hooks : {};
    const now = after.hooks as Json;
    let out = text;
    for (const event of Object.keys(now))
      if (JSON.stringify(now[event]) !== JSON.stringify(was[event]))
        out = setJsonValue(out, ["hooks", event], now[event], file);
    writeFileAtomic(join(root, file), out.trim() === "" ? "{}\n" : out, root);
    return { path: file, action: existed ? ("updated" as const) : ("created" as const) };
  });
}

const quote = (p: string) => (/^[\w./:@+-]+$/.test(p) ? p : `"${p.replace(/(["\\$`])/g, "\\$1")}"`);

function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    for (const ext of process.platform === "win32" ? [".exe", ""] : [""]) {
      const file = join(dir, name + ext);
      if (dir && existsSync(file)) return file;
    }
  }
  return undefined;
}

/**
 * The command line that runs this idse: `idse` when the `idse` on PATH is this binary (so a committed
 * settings file works for the whole team), else this binary's absolute path; from source, the runtime
 * and the entry script.
 */
export function selfCommand(env: Record<string, string | undefined>): string {
  const exe = process.execPath;
  const runtime = basename(exe).replace(/\.exe$/, "");
  if (["bun", "node", "deno"].includes(runtime)) {
    const g = globalThis as { Deno?: { mainModule: string } };
    const main = g.Deno ? new URL(g.Deno.mainModule).pathname : process.argv[1];
    if (!main || !/main\.ts$/.test(main)) return "idse";
    return `${quote(exe)}${runtime === "deno" ? " run -A" : ""} ${quote(resolve(main))}`;
  }
  const found = onPath("idse", env.PATH);
  try {
    if (found && realpathSync(found) === realpathSync(exe)) return "idse";
  } catch {
    // fall through to the absolute path
  }
  return quote(exe);
}
