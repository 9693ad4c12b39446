import { STAGES } from "../../models/common.ts";
import type { Workspace } from "../../workspace.ts";
import { optionShape } from "../argv.ts";
import type { CommandEntry, OptionSpec } from "../command.ts";
import { COMMANDS } from "../commands/index.ts";

// Shell completion: what may come next on an idse command line. The shell scripts (scripts.ts) are thin:
// they pass the words typed so far to `idse completion --complete -- <words…>` and offer what it prints,
// one candidate per line. So every shell completes the same way, from the same command table, and the
// dynamic values (projects, sessions, agents, plugins, remotes, rule ids) come from the workspace.

export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

/** Printed alone when the shell should complete file names instead. */
export const FILES = "__files__";

export type ValueKind =
  | "projects"
  | "sessions"
  | "stages"
  | "agents"
  | "plugins"
  | "bundled"
  | "remotes"
  | "rules"
  | "config-keys"
  | "schemas"
  | "shells"
  | "modes"
  | "files";

/** Dynamic values, read from the workspace; anything unreadable is simply no candidate. */
export interface ValueSource {
  values(kind: ValueKind): Promise<string[]>;
}

const GLOBAL_FLAGS = ["--json", "--project", "--cwd", "--quiet", "--yes", "--help", "--version"];

/** What an option's value is, by its name. */
const OPTION_VALUES: Record<string, ValueKind> = {
  project: "projects",
  session: "sessions",
  blueprint: "sessions",
  stage: "stages",
  agent: "agents",
  rule: "rules",
  remote: "remotes",
  to: "plugins",
  plugin: "plugins",
  file: "files",
  out: "files",
  output: "files",
  cwd: "files",
  dir: "files",
};

/** What a positional argument is, by command and argument name. */
function argumentKind(command: string, arg: string): ValueKind | undefined {
  if (command === "completion") return "shells";
  if (command === "project use") return "projects";
  if (command === "plugin add") return "bundled";
  if (command.startsWith("plugin ")) return "plugins";
  if (command.startsWith("agents "))
    return arg === "id" ? "agents" : arg === "stages" ? "stages" : arg === "mode" ? "modes" : undefined;
  if (command.startsWith("config ")) return arg === "key" ? "config-keys" : undefined;
  if (command === "schema show") return "schemas";
  if (command === "schema emit") return "files";
  if (command.startsWith("sync ") || command === "remote remove") return "remotes";
  if (command === "route") return "stages";
  if (arg === "id") return "sessions";
  return undefined;
}

const groups = () => new Set(COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]!));

function findCommand(words: string[]): { entry?: CommandEntry; used: number } {
  const [a, b] = words;
  const two = COMMANDS.find((c) => c.name === `${a} ${b}`);
  if (two) return { entry: two, used: 2 };
  const one = COMMANDS.find((c) => c.name === a);
  return { entry: one, used: one ? 1 : 0 };
}

/** Candidates for the last word of `words` (the words after `idse`; the last one may be empty). */
export async function complete(words: string[], source: ValueSource): Promise<string[]> {
  const typed = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  // Global options may come first (`idse --project shop status`): skip them and their values.
  const rest: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    if (w === "--project" || w === "--cwd") i++;
    else if (!w.startsWith("-")) rest.push(w);
    else if (rest.length) rest.push(w);
  }
  const pick = (list: Iterable<string>) => [...new Set(list)].filter((c) => c.startsWith(typed)).sort();
  const value = async (kind: ValueKind) => (kind === "files" ? [FILES] : pick(await source.values(kind)));

  const prev = before.at(-1);
  if (prev === "--project") return value("projects");
  if (prev === "--cwd") return [FILES];

  const positional = rest.filter((w) => !w.startsWith("-"));
  const { entry, used } = findCommand(positional);
  if (!entry) {
    if (positional.length === 0) {
      if (typed.startsWith("-")) return pick(GLOBAL_FLAGS);
      return pick([...COMMANDS.filter((c) => !c.name.includes(" ")).map((c) => c.name), ...groups()]);
    }
    if (positional.length === 1 && groups().has(positional[0]!)) {
      const group = positional[0]!;
      return pick(
        COMMANDS.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name.slice(group.length + 1)),
      );
    }
    return [];
  }
  const def = await entry.load();
  const options: OptionSpec[] = def.options ?? [];
  // The value of an option of this command.
  if (prev?.startsWith("--")) {
    const spec = options.find((o) => optionShape(o).names.includes(prev.slice(2)));
    if (spec && optionShape(spec).takesValue) {
      if (spec.choices) return pick(spec.choices);
      const kind = OPTION_VALUES[prev.slice(2)];
      return kind ? value(kind) : [];
    }
  }
  if (typed.startsWith("-")) {
    const longs = options.map((o) => `--${optionShape(o).names.at(-1)}`);
    return pick([...longs, ...GLOBAL_FLAGS]);
  }
  // A positional argument: which one is being typed (option values skipped).
  const args = [...(entry.args ?? "").matchAll(/[<[]([^>\]]+)[>\]]/g)].map((m) => m[1]!);
  let index = 0;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w.startsWith("--")) {
      const spec = options.find((o) => optionShape(o).names.includes(w.slice(2)));
      if (spec && optionShape(spec).takesValue) i++;
    } else index++;
  }
  const arg = args[index - used];
  if (!arg) return [];
  const kind = argumentKind(entry.name, arg);
  return kind ? value(kind) : [];
}

/** Reads the dynamic values from a workspace (no workspace: no values). */
export function workspaceValues(
  ws: () => Workspace,
  project: () => Promise<string>,
  env: Record<string, string | undefined>,
  home?: string,
): ValueSource {
  return {
    async values(kind) {
      try {
        switch (kind) {
          case "stages":
            return [...STAGES];
          case "shells":
            return [...SHELLS];
          case "modes":
            return ["planning", "implementation"];
          case "config-keys":
            return (await import("../../config.ts")).KNOWN_KEYS;
          case "schemas":
            return (await import("../../schemas.ts")).SCHEMAS.map((s) => s.name);
          case "rules": {
            await import("../../validation/run.ts");
            return (await import("../../validation/rules/index.ts")).allRules().map((r) => r.id);
          }
          case "bundled":
            return (await (await import("../../plugins/builtin.ts")).embeddedPlugins()).map(
              (p) => p.manifest.name,
            );
          case "projects":
            return (await import("../../workspace.ts")).listProjects(ws().store);
          case "sessions":
            return (await import("../../session-graph.ts")).listSessionIds(ws().store, await project());
          case "agents": {
            const { loadRegistry } = await import("../../agent-registry.ts");
            return (await loadRegistry(ws().store, await project())).registry.agents.map((a) => a.id);
          }
          case "plugins":
            return (await import("../../plugins/lockfile.ts"))
              .readLock(ws().idseDir)
              .plugins.map((p) => p.name);
          case "remotes": {
            const w = ws();
            return (await import("../../sync/remotes.ts"))
              .listRemotes(w.idseDir, w.root, env, home)
              .map((r) => r.name);
          }
          default:
            return [];
        }
      } catch {
        return [];
      }
    },
  };
}
