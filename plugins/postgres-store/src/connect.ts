import type { Options, PostgresType } from "postgres";

// The driver's options, pinned so that it does not read process.env itself where it matters. Like libpq,
// postgres.js completes whatever the connection string leaves out from PGPASSWORD, PGPORT, PGSSL,
// PGDEBUG … and a plugin must read the environment only through host.env. So the password (the secret),
// TLS, debug output and the tuning settings are always given here. Left to the driver's libpq-style
// fallbacks, when the string lacks them: the host, user and database names (PGHOST, PGUSER,
// PGDATABASE) and PGTARGETSESSIONATTRS, none of them secret.

export type Ssl = boolean | "require" | "prefer" | "verify-full";

export interface ConnectOptions {
  ssl?: Ssl;
  connectTimeoutS: number;
  applicationName: string;
}

/** `postgres://user@host:port/db`, without the password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url.replace(/@([^/?@]*),[^/?]*/, "@$1"));
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ""}${u.host}${u.pathname}`;
  } catch {
    return "postgres://(unparsable connection string)";
  }
}

/** The parts of the URL the driver would otherwise complete from the environment. */
function parts(url: string): { password: string; hasPort: boolean; query: Set<string> } {
  try {
    // Multi-host strings (h1:5432,h2:5432) are no URL: keep the first host for this look.
    const u = new URL(url.replace(/@([^/?@]*),[^/?]*/, "@$1"));
    return {
      password: decodeURIComponent(u.password),
      hasPort: u.port !== "" || /@[^/?]*,/.test(url),
      query: new Set(u.searchParams.keys()),
    };
  } catch {
    return { password: "", hasPort: true, query: new Set() };
  }
}

export function driverOptions(url: string, o: ConnectOptions): Options<Record<string, PostgresType>> {
  const p = parts(url);
  const sslInUrl = p.query.has("sslmode") || p.query.has("ssl");
  const pinned: Record<string, unknown> = {
    // A function, so an empty password is not completed from PGPASSWORD.
    pass: () => p.password,
    connect_timeout: o.connectTimeoutS,
    idle_timeout: 30,
    max_lifetime: 60 * 30,
    max_pipeline: 100,
    keep_alive: 60,
    prepare: true,
    debug: false,
    fetch_types: true,
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 20),
    onnotice: () => {},
    // Names the workspace in pg_stat_activity, for whoever runs the server (cut at 63 bytes by it).
    connection: { application_name: o.applicationName },
  };
  if (!p.hasPort) pinned.port = 5432;
  // An explicit option wins over the URL's sslmode; with neither, no TLS (the driver's default).
  if (o.ssl !== undefined) pinned.ssl = o.ssl === "verify-full" ? true : o.ssl;
  else if (!sslInUrl) pinned.ssl = false;
  if (!p.query.has("sslnegotiation")) pinned.sslnegotiation = null;
  for (const k of ["max_pipeline", "keep_alive", "prepare", "fetch_types", "connect_timeout"]) {
    if (p.query.has(k)) delete pinned[k];
  }
  return pinned as Options<Record<string, PostgresType>>;
}
