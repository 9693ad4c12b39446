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
// A list in the data, joined; a caller that left it out gets "" (a message must never throw while an
// error is being built: it would hide the error it describes).
const list = (v: unknown, sep = ", ") => (Array.isArray(v) ? v.map(s).join(sep) : s(v));
const first = (v: unknown) => (Array.isArray(v) ? s(v[0]) : s(v));
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
      `${d.suggestion ? `did you mean "${s(d.suggestion)}"? ` : ""}expected one of: ${list(d.allowed)}`,
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
      `run \`idse project use <name>\` (or pass --project); projects: ${list(d.projects) || "(none)"}`,
  },
  PROJECT_NOT_FOUND: {
    exit: 1,
    message: (d) => `project "${s(d.project)}" does not exist`,
    hint: (d) =>
      list(d.projects)
        ? `projects: ${list(d.projects)} (\`idse project list\`)`
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
    hint: () =>
      "run `idse doctor --fix`: it rebuilds the file from what is on disk, or moves it aside (naming the copy) when nothing can",
  },
  INVALID_CONFIG: {
    exit: 1,
    message: (d) => `invalid value for config key "${s(d.key)}" in ${s(d.file)}: ${s(d.reason)}`,
  },
  UNKNOWN_CONFIG_KEY: {
    exit: 2,
    message: (d) => `unknown config key "${s(d.key)}"`,
    hint: (d) => `known keys: ${list(d.known)}`,
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
    hint: (d) => `schemas: ${list(d.known)}`,
  },
  UNKNOWN_RULE: {
    exit: 2,
    message: (d) => `unknown rule "${s(d.rule)}"`,
    hint: (d) => `rules: ${list(d.known)}`,
  },
  AGENT_NOT_FOUND: {
    exit: 1,
    message: (d) => `no agent "${s(d.agent)}" in the registry of project "${s(d.project)}"`,
    hint: (d) => `agents: ${list(d.known) || "(none)"}; see \`idse agents list\``,
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
    message: (d) =>
      `unknown key${Array.isArray(d.keys) && d.keys.length === 1 ? "" : "s"} in the Agent Profile: ${list(d.keys)}`,
    hint: (d) => `allowed keys: ${list(d.allowed)}`,
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
      `installed: ${list(d.installed) || "(none)"}; \`idse plugin list --available\` shows the bundled ones`,
  },
  PLUGIN_NAME_TAKEN: {
    exit: 1,
    message: (d) =>
      `the plugin "${s(d.plugin)}" is installed from ${s(d.installed)}; ${s(d.offered)} declares the same name and would replace it; nothing was changed`,
    hint: (d) =>
      `if that is what you want, run \`idse plugin add ${s(d.spec)} --replace\`; or keep the installed one`,
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
    message: (d) =>
      `integrity check failed for ${s(d.file)}${d.problem ? ` (${s(d.problem)})` : ""}: expected ${s(d.expected)}, got ${s(d.actual)}`,
    hint: (d) =>
      d.reinstall
        ? `nothing was loaded; \`idse plugin verify ${s(d.plugin)}\` lists every difference, \`idse plugin add ${s(d.reinstall)} --yes\` reinstalls it`
        : "the bytes are not the ones recorded; nothing was loaded or changed",
  },
  PLUGIN_SYMLINK: {
    exit: 1,
    message: (d) =>
      `refusing plugin ${s(d.plugin)}: ${s(d.file)} is a symbolic link (a plugin folder holds plain files only); nothing was changed`,
    hint: () => "replace the link with a copy of the file it points to, then run the command again",
  },
  WORKSPACE_UNTRUSTED: {
    exit: 1,
    message: (d) =>
      `this repository wants to run code you have not approved here: ${s(d.what)}; nothing was run`,
    hint: () =>
      "review it with `idse trust --show`, then approve it with `idse trust` (IDSE_TRUST=all trusts every repository, for CI images)",
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
    hint: (d) => `latest versions: ${list(d.versions) || "(none)"}`,
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
      `its manifest grants: ${list(d.allowed) || "no host"}; the configured remotes are allowed too`,
  },
  NO_REMOTE: {
    exit: 1,
    message: (d) =>
      list(d.remotes) ? "no remote named and no default remote" : "no sync remote is configured",
    hint: (d) =>
      list(d.remotes)
        ? `name one (${list(d.remotes)}), or make one the default: \`idse remote add <name> <url> --default\``
        : "run `idse remote add <name> <url-or-path>`, or set IDSE_ARTIFACT_URL",
  },
  REMOTE_NOT_FOUND: {
    exit: 1,
    message: (d) => `no remote named "${s(d.remote)}"`,
    hint: (d) => `remotes: ${list(d.remotes) || "(none)"}; see \`idse remote list\``,
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
      "nothing was changed; check the remote's address and the network, then run the same command again, or name another remote (`idse remote list`)",
  },
  REMOTE_ERROR: {
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" failed: ${s(d.reason)}`,
    hint: () => "nothing was changed",
  },
  // A store's own failures (STORE_ERROR_CODES in store/contract.ts): a plugin store throws an Error with one
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
  STORE_CHANGED: {
    exit: 1,
    message: (d) =>
      `another idse process switched the store to ${s(d.store)} while this one waited for the lock; nothing was changed`,
    hint: () => "run the command again: it uses the store config.json names now (`idse store info`)",
  },
  STORE_IN_USE: {
    exit: 1,
    message: (d) =>
      `the repository keeps its projects in ${s(d.current)} (${list(d.projects)}); \`init --store ${s(d.requested)}\` would hide them`,
    hint: (d) => `move them first: \`idse store migrate --to ${s(d.requested)}\``,
  },
  STORE_VERIFY_FAILED: {
    exit: 1,
    message: (d) =>
      `${s(d.count)} document(s) in ${s(d.target)} differ from the source after the copy (first: ${s(d.key)}); the repository still uses ${s(d.source)}`,
    hint: () => "nothing was deleted from the source; run the migration again, or check the target store",
  },
  SECRET_FOUND: {
    exit: 1,
    message: (d) =>
      `${s(d.count)} possible secret(s) bound for ${s(d.target)}, first in ${s(d.file)}:${s(d.line)} (${s(d.rule)}); nothing was written`,
    hint: () =>
      "remove it from the document (a project or session named like a secret: create one under another name and move its documents); not a secret? add its fingerprint to sync.secret_allowlist in .idse/config.json",
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
      `start it as \`idse mcp --agent <id>\` (agents: ${list(d.known) || "none"}), or run \`idse agents install-mcp\``,
  },
  MCP_MODE_DENIED: {
    exit: 1,
    message: (d) =>
      `${s(d.action)} refused: agent "${s(d.agent)}" works in planning mode and may change only the ${list(d.allowed)} documents, not ${s(d.stage)}`,
    hint: (d) =>
      `leave ${s(d.stage)} to the agent \`idse route ${s(d.stage)}\` names; only a person changes modes (\`idse agents set-mode\`)`,
  },
  INVALID_ENCODING: {
    exit: 1,
    message: (d) =>
      `${s(d.file)} is not UTF-8 text: byte ${s(d.offset)} (${s(d.byte)}, line ${s(d.line)}) starts no valid character; nothing was written`,
    hint: () =>
      "save it as UTF-8 (Latin-1 text: `iconv -f latin1 -t utf-8 FILE > FILE.utf8`), then run the same command on that",
  },
  PROFILE_YAML_LIMIT: {
    exit: 1,
    message: (d) =>
      `the Agent Profile's YAML (line ${s(d.line)}) goes past a parser limit: ${s(d.reason)}; nothing was compiled`,
    hint: () =>
      "write the values out instead of expanding aliases or nesting deeply; an Agent Profile is a few flat keys",
  },
  PATH_OUTSIDE_WORKSPACE: {
    exit: 1,
    message: (d) =>
      `${s(d.file)} leads outside the repository${d.link ? `: ${s(d.link)} is a symbolic link to ${s(d.target)}` : ` (to ${s(d.resolved)})`}; nothing was read or written there`,
    hint: (d) =>
      d.link
        ? `replace ${s(d.link)} with a real file or folder inside the repository: \`rm ${s(d.link)}\` (in ${s(d.root)}) removes only the link; copy back what it pointed to if you need it, then run the command again`
        : `move it inside ${s(d.root)}, then run the command again`,
  },
  // idse import-original: the Python original's SQLite database (docs/migrating.md).
  ORIGINAL_DATABASE_FOUND: {
    exit: 1,
    message: (d) =>
      d.changed
        ? `${s(d.file)}, the Python original's database, changed after it was imported; idse reads only what was imported`
        : `${s(d.file)} is the Python original's database; idse does not read it until it is imported`,
    hint: () => "run `idse import-original --dry-run` to see what it holds, then `idse import-original`",
  },
  ORIGINAL_DATABASE_NOT_FOUND: {
    exit: 1,
    message: (d) => `no database of the Python original at ${s(d.file)}${d.reason ? `: ${s(d.reason)}` : ""}`,
  },
  ORIGINAL_DATABASE_LOCKED: {
    exit: 1,
    message: (d) => `${s(d.file)} is locked by another program (${s(d.reason)}); nothing was changed`,
    hint: () => "let the Python original finish (or close it), then run `idse import-original` again",
  },
  ORIGINAL_DATABASE_CORRUPT: {
    exit: 1,
    message: (d) =>
      `${s(d.file)} cannot be read as the original's database: ${s(d.reason)}; nothing was changed`,
    hint: () =>
      "check the file with `sqlite3 .idse/idse.db 'PRAGMA integrity_check'`, or restore it from a backup",
  },
  ORIGINAL_SCHEMA_UNSUPPORTED: {
    exit: 1,
    message: (d) =>
      `${s(d.file)} has a schema this import does not know (${list(d.problems, "; ")}); nothing was changed`,
    hint: () =>
      "with the Python original, run its `export --all-sessions` and idse reads the markdown it writes; or report the schema",
  },
  ORIGINAL_ORPHAN_ROWS: {
    exit: 1,
    message: (d) =>
      `${s(d.file)} has ${s(d.count)} row(s) that point at rows that do not exist (first: ${first(d.rows)}); nothing was changed`,
    hint: () => "repair the database (`sqlite3 .idse/idse.db 'PRAGMA foreign_key_check'`), then import again",
  },
  ORIGINAL_VALUE_UNSUPPORTED: {
    exit: 1,
    message: (d) =>
      `${s(d.file)} holds ${s(d.count)} value(s) idse cannot keep as they are (first: ${first(d.values)}); nothing was changed`,
    hint: () => "correct them with the original's own commands, then import again",
  },
  // The Product Spine (idse spine …): read from the blueprint spec, changed only by `idse spine accept`.
  SPINE_NOT_DECLARED: {
    exit: 1,
    message: (d) => `no Product Spine declared in ${s(d.file)}`,
    hint: () =>
      'add a "## Product Spine" table (Primitive | Module | Area | Layer | Milestone | System Role) to the blueprint spec, or `idse spine propose <name> --area <area> --layer <layer> --reason <why>` then `idse spine accept <name>`',
  },
  SPINE_MALFORMED: {
    exit: 1,
    message: (d) => `the Spine table is malformed at line ${s(d.line)}: ${s(d.reason)}`,
  },
  SPINE_DUPLICATE: { exit: 1, message: (d) => `the Spine declares "${s(d.primitive)}" twice` },
  SPINE_EMPTY_CELL: { exit: 1, message: (d) => `"${s(d.primitive)}" has an empty ${s(d.column)} cell` },
  SPINE_UNKNOWN_LAYER: {
    exit: 1,
    message: (d) => `"${s(d.layer)}" is not a layer of the Spine`,
    hint: (d) => `layers: ${list(d.layers) || "(none)"}`,
  },
  SPINE_INVALID_NAME: {
    exit: 2,
    message: (d) => `"${s(d.name)}" cannot be a Spine primitive: ${s(d.reason)}`,
    hint: () => "a primitive is one identifier, e.g. QuotaKeeper",
  },
  SPINE_PRIMITIVE_EXISTS: {
    exit: 1,
    message: (d) => `the Spine already declares "${s(d.name)}" (line ${s(d.line)}); nothing was changed`,
  },
  SPINE_PROPOSAL_EXISTS: {
    exit: 1,
    message: (d) => `"${s(d.name)}" is already proposed; nothing was changed`,
    hint: (d) =>
      `a person accepts or rejects it: \`idse spine accept ${s(d.name)}\` or \`idse spine reject ${s(d.name)}\``,
  },
  SPINE_PROPOSAL_NOT_FOUND: {
    exit: 1,
    message: (d) => `no open proposal for "${s(d.name)}"; nothing was changed`,
    hint: () => "`idse spine proposals` lists them; `idse spine propose <name> …` records one",
  },
  SPINE_EDIT_DENIED: {
    exit: 1,
    message: (d) =>
      `${s(d.action)} refused: it would change the Product Spine table, which only a person changes`,
    hint: () =>
      "propose the component instead: `idse spine propose <name> --area <area> --layer <layer> --reason <why>`; a person runs `idse spine accept <name>`",
  },
  // Blueprint claims (idse blueprint …), kept in the blueprint session's hash-chained ledger.
  LEDGER_TAMPERED: {
    exit: 1,
    message: (d) =>
      `${s(d.file)} was changed outside idse: its hash chain breaks at line ${s(d.line)}; nothing was written`,
    hint: () =>
      "restore the file from version control (`git checkout -- <file>`); idse appends to a ledger only while its chain holds",
  },
  CLAIM_CLASS_UNKNOWN: {
    exit: 2,
    message: (d) => `unknown claim classification "${s(d.classification)}"`,
    hint: () => "expected one of: invariant, boundary, ownership_rule, non_negotiable_constraint",
  },
  CLAIM_SOURCE_INVALID: {
    exit: 2,
    message: (d) => `invalid source "${s(d.source)}": expected session:stage (e.g. auth:spec)`,
  },
  CLAIM_SOURCE_UNKNOWN: {
    exit: 1,
    message: (d) => `source "${s(d.source)}" does not exist: ${s(d.reason)}; nothing was recorded`,
    hint: () => "`idse sessions` lists the sessions; a source is a stage document that exists",
  },
  CLAIM_SOURCE_NOT_BLUEPRINT: {
    exit: 1,
    message: (d) => `a declared claim's sources are blueprint stages; "${s(d.source)}" is not`,
    hint: () =>
      "cite __blueprint__:<stage>, or promote the claim through the evidence gate: `idse blueprint promote`",
  },
  CLAIM_EXISTS: {
    exit: 1,
    message: (d) => `an active claim already says this (claim ${s(d.claim_id)}); nothing was recorded`,
    hint: (d) =>
      `reinforce it instead: \`idse blueprint reinforce --claim-id ${s(d.claim_id)} --source <session:stage>\``,
  },
  CLAIM_NOT_FOUND: {
    exit: 1,
    message: (d) => `no claim ${s(d.claim_id)}`,
    hint: () => "`idse blueprint claims --all` lists them",
  },
  CLAIM_NOT_ACTIVE: {
    exit: 1,
    message: (d) => `claim ${s(d.claim_id)} is ${s(d.status)}, not active; nothing was recorded`,
  },
  DEMOTE_REASON_REQUIRED: { exit: 2, message: () => "a demotion needs a reason: --reason <text>" },
  SUPERSEDING_CLAIM_REQUIRED: {
    exit: 2,
    message: () => "--status superseded needs --superseding-claim-id <id>",
  },
  INSUFFICIENT_SESSION_DIVERSITY: {
    exit: 1,
    message: (d) => `the sources come from ${s(d.found)} session(s); the gate needs ${s(d.needed)}`,
  },
  INSUFFICIENT_STAGE_DIVERSITY: {
    exit: 1,
    message: (d) => `the sources come from ${s(d.found)} stage(s); the gate needs ${s(d.needed)}`,
  },
  DUPLICATE_STATEMENT: {
    exit: 1,
    message: (d) =>
      `the sources ${s(d.first)} and ${s(d.second)} are the same statement (similarity ${s(d.similarity)})`,
  },
  NOT_CONSTITUTIONAL: {
    exit: 1,
    message: (d) => `"${s(d.classification)}" is not one of the four constitutional claim classes`,
  },
  NO_FEEDBACK_EVIDENCE: {
    exit: 1,
    message: () => "no source session has a feedback document",
    hint: () => "write the sessions' feedback (`idse artifact write --stage feedback --session <id>`)",
  },
  CONTRADICTED_BY_FEEDBACK: {
    exit: 1,
    message: (d) => `the feedback of ${s(d.session)} contradicts the claim ("${s(d.marker)}")`,
  },
  INSUFFICIENT_TEMPORAL_STABILITY: {
    exit: 1,
    message: (d) => `the sources span ${s(d.days)} day(s); the gate needs ${s(d.min_days)} (--min-days)`,
  },
  BLUEPRINT_HASH_MISMATCH: {
    exit: 1,
    message: (d) => `${s(d.file)} changed since its hash was accepted (${s(d.expected)} → ${s(d.actual)})`,
    hint: () => "review the change, then `idse blueprint verify --accept`",
  },
  IO_ERROR: { exit: 1, message: (d) => `cannot ${s(d.op)} ${s(d.file)}: ${s(d.reason)}` },
  INTERNAL: { exit: 1, message: (d) => `internal error: ${s(d.reason)}`, hint: () => "please report this" },
} satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof CATALOGUE;

