import type { Sql } from "postgres";
import { storeError } from "./errors.ts";

// Versioned schema migrations, in one PostgreSQL schema (namespace, default "idse") shared by every tenant.
// `schema_version` holds one row per applied migration. All pending migrations run as ONE statement (a
// DO block) under a transaction-level advisory lock: two idse processes starting at once migrate once,
// and a connection dropped midway leaves nothing half-done. (One statement also keeps clear of the
// driver's rollback-after-disconnect crash, see store.ts.) A schema whose version is above the last
// migration was written by a newer idse: it is refused untouched (STORE_SCHEMA_NEWER). Never edit a
// released migration; add the next one.

/** Migration N (1-based) takes the schema from version N-1 to N; `$S` is the quoted schema name. */
export const MIGRATIONS: readonly string[] = [
  // 1: documents by tenant and key. Keys compare bytewise (COLLATE "C") so a prefix is a key range that
  // the primary key's index serves. The check makes the server itself verify that the stored text is the
  // text whose sha256 the client sent: a document is whole or refused.
  `CREATE TABLE $S.entries (
     tenant     text NOT NULL,
     key        text COLLATE "C" NOT NULL,
     value      text NOT NULL,
     hash       text NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant, key),
     CONSTRAINT entries_hash CHECK (hash = encode(sha256(convert_to(value, 'UTF8')), 'hex'))
   )`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Raised by the DO block when the schema is newer; its message is the version found. */
const NEWER = "IDSEN";
/** A constant of the advisory-lock space for migrations ('idse' in ASCII, then 1). */
const MIGRATION_LOCK = "452656850177";

function tooNew(schema: string, found: number): Error {
  return storeError(
    "STORE_SCHEMA_NEWER",
    `schema "${schema}" has version ${found}; this idse knows up to ${SCHEMA_VERSION}`,
    { schema, found, supported: SCHEMA_VERSION },
  );
}

/** The DO block that brings `schema` (a checked identifier) to SCHEMA_VERSION. */
export function migrationBlock(schema: string, idseVersion: string): string {
  const S = `"${schema}"`;
  const version = /^[\w.+-]{1,64}$/.test(idseVersion) ? idseVersion : "unknown";
  const steps = MIGRATIONS.map(
    (m, i) => `  IF v < ${i + 1} THEN
    ${m.replaceAll("$S", S)};
    INSERT INTO ${S}.schema_version (version, idse) VALUES (${i + 1}, '${version}');
  END IF;`,
  ).join("\n");
  return `DO $idse$
DECLARE v integer;
BEGIN
  PERFORM pg_advisory_xact_lock(${MIGRATION_LOCK});
  CREATE SCHEMA IF NOT EXISTS ${S};
  CREATE TABLE IF NOT EXISTS ${S}.schema_version (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now(),
    idse       text
  );
  SELECT coalesce(max(version), 0) INTO v FROM ${S}.schema_version;
  IF v > ${SCHEMA_VERSION} THEN
    RAISE EXCEPTION USING ERRCODE = '${NEWER}', MESSAGE = v::text;
  END IF;
${steps}
END
$idse$`;
}

/** Brings `schema` to SCHEMA_VERSION. */
export async function migrate(sql: Sql, schema: string, idseVersion: string): Promise<void> {
  // The common case in one round trip: already current.
  const [probe] = await sql`SELECT to_regclass(${`"${schema}".schema_version`}) IS NOT NULL AS present`;
  if (probe?.present === true) {
    const [cur] = await sql`SELECT coalesce(max(version), 0)::int AS v FROM ${sql(schema)}.schema_version`;
    const v = Number(cur?.v ?? 0);
    if (v > SCHEMA_VERSION) throw tooNew(schema, v);
    if (v === SCHEMA_VERSION) return;
  }
  try {
    await sql.unsafe(migrationBlock(schema, idseVersion));
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === NEWER) throw tooNew(schema, Number(e.message));
    throw err;
  }
}
