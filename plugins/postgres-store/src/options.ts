import * as v from "valibot";

// The plugin's options (`store: { plugin: "postgres-store", options: {…} }`), a valibot schema and so a
// Standard Schema the host validates with. The connection string is never an option: it is a secret, read
// from the environment variable that `url_env` names.

export const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const PostgresOptions = v.strictObject({
  /** The environment variable holding the connection string (default IDSE_POSTGRES_URL). */
  url_env: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name")),
    "IDSE_POSTGRES_URL",
  ),
  /** The workspace's key in the shared tables (default "default"). */
  tenant: v.optional(
    v.pipe(v.string(), v.regex(TENANT, "letters, digits, '.', '_' or '-', at most 128")),
    "default",
  ),
  /** The PostgreSQL schema (namespace) of the tables (default "idse"). */
  schema: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z_][a-z0-9_]{0,62}$/, "a lowercase SQL identifier")),
    "idse",
  ),
  /** TLS: true or "verify-full" (encrypt and verify), "require" (encrypt only), "prefer", false (none). */
  ssl: v.optional(v.union([v.boolean(), v.picklist(["require", "prefer", "verify-full"])])),
  max_connections: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 4),
  connect_timeout_s: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600)), 10),
});

export type PostgresOptions = v.InferOutput<typeof PostgresOptions>;
