import * as v from "valibot";
import { d } from "./common.ts";

// Shapes of the plugin system: a plugin's manifest (package.json `idse` key or manifest.json), the
// repository's `.idse/plugins.json`, and what `idse plugin …` prints. src/plugins/api.ts declares the same
// manifest for plugin authors; a type test keeps the two in step.

export const PLUGIN_KINDS = ["store", "sync", "routing"] as const;
export const PLUGIN_SOURCES = ["builtin", "path", "tarball", "registry"] as const;

/** Also the folder name under .idse/plugins/, so it is a plain slug. */
export const PluginName = d(
  v.pipe(
    v.string(),
    v.regex(/^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$|^[a-z0-9]$/, "must be a lowercase slug ([a-z0-9-])"),
  ),
  "Plugin name: a lowercase slug, also its folder under .idse/plugins/.",
);
export const Integrity = d(
  v.pipe(v.string(), v.regex(/^sha512-[A-Za-z0-9+/]{86}==$/, "must be a sha512 SRI string")),
  "Subresource Integrity string: sha512- and the base64 digest, as npm writes it.",
);
/** A path inside a plugin folder: relative, forward slashes, never leaving the folder. */
export const RelPath = d(
  v.pipe(
    v.string(),
    // Not absolute (/, C:), no `..` segment, no backslash; a regex, so the JSON Schema has it too.
    v.regex(
      /^(?![a-zA-Z]:)(?!\/)(?!(?:.*\/)?\.\.(?:\/|$))[^\\]+$/,
      "must be a relative path inside the plugin folder",
    ),
  ),
  "Path relative to the plugin folder, with forward slashes.",
);
const Kind = d(
  v.picklist(PLUGIN_KINDS),
  "store (a DesignStore), sync (a transport) or routing (an IDE adapter).",
);
const EnvName = d(v.pipe(v.string(), v.regex(/^[A-Z_][A-Z0-9_]*$/)), "Environment variable name.");
const HostPattern = d(
  v.pipe(
    v.string(),
    v.regex(/^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/, "must be a host name, *.domain or host:port"),
  ),
  "A network host: exact name, `*.` and a domain for its subdomains, optionally `:port`.",
);
const Capabilities = d(v.array(v.pipe(v.string(), v.minLength(1))), "What the plugin can do.");

export const PluginManifest = d(
  v.object({
    name: PluginName,
    kind: Kind,
    // semver.org's own pattern: `plugin update` compares versions, and a range resolves only semver.
    version: d(
      v.pipe(
        v.string(),
        v.regex(
          /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/,
          "must be a semver version, such as 1.2.3",
        ),
      ),
      "Plugin version (semver).",
    ),
    apiVersion: d(v.pipe(v.number(), v.integer()), "Plugin API version it was written for."),
    entry: d(RelPath, "The ESM file whose default export is the factory, every dependency bundled in."),
    description: v.optional(d(v.string(), "One line about the plugin.")),
    capabilities: Capabilities,
    env: v.optional(
      d(
        v.array(EnvName),
        "Environment variables host.env() returns to the plugin (its own process.env is not limited).",
      ),
    ),
    hosts: v.optional(d(v.array(HostPattern), "Network hosts the plugin may contact through host.fetch.")),
  }),
  "A plugin's manifest: manifest.json, or the `idse` key of its package.json.",
);
export type PluginManifest = v.InferOutput<typeof PluginManifest>;

export const PluginLockEntry = d(
  v.object({
    name: PluginName,
    version: d(v.string(), "Installed version."),
    kind: Kind,
    source: d(v.picklist(PLUGIN_SOURCES), "Where the bytes came from."),
    resolved: d(
      v.string(),
      "builtin:<name>, the path or tarball as given (relative to the repository root when inside it), or the tarball URL.",
    ),
    integrity: d(
      Integrity,
      "sha512 of the tarball (tarball, registry: npm's dist.integrity), or of the installed file list (builtin, path).",
    ),
    entry: d(RelPath, "Entry file inside .idse/plugins/<name>/."),
    enabled: d(v.boolean(), "Disabled plugins stay installed but are never loaded."),
    options: d(v.record(v.string(), v.unknown()), "Options passed to the plugin, checked by its own model."),
    api_version: d(v.pipe(v.number(), v.integer()), "Plugin API version of the manifest."),
    capabilities: Capabilities,
    env: d(
      v.array(EnvName),
      "Environment variables host.env() returns to it (granted at install; its own process.env is not limited).",
    ),
    hosts: d(
      v.array(HostPattern),
      "Network hosts host.fetch may reach for it (granted at install; its own fetch is not limited).",
    ),
    package: v.optional(d(v.string(), "npm package name, for registry installs.")),
    files_integrity: v.optional(
      d(
        Integrity,
        "sha512 of the sorted `path sri` lines of `files` (the same as `integrity` for builtin and path installs); checked before every load.",
      ),
    ),
    files: d(
      v.record(RelPath, Integrity),
      "Every installed file with its sha512; `idse plugin verify` re-hashes them.",
    ),
  }),
  "One installed plugin.",
);
export type PluginLockEntry = v.InferOutput<typeof PluginLockEntry>;

