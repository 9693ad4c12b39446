import { code, first, list, once, s } from "./define.ts";

// Every error code: its exit code, message and hint, and (its type argument) the data a caller passes.
// A code is stable once released: scripts match on it, so words may change but codes and their exit codes
// may not. Messages live here, nowhere else (Rollup/ESLint style). A leaf: imports only ./define.ts.

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

/**
 * What a store error carries (STORE_ERROR_CODES): `reason`, the store's kind, and once the host has kept
 * it (plugins/wrap.ts) the plugin and method; plus the backend's own facts (`key`, `sqlstate`,
 * `notion_code`, …), open because each store has its own. Never a secret.
 */
export type StoreData = {
  reason: string;
  store?: string;
  plugin?: string;
  method?: string;
  [fact: string]: unknown;
};

/** Where in an Agent Profile a problem is: the document, its line and column, and the session. */
type ProfileAt = { file?: string; line?: number; column?: number; session?: string };

/** A remote's failure; a transport's error also carries where the remote is and the transport's code. */
type RemoteData = { remote: string; reason: string; location?: string; transport_code?: string };

/** `text` cut in the middle to at most `max` characters. */
const middle = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max / 2 - 1)}…${text.slice(text.length - max / 2)}`;

/** The store an error is about: its plugin, else its kind. */
const who = (d: { plugin?: unknown; store?: unknown }) => `"${s(d.plugin ?? d.store) || "store"}"`;

// The table is built on first use, not when the module loads: evaluating its entries and their functions
// was about 1.5 ms of every start of the compiled binary, paid by the commands that raise no error
// (docs/benchmarks.md, "What a command loads at start").
const table = () => ({
  USAGE: code<{ reason: string }>({ exit: 2, message: (d) => s(d.reason) }),
  UNKNOWN_COMMAND: code<{ command: string; suggestion?: string }>({
    exit: 2,
    message: (d) => `unknown command "${s(d.command)}"`,
    hint: (d) =>
      d.suggestion
        ? `did you mean \`idse ${s(d.suggestion)}\`? (\`idse --help\` lists every command)`
        : "run `idse --help` for the list of commands",
  }),
  UNKNOWN_OPTION: code<{ option: string; suggestion?: string; command?: string }>({
    exit: 2,
    message: (d) => `unknown option ${s(d.option)}`,
    hint: (d) =>
      `${d.suggestion ? `did you mean ${s(d.suggestion)}? ` : ""}run \`idse ${s(d.command) || ""}${d.command ? " " : ""}--help\` for its options`,
  }),
  MISSING_ARGUMENT: code<{ argument: string; command: string }>({
    exit: 2,
    message: (d) => `missing required argument <${s(d.argument)}>`,
  }),
  INVALID_ENUM: code<{ value: string; option: string; suggestion?: string; allowed: string[] }>({
    exit: 2,
    message: (d) => `invalid value "${s(d.value)}" for ${s(d.option)}`,
    hint: (d) =>
      `${d.suggestion ? `did you mean "${s(d.suggestion)}"? ` : ""}expected one of: ${list(d.allowed)}`,
  }),
  INVALID_ID: code<{ kind: string; id: string; reason: string }>({
    exit: 2,
    message: (d) => `invalid ${s(d.kind)} id ${JSON.stringify(d.id)}: ${s(d.reason)}`,
    hint: () => "ids are lowercase slugs: [a-z0-9][a-z0-9._-]{0,63}",
  }),
  NO_WORKSPACE: code<{ cwd: string }>({
    exit: 1,
    message: (d) => `no .idse workspace found in ${s(d.cwd)} or any parent directory`,
    hint: () => "run `idse init <project>` to create one",
  }),
  NO_PROJECT: code<{ projects: string[] }>({
    exit: 1,
    message: () => "no project selected and more than one project exists",
    hint: (d) =>
      `run \`idse project use <name>\` (or pass --project); projects: ${list(d.projects) || "(none)"}`,
  }),
  PROJECT_NOT_FOUND: code<{ project: string; projects?: string[] }>({
    exit: 1,
    message: (d) => `project "${s(d.project)}" does not exist`,
    hint: (d) =>
      list(d.projects)
        ? `projects: ${list(d.projects)} (\`idse project list\`)`
        : "run `idse init <project>` to create one",
  }),
  PROJECT_EXISTS: code<{ project: string }>({
    exit: 1,
    message: (d) => `project "${s(d.project)}" already exists; nothing was changed`,
  }),
  SESSION_NOT_FOUND: code<{ session: string; project: string; suggestion?: string }>({
    exit: 1,
    message: (d) => `session "${s(d.session)}" does not exist in project "${s(d.project)}"`,
    hint: (d) =>
      d.suggestion
        ? `did you mean "${s(d.suggestion)}"? (\`idse sessions\` lists them)`
        : "run `idse sessions` to list them",
  }),
  SESSION_EXISTS: code<{ session: string; project: string }>({
    exit: 1,
    message: (d) => `session "${s(d.session)}" already exists in project "${s(d.project)}"`,
  }),
  NO_CURRENT_SESSION: code<{ project: string }>({
    exit: 1,
    message: (d) => `project "${s(d.project)}" has no valid current session`,
    hint: () => "run `idse session switch <id>` or `idse doctor --fix`",
  }),
  CORRUPT_FILE: code<{ file: string; reason: string }>({
    exit: 1,
    message: (d) => `${s(d.file)} is corrupt: ${s(d.reason)}`,
    hint: () =>
      "run `idse doctor --fix`: it rebuilds the file from what is on disk, or moves it aside (naming the copy) when nothing can",
  }),
  INVALID_CONFIG: code<{ key: string; file: string; reason: string; unset?: string }>({
    exit: 1,
    message: (d) => `invalid value for config key "${s(d.key)}" in ${s(d.file)}: ${s(d.reason)}`,
    // A flat key of the repository's file: `config set` and `config unset` work with it in that state.
    hint: (d) =>
      d.unset
        ? `run \`idse config unset ${s(d.unset)}\` to go back to the default, or \`idse config set ${s(d.unset)} <value>\``
        : "",
  }),
  UNKNOWN_CONFIG_KEY: code<{ key: string; known: string[] }>({
    exit: 2,
    message: (d) => `unknown config key "${s(d.key)}"`,
    hint: (d) => `known keys: ${list(d.known)}`,
  }),
  ARTIFACT_NOT_FOUND: code<{ stage: string; session: string }>({
    exit: 1,
    message: (d) => `no ${s(d.stage)} artifact in session "${s(d.session)}"`,
  }),
  COMPLETION_GATE_FAILED: code<{ session: string; reason: string }>({
    exit: 1,
    message: (d) =>
      `session "${s(d.session)}" cannot be marked complete: ${s(d.reason)}; nothing was changed`,
  }),
  COLLABORATOR_EXISTS: code<{ name: string; session: string }>({
    exit: 1,
    message: (d) => `"${s(d.name)}" is already a collaborator of session "${s(d.session)}"`,
  }),
  COLLABORATOR_NOT_FOUND: code<{ name: string; session: string }>({
    exit: 1,
    message: (d) => `"${s(d.name)}" is not a collaborator of session "${s(d.session)}"`,
  }),
  LOCKED: code<{ file: string; pid: number | string; host?: string; foreign?: boolean } | StoreData>({
    exit: 1,
    // The file lock names its file and holder; a store's own lock (sqlite, postgres, Notion) names
    // neither, only its reason, which says what is locked.
    message: (d) =>
      "reason" in d
        ? `store ${who(d)} is locked: ${s(d.reason)}`
        : d.foreign
          ? `${s(d.file)} is in the way of idse's lock: it is no lock file idse wrote (a link, a folder or a device)`
          : `${s(d.file)} is locked by another idse process (pid ${s(d.pid)}${d.host ? ` on host ${s(d.host)}` : ""})`,
    // Only a lock of this host is known to be dead when its process is gone; one from another host (a
    // container, a lock committed by mistake) or a file that is no lock waits for the user.
    hint: (d) =>
      !("reason" in d) && (d.foreign || d.host)
        ? `if no idse process is working on this repository${d.host ? ` on ${s(d.host)}` : ""}, remove it: \`rm ${s(d.file)}\`, and run the command again`
        : "wait for it to finish; a lock left by a dead process on this host is taken over automatically",
  }),
  INPUT_REQUIRED: code<{ reason: string }>({
    exit: 1,
    message: (d) => s(d.reason),
  }),
  SCHEMA_NOT_FOUND: code<{ name?: string; known: string[] }>({
    exit: 1,
    message: (d) => `no schema named "${s(d.name)}"`,
    hint: (d) => `schemas: ${list(d.known)}`,
  }),
  UNKNOWN_RULE: code<{ rule: string; known: string[] }>({
    exit: 2,
    message: (d) => `unknown rule "${s(d.rule)}"`,
    hint: (d) => `rules: ${list(d.known)}`,
  }),
  AGENT_NOT_FOUND: code<{ agent: string; project: string; known: string[] }>({
    exit: 1,
    message: (d) => `no agent "${s(d.agent)}" in the registry of project "${s(d.project)}"`,
    hint: (d) => `agents: ${list(d.known) || "(none)"}; see \`idse agents list\``,
  }),
  AGENT_EXISTS: code<{ agent: string; project: string }>({
    exit: 1,
    message: (d) => `agent "${s(d.agent)}" is already registered in project "${s(d.project)}"`,
    hint: () => "change it with `idse agents set-mode|set-role|set-stages`, or remove it first",
  }),
  AGENT_PROFILE_NOT_FOUND: code<{ session: string; reason: string; blueprint: string; file: string }>({
    exit: 1,
    message: (d) => `session "${s(d.session)}" has no Agent Profile: ${s(d.reason)}`,
    hint: (d) =>
      `add a \`## Agent Profile\` section holding a \`\`\`yaml block to its spec.md or to the blueprint "${s(d.blueprint)}"`,
  }),
  AGENT_PROFILE_YAML: code<ProfileAt & { column: number; reason: string }>({
    exit: 1,
    message: (d) => `invalid YAML in the Agent Profile (column ${s(d.column)}): ${s(d.reason)}`,
  }),
  AGENT_PROFILE_INVALID: code<ProfileAt & { reason: string; field?: string }>({
    exit: 1,
    message: (d) => `invalid Agent Profile: ${s(d.reason)}`,
  }),
  AGENT_PROFILE_UNKNOWN_KEYS: code<ProfileAt & { keys: string[]; allowed: readonly string[] }>({
    exit: 1,
    message: (d) =>
      `unknown key${Array.isArray(d.keys) && d.keys.length === 1 ? "" : "s"} in the Agent Profile: ${list(d.keys)}`,
    hint: (d) => `allowed keys: ${list(d.allowed)}`,
  }),
  AGENT_PROFILE_UNFINISHED: code<ProfileAt & { field: string }>({
    exit: 1,
    message: (d) => `the Agent Profile is unfinished: ${s(d.field)} still holds [REQUIRES INPUT]`,
    hint: () => "fill in every value of the `## Agent Profile` yaml block",
  }),
  AGENT_PROFILE_STALE: code<{ file: string; status: string; session: string }>({
    exit: 1,
    message: (d) => `${s(d.file)} ${d.status === "created" ? "does not exist" : "is out of date"}`,
    hint: () => "run the same `idse compile agent-spec` command without --check, and commit the result",
  }),
  INVALID_FILE: code<{ file: string; reason: string }>({
    exit: 1,
    message: (d) => `${s(d.file)} cannot be read: ${s(d.reason)}; nothing was changed`,
    hint: () => "fix or delete it by hand: idse never rewrites a file it cannot read",
  }),
  CONFIRMATION_REQUIRED: code<{ action: string }>({
    exit: 1,
    message: (d) => `\`idse ${s(d.action)}\` needs a confirmation, and there is no terminal to ask on`,
    hint: () => "read what it grants, then run it again with --yes",
  }),
  CANCELLED: code<{ action: string }>({
    exit: 130,
    message: (d) => `\`idse ${s(d.action)}\` was cancelled; nothing was changed`,
  }),
  PLUGIN_NOT_FOUND: code<{ plugin: string; installed: string[] }>({
    exit: 1,
    message: (d) => `no plugin "${s(d.plugin)}" is installed`,
    hint: (d) =>
      `installed: ${list(d.installed) || "(none)"}; \`idse plugin list --available\` shows the bundled ones`,
  }),
  PLUGIN_NAME_TAKEN: code<{ plugin: string; installed: string; offered: string; spec: string }>({
    exit: 1,
    message: (d) =>
      `the plugin "${s(d.plugin)}" is installed from ${s(d.installed)}; ${s(d.offered)} declares the same name and would replace it; nothing was changed`,
    hint: (d) =>
      `if that is what you want, run \`idse plugin add ${s(d.spec)} --replace\` (with --yes once you have read what it grants); or keep the installed one`,
  }),
  PLUGIN_CORE: code<{ plugin: string }>({
    exit: 1,
    message: (d) => `"${s(d.plugin)}" is part of idse and always enabled; there is nothing to install`,
  }),
  PLUGIN_SPEC_INVALID: code<{ spec: string; reason: string }>({
    exit: 2,
    message: (d) => `cannot install "${s(d.spec)}": ${s(d.reason)}`,
  }),
  PLUGIN_NEAR_MISS: code<{ spec: string; suggestion: string }>({
    exit: 2,
    message: (d) => `"${s(d.spec)}" is not a bundled plugin; did you mean "${s(d.suggestion)}"?`,
    hint: (d) =>
      `run \`idse plugin add ${s(d.suggestion)}\`; for the npm package "${s(d.spec)}" give a range: \`idse plugin add ${s(d.spec)}@*\``,
  }),
  OUTPUT_OUTSIDE_REPO: code<{ option: string; file: string; root: string }>({
    exit: 2,
    message: (d) => `${s(d.option)} ${s(d.file)} is outside the repository ${s(d.root)}`,
    hint: (d) => `give a path inside ${s(d.root)}, e.g. \`${s(d.option)} .idse/report.html\``,
  }),
  FILE_NOT_FOUND: code<{ option: string; file: string; cwd: string }>({
    exit: 1,
    message: (d) => `${s(d.option)} ${s(d.file)}: no such file`,
    hint: (d) => `check the path (relative to ${s(d.cwd)}), or pipe the text in without ${s(d.option)}`,
  }),
  PLUGIN_MANIFEST_INVALID: code<{ file: string; reason: string }>({
    exit: 1,
    message: (d) => `invalid plugin manifest in ${s(d.file)}: ${s(d.reason)}; nothing was changed`,
    hint: () => "see docs/plugins.md for the manifest fields",
  }),
  PLUGIN_API_VERSION: code<{ plugin: string; found: number; supported: number }>({
    exit: 1,
    message: (d) =>
      `plugin "${s(d.plugin)}" is written for plugin API version ${s(d.found)}; this idse supports version ${s(d.supported)}`,
    hint: () => "install a version of the plugin made for this idse, or upgrade idse",
  }),
  PLUGIN_KIND: code<{ plugin: string; found: string; expected: string }>({
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" is a ${s(d.found)} plugin, not a ${s(d.expected)} plugin`,
  }),
  PLUGIN_CAPABILITY: code<{ plugin: string; capability: string; reason: string }>({
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" lacks the capability "${s(d.capability)}": ${s(d.reason)}`,
  }),
  PLUGIN_OPTIONS_INVALID: code<{ plugin: string; reason: string; options?: unknown }>({
    exit: 1,
    message: (d) => `invalid options for plugin "${s(d.plugin)}": ${s(d.reason)}`,
    hint: () =>
      "fix them where they are set: `--option key=value` of `idse plugin add`, `idse remote add` or `idse store migrate`, `--store-option` of `idse init`, or the `options` in .idse/config.json",
  }),
  PLUGIN_LOAD_FAILED: code<{ plugin: string; reason: string }>({
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" cannot be loaded: ${s(d.reason)}`,
  }),
  PLUGIN_IMPORT_REFUSED: code<{ plugin: string; file: string; specifier: string }>({
    exit: 1,
    message: (d) =>
      `plugin "${s(d.plugin)}" imports "${s(d.specifier)}" (${s(d.file)}): a plugin may import only the runtime's built-in modules and its own files, since a package would be found in the repository's node_modules, code nobody approved; nothing of it was run`,
    hint: () =>
      "bundle the plugin with its dependencies into one ESM file (`bun build src/index.ts --target=node --format=esm --outfile index.js`)",
  }),
  PLUGIN_ERROR: code<{ plugin: string; method: string; reason: string }>({
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" failed in ${s(d.method)}: ${s(d.reason)}`,
  }),
  PLUGIN_TIMEOUT: code<{ plugin: string; method: string; ms: number }>({
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" did not answer ${s(d.method)} within ${s(d.ms)} ms`,
    hint: () => "raise the limit with IDSE_PLUGIN_TIMEOUT_MS if the plugin is just slow",
  }),
  PLUGIN_DISABLED: code<{ plugin: string }>({
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" is disabled`,
    hint: (d) => `enable it with \`idse plugin enable ${s(d.plugin)}\``,
  }),
  PLUGIN_INTEGRITY: code<{
    file: string;
    problem?: string;
    expected: string;
    actual: string;
    reinstall?: string;
    plugin?: string;
  }>({
    exit: 1,
    message: (d) =>
      `integrity check failed for ${s(d.file)}${d.problem ? ` (${s(d.problem)})` : ""}: expected ${s(d.expected)}, got ${s(d.actual)}`,
    hint: (d) =>
      d.reinstall
        ? `nothing was loaded; \`idse plugin verify ${s(d.plugin)}\` lists every difference, \`idse plugin add ${s(d.reinstall)} --yes\` reinstalls it`
        : "the bytes are not the ones recorded; nothing was loaded or changed",
  }),
  PLUGIN_SYMLINK: code<{ plugin: string; file: string }>({
    exit: 1,
    message: (d) =>
      `refusing plugin ${s(d.plugin)}: ${s(d.file)} is a symbolic link (a plugin folder holds plain files only); nothing was changed`,
    hint: () => "replace the link with a copy of the file it points to, then run the command again",
  }),
  WORKSPACE_UNTRUSTED: code<{ what: string; repository: string }>({
    exit: 1,
    message: (d) =>
      `this repository wants to run code you have not approved here: ${s(d.what)}; nothing was run`,
    hint: () =>
      "review it with `idse trust --show`, then approve it with `idse trust` (IDSE_TRUST=all trusts every repository, for CI images)",
  }),
  PLUGIN_UNSAFE_ARCHIVE: code<{ entry: string; reason: string }>({
    exit: 1,
    message: (d) => `refusing archive entry ${JSON.stringify(d.entry)}: ${s(d.reason)}; nothing was changed`,
  }),
  PLUGIN_ARCHIVE_INVALID: code<{ file: string; reason: string }>({
    exit: 1,
    message: (d) => `${s(d.file)} is not a readable .tgz: ${s(d.reason)}; nothing was changed`,
  }),
  PLUGIN_NO_REGISTRY: code<{ package: string }>({
    exit: 1,
    message: (d) => `no npm registry is configured for ${s(d.package)}`,
    hint: () => "set IDSE_REGISTRY or npm_config_registry, or add `registry=<url>` to .npmrc",
  }),
  PLUGIN_REGISTRY_AUTH: code<{ url: string; status: number; source?: string; key: string; registry: string }>(
    {
      exit: 1,
      message: (d) =>
        `the registry refused ${s(d.url)} (HTTP ${s(d.status)}): ${d.source ? `the credentials for ${s(d.key)} from ${s(d.source)} were not accepted` : `no credentials are configured for ${s(d.key)}`}; nothing was changed`,
      hint: (d) =>
        `check \`${s(d.key)}:_authToken\` (or \`:_auth\`, or \`:username\` with a base64 \`:_password\`) in ${d.source ? s(d.source) : "your .npmrc"}, or run \`npm login --registry ${s(d.registry)}\``,
    },
  ),
  PLUGIN_REGISTRY: code<{ url: string; reason: string }>({
    exit: 1,
    message: (d) => `the registry request to ${s(d.url)} failed: ${s(d.reason)}; nothing was changed`,
    hint: () => "retry, or use --offline to install from the cache",
  }),
  PLUGIN_PACKAGE_NOT_FOUND: code<{ registry: string; package: string }>({
    exit: 1,
    message: (d) => `the registry ${s(d.registry)} has no package "${s(d.package)}"`,
  }),
  PLUGIN_VERSION_NOT_FOUND: code<{ package: string; range: string; versions: string[] }>({
    exit: 1,
    message: (d) => `no version of ${s(d.package)} matches "${s(d.range)}"`,
    hint: (d) => `latest versions: ${list(d.versions) || "(none)"}`,
  }),
  PLUGIN_NOT_CACHED: code<{ spec: string; registry: string }>({
    exit: 1,
    message: (d) => `${s(d.spec)} is not in the download cache, and --offline forbids the network`,
    hint: () => "run the same command once with a network, or install a bundled plugin by name",
  }),
  PLUGIN_NETWORK_DENIED: code<{ plugin: string; host: string; allowed: string[] }>({
    exit: 1,
    message: (d) => `plugin "${s(d.plugin)}" may not contact ${s(d.host)}`,
    hint: (d) =>
      `its manifest grants: ${list(d.allowed) || "no host"}; the configured remotes are allowed too`,
  }),
  NO_REMOTE: code<{ remotes?: string[] }>({
    exit: 1,
    message: (d) =>
      list(d.remotes) ? "no remote named and no default remote" : "no sync remote is configured",
    hint: (d) =>
      list(d.remotes)
        ? `name one (${list(d.remotes)}), or make one the default: \`idse remote add <name> <url> --default\``
        : "run `idse remote add <name> <url-or-path>`, or set IDSE_ARTIFACT_URL",
  }),
  REMOTE_NOT_FOUND: code<{ remote: string; remotes: string[] }>({
    exit: 1,
    message: (d) => `no remote named "${s(d.remote)}"`,
    hint: (d) => `remotes: ${list(d.remotes) || "(none)"}; see \`idse remote list\``,
  }),
  REMOTE_EXISTS: code<{ remote: string }>({
    exit: 1,
    message: (d) => `a remote named "${s(d.remote)}" already exists; nothing was changed`,
    hint: () => "remove it first with `idse remote remove <name>`",
  }),
  REMOTE_INVALID: code<{ reason: string }>({ exit: 2, message: (d) => `invalid remote: ${s(d.reason)}` }),
  REMOTE_PLUGIN_UNAVAILABLE: code<{ remote?: string; plugin: string; reason: string }>({
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" needs the plugin "${s(d.plugin)}": ${s(d.reason)}`,
    hint: () =>
      "a remote is carried by a sync or store plugin: `idse plugin list --available` shows them, `idse plugin add <name>` installs one",
  }),
  REMOTE_AUTH: code<RemoteData>({
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" refused the credentials: ${s(d.reason)}`,
    hint: () =>
      "set the remote's credentials in the environment (IDSE_ARTIFACT_TOKEN for Artifact Core, the store plugin's own variable otherwise) or in your credentials file (docs/sync.md); never in the repository",
  }),
  REMOTE_UNREACHABLE: code<RemoteData>({
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" cannot be reached: ${s(d.reason)}`,
    hint: () =>
      "nothing was changed; check the remote's address and the network, then run the same command again, or name another remote (`idse remote list`)",
  }),
  REMOTE_ERROR: code<RemoteData>({
    exit: 1,
    message: (d) => `remote "${s(d.remote)}" failed: ${s(d.reason)}`,
    hint: () => "nothing was changed",
  }),
  // A store's own failures (STORE_ERROR_CODES in store/contract.ts): a plugin store throws an Error with one
  // of these codes, and the host keeps it (src/plugins/wrap.ts). `plugin` names the store plugin.
  STORE_CONFIG: code<StoreData>({
    exit: 1,
    message: (d) => `store ${who(d)} is not configured correctly: ${s(d.reason)}`,
    hint: () =>
      "check the store's options (`init --store-option`, or `store.options` in .idse/config.json) and the environment variables the plugin reads (docs/stores.md)",
  }),
  STORE_UNREACHABLE: code<StoreData>({
    exit: 1,
    message: (d) => `store ${who(d)} cannot be reached: ${s(d.reason)}`,
    hint: () => "nothing was changed; check that the database or service is up and reachable, then retry",
  }),
  STORE_AUTH: code<StoreData>({
    exit: 1,
    message: (d) => `store ${who(d)} refused the credentials: ${s(d.reason)}`,
    hint: () => "check the secret in the environment variable the plugin reads (docs/stores.md)",
  }),
  STORE_TLS: code<StoreData>({ exit: 1, message: (d) => `TLS with store ${who(d)} failed: ${s(d.reason)}` }),
  STORE_SCHEMA_NEWER: code<StoreData>({
    exit: 1,
    message: (d) => `store ${who(d)} was written by a newer idse: ${s(d.reason)}; nothing was changed`,
    hint: () => "upgrade idse to the version that wrote it",
  }),
  STORE_CONNECTION_LOST: code<StoreData>({
    exit: 1,
    message: (d) =>
      `the connection to store ${who(d)} dropped: ${s(d.reason)}; the change did not take effect`,
    hint: () => "run the same command again",
  }),
  STORE_CORRUPT: code<StoreData>({
    exit: 1,
    message: (d) => `store ${who(d)} holds damaged data: ${s(d.reason)}`,
  }),
  STORE_INVALID_VALUE: code<StoreData>({
    exit: 1,
    message: (d) => `store ${who(d)} cannot keep this text: ${s(d.reason)}; nothing was written`,
  }),
  STORE_FAILED: code<StoreData>({ exit: 1, message: (d) => `store ${who(d)} failed: ${s(d.reason)}` }),
  // idse store … and init --store.
  STORE_IS_FILESYSTEM: code({
    exit: 1,
    message: () =>
      "this repository keeps its documents on the filesystem: they already are the files under .idse/projects/",
    hint: () => "`idse store export` and `idse store import` are for plugin stores; edit the files directly",
  }),
  STORE_SAME: code<{ store: string }>({
    exit: 1,
    message: (d) => `the repository already uses the store ${s(d.store)}; there is nothing to migrate`,
  }),
  STORE_CHANGED: code<{ store: string }>({
    exit: 1,
    message: (d) =>
      `another idse process switched the store to ${s(d.store)} while this one waited for the lock; nothing was changed`,
    hint: () => "run the command again: it uses the store config.json names now (`idse store info`)",
  }),
  STORE_IN_USE: code<{ current: string; projects: string[]; requested: string; by?: string }>({
    exit: 1,
    message: (d) =>
      `the repository keeps its projects in ${s(d.current)} (${list(d.projects)}); \`${s(d.by) || `init --store ${s(d.requested)}`}\` would hide them`,
    hint: (d) => `move them first: \`idse store migrate --to ${s(d.requested)}\``,
  }),
  STORE_VERIFY_FAILED: code<{ count: number; target: string; key?: string; keys?: string[]; source: string }>(
    {
      exit: 1,
      message: (d) =>
        `${s(d.count)} document(s) in ${s(d.target)} differ from the source after the copy (first: ${s(d.key)}); the repository still uses ${s(d.source)}`,
      hint: () => "nothing was deleted from the source; run the migration again, or check the target store",
    },
  ),
  SECRET_FOUND: code<{
    count: number;
    target: string;
    file: string;
    line: number;
    rule: string;
    masked: string;
  }>({
    exit: 1,
    message: (d) =>
      `${s(d.count)} possible secret(s) bound for ${s(d.target)}, first in ${s(d.file)}:${s(d.line)} (${s(d.rule)}); nothing was written`,
    hint: () =>
      "remove it from the document (a project or session named like a secret: create one under another name and move its documents); not a secret? add its fingerprint to sync.secret_allowlist in .idse/config.json",
  }),
  STORE_NOT_TEXT: code<{ file: string; key?: string }>({
    exit: 1,
    message: (d) => `${s(d.file)} is not UTF-8 text, which a store cannot keep; nothing was written`,
    hint: () => "move the file out of .idse/projects/, then run the command again",
  }),
  STORE_NO_EXPORT: code<{ file: string }>({
    exit: 1,
    message: (d) => `no export to import: ${s(d.file)} does not exist`,
    hint: () =>
      "run `idse store export` first; agents edit the exported files, `idse store import` takes them back",
  }),
  MCP_AGENT_UNKNOWN: code<{ action: string; agent?: string; project: string; known: string[] }>({
    exit: 1,
    message: (d) =>
      `${s(d.action)} refused: the MCP server does not know which agent it serves${d.agent ? ` ("${s(d.agent)}" is not in the agent registry of "${s(d.project)}")` : ""}`,
    hint: (d) =>
      `start it as \`idse mcp --agent <id>\` (agents: ${list(d.known) || "none"}), or run \`idse agents install-mcp\``,
  }),
  MCP_MODE_DENIED: code<{ action: string; agent: string; allowed: string[]; stage: string }>({
    exit: 1,
    message: (d) =>
      `${s(d.action)} refused: agent "${s(d.agent)}" works in planning mode and may change only the ${list(d.allowed)} documents, not ${s(d.stage)}`,
    hint: (d) =>
      `leave ${s(d.stage)} to the agent \`idse route ${s(d.stage)}\` names; only a person changes modes (\`idse agents set-mode\`)`,
  }),
  MCP_HANDOVER_DENIED: code<{
    action: string;
    agent: string;
    next: string;
    session: string;
    /** set_stage's change; absent when the call would make (or create) another session current. */
    stage?: string;
    status?: string;
  }>({
    exit: 1,
    message: (d) =>
      `${s(d.action)} refused: ${d.stage === undefined ? `making session ${s(d.session)} current` : `setting ${s(d.stage)} to ${s(d.status ?? "")}`} would put agent "${s(d.next)}" (implementation mode) in charge of ${d.stage === undefined ? "it" : `session ${s(d.session)}`}, and agent "${s(d.agent)}" works in planning mode`,
    hint: (d) =>
      `that hand-over is a person's to make: \`idse ${d.stage === undefined ? (d.action === "session_create" ? `session create ${s(d.session)}` : `session switch ${s(d.session)}`) : `session set-stage ${s(d.session)} --stage ${s(d.stage)} --status ${s(d.status ?? "")}`}\``,
  }),
  FILE_TOO_LARGE: code<{ file: string; bytes: number; max: number }>({
    exit: 1,
    message: (d) =>
      `${s(d.file)} is ${(Number(d.bytes) / 1048576).toFixed(0)} MB; idse reads files of at most ${(Number(d.max) / 1048576).toFixed(0)} MB (a design document is far smaller), so nothing was read`,
    hint: () => "keep large files outside .idse/ and link to them from the document",
  }),
  INVALID_ENCODING: code<{ file: string; offset: number; byte: string; line: number }>({
    exit: 1,
    message: (d) =>
      `${s(d.file)} is not UTF-8 text: byte ${s(d.offset)} (${s(d.byte)}, line ${s(d.line)}) starts no valid character; nothing was written`,
    hint: () =>
      "save it as UTF-8 (Latin-1 text: `iconv -f latin1 -t utf-8 FILE > FILE.utf8`), then run the same command on that",
  }),
  PROFILE_YAML_LIMIT: code<{ line: number; reason: string; file: string; column: number; session: string }>({
    exit: 1,
    message: (d) =>
      `the Agent Profile's YAML (line ${s(d.line)}) goes past a parser limit: ${s(d.reason)}; nothing was compiled`,
    hint: () =>
      "write the values out instead of expanding aliases or nesting deeply; an Agent Profile is a few flat keys",
  }),
  PATH_OUTSIDE_WORKSPACE: code<{
    file: string;
    link?: string;
    target?: string;
    resolved: string;
    root: string;
  }>({
    exit: 1,
    message: (d) =>
      `${s(d.file)} leads outside the repository${d.link ? `: ${s(d.link)} is a symbolic link to ${s(d.target)}` : ` (to ${s(d.resolved)})`}; nothing was read or written there`,
    hint: (d) =>
      d.link
        ? `replace ${s(d.link)} with a real file or folder inside the repository: \`rm ${s(d.link)}\` (in ${s(d.root)}) removes only the link; copy back what it pointed to if you need it, then run the command again`
        : `move it inside ${s(d.root)}, then run the command again`,
  }),
  // idse import-original: the Python original's SQLite database (docs/migrating.md).
  ORIGINAL_DATABASE_FOUND: code<{ changed?: boolean; file: string }>({
    exit: 1,
    message: (d) =>
      d.changed
        ? `${s(d.file)}, the Python original's database, changed after it was imported; idse reads only what was imported`
        : `${s(d.file)} is the Python original's database; idse does not read it until it is imported`,
    hint: () => "run `idse import-original --dry-run` to see what it holds, then `idse import-original`",
  }),
  ORIGINAL_DATABASE_NOT_FOUND: code<{ file: string; reason?: string }>({
    exit: 1,
    message: (d) => `no database of the Python original at ${s(d.file)}${d.reason ? `: ${s(d.reason)}` : ""}`,
    hint: () =>
      "where the original's config kept it elsewhere (`sqlite.db_path` in ~/.idseconfig.json): `idse import-original --database <file>`",
  }),
  ORIGINAL_DATABASE_LOCKED: code<{ file: string; reason: string }>({
    exit: 1,
    message: (d) => `${s(d.file)} is locked by another program (${s(d.reason)}); nothing was changed`,
    hint: () => "let the Python original finish (or close it), then run `idse import-original` again",
  }),
  ORIGINAL_DATABASE_CORRUPT: code<{ file: string; reason: string }>({
    exit: 1,
    message: (d) =>
      `${s(d.file)} cannot be read as the original's database: ${s(d.reason)}; nothing was changed`,
    hint: () =>
      "check the file with `sqlite3 .idse/idse.db 'PRAGMA integrity_check'`, or restore it from a backup",
  }),
  ORIGINAL_SCHEMA_UNSUPPORTED: code<{ file: string; problems: string[] }>({
    exit: 1,
    message: (d) =>
      `${s(d.file)} has a schema this import does not know (${list(d.problems, "; ")}); nothing was changed`,
    hint: () =>
      "with the Python original, run its `export --all-sessions` and idse reads the markdown it writes; or report the schema",
  }),
  ORIGINAL_ORPHAN_ROWS: code<{ file: string; count: number; rows: string[] }>({
    exit: 1,
    message: (d) =>
      `${s(d.file)} has ${s(d.count)} row(s) that point at rows that do not exist (first: ${first(d.rows)}); nothing was changed`,
    hint: () => "repair the database (`sqlite3 .idse/idse.db 'PRAGMA foreign_key_check'`), then import again",
  }),
  ORIGINAL_VALUE_UNSUPPORTED: code<{ file: string; count: number; values: string[] }>({
    exit: 1,
    message: (d) =>
      `${s(d.file)} holds ${s(d.count)} value(s) idse cannot keep as they are (first: ${first(d.values)}); nothing was changed`,
    hint: () => "correct them with the original's own commands, then import again",
  }),
  // The Product Spine (idse spine …): read from the blueprint spec, changed only by `idse spine accept`.
  SPINE_NOT_DECLARED: code<{ file: string }>({
    exit: 1,
    message: (d) => `no Product Spine declared in ${s(d.file)}`,
    hint: () =>
      'add a "## Product Spine" table (Primitive | Module | Area | Layer | Milestone | System Role) to the blueprint spec, or `idse spine propose <name> --area <area> --layer <layer> --reason <why>` then `idse spine accept <name>`',
  }),
  SPINE_MALFORMED: code<{ line: number | null; reason: string }>({
    exit: 1,
    message: (d) => `the Spine table is malformed at line ${s(d.line)}: ${s(d.reason)}`,
  }),
  SPINE_DUPLICATE: code<{ primitive: string }>({
    exit: 1,
    message: (d) => `the Spine declares "${s(d.primitive)}" twice`,
  }),
  SPINE_EMPTY_CELL: code<{ primitive: string; column: string }>({
    exit: 1,
    message: (d) => `"${s(d.primitive)}" has an empty ${s(d.column)} cell`,
  }),
  SPINE_UNKNOWN_LAYER: code<{ layer: string; layers?: string[] }>({
    exit: 1,
    message: (d) => `"${s(d.layer)}" is not a layer of the Spine`,
    hint: (d) => `layers: ${list(d.layers) || "(none)"}`,
  }),
  SPINE_INVALID_NAME: code<{ name?: string; reason: string }>({
    exit: 2,
    message: (d) => `"${s(d.name)}" cannot be a Spine primitive: ${s(d.reason)}`,
    hint: () => "a primitive is one identifier, e.g. QuotaKeeper",
  }),
  SPINE_PRIMITIVE_EXISTS: code<{ name: string; line: number }>({
    exit: 1,
    message: (d) => `the Spine already declares "${s(d.name)}" (line ${s(d.line)}); nothing was changed`,
  }),
  SPINE_PROPOSAL_EXISTS: code<{ name?: string }>({
    exit: 1,
    message: (d) => `"${s(d.name)}" is already proposed; nothing was changed`,
    hint: (d) =>
      `a person accepts or rejects it: \`idse spine accept ${s(d.name)}\` or \`idse spine reject ${s(d.name)}\``,
  }),
  SPINE_PROPOSAL_NOT_FOUND: code<{ name: string }>({
    exit: 1,
    message: (d) => `no open proposal for "${s(d.name)}"; nothing was changed`,
    hint: () => "`idse spine proposals` lists them; `idse spine propose <name> …` records one",
  }),
  SPINE_EDIT_DENIED: code<{ action: string }>({
    exit: 1,
    message: (d) =>
      `${s(d.action)} refused: it would change the Product Spine table, which only a person changes`,
    hint: () =>
      "propose the component instead: `idse spine propose <name> --area <area> --layer <layer> --reason <why>`; a person runs `idse spine accept <name>`",
  }),
  // Blueprint claims (idse blueprint …), kept in the blueprint session's hash-chained ledger.
  LEDGER_TAMPERED: code<{ file: string; line: number; reason: string }>({
    exit: 1,
    message: (d) =>
      `${s(d.file)} was changed outside idse: its hash chain breaks at line ${s(d.line)}; nothing was written`,
    hint: () =>
      "restore the file from version control (`git checkout -- <file>`); idse appends to a ledger only while its chain holds",
  }),
  CLAIM_CLASS_UNKNOWN: code<{ classification: string }>({
    exit: 2,
    message: (d) => `unknown claim classification "${s(d.classification)}"`,
    hint: () => "expected one of: invariant, boundary, ownership_rule, non_negotiable_constraint",
  }),
  CLAIM_SOURCE_INVALID: code<{ source: string }>({
    exit: 2,
    message: (d) => `invalid source "${s(d.source)}": expected session:stage (e.g. auth:spec)`,
  }),
  CLAIM_SOURCE_UNKNOWN: code<{ source: string; reason: string }>({
    exit: 1,
    message: (d) => `source "${s(d.source)}" does not exist: ${s(d.reason)}; nothing was recorded`,
    hint: () => "`idse sessions` lists the sessions; a source is a stage document that exists",
  }),
  CLAIM_SOURCE_NOT_BLUEPRINT: code<{ source: string }>({
    exit: 1,
    message: (d) => `a declared claim's sources are blueprint stages; "${s(d.source)}" is not`,
    hint: () =>
      "cite __blueprint__:<stage>, or promote the claim through the evidence gate: `idse blueprint promote`",
  }),
  CLAIM_EXISTS: code<{ claim_id: number }>({
    exit: 1,
    message: (d) => `an active claim already says this (claim ${s(d.claim_id)}); nothing was recorded`,
    hint: (d) =>
      `reinforce it instead: \`idse blueprint reinforce --claim-id ${s(d.claim_id)} --source <session:stage>\``,
  }),
  CLAIM_NOT_FOUND: code<{ claim_id: number }>({
    exit: 1,
    message: (d) => `no claim ${s(d.claim_id)}`,
    hint: () => "`idse blueprint claims --all` lists them",
  }),
  CLAIM_NOT_ACTIVE: code<{ claim_id: number; status: string }>({
    exit: 1,
    message: (d) => `claim ${s(d.claim_id)} is ${s(d.status)}, not active; nothing was recorded`,
  }),
  DEMOTE_REASON_REQUIRED: code({ exit: 2, message: () => "a demotion needs a reason: --reason <text>" }),
  SUPERSEDING_CLAIM_REQUIRED: code({
    exit: 2,
    message: () => "--status superseded needs --superseding-claim-id <id>",
  }),
  INSUFFICIENT_SESSION_DIVERSITY: code<{ found: number; needed: number }>({
    exit: 1,
    message: (d) => `the sources come from ${s(d.found)} session(s); the gate needs ${s(d.needed)}`,
  }),
  INSUFFICIENT_STAGE_DIVERSITY: code<{ found: number; needed: number }>({
    exit: 1,
    message: (d) => `the sources come from ${s(d.found)} stage(s); the gate needs ${s(d.needed)}`,
  }),
  DUPLICATE_STATEMENT: code<{ first: string; second: string; similarity: number }>({
    exit: 1,
    message: (d) =>
      `the sources ${s(d.first)} and ${s(d.second)} are the same statement (similarity ${s(d.similarity)})`,
  }),
  NOT_CONSTITUTIONAL: code<{ classification: string }>({
    exit: 1,
    message: (d) => `"${s(d.classification)}" is not one of the four constitutional claim classes`,
  }),
  NO_FEEDBACK_EVIDENCE: code({
    exit: 1,
    message: () => "no source session has a feedback document",
    hint: () => "write the sessions' feedback (`idse artifact write --stage feedback --session <id>`)",
  }),
  CONTRADICTED_BY_FEEDBACK: code<{ session: string; marker: string }>({
    exit: 1,
    message: (d) => `the feedback of ${s(d.session)} contradicts the claim ("${s(d.marker)}")`,
  }),
  INSUFFICIENT_TEMPORAL_STABILITY: code<{ days: number; min_days: number }>({
    exit: 1,
    message: (d) => `the sources span ${s(d.days)} day(s); the gate needs ${s(d.min_days)} (--min-days)`,
  }),
  BLUEPRINT_HASH_MISMATCH: code<{ file: string; expected: string; actual: string }>({
    exit: 1,
    message: (d) => `${s(d.file)} changed since its hash was accepted (${s(d.expected)} → ${s(d.actual)})`,
    hint: () => "review the change, then `idse blueprint verify --accept`",
  }),
  MCP_MESSAGE_TOO_LARGE: code<{ max_mb: number }>({
    exit: 1,
    message: (d) =>
      `the MCP client sent a message over ${s(d.max_mb)} MB; the server answered it with an error and stopped`,
    hint: () => "write a large document in parts, or with `idse artifact write --file` outside the IDE",
  }),
  META_STALE: code<{ file: string }>({
    exit: 1,
    message: (d) => `${s(d.file)} does not show the sessions as they are`,
    hint: () => "`idse doctor --fix` regenerates it (its narrative and your own sections are kept)",
  }),
  IO_ERROR: code<{ op: string; file: string; reason?: string }>({
    exit: 1,
    // A path thousands of characters long (a folder 2,500 levels deep) is shortened in the message; the
    // diagnostic's `file` keeps it whole.
    message: (d) => `cannot ${s(d.op)} ${middle(s(d.file), 160)}: ${s(d.reason)}`,
  }),
  INTERNAL: code<{ reason: string }>({
    exit: 1,
    message: (d) => `internal error: ${s(d.reason)}`,
    hint: () => "please report this",
  }),
});

