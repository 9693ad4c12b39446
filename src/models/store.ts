import * as v from "valibot";
import { d, Timestamp } from "./common.ts";
import { CONFIG_SOURCES } from "./config.ts";

// `idse store …`: the outputs of info, migrate, export and import, and the export manifest
// (.idse/store-export.json) that lets `store import` tell an agent's edit from a stale file.

const StoreName = d(v.string(), 'Store: "filesystem" or the name of a store plugin.');
const Key = d(v.string(), "A DesignStore key: a path relative to .idse/ (projects/<project>/…).");
const Sha256 = d(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)), "sha256 of the UTF-8 text, lowercase hex.");
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

const CountOf = d(Count, "How many rows have this value.");
const countsOf = <const T extends readonly string[]>(names: T) =>
  v.object(Object.fromEntries(names.map((n) => [n, CountOf])) as Record<T[number], typeof CountOf>);
const Location = d(
  v.string(),
  "Where the store keeps the documents (a directory, a file, a URL without secrets).",
);

export const OPTIONAL_STORE_METHODS = ["listTree", "hash", "writeMany", "lock", "dispose"] as const;

export const StoreInfoOutput = d(
  v.object({
    plugin: StoreName,
    source: d(v.picklist(CONFIG_SOURCES), "Where `store.plugin` came from (default, repo, env, flag)."),
    kind: d(v.string(), "The store's own kind (filesystem, sqlite, postgres, notion, …)."),
    location: d(v.string(), "Where it keeps the documents (a directory, a file, a URL without secrets)."),
    version: d(v.nullable(v.string()), "The installed plugin's version; null for the filesystem."),
    options: d(v.record(v.string(), v.unknown()), "`store.options` from .idse/config.json."),
    capabilities: d(
      v.array(v.picklist(OPTIONAL_STORE_METHODS)),
      "The optional methods the store's driver implements itself; the store core supplies the others.",
    ),
    projects: d(v.array(v.string()), "The projects it holds."),
    export: d(
      v.nullable(
        v.object({
          dir: d(v.string(), "Where the files were written, relative to the repository root."),
          exported_at: Timestamp,
          files: d(Count, "Files recorded in the manifest."),
        }),
      ),
      "The last `idse store export` (.idse/store-export.json), or null.",
    ),
  }),
  "Result of `idse store info`.",
);

const CATEGORY_COUNTS = {
  artifacts: d(Count, "Stage documents (intent.md … feedback.md)."),
  metadata: d(Count, "Session metadata (metadata/session.json, .owner, stage_state.json, meta.md, …)."),
  state: d(Count, "Project state (CURRENT_SESSION, session_state.json, agent_registry.json, sync state, …)."),
  other: d(Count, "Anything else under .idse/projects/."),
};

export const StoreMigrateOutput = d(
  v.object({
    dry_run: d(v.boolean(), "True when nothing was changed (--dry-run)."),
    from: d(v.object({ plugin: StoreName, location: Location }), "The source store (left as it was)."),
    to: d(
      v.object({
        plugin: StoreName,
        location: d(v.nullable(v.string()), "The target's location; null for a dry run (not opened)."),
        options: d(v.record(v.string(), v.unknown()), "Its options (--option), recorded in the config."),
      }),
      "The target store.",
    ),
    installed: d(v.boolean(), "Whether the bundled plugin was (or, dry run, would be) installed first."),
    keys: d(Count, "Documents in the source."),
    bytes: d(Count, "Their total size in UTF-8 bytes."),
    counts: d(v.object(CATEGORY_COUNTS), "The documents by category."),
    copied: d(Count, "Documents written to the target."),
    verified: d(Count, "Documents whose hash in the target matched the source's."),
    extra: d(v.array(Key), "Keys the target already held that the source lacks (left in place)."),
    switched: d(v.boolean(), "Whether .idse/config.json now names the target."),
  }),
  "Result of `idse store migrate`.",
);

export const EXPORT_ACTIONS = ["written", "unchanged", "kept", "overwritten"] as const;

export const StoreExportOutput = d(
  v.object({
    dir: d(v.string(), "Where the files went, relative to the repository root (.idse by default)."),
    manifest: d(v.string(), "The manifest, relative to the repository root."),
    scopes: d(v.array(Key), "The key prefixes exported (all projects, or one session)."),
    results: d(
      v.array(
        v.object({
          key: Key,
          file: d(v.string(), "The file, relative to the repository root."),
          action: d(
            v.picklist(EXPORT_ACTIONS),
            "written; unchanged (already equal); kept (edited on disk and not imported: not overwritten); overwritten (kept, but --force).",
          ),
        }),
      ),
      "One row per document.",
    ),
    counts: d(countsOf(EXPORT_ACTIONS), "Rows per action."),
  }),
  "Result of `idse store export`.",
);

export const IMPORT_RESULTS = [
  "imported",
  "added",
  "unchanged",
  "stale",
  "conflict",
  "overwritten",
  "missing",
  "held",
] as const;

export const StoreImportOutput = d(
  v.object({
    dry_run: d(v.boolean(), "True when nothing was written (--dry-run)."),
    dir: d(v.string(), "Where the files were read, relative to the repository root."),
    results: d(
      v.array(
        v.object({
          key: Key,
          file: d(v.string(), "The file, relative to the repository root."),
          result: d(
            v.picklist(IMPORT_RESULTS),
            "imported (file edited, store not: written to the store); added (a new file); unchanged; stale (the store changed since the export, the file did not: re-export); conflict (both changed: nothing written); overwritten (a conflict written with --force); missing (the exported file is gone: the store keeps its document); held (the file changes the blueprint's Product Spine table: nothing written without --accept-spine).",
          ),
        }),
      ),
      "One row per exported or new file.",
    ),
    counts: d(countsOf(IMPORT_RESULTS), "Rows per result."),
  }),
  "Result of `idse store import`.",
);

export const StoreExportFile = d(
  v.object({
    $schema: v.optional(d(v.string(), "JSON Schema reference.")),
    store: d(v.object({ plugin: StoreName, location: Location }), "The store the files came from."),
    dir: d(v.string(), "Where the files were written, relative to the repository root ('/'-separated)."),
    exported_at: Timestamp,
    scopes: d(v.array(Key), "The key prefixes exported; `store import` looks for new files below them."),
    files: d(v.record(v.string(), Sha256), "Each exported key and the sha256 of the text written."),
  }),
  "The last `idse store export` (.idse/store-export.json): what was written, so `store import` can tell an edit on disk from a change in the store.",
);

export type StoreInfoOutput = v.InferOutput<typeof StoreInfoOutput>;
export type StoreMigrateOutput = v.InferOutput<typeof StoreMigrateOutput>;
export type StoreExportOutput = v.InferOutput<typeof StoreExportOutput>;
export type StoreImportOutput = v.InferOutput<typeof StoreImportOutput>;
export type StoreExportFile = v.InferOutput<typeof StoreExportFile>;
export type ExportAction = (typeof EXPORT_ACTIONS)[number];
export type ImportResult = (typeof IMPORT_RESULTS)[number];
