import { existsSync, realpathSync } from "node:fs";
import { basename, delimiter, join, resolve } from "node:path";
import { readTextIfExists, writeFileAtomic } from "../atomic-file.ts";
import { IdseError } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import type { HookEntry } from "./types.ts";

// Hook entries in IDE settings files (JSON): idse merges its own entry and leaves every other key and
// entry as it was. Installing twice changes nothing; a changed command replaces idse's entry in place.

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);

function readSettings(root: string, file: string): Json {
  const text = readTextIfExists(join(root, file));
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

/** Installs the entries; returns what happened to each settings file. */
export function installHooks(root: string, entries: HookEntry[]) {
  const files = [...new Set(entries.map((e) => e.file))];
  return files.map((file) => {
    const before = readSettings(root, file);
    const after = entries.filter((e) => e.file === file).reduce(mergeHook, before);
    const existed = existsSync(join(root, file));
    if (existed && JSON.stringify(after) === JSON.stringify(before))
      return { path: file, action: "unchanged" as const };
    writeFileAtomic(join(root, file), `${JSON.stringify(after, null, 2)}\n`);
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
