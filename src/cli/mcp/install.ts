import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { IdseError } from "../../errors.ts";
import { setJsonValue } from "../../json-edit.ts";
import { readTextIfExists, writeFileAtomic } from "../../store/atomic-file.ts";

// `idse agents install-mcp`: each IDE's project MCP file gets an `idse` server, in the format its own
// documentation gives, merged with what the file holds (other servers and keys are kept), rewritten only
// when something changed, atomically. The command is `idse`, looked up on PATH by the IDE: the files are
// meant to be committed, so no machine's absolute path goes in them. The agent is named by IDE
// (`--agent cursor`), which the server maps to that IDE's agent in the registry (src/cli/mcp/policy.ts).
//   Claude Code  .mcp.json               {"mcpServers": {name: {type: "stdio", command, args}}}
//   Cursor       .cursor/mcp.json        {"mcpServers": {name: {command, args}}}
//   Codex        .codex/config.toml      [mcp_servers.name] command = …, args = [...]  (trusted projects only;
//                                        ~/.codex/config.toml is the user's and is never written)
//   Copilot      .vscode/mcp.json        {"servers": {name: {type: "stdio", command, args}}}
//   Gemini CLI   .gemini/settings.json   {"mcpServers": {name: {command, args}}}, beside its other settings

export const IDES = ["claude-code", "cursor", "codex", "copilot", "gemini"] as const;
export type Ide = (typeof IDES)[number];

export const SERVER_NAME = "idse";
export const COMMAND = "idse";

interface Target {
  file: string;
  format: string;
  /** JSON files: the object holding the servers, and the entry's extra keys. */
  key?: "mcpServers" | "servers";
  stdioType?: boolean;
}

export const IDE_TARGETS: Record<Ide, Target> = {
  "claude-code": {
    file: ".mcp.json",
    format: '`mcpServers.idse` = `{type: "stdio", command, args}`',
    key: "mcpServers",
    stdioType: true,
  },
  cursor: { file: ".cursor/mcp.json", format: "`mcpServers.idse` = `{command, args}`", key: "mcpServers" },
  codex: { file: ".codex/config.toml", format: "TOML table `[mcp_servers.idse]` with `command` and `args`" },
  copilot: {
    file: ".vscode/mcp.json",
    format: '`servers.idse` = `{type: "stdio", command, args}`',
    key: "servers",
    stdioType: true,
  },
  gemini: {
    file: ".gemini/settings.json",
    format: "`mcpServers.idse` = `{command, args}`, other settings kept",
    key: "mcpServers",
  },
};

export interface InstalledFile {
  ide: Ide;
  path: string;
  action: "created" | "updated" | "unchanged";
}

export const argsFor = (ide: Ide) => ["mcp", "--agent", ide];

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);

function mergeJson(root: string, path: string, rel: string, t: Target, ide: Ide): string | undefined {
  const before = readTextIfExists(path, root);
  let doc: Json = {};
  if (before !== undefined && before.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(before);
      if (!isObject(parsed)) throw new Error("the top level is not an object");
      doc = parsed;
    } catch (err) {
      throw new IdseError("INVALID_FILE", { file: rel, reason: (err as Error).message });
    }
  }
  const servers = doc[t.key!] ?? {};
  if (!isObject(servers))
    throw new IdseError("INVALID_FILE", { file: rel, reason: `"${t.key}" is not an object` });
  const entry = { ...(t.stdioType ? { type: "stdio" } : {}), command: COMMAND, args: argsFor(ide) };
  const current = servers[SERVER_NAME];
  // Keys a user added to our entry (env, disabled, …) are kept; ours are set.
  const next = { ...(isObject(current) ? current : {}), ...entry };
  if (JSON.stringify(current) === JSON.stringify(next)) return undefined;
  // Only idse's entry is rewritten; every other byte of the user's file stays (src/json-edit.ts).
  return setJsonValue(before ?? "", [t.key!, SERVER_NAME], next, rel);
}

// TOML written by hand for one table: no TOML library is bundled for this single use. The table is found
// by its header and replaced up to the next header that is not one of its own sub-tables; anything else
// in the file is kept byte for byte.
const HEADER = /^\s*\[\s*mcp_servers\s*\.\s*(?:idse|"idse")\s*\]\s*(?:#.*)?$/;
const ANY_HEADER = /^\s*\[/;
const SUB_HEADER = /^\s*\[\s*mcp_servers\s*\.\s*(?:idse|"idse")\s*\./;

function mergeToml(root: string, path: string, ide: Ide): string | undefined {
  const before = readTextIfExists(path, root) ?? "";
  const table = [
    `[mcp_servers.${SERVER_NAME}]`,
    `command = "${COMMAND}"`,
    `args = [${argsFor(ide)
      .map((a) => `"${a}"`)
      .join(", ")}]`,
  ];
  const lines = before.split("\n");
  const start = lines.findIndex((l) => HEADER.test(l));
  if (start === -1) {
    const sep = before === "" ? "" : before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    return `${before}${sep}${table.join("\n")}\n`;
  }
  let end = start + 1;
  while (end < lines.length && !(ANY_HEADER.test(lines[end]!) && !SUB_HEADER.test(lines[end]!))) end++;
  const body = lines.slice(start + 1, end);
  // Our two keys are set; other keys of the table (env, enabled, timeouts) are kept.
  const kept = body.filter((l) => !/^\s*(command|args)\s*=/.test(l));
  const trailing: string[] = [];
  while (kept.length && kept.at(-1)!.trim() === "") trailing.unshift(kept.pop()!);
  const replaced = [table[0]!, table[1]!, table[2]!, ...kept, ...trailing];
  const after = [...lines.slice(0, start), ...replaced, ...lines.slice(end)].join("\n");
  return after === before ? undefined : after;
}

/** Writes the idse server into each IDE's file under `root`. */
export function installMcp(root: string, ides: readonly Ide[]): InstalledFile[] {
  return ides.map((ide) => {
    const t = IDE_TARGETS[ide];
    const path = join(root, t.file);
    const existed = existsSync(path);
    // Read and written bounded by the repository (src/store/path-guard.ts): a committed `.mcp.json` or
    // `.cursor/` that is a symlink leading out is refused, not merged into.
    const text = t.key ? mergeJson(root, path, t.file, t, ide) : mergeToml(root, path, ide);
    if (text === undefined && existed) return { ide, path: t.file, action: "unchanged" };
    writeFileAtomic(path, text ?? "", root);
    return { ide, path: t.file, action: existed ? "updated" : "created" };
  });
}

/** Whether an `idse` executable is on PATH, where the IDEs will look for it. */
export function idseOnPath(env: Record<string, string | undefined>): boolean {
  return (env.PATH ?? "")
    .split(delimiter)
    .some((dir) =>
      (process.platform === "win32" ? [".exe", ".cmd", ""] : [""]).some(
        (ext) => dir !== "" && existsSync(join(dir, `${COMMAND}${ext}`)),
      ),
    );
}
