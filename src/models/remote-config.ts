import * as v from "valibot";
import { d } from "./common.ts";

// The sync settings the repository config holds: its remotes and the secret guard's allowlist. Apart
// from the rest of sync's shapes (sync.ts, which re-exports these) because config.ts validates them on
// every command's start, and sync's state files and outputs are 2 ms of schemas only sync commands use.

/** Also part of a file name (`sync/<remote>.json`), so a plain slug. */
export const RemoteName = d(
  v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "must be a lowercase slug ([a-z0-9_-], ≤ 32)")),
  "Remote name: a lowercase slug, also the name of its sync-state file.",
);

/**
 * One remote in `.idse/config.json` under `remotes.<name>`. Never holds a credential: tokens come from
 * the environment or the user's credentials file (a key that looks like one is refused on load).
 */
export const RemoteConfig = d(
  v.looseObject({
    plugin: d(v.pipe(v.string(), v.minLength(1)), "Sync plugin or store: artifact-core, filesystem, …"),
    url: v.optional(d(v.string(), "http(s) base URL (artifact-core).")),
    path: v.optional(
      d(v.string(), "Directory of a filesystem remote, relative to the repository root or absolute."),
    ),
    default: v.optional(d(v.boolean(), "The remote `idse sync` uses when none is named.")),
    transport: v.optional(
      d(
        v.string(),
        "artifact-core: http (REST, the default), mcp (MCP over Streamable HTTP at `url`) or mcp-stdio; the plugin checks it.",
      ),
    ),
    command: v.optional(
      d(
        v.array(v.string()),
        "artifact-core with transport mcp-stdio: the MCP server's argv, run without a shell.",
      ),
    ),
    cwd: v.optional(
      d(
        v.string(),
        "artifact-core with transport mcp-stdio: its working directory, relative to the repository.",
      ),
    ),
    tools: v.optional(
      d(
        v.looseObject({
          list: v.optional(d(v.string(), "The tool that lists documents with their hashes.")),
          get: v.optional(d(v.string(), "The tool that reads one document.")),
          put: v.optional(d(v.string(), "The tool that writes one document, conditionally.")),
          remove: v.optional(d(v.string(), "The tool that deletes one document, conditionally.")),
        }),
        "artifact-core over MCP: the server's names of the four tools (default list_documents, get_document, put_document, delete_document).",
      ),
    ),
    options: v.optional(
      d(
        v.record(v.string(), v.unknown()),
        "The plugin's options (`remote add --option key=value`), validated by the plugin's own model.",
      ),
    ),
    concurrency: v.optional(
      d(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(64)), "Parallel requests (default 8)."),
    ),
    timeout_ms: v.optional(
      d(v.pipe(v.number(), v.integer(), v.minValue(1)), "Per-request timeout in ms (default 30000)."),
    ),
    retries: v.optional(
      d(
        v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10)),
        "Retries of a failed request (default 4).",
      ),
    ),
    retry_base_ms: v.optional(
      d(v.pipe(v.number(), v.integer(), v.minValue(0)), "First backoff delay in ms (default 250)."),
    ),
  }),
  "A sync remote: which plugin carries it and where it is.",
);
export type RemoteConfig = v.InferOutput<typeof RemoteConfig>;

export const SecretAllowEntry = d(
  v.object({
    fingerprint: d(v.pipe(v.string(), v.regex(/^[a-z0-9-]+:[0-9a-f]{16}$/)), "Fingerprint of a finding."),
    note: v.optional(d(v.string(), "Why this is not a secret.")),
  }),
  "A finding the secret guard lets through on purpose.",
);

export const SyncConfig = d(
  v.looseObject({
    secret_allowlist: v.optional(
      d(v.array(SecretAllowEntry), "Findings of the secret guard that may be pushed anyway."),
    ),
  }),
  "Sync settings.",
);