export const PluginsFile = d(
  v.object({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    plugins: d(v.array(PluginLockEntry), "Installed plugins, sorted by name."),
  }),
  "The repository's plugins (.idse/plugins.json): what every clone and CI run loads, and from which bytes.",
);
export type PluginsFile = v.InferOutput<typeof PluginsFile>;

/** A plugin idse can install without a network: bundled in this binary. */
export const AvailablePlugin = d(
  v.object({
    name: PluginName,
    kind: Kind,
    version: d(v.string(), "Bundled version."),
    description: d(v.string(), "One line about it."),
    core: d(v.boolean(), "Part of idse and always enabled (nothing to install)."),
    installed: d(v.nullable(v.string()), "The installed version, or null."),
  }),
  "A plugin bundled in this build.",
);

export const PluginListOutput = d(
  v.object({
    plugins: d(v.array(PluginLockEntry), "Installed plugins, from .idse/plugins.json."),
    available: v.optional(d(v.array(AvailablePlugin), "With --available: the plugins this build bundles.")),
  }),
  "Result of `idse plugin list`.",
);

const Grants = d(
  v.object({
    capabilities: Capabilities,
    hosts: d(v.array(v.string()), "Network hosts it may contact."),
    env: d(v.array(v.string()), "Environment variables it may read."),
  }),
  "What installing the plugin grants it.",
);

export const PluginAddOutput = d(
  v.object({
    action: d(v.picklist(["added", "updated", "unchanged"]), "What happened."),
    plugin: PluginLockEntry,
    previous: d(v.nullable(v.string()), "The version it replaced, or null."),
    grants: Grants,
    message: d(v.string(), "What happened, in words."),
  }),
  "Result of `idse plugin add`.",
);

export const PluginChangeOutput = d(
  v.object({
    action: d(v.picklist(["removed", "enabled", "disabled", "unchanged"]), "What happened."),
    plugin: PluginLockEntry,
    message: d(v.string(), "What happened, in words."),
  }),
  "Result of `idse plugin remove|enable|disable`.",
);

export const PluginInfoOutput = d(
  v.object({
    name: d(v.string(), "The name asked about."),
    installed: d(v.nullable(PluginLockEntry), "The installed plugin, or null."),
    bundled: d(v.nullable(AvailablePlugin), "The version this build bundles, or null."),
    description: d(v.nullable(v.string()), "From the manifest."),
  }),
  "Result of `idse plugin info`.",
);

const Problem = d(
  v.object({
    file: d(v.string(), "File inside the plugin folder (or the folder itself, or plugins.json)."),
    problem: d(
      v.picklist(["modified", "missing", "unexpected", "symlink", "integrity"]),
      "What is wrong with it: a file's bytes, a missing or extra file, a symbolic link, or a package integrity that does not match the file list (or, for a bundled plugin, this binary's copy).",
    ),
    expected: v.optional(d(v.string(), "Integrity recorded in .idse/plugins.json.")),
    actual: v.optional(d(v.string(), "Integrity of the file on disk.")),
  }),
  "A difference between the installed files and .idse/plugins.json.",
);

export const PluginVerifyOutput = d(
  v.object({
    ok: d(v.boolean(), "True when every installed file matches the lockfile."),
    plugins: d(
      v.array(
        d(
          v.object({
            name: PluginName,
            ok: d(v.boolean(), "Whether its files match."),
            files: d(v.pipe(v.number(), v.integer()), "Files checked."),
            problems: d(v.array(Problem), "Differences found."),
          }),
          "One plugin's check.",
        ),
      ),
      "Every installed plugin.",
    ),
  }),
  "Result of `idse plugin verify`.",
);

export type AvailablePlugin = v.InferOutput<typeof AvailablePlugin>;
export type PluginListOutput = v.InferOutput<typeof PluginListOutput>;
export type PluginAddOutput = v.InferOutput<typeof PluginAddOutput>;
export type PluginChangeOutput = v.InferOutput<typeof PluginChangeOutput>;
export type PluginInfoOutput = v.InferOutput<typeof PluginInfoOutput>;
export type PluginVerifyOutput = v.InferOutput<typeof PluginVerifyOutput>;
export type VerifyProblem = v.InferOutput<typeof Problem>;
