import { afterAll } from "bun:test";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import pkg from "../../plugins/postgres-store/package.json" with { type: "json" };
import * as plugin from "../../plugins/postgres-store/src/index.ts";
import type { PluginManifest } from "../../src/plugins/api.ts";
import type { DesignStore } from "../../src/store/contract.ts";
import { openPluginStore } from "./factory-host.ts";

// The PostgreSQL server the tests use: IDSE_TEST_POSTGRES_URL, set by .ci/run (test/stores/
// postgres-server.sh starts a throw-away server on loopback). Without it, the tests skip outside CI and
// fail in CI. Each test file works in schemas of its own, dropped when the file is done.

export const PG_URL = process.env.IDSE_TEST_POSTGRES_URL;
export const PG_TLS = process.env.IDSE_TEST_POSTGRES_TLS === "1";
export const manifest = pkg.idse as PluginManifest;

export const pgUnavailable: string | undefined = PG_URL
  ? undefined
  : "IDSE_TEST_POSTGRES_URL is not set (run the tests through .ci/run, or `source test/stores/postgres-server.sh && pg_test_start` first)";

const schemas: string[] = [];
let admin: postgres.Sql | undefined;

/** A client for test set-up (dropping schemas, ending other sessions), outside any store. */
export function adminSql(): postgres.Sql {
  admin ??= postgres(PG_URL!, { max: 2, onnotice: () => {} });
  return admin;
}

/** A schema name no other test run uses; dropped after the file's tests. */
export function freshSchema(label: string): string {
  const name = `idse_t_${label}_${randomBytes(4).toString("hex")}`;
  schemas.push(name);
  return name;
}

export const freshTenant = () => `t-${randomBytes(6).toString("hex")}`;

afterAll(async () => {
  if (!admin) return;
  for (const s of schemas.splice(0)) await admin`DROP SCHEMA IF EXISTS ${admin(s)} CASCADE`;
  await admin.end({ timeout: 5 });
  admin = undefined;
});

/** Opens the postgres-store plugin as the host would, with the test server's URL in the environment. */
export function openPg(
  options: Record<string, unknown>,
  env: Record<string, string | undefined> = {},
): Promise<DesignStore> {
  return openPluginStore(plugin, { manifest, options, env: { IDSE_POSTGRES_URL: PG_URL, ...env } });
}

/** The test server's URL with one part changed (password, port, user …). */
export function urlWith(change: (u: URL) => void): string {
  const u = new URL(PG_URL!);
  change(u);
  return u.toString();
}