/** The type of the table: each code's declaration with its data type. */
export type ErrorCodes = ReturnType<typeof table>;

/** Every error code's exit code, message and hint (built on the first call). */
export const errorCodes = once(table);

export type ErrorCode = keyof ErrorCodes;

/**
 * The codes a store's methods throw, as the `code` of a StoreError (store/contract.ts). Plugin stores
 * cannot import idse's errors at run time (they import only types), so they throw a plain Error carrying
 * one of these; the host keeps it as this catalogue's error, exit code 1. Never a secret in the data.
 */
export const STORE_ERROR_CODES = [
  /** Options or environment missing or invalid (e.g. the connection-string variable is unset). */
  "STORE_CONFIG",
  /** Cannot connect or open: connection refused, unknown host, timeout, a file that cannot be opened. */
  "STORE_UNREACHABLE",
  /** The server refused the credentials or the role lacks a privilege. */
  "STORE_AUTH",
  /** TLS negotiation or certificate verification failed. */
  "STORE_TLS",
  /** The store's schema was written by a newer idse; nothing was changed. */
  "STORE_SCHEMA_NEWER",
  /** The connection dropped during the operation, which did not take effect (its transaction rolled back). */
  "STORE_CONNECTION_LOST",
  /** The data is damaged or is not an idse store (e.g. a file that is not a database). */
  "STORE_CORRUPT",
  /** This store cannot hold the value (e.g. U+0000 in PostgreSQL text); nothing was written. */
  "STORE_INVALID_VALUE",
  /** Any other failure of the backend; `data.reason` says what. */
  "STORE_FAILED",
  /** `lock()` timed out (the same code the filesystem store's lock file uses). */
  "LOCKED",
] as const satisfies readonly ErrorCode[];

export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];
