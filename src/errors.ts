// One catalogue of error codes. A code is stable once released: scripts match on it, so words may change
// but codes and their exit codes may not. Messages live here, nowhere else (Rollup/ESLint style).

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

type Data = Record<string, unknown>;
interface CodeSpec {
  exit: 1 | 2 | 130;
  message: (d: Data) => string;
  hint?: (d: Data) => string;
}

const s = (v: unknown) => String(v ?? "");
/** The store an error is about: its plugin, else its kind. */
const who = (d: Data) => `"${s(d.plugin ?? d.store) || "store"}"`;

export const CATALOGUE = {
  USAGE: { exit: 2, message: (d) => s(d.reason) },
  UNKNOWN_COMMAND: {
    exit: 2,
    message: (d) => `unknown command "${s(d.command)}"`,
    hint: (d) =>
      d.suggestion
        ? `did you mean \`idse ${s(d.suggestion)}\`? (\`idse --help\` lists every command)`
        : "run `idse --help` for the list of commands",
  },
  UNKNOWN_OPTION: {
    exit: 2,
    message: (d) => `unknown option ${s(d.option)}`,
    hint: (d) =>
      `${d.suggestion ? `did you mean ${s(d.suggestion)}? ` : ""}run \`idse ${s(d.command) || ""}${d.command ? " " : ""}--help\` for its options`,
  },
  MISSING_ARGUMENT: { exit: 2, message: (d) => `missing required argument <${s(d.argument)}>` },
  INVALID_ENUM: {
    exit: 2,
    message: (d) => `invalid value "${s(d.value)}" for ${s(d.option)}`,
    hint: (d) =>
      `${d.suggestion ? `did you mean "${s(d.suggestion)}"? ` : ""}expected one of: ${(d.allowed as string[]).join(", ")}`,
  },
  INVALID_ID: {
    exit: 2,
    message: (d) => `invalid ${s(d.kind)} id ${JSON.stringify(d.id)}: ${s(d.reason)}`,
    hint: () => "ids are lowercase slugs: [a-z0-9][a-z0-9._-]{0,63}",
  },
  NO_WORKSPACE: {
    exit: 1,
    message: (d) => `no .idse workspace found in ${s(d.cwd)} or any parent directory`,
    hint: () => "run `idse init <project>` to create one",
  },
  NO_PROJECT: {
    exit: 1,
    message: () => "no project selected and more than one project exists",
    hint: (d) =>
      `run \`idse project use <name>\` (or pass --project); projects: ${(d.projects as string[]).join(", ") || "(none)"}`,
  },
  PROJECT_NOT_FOUND: {
    exit: 1,
    message: (d) => `project "${s(d.project)}" does not exist`,
    hint: (d) =>
      (d.projects as string[] | undefined)?.length
        ? `projects: ${(d.projects as string[]).join(", ")} (\`idse project list\`)`
        : "run `idse init <project>` to create one",
  },
  PROJECT_EXISTS: {
    exit: 1,
    message: (d) => `project "${s(d.project)}" already exists; nothing was changed`,
  },
  SESSION_NOT_FOUND: {
    exit: 1,
    message: (d) => `session "${s(d.session)}" does not exist in project "${s(d.project)}"`,
    hint: (d) =>
      d.suggestion
        ? `did you mean "${s(d.suggestion)}"? (\`idse sessions\` lists them)`
        : "run `idse sessions` to list them",
  },
  SESSION_EXISTS: {
    exit: 1,
    message: (d) => `session "${s(d.session)}" already exists in project "${s(d.project)}"`,
  },
  NO_CURRENT_SESSION: {
    exit: 1,
    message: (d) => `project "${s(d.project)}" has no valid current session`,
    hint: () => "run `idse session switch <id>` or `idse doctor --fix`",
  },
  CORRUPT_FILE: {
    exit: 1,
    message: (d) => `${s(d.file)} is corrupt: ${s(d.reason)}`,
    hint: () => "run `idse doctor --fix` to rebuild it from what is on disk",
  },
  INVALID_CONFIG: {
    exit: 1,
    message: (d) => `invalid value for config key "${s(d.key)}" in ${s(d.file)}: ${s(d.reason)}`,
  },
  UNKNOWN_CONFIG_KEY: {
    exit: 2,
    message: (d) => `unknown config key "${s(d.key)}"`,
    hint: (d) => `known keys: ${(d.known as string[]).join(", ")}`,
  },
  ARTIFACT_NOT_FOUND: {
    exit: 1,
    message: (d) => `no ${s(d.stage)} artifact in session "${s(d.session)}"`,
  },
  COMPLETION_GATE_FAILED: {
    exit: 1,
    message: (d) =>
      `session "${s(d.session)}" cannot be marked complete: ${s(d.reason)}; nothing was changed`,
  },
  COLLABORATOR_EXISTS: {
    exit: 1,
    message: (d) => `"${s(d.name)}" is already a collaborator of session "${s(d.session)}"`,
  },
  COLLABORATOR_NOT_FOUND: {
    exit: 1,
    message: (d) => `"${s(d.name)}" is not a collaborator of session "${s(d.session)}"`,
  },
  LOCKED: {
    exit: 1,
    message: (d) => `${s(d.file)} is locked by another idse process (pid ${s(d.pid)})`,
    hint: () => "wait for it to finish; a lock left by a dead process is taken over automatically",
  },
  INPUT_REQUIRED: {
    exit: 1,
    message: (d) => s(d.reason),
  },
  SCHEMA_NOT_FOUND: {
    exit: 1,
    message: (d) => `no schema named "${s(d.name)}"`,
    hint: (d) => `schemas: ${(d.known as string[]).join(", ")}`,
  },
  UNKNOWN_RULE: {
    exit: 2,
    message: (d) => `unknown rule "${s(d.rule)}"`,
    hint: (d) => `rules: ${(d.known as string[]).join(", ")}`,
  },
  AGENT_NOT_FOUND: {
    exit: 1,
    message: (d) => `no agent "${s(d.agent)}" in the registry of project "${s(d.project)}"`,
    hint: (d) =>
      `agents: ${(d.known as string[] | undefined)?.join(", ") || "(none)"}; see \`idse agents list\``,
  },
  AGENT_EXISTS: {
    exit: 1,
    message: (d) => `agent "${s(d.agent)}" is already registered in project "${s(d.project)}"`,
    hint: () => "change it with `idse agents set-mode|set-role|set-stages`, or remove it first",
  },
  AGENT_PROFILE_NOT_FOUND: {
    exit: 1,
    message: (d) => `session "${s(d.session)}" has no Agent Profile: ${s(d.reason)}`,
    hint: (d) =>
      `add a \`## Agent Profile\` section holding a \`\`\`yaml block to its spec.md or to the blueprint "${s(d.blueprint)}"`,
  },
  AGENT_PROFILE_YAML: {
    exit: 1,
    message: (d) => `invalid YAML in the Agent Profile (column ${s(d.column)}): ${s(d.reason)}`,
  },
  AGENT_PROFILE_INVALID: { exit: 1, message: (d) => `invalid Agent Profile: ${s(d.reason)}` },
  AGENT_PROFILE_UNKNOWN_KEYS: {
    exit: 1,
    message: (d) => {
      const keys = d.keys as string[];
      return `unknown key${keys.length === 1 ? "" : "s"} in the Agent Profile: ${keys.join(", ")}`;
    },
    hint: (d) => `allowed keys: ${(d.allowed as string[]).join(", ")}`,
  },
  AGENT_PROFILE_UNFINISHED: {
    exit: 1,
    message: (d) => `the Agent Profile is unfinished: ${s(d.field)} still holds [REQUIRES INPUT]`,
    hint: () => "fill in every value of the `## Agent Profile` yaml block",
  },
  AGENT_PROFILE_STALE: {
    exit: 1,
    message: (d) => `${s(d.file)} ${d.status === "created" ? "does not exist" : "is out of date"}`,
    hint: () => "run the same `idse compile agent-spec` command without --check, and commit the result",
  },
  INVALID_FILE: {
    exit: 1,
    message: (d) => `${s(d.file)} cannot be read: ${s(d.reason)}; nothing was changed`,
    hint: () => "fix or delete it by hand: idse never rewrites a file it cannot read",
  },
  CONFIRMATION_REQUIRED: {
    exit: 1,
    message: (d) => `\`idse ${s(d.action)}\` needs a confirmation, and there is no terminal to ask on`,
    hint: () => "read what it grants, then run it again with --yes",
  },
  CANCELLED: { exit: 130, message: (d) => `\`idse ${s(d.action)}\` was cancelled; nothing was changed` },
  PLUGIN_NOT_FOUND: {
    exit: 1,
    message: (d) => `no plugin "${s(d.plugin)}" is installed`,
    hint: (d) =>
      `installed: ${(d.installed as string[] | undefined)?.join(", ") || "(none)"}; \`idse plugin list --available\` shows the bundled ones`,
  },
  PLUGIN_CORE: {
    exit: 1,
    message: (d) => `"${s(d.plugin)}" is part of idse and always enabled; there is nothing to install`,
  },
  PLUGIN_SPEC_INVALID: { exit: 2, message: (d) => `cannot install "${s(d.spec)}": ${s(d.reason)}` },
  PLUGIN_NEAR_MISS: {
    exit: 2,
    message: (d) => `"${s(d.spec)}" is not a bundled plugin; did you mean "${s(d.suggestion)}"?`,
    hint: (d) =>
      `run \`idse plugin add ${s(d.suggestion)}\`; for the npm package "${s(d.spec)}" give a range: \`idse plugin add ${s(d.spec)}@*\``,
  },
  OUTPUT_OUTSIDE_REPO: {
    exit: 2,
    message: (d) => `${s(d.option)} ${s(d.file)} is outside the repository ${s(d.root)}`,
    hint: (d) => `give a path inside ${s(d.root)}, e.g. \`${s(d.option)} .idse/report.html\``,
  },
  FILE_NOT_FOUND: {
    exit: 1,
    message: (d) => `${s(d.option)} ${s(d.file)}: no such file`,
    hint: (d) => `check the path (relative to ${s(d.cwd)}), or pipe the text in without ${s(d.option)}`,
  },
  PLUGIN_MANIFEST_INVALID: {
    exit: 1,
    message: (d) => `invalid plugin manifest in ${s(d.file)}: ${s(d.reason)}; nothing was changed`,
    hint: () => "see docs/plugins.md for the manifest fields",
  },
  PLUGIN_API_VERSION: {
    exit: 1,
    message: (d) =>
      `plugin "${s(d.plugin)}" is written for plugin API version ${s(d.found)}; this idse supports version ${s(d.supported)}`,
    hint: () => "install a version of the plugin made for this idse, or upgrade idse",
  },
  PLUGIN_KIND: {
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" is a ${s(d.found)} plugin, not a ${s(d.expected)} plugin`,
  },
  PLUGIN_CAPABILITY: {
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" lacks the capability "${s(d.capability)}": ${s(d.reason)}`,
  },
  PLUGIN_OPTIONS_INVALID: {
    exit: 1,
    message: (d) => `invalid options for plugin "${s(d.plugin)}": ${s(d.reason)}`,
    hint: () =>
      "fix them where they are set: `--option key=value` of `idse plugin add`, `idse remote add` or `idse store migrate`, or the `options` in .idse/config.json",
  },
  PLUGIN_LOAD_FAILED: { exit: 1, message: (d) => `plugin "${s(d.plugin)}" cannot be loaded: ${s(d.reason)}` },
  PLUGIN_ERROR: {
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" failed in ${s(d.method)}: ${s(d.reason)}`,
  },
  PLUGIN_TIMEOUT: {
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" did not answer ${s(d.method)} within ${s(d.ms)} ms`,
    hint: () => "raise the limit with IDSE_PLUGIN_TIMEOUT_MS if the plugin is just slow",
  },
  PLUGIN_DISABLED: {
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" is disabled`,
    hint: (d) => `enable it with \`idse plugin enable ${s(d.plugin)}\``,
  },
  PLUGIN_INTEGRITY: {
    exit: 1,
    message: (d) => `integrity check failed for ${s(d.file)}: expected ${s(d.expected)}, got ${s(d.actual)}`,
    hint: () => "the bytes are not the ones recorded; nothing was loaded or changed",
  },
  PLUGIN_UNSAFE_ARCHIVE: {
    exit: 1,
    message: (d) => `refusing archive entry ${JSON.stringify(d.entry)}: ${s(d.reason)}; nothing was changed`,
  },
  PLUGIN_ARCHIVE_INVALID: {
    exit: 1,
    message: (d) => `${s(d.file)} is not a readable .tgz: ${s(d.reason)}; nothing was changed`,
  },
  PLUGIN_NO_REGISTRY: {
    exit: 1,
    message: (d) => `no npm registry is configured for ${s(d.package)}`,
    hint: () => "set IDSE_REGISTRY or npm_config_registry, or add `registry=<url>` to .npmrc",
  },
  PLUGIN_REGISTRY_AUTH: {
    exit: 1,
    message: (d) =>
      `the registry refused ${s(d.url)} (HTTP ${s(d.status)}): ${d.source ? `the credentials for ${s(d.key)} from ${s(d.source)} were not accepted` : `no credentials are configured for ${s(d.key)}`}; nothing was changed`,
    hint: (d) =>
      `check \`${s(d.key)}:_authToken\` (or \`:_auth\`, or \`:username\` with a base64 \`:_password\`) in ${d.source ? s(d.source) : "your .npmrc"}, or run \`npm login --registry ${s(d.registry)}\``,
  },
  PLUGIN_REGISTRY: {
    exit: 1,
    message: (d) => `the registry request to ${s(d.url)} failed: ${s(d.reason)}; nothing was changed`,
    hint: () => "retry, or use --offline to install from the cache",
  },
  PLUGIN_PACKAGE_NOT_FOUND: {
    exit: 1,
    message: (d) => `the registry ${s(d.registry)} has no package "${s(d.package)}"`,
  },
  PLUGIN_VERSION_NOT_FOUND: {
    exit: 1,
    message: (d) => `no version of ${s(d.package)} matches "${s(d.range)}"`,
    hint: (d) => `latest versions: ${(d.versions as string[] | undefined)?.join(", ") || "(none)"}`,
  },
  PLUGIN_NOT_CACHED: {
    exit: 1,
    message: (d) => `${s(d.spec)} is not in the download cache, and --offline forbids the network`,
    hint: () => "run the same command once with a network, or install a bundled plugin by name",
  },
  PLUGIN_NETWORK_DENIED: {
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" may not contact ${s(d.host)}`,
    hint: (d) =>
      `its manifest grants: ${(d.allowed as string[] | undefined)?.join(", ") || "no host"}; the configured remotes are allowed too`,
  },
  NO_REMOTE: {
    exit: 1,
    message: (d) =>
      (d.remotes as string[]).length
        ? "no remote named and no default remote"
        : "no sync remote is configured",
    hint: (d) =>
      (d.remotes as string[]).length
        ? `name one (${(d.remotes as string[]).join(", ")}), or make one the default: \`idse remote add <name> <url> --default\``
        : "run `idse remote add <name> <url-or-path>`, or set IDSE_ARTIFACT_URL",
  },
  REMOTE_NOT_FOUND: {
    exit: 1,
    message: (d) => `no remote named "${s(d.remote)}"`,
    hint: (d) =>
      `remotes: ${(d.remotes as string[] | undefined)?.join(", ") || "(none)"}; see \`idse remote list\``,
  },
  REMOTE_EXISTS: {
    exit: 1,
    message: (d) => `a remote named "${s(d.remote)}" already exists; nothing was changed`,
    hint: () => "remove it first with `idse remote remove <name>`",
  },
  REMOTE_INVALID: { exit: 2, message: (d) => `invalid remote: ${s(d.reason)}` },
  REMOTE_PLUGIN_UNAVAILABLE: {
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" needs the plugin "${s(d.plugin)}": ${s(d.reason)}`,
    hint: () =>
      "a remote is carried by a sync or store plugin: `idse plugin list --available` shows them, `idse plugin add <name>` installs one",
  },
  REMOTE_AUTH: {
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" refused the credentials: ${s(d.reason)}`,
    hint: () =>
      "set the remote's credentials in the environment (IDSE_ARTIFACT_TOKEN for Artifact Core, the store plugin's own variable otherwise) or in your credentials file (docs/sync.md); never in the repository",
  },
  REMOTE_UNREACHABLE: {
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" cannot be reached: ${s(d.reason)}`,
    hint: () =>
      "nothing was changed; check the remote's address and the network, then run the same command again",
  },
  REMOTE_ERROR: {
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" failed: ${s(d.reason)}`,
    hint: () => "nothing was changed",
  },
  // A store's own failures (STORE_ERROR_CODES in design-store.ts): a plugin store throws an Error with one
  // of these codes, and the host keeps it (src/plugins/wrap.ts). `plugin` names the store plugin.
  STORE_CONFIG: {
    exit: 1,
    message: (d) => `store ${who(d)} is not configured correctly: ${s(d.reason)}`,
    hint: () =>
      "check `store.options` in .idse/config.json and the environment variables the plugin reads (docs/stores.md)",
  },
  STORE_UNREACHABLE: {
    exit: 1,
    message: (d) => `store ${who(d)} cannot be reached: ${s(d.reason)}`,
    hint: () => "nothing was changed; check that the database or service is up and reachable, then retry",
  },
  STORE_AUTH: {
    exit: 1,
    message: (d) => `store ${who(d)} refused the credentials: ${s(d.reason)}`,
    hint: () => "check the secret in the environment variable the plugin reads (docs/stores.md)",
  },
  STORE_TLS: { exit: 1, message: (d) => `TLS with store ${who(d)} failed: ${s(d.reason)}` },
  STORE_SCHEMA_NEWER: {
    exit: 1,
    message: (d) => `store ${who(d)} was written by a newer idse: ${s(d.reason)}; nothing was changed`,
    hint: () => "upgrade idse to the version that wrote it",
  },
  STORE_CONNECTION_LOST: {
    exit: 1,
    message: (d) =>
      `the connection to store ${who(d)} dropped: ${s(d.reason)}; the change did not take effect`,
    hint: () => "run the same command again",
  },
  STORE_CORRUPT: { exit: 1, message: (d) => `store ${who(d)} holds damaged data: ${s(d.reason)}` },
  STORE_INVALID_VALUE: {
    exit: 1,
    message: (d) => `store ${who(d)} cannot keep this text: ${s(d.reason)}; nothing was written`,
  },
  STORE_FAILED: { exit: 1, message: (d) => `store ${who(d)} failed: ${s(d.reason)}` },
  // idse store … and init --store.
  STORE_IS_FILESYSTEM: {
    exit: 1,
    message: () =>
      "this repository keeps its documents on the filesystem: they already are the files under .idse/projects/",
    hint: () => "`idse store export` and `idse store import` are for plugin stores; edit the files directly",
  },
  STORE_SAME: {
    exit: 1,
    message: (d) => `the repository already uses the store ${s(d.store)}; there is nothing to migrate`,
  },
  STORE_IN_USE: {
    exit: 1,
    message: (d) =>
      `the repository keeps its projects in ${s(d.current)} (${(d.projects as string[]).join(", ")}); \`init --store ${s(d.requested)}\` would hide them`,
    hint: (d) => `move them first: \`idse store migrate --to ${s(d.requested)}\``,
  },
  STORE_VERIFY_FAILED: {
    exit: 1,
    message: (d) =>
      `${s(d.count)} document(s) in ${s(d.target)} differ from the source after the copy (first: ${s(d.key)}); the repository still uses ${s(d.source)}`,
    hint: () => "nothing was deleted from the source; run the migration again, or check the target store",
  },
  STORE_NOT_TEXT: {
    exit: 1,
    message: (d) => `${s(d.file)} is not UTF-8 text, which a store cannot keep; nothing was written`,
    hint: () => "move the file out of .idse/projects/, then run the command again",
  },
  STORE_NO_EXPORT: {
    exit: 1,
    message: (d) => `no export to import: ${s(d.file)} does not exist`,
    hint: () =>
      "run `idse store export` first; agents edit the exported files, `idse store import` takes them back",
  },
  MCP_AGENT_UNKNOWN: {
    exit: 1,
    message: (d) =>
      `${s(d.action)} refused: the MCP server does not know which agent it serves${d.agent ? ` ("${s(d.agent)}" is not in the agent registry of "${s(d.project)}")` : ""}`,
    hint: (d) =>
      `start it as \`idse mcp --agent <id>\` (agents: ${(d.known as string[] | undefined)?.join(", ") || "none"}), or run \`idse agents install-mcp\``,
  },
  MCP_MODE_DENIED: {
    exit: 1,
    message: (d) =>
      `${s(d.action)} refused: agent "${s(d.agent)}" works in planning mode and may change only the ${(d.allowed as string[]).join(", ")} documents, not ${s(d.stage)}`,
    hint: (d) =>
      `leave ${s(d.stage)} to the agent \`idse route ${s(d.stage)}\` names; only a person changes modes (\`idse agents set-mode\`)`,
  },
  IO_ERROR: { exit: 1, message: (d) => `cannot ${s(d.op)} ${s(d.file)}: ${s(d.reason)}` },
  INTERNAL: { exit: 1, message: (d) => `internal error: ${s(d.reason)}`, hint: () => "please report this" },
} satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof CATALOGUE;

export class IdseError extends Error {
  readonly code: ErrorCode;
  readonly data: Data;
  /** Extra diagnostics that explain the failure (e.g. every unmet gate condition). */
  readonly details: Diagnostic[];

  constructor(code: ErrorCode, data: Data = {}, details: Diagnostic[] = []) {
    super((CATALOGUE[code] as CodeSpec).message(data));
    this.name = "IdseError";
    this.code = code;
    this.data = data;
    this.details = details;
  }

  get exitCode(): number {
    return CATALOGUE[this.code].exit;
  }

  get hint(): string | undefined {
    return (CATALOGUE[this.code] as CodeSpec).hint?.(this.data);
  }
}

export interface Diagnostic {
  severity: "error" | "warning" | "info";
  code: string;
  message: string;
  hint?: string;
  file?: string;
  [key: string]: unknown;
}

export function toDiagnostic(err: IdseError): Diagnostic {
  const d: Diagnostic = { severity: "error", code: err.code, message: err.message };
  const hint = err.hint;
  if (hint) d.hint = hint;
  for (const [k, v] of Object.entries(err.data)) if (!(k in d)) d[k] = v;
  return d;
}