/**
 * The codes a sync transport (a sync plugin, or a store used as a remote) throws on purpose, as the `code`
 * of a plain Error (a plugin cannot import IdseError). The plugin host passes them through untouched
 * (plugins/wrap.ts) and the sync engine turns each into the catalogue error named by `becomes`, keeping
 * the transport's code as `transport_code` (src/sync/engine.ts, remoteError); a stale write is a conflict instead.
 */
export const TRANSPORT_CODES = {
  REMOTE_STALE: {
    becomes: "conflict",
    meaning:
      "the `code` of the error a sync transport throws when a write is refused because the remote changed (HTTP 409/412); `idse sync` reports the artifact as a conflict",
  },
  REMOTE_AUTH: { becomes: "REMOTE_AUTH", meaning: "the remote refused the credentials (HTTP 401/403)" },
  REMOTE_UNREACHABLE: {
    becomes: "REMOTE_UNREACHABLE",
    meaning: "the remote cannot be reached (connection refused, unknown host)",
  },
  REMOTE_TIMEOUT: { becomes: "REMOTE_UNREACHABLE", meaning: "the remote did not answer in time" },
  REMOTE_UNAVAILABLE: {
    becomes: "REMOTE_UNREACHABLE",
    meaning: "the remote answered that it cannot serve now (HTTP 5xx, 429)",
  },
  REMOTE_PROTOCOL: {
    becomes: "REMOTE_ERROR",
    meaning: "the remote answered off its contract (a malformed answer, a hash that does not match)",
  },
  REMOTE_ERROR: { becomes: "REMOTE_ERROR", meaning: "the remote failed in another way" },
  REMOTE_CONFIG: {
    becomes: "REMOTE_ERROR",
    meaning: "the remote's options are invalid, or a host it would contact is refused",
  },
} as const satisfies Record<string, { becomes: ErrorCode | "conflict"; meaning: string }>;

export type TransportCode = keyof typeof TRANSPORT_CODES;

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
