import * as v from "valibot";

// The plugin's options (`store: { plugin: "sqlite-store", options: {…} }`), a valibot schema and so a
// Standard Schema the host validates with.
export const SqliteOptions = v.strictObject({
  /** The database file; relative paths are against the repository root. Default `.idse/idse-store.db` (an older idse store at `.idse/idse.db` keeps working). */
  path: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** "normal" (default) or "full": see SqliteStoreOptions.synchronous. */
  synchronous: v.optional(v.picklist(["normal", "full"])),
  busy_timeout_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(600_000))),
});

export type SqliteOptions = v.InferOutput<typeof SqliteOptions>;
