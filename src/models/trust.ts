import * as v from "valibot";
import { d } from "./common.ts";

// Workspace trust (docs/security.md): what a repository would run, and the user's approvals of it, kept
// in the user's config directory (never in a repository), keyed by the repository's real path.

const Integrity = d(
  v.pipe(v.string(), v.regex(/^sha512-[A-Za-z0-9+/]{86}==$/, "must be a sha512 SRI string")),
  "sha512 of the plugin's file list (path and sha512 of every file), as recomputed from its folder.",
);
const Names = (text: string) => d(v.array(v.string()), text);

export const ApprovedPlugin = d(
  v.object({
    integrity: Integrity,
    env: Names("Environment variables granted to it through the host API when it was approved."),
    hosts: Names("Network hosts granted to it through the host API when it was approved."),
  }),
  "One approved plugin: these exact bytes with these grants.",
);

export const ApprovedCommand = d(
  v.object({
    command: Names("The program and its arguments, run without a shell."),
    cwd: d(v.nullable(v.string()), "Its working directory as configured, or null."),
    files: v.optional(
      d(
        v.record(v.string(), v.string()),
        "Files of the repository named on its command line (a script it runs), with their sha512.",
      ),
    ),
  }),
  "One approved MCP stdio command of a remote.",
);

export const ApprovedEndpoint = d(
  v.object({
    hosts: Names(
      "The origins (scheme, host and port) of the remote's URLs when it was approved; for the repository's .npmrc, the registry keys it set, as written.",
    ),
    files: v.optional(
      d(
        v.record(v.string(), v.string()),
        "For the repository's .npmrc: its sha512 when it was approved (a changed file is not approved).",
      ),
    ),
  }),
  "One approved endpoint: where a remote, or `plugin add` following the repository's .npmrc, may send this user's credentials.",
);

export const RepoTrust = d(
  v.object({
    approved_at: d(v.string(), "When it was last approved (ISO-8601)."),
    plugins: d(v.record(v.string(), ApprovedPlugin), "Plugin name → what was approved."),
    commands: d(v.record(v.string(), ApprovedCommand), "Remote name → its approved command."),
    endpoints: v.optional(
      d(v.record(v.string(), ApprovedEndpoint), "Remote name → the origins it was approved to reach."),
    ),
  }),
  "What the user approved in one repository.",
);
export type RepoTrust = v.InferOutput<typeof RepoTrust>;

export const TrustFile = d(
  v.object({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    repositories: d(v.record(v.string(), RepoTrust), "Repository real path → its approvals."),
  }),
  "The user's workspace-trust approvals ($XDG_CONFIG_HOME/idse/trust.json); never inside a repository.",
);
export type TrustFile = v.InferOutput<typeof TrustFile>;

export const Runnable = d(
  v.object({
    kind: d(
      v.picklist(["plugin", "command", "endpoint"]),
      "An installed plugin, a remote's MCP stdio command, the URL a remote of the repository's config would send this user's credentials and documents to, or the repository's .npmrc (name `.npmrc`), which picks the registry and credentials of `plugin add`.",
    ),
    name: d(v.string(), "The plugin's name, the remote's, or `.npmrc`."),
    version: v.optional(d(v.string(), "Plugin version.")),
    plugin_kind: v.optional(d(v.string(), "store, sync or routing.")),
    source: v.optional(d(v.string(), "Where the plugin came from: source: resolved.")),
    integrity: v.optional(Integrity),
    env: v.optional(Names("Environment variables its host API may read.")),
    hosts: v.optional(
      Names(
        "Network hosts its host API may reach; for an endpoint, the remote's URL origins; for the .npmrc, the registry keys it sets, as written.",
      ),
    ),
    command: v.optional(Names("The command and its arguments.")),
    cwd: v.optional(d(v.nullable(v.string()), "Its working directory as configured.")),
    files: v.optional(
      d(
        v.record(v.string(), v.string()),
        "Files of the repository its command line names, or the .npmrc itself (relative path → sha512): approved with it.",
      ),
    ),
    approved: d(v.boolean(), "Whether this user approved exactly this in this repository."),
  }),
  "Code this repository would run.",
);
export type Runnable = v.InferOutput<typeof Runnable>;

export const TrustOutput = d(
  v.object({
    action: d(
      v.picklist(["trusted", "unchanged", "revoked", "shown"]),
      "What happened: approved now, already approved, approval removed, or only shown (--show).",
    ),
    repository: d(v.string(), "The repository's real path (the key of the approval)."),
    trusted: d(v.boolean(), "Whether everything below is approved after the command."),
    all: d(v.boolean(), "IDSE_TRUST=all is set: every repository is trusted."),
    file: d(v.string(), "The user's trust file."),
    runs: d(
      v.array(Runnable),
      "Code from this repository that idse would run (bundled plugins need no trust).",
    ),
    message: d(v.string(), "What happened, in words."),
  }),
  "Result of `idse trust`.",
);
export type TrustOutput = v.InferOutput<typeof TrustOutput>;
