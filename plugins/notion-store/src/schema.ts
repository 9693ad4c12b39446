import type { NotionApi } from "./api.ts";
import { isNotionStoreError, notionError } from "./errors.ts";
import type { PropertyMapping } from "./options.ts";

// The connectivity check, run once when the store opens: the token (users/me), the database (shared
// with the integration?), its data source, and the property mapping against the database's schema. A
// missing or mistyped property is named precisely, with the type expected and the type found, and a
// near-miss name ("IDSE Id" for "IDSE_ID") is suggested; every problem is reported at once.

/** Where pages live: a data source (Notion-Version 2025-09-03 and later) or the database itself. */
export type Parent =
  | { kind: "data_source"; id: string; databaseId: string }
  | { kind: "database"; id: string };

export interface Connection {
  botId: string;
  parent: Parent;
  title: string;
}

const EXPECTED: Record<keyof PropertyMapping, string[]> = {
  title: ["title"],
  id: ["rich_text"],
  session: ["rich_text"],
  stage: ["select"],
  status: ["status", "select"],
  hash: ["rich_text"],
};

export interface SchemaProblem {
  role: keyof PropertyMapping;
  property: string;
  expected: string;
  found: string | null;
  suggestion?: string;
}

const squash = (s: string) => s.toLowerCase().replace(/[\s_\-.]/g, "");

/** The problems of `mapping` against a schema (property name → {type}). */
export function checkProperties(
  schema: Record<string, { type: string }>,
  mapping: PropertyMapping,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const role of Object.keys(EXPECTED) as (keyof PropertyMapping)[]) {
    const name = mapping[role];
    if (name === null) continue;
    const expected = EXPECTED[role];
    const found = schema[name]?.type ?? null;
    if (found !== null && expected.includes(found)) continue;
    const problem: SchemaProblem = { role, property: name, expected: expected.join(" or "), found };
    if (found === null) {
      const near = Object.keys(schema).find((n) => squash(n) === squash(name));
      if (near) problem.suggestion = near;
    }
    problems.push(problem);
  }
  return problems;
}

export function describeProblem(p: SchemaProblem): string {
  if (p.found === null) {
    const hint = p.suggestion ? `; the database has "${p.suggestion}" (a different spelling)` : "";
    return `property "${p.property}" (${p.role}) is missing: expected type ${p.expected}${hint}`;
  }
  return `property "${p.property}" (${p.role}) has type ${p.found}, expected ${p.expected}`;
}

const plain = (rt: unknown) =>
  Array.isArray(rt) ? rt.map((t) => (t as { plain_text?: string }).plain_text ?? "").join("") : "";

type Db = {
  id: string;
  title?: unknown;
  properties?: Record<string, { type: string }>;
  data_sources?: { id: string; name: string }[];
};

export async function connect(
  api: NotionApi,
  o: { databaseId: string; dataSourceId?: string; mapping: PropertyMapping },
): Promise<Connection> {
  const me = (await api.call("users.me", (c) => c.users.me({}))) as { id: string };
  let db: Db;
  try {
    db = (await api.call("databases.retrieve", (c) =>
      c.databases.retrieve({ database_id: o.databaseId }),
    )) as Db;
  } catch (err) {
    const status = isNotionStoreError(err) ? err.data.status : undefined;
    if (status === 404 || status === 400) {
      throw notionError(
        "NOTION_NOT_FOUND",
        `database ${o.databaseId} was not found: check the id, and share the database with the integration (••• → Connections)`,
        { database_id: o.databaseId, status },
      );
    }
    throw err;
  }
  let parent: Parent;
  let schema: Record<string, { type: string }>;
  if (Array.isArray(db.data_sources)) {
    const sources = db.data_sources;
    const chosen = o.dataSourceId
      ? sources.find((s) => s.id === o.dataSourceId)
      : sources.length === 1
        ? sources[0]
        : undefined;
    if (!chosen) {
      const listed = sources.map((s) => `"${s.name}" (${s.id})`).join(", ") || "none";
      const why = o.dataSourceId
        ? `has no data source ${o.dataSourceId}`
        : `has ${sources.length} data sources`;
      throw notionError(
        "NOTION_CONFIG",
        `database ${o.databaseId} ${why}: ${listed}; set the option data_source_id`,
        {
          data_sources: sources,
        },
      );
    }
    const ds = (await api.call("dataSources.retrieve", (c) =>
      c.dataSources.retrieve({ data_source_id: chosen.id }),
    )) as { properties?: Record<string, { type: string }> };
    parent = { kind: "data_source", id: chosen.id, databaseId: db.id };
    schema = ds.properties ?? {};
  } else {
    parent = { kind: "database", id: db.id };
    schema = db.properties ?? {};
  }
  const title = plain(db.title) || o.databaseId;
  const problems = checkProperties(schema, o.mapping);
  if (problems.length) {
    throw notionError(
      "NOTION_SCHEMA",
      `the database "${title}" does not match the property mapping: ${problems.map(describeProblem).join("; ")}`,
      {
        database_id: o.databaseId,
        problems,
        properties: Object.fromEntries(Object.entries(schema).map(([n, p]) => [n, p.type])),
      },
    );
  }
  return { botId: me.id, parent, title };
}
