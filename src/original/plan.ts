import { createHash } from "node:crypto";
import { is } from "valibot";
import type { Diagnostic } from "../errors.ts";
import { IdseError, notice } from "../errors.ts";
import { BLUEPRINT, isListableId } from "../ids.ts";
import { STAGE_STATUSES, Timestamp } from "../models/common.ts";
import { COLLABORATOR_ROLES, SESSION_STATUSES, SESSION_TYPES } from "../models/session-metadata.ts";
import { VALIDATION_STATUSES } from "../models/session-state.ts";
import type { DesignStore } from "../store/contract.ts";
import { keys, STAGES, type Stage, schemaRef } from "../store/layout.ts";
import { buildLedger } from "./ledger.ts";
import type { Row, Snapshot } from "./read.ts";

// From the original's rows to idse's documents: what each key must hold, compared with what the store
// holds now. The database is the source of truth; a markdown view that differs from it is kept beside as
// `*.view.md` so no text is lost. Pure apart from reading the store: nothing is written here.

export const claimsKey = (p: string) => `${keys.session(p, BLUEPRINT)}/metadata/claims.jsonl`;
export const originalKey = (p: string) => `${keys.project(p)}/original.json`;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export interface Change {
  key: string;
  action: "create" | "update" | "keep-view";
  /** For keep-view: the artifact whose differing markdown view is kept here. */
  of?: string;
}

export interface Plan {
  writes: [string, string][];
  /** sha256 of the text the database says each key holds, whether written now or already there. */
  established: Record<string, string>;
  changes: Change[];
  diagnostics: Diagnostic[];
  projects: { project: string; sessions: number; artifacts: number; claims: number; agents: number }[];
}

/** `specs/spec.md` → `specs/spec.view.md`, then `spec.view.2.md` … when that name is taken by other text. */
async function viewKey(store: DesignStore, key: string, text: string): Promise<string | undefined> {
  const base = key.replace(/\.md$/, "");
  for (let n = 1; n < 100; n++) {
    const candidate = `${base}.view${n === 1 ? "" : `.${n}`}.md`;
    const held = await store.read(candidate);
    if (held === undefined) return candidate;
    if (held === text) return undefined; // already kept by an earlier import
  }
  return undefined;
}

function sameJson(text: string | undefined, value: unknown): boolean {
  if (text === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Checks the rows before anything is planned: orphans and values idse cannot hold stop the import. */
function check(snap: Snapshot, file: string): void {
  const ids = (t: string, k = "id") => new Set(snap[t]!.map((r) => r[k]));
  const projects = ids("projects");
  const sessions = ids("sessions");
  const artifacts = ids("artifacts");
  const agents = ids("agents");
  const claims = ids("blueprint_claims", "claim_id");
  const orphans: string[] = [];
  const bad: string[] = [];
  const need = (table: string, col: string, set: Set<unknown>, nullable = false) => {
    for (const r of snap[table]!) {
      const v = r[col];
      if ((v === null || v === undefined) && nullable) continue;
      if (!set.has(v))
        orphans.push(`${table} row ${String(r.id ?? r.claim_id ?? r.session_id)}: ${col} ${v}`);
    }
  };
  for (const t of [
    "sessions",
    "artifacts",
    "project_state",
    "agents",
    "promotion_candidates",
    "promotion_records",
    "blueprint_integrity",
    "integrity_events",
    "blueprint_claims",
    "claim_lifecycle_events",
    "blueprint_promotions",
  ])
    need(t, "project_id", projects);
  for (const t of ["artifacts", "session_state", "collaborators", "session_tags"])
    need(t, "session_id", sessions);
  need("agent_stages", "agent_id", agents);
  for (const [t, c] of [
    ["artifact_dependencies", "artifact_id"],
    ["artifact_dependencies", "depends_on_artifact_id"],
    ["artifact_edges", "from_artifact_id"],
    ["artifact_edges", "to_artifact_id"],
    ["sync_metadata", "artifact_id"],
    ["feedback_signals", "artifact_id"],
    ["promotion_candidate_sources", "artifact_id"],
    ["blueprint_promotion_sources", "artifact_id"],
  ] as const)
    need(t, c, artifacts);
  need("promotion_candidate_sources", "candidate_id", ids("promotion_candidates"));
  need("promotion_records", "candidate_id", ids("promotion_candidates"));
  need("claim_lifecycle_events", "claim_id", claims);
  need("blueprint_claims", "promotion_record_id", ids("promotion_records"), true);
  if (orphans.length)
    throw new IdseError("ORIGINAL_ORPHAN_ROWS", { file, rows: orphans.slice(0, 20), count: orphans.length });

  const oneOf = (what: string, v: unknown, allowed: readonly string[]) => {
    if (!allowed.includes(v as string)) bad.push(`${what}: "${String(v)}" (expected ${allowed.join("|")})`);
  };
  for (const p of snap.projects!) if (!isListableId(String(p.name))) bad.push(`project name "${p.name}"`);
  for (const s of snap.sessions!) {
    const where = `session ${String(s.session_id)}`;
    if (!isListableId(String(s.session_id))) bad.push(`${where}: not a usable directory name`);
    oneOf(`${where} status`, s.status, SESSION_STATUSES);
    oneOf(`${where} session_type`, s.session_type, SESSION_TYPES);
  }
  // Times become session.json fields that idse checks against its Timestamp model.
  const time = (what: string, t: unknown) => {
    if (!is(Timestamp, t)) bad.push(`${what}: "${String(t)}" is not an ISO-8601 time`);
  };
  for (const s of snap.sessions!) {
    time(`session ${String(s.session_id)} created_at`, s.created_at);
    time(`session ${String(s.session_id)} updated_at`, s.updated_at);
  }
  for (const c of snap.collaborators!) time(`collaborator ${String(c.name)} joined_at`, c.joined_at);
  for (const a of snap.artifacts!) oneOf(`artifact ${String(a.idse_id)} stage`, a.stage, STAGES);
  for (const a of snap.agent_stages!) oneOf(`agent stage`, a.stage, STAGES);
  for (const a of snap.agents!)
    oneOf(`agent ${String(a.agent_id)} mode`, a.mode, ["planning", "implementation"]);
  for (const c of snap.collaborators!)
    oneOf(`collaborator ${String(c.name)} role`, c.role, COLLABORATOR_ROLES);
  for (const r of snap.session_state!) {
    const st = parseState(r.state_json);
    if (!st) bad.push(`session_state row ${String(r.session_id)}: state_json is not a JSON object`);
    else {
      for (const stage of STAGES)
        oneOf(
          `session_state ${String(r.session_id)} ${stage}`,
          st.stages?.[stage] ?? "pending",
          STAGE_STATUSES,
        );
      oneOf(
        `session_state ${String(r.session_id)} validation_status`,
        st.validation_status ?? "unknown",
        VALIDATION_STATUSES,
      );
    }
  }
  if (bad.length)
    throw new IdseError("ORIGINAL_VALUE_UNSUPPORTED", { file, values: bad.slice(0, 20), count: bad.length });
}

interface StateJson {
  stages?: Record<string, string>;
  validation_status?: string;
  last_sync?: string | null;
  created_at?: string;
  [k: string]: unknown;
}

function parseState(text: unknown): StateJson | undefined {
  try {
    const v = JSON.parse(String(text));
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Plans the import of `snap` into `store`; `written` holds the hashes an earlier import wrote per key. */
export async function planImport(
  snap: Snapshot,
  store: DesignStore,
  written: Record<string, string>,
  file: string,
): Promise<Plan> {
  check(snap, file);
  const plan: Plan = { writes: [], established: {}, changes: [], diagnostics: [], projects: [] };
  const views: [string, string][] = []; // kept views go first, before the texts that replace them
  // Plans `text` for `key`: nothing when the store holds it, or when an earlier import wrote this very
  // text (whatever the store holds now is then an edit made with idse since, and it stays).
  // Keys below a session folder that does not exist hold nothing: not reading them saves a failed read
  // per document on a first import (ten thousand for 1,001 sessions).
  let absent = "";
  const readHeld = (key: string) =>
    absent && key.startsWith(absent) ? Promise.resolve(undefined) : store.read(key);
  const want = async (key: string, text: string, same?: (held: string | undefined) => boolean) => {
    const hash = sha256(text);
    plan.established[key] = hash;
    if (written[key] === hash) return;
    const held = await readHeld(key);
    if (held === text || (same?.(held) ?? false)) return;
    plan.writes.push([key, text]);
    plan.changes.push({ key, action: held === undefined ? "create" : "update" });
  };
  const byId = <T extends Row>(rows: T[], k = "id") => new Map(rows.map((r) => [r[k], r]));
  const sessionsById = byId(snap.sessions!);
  const artifactRef = new Map(
    snap.artifacts!.map((a) => [
      a.id,
      `${String(sessionsById.get(a.session_id)?.session_id)}:${String(a.stage)}`,
    ]),
  );
  const stateBySession = byId(snap.session_state!, "session_id");
  // Rows grouped by the session they belong to, once: filtering per session would be quadratic.
  const group = (rows: Row[]) => {
    const m = new Map<unknown, Row[]>();
    for (const r of rows) {
      const list = m.get(r.session_id);
      if (list) list.push(r);
      else m.set(r.session_id, [r]);
    }
    return (id: unknown) => m.get(id) ?? [];
  };
  const collaboratorsOf = group(snap.collaborators!);
  const tagsOf = group(snap.session_tags!);
  const artifactsOf = group(snap.artifacts!);

  for (const p of snap.projects!) {
    const project = String(p.name);
    const sessions = snap.sessions!.filter((s) => s.project_id === p.id);
    const dbSessionIds = new Set(sessions.map((s) => String(s.session_id)));
    let artifactCount = 0;
    const withoutView: string[] = [];

    for (const s of sessions) {
      const sid = String(s.session_id);
      absent = "";
      if (!(await store.has(keys.session(project, sid)))) {
        withoutView.push(sid);
        absent = `${keys.session(project, sid)}/`;
      }
      // session.json: the database's columns; related_sessions and keys the database does not hold come
      // from the existing view (the original kept them only there).
      const metaKey = keys.sessionMetadata(project, sid);
      const heldMeta = await store.read(metaKey);
      let old: Record<string, unknown> = {};
      try {
        const v = heldMeta === undefined ? {} : JSON.parse(heldMeta);
        if (v && typeof v === "object" && !Array.isArray(v)) old = v;
      } catch {}
      const meta = {
        ...old,
        session_id: sid,
        name: String(s.name),
        session_type: s.session_type,
        description: str(s.description),
        is_blueprint: Number(s.is_blueprint) === 1,
        parent_session: str(s.parent_session),
        related_sessions: Array.isArray(old.related_sessions) ? old.related_sessions : [],
        owner: String(s.owner ?? "system"),
        collaborators: collaboratorsOf(s.id).map((c) => ({
          name: String(c.name),
          role: c.role,
          joined_at: String(c.joined_at),
        })),
        tags: tagsOf(s.id).map((t) => String(t.tag)),
        status: s.status,
        created_at: String(s.created_at),
        updated_at: String(s.updated_at),
      };
      await want(metaKey, json(meta), (held) => sameJson(held, meta));
      const ownerKey = keys.owner(project, sid);
      if (!(await store.has(ownerKey))) await want(ownerKey, `Created: ${String(s.created_at)}\n`);

      for (const a of artifactsOf(s.id)) {
        artifactCount++;
        const key = keys.artifact(project, sid, a.stage as Stage);
        const content = String(a.content);
        plan.established[key] = sha256(content);
        if (written[key] === plan.established[key]) continue;
        const held = await readHeld(key);
        if (held === content) continue;
        // An empty file keeps no text worth a view (and is what a power cut during an import can leave).
        if (held !== undefined && held !== "") {
          const vk = await viewKey(store, key, held);
          if (vk) {
            views.push([vk, held]);
            plan.changes.push({ key: vk, action: "keep-view", of: key });
          }
          plan.diagnostics.push(
            notice("ORIGINAL_VIEW_DIFFERS", { file: `.idse/${key}`, view: vk ? `.idse/${vk}` : undefined }),
          );
        }
        plan.writes.push([key, content]);
        plan.changes.push({ key, action: held === undefined ? "create" : "update" });
      }

      const row = stateBySession.get(s.id);
      if (row) {
        const st = parseState(row.state_json)!;
        const key = keys.stageState(project, sid);
        const doc = {
          $schema: schemaRef(key, "stage-state"),
          stages: Object.fromEntries(STAGES.map((x) => [x, st.stages?.[x] ?? "pending"])),
          validation_status: st.validation_status ?? "unknown",
          last_sync: st.last_sync ?? null,
          updated_at: String(row.updated_at),
          ...(st.created_at ? { created_at: st.created_at } : {}),
        };
        await want(key, json(doc), (held) => sameJson(held, doc));
      }
    }

    if (withoutView.length) {
      plan.diagnostics.push(notice("ORIGINAL_ROW_WITHOUT_VIEW", { project, sessions: withoutView }));
    }
    for (const e of await store.list(keys.sessions(project))) {
      if (e.kind === "dir" && !dbSessionIds.has(e.name)) {
        plan.diagnostics.push(notice("ORIGINAL_VIEW_ONLY", { project, session: e.name }));
      }
    }

    // Current session, and session_state.json describing it (the original's view of the same).
    const ps = snap.project_state!.find((r) => r.project_id === p.id);
    const current = str(ps?.current_session_id) ?? str(p.current_session_id);
    if (current && dbSessionIds.has(current)) {
      await want(keys.currentSession(project), current, (held) => held?.trim() === current);
      const cur = sessions.find((s) => String(s.session_id) === current)!;
      const st = parseState(stateBySession.get(cur.id)?.state_json) ?? {};
      const state = {
        project_name: project,
        session_id: current,
        is_blueprint: current === BLUEPRINT,
        stages: Object.fromEntries(STAGES.map((x) => [x, st.stages?.[x] ?? "pending"])),
        last_sync: st.last_sync ?? null,
        validation_status: st.validation_status ?? "unknown",
        created_at: st.created_at ?? String(p.created_at),
      };
      await want(keys.sessionState(project), json(state), (held) => sameJson(held, state));
    }

    const agentRows = snap.agents!.filter((a) => a.project_id === p.id);
    const registry = {
      agents: agentRows.map((a) => {
        const stages = new Set(
          snap.agent_stages!.filter((x) => x.agent_id === a.id).map((x) => String(x.stage)),
        );
        return {
          id: String(a.agent_id),
          role: String(a.role ?? ""),
          mode: a.mode,
          stages: STAGES.filter((x) => stages.has(x)),
        };
      }),
    };
    await want(keys.agentRegistry(project), json(registry), (held) => sameJson(held, registry));

    const ledger = buildLedger(snap, Number(p.id), (id) => artifactRef.get(id) ?? `artifact:${id}`);
    if (ledger) await want(claimsKey(project), ledger);

    // Rows with no idse document of their own, kept as data so nothing is lost.
    const artifactIds = new Set(snap.artifacts!.filter((a) => a.project_id === p.id).map((a) => a.id));
    const ofArtifacts = (t: string, c = "artifact_id") => snap[t]!.filter((r) => artifactIds.has(r[c]));
    const extra = {
      source: { tool: "idse-orchestrator", database: file },
      project: { ...p },
      project_state: ps ? { ...ps } : null,
      artifacts: Object.fromEntries(
        snap
          .artifacts!.filter((a) => a.project_id === p.id)
          .map((a) => [
            artifactRef.get(a.id),
            {
              idse_id: a.idse_id,
              content_hash: a.content_hash,
              semantic_fingerprint: a.semantic_fingerprint,
              created_at: a.created_at,
              updated_at: a.updated_at,
            },
          ]),
      ),
      agents: Object.fromEntries(
        agentRows.map((a) => [a.agent_id, { created_at: a.created_at, updated_at: a.updated_at }]),
      ),
      sync_metadata: ofArtifacts("sync_metadata").map((r) => ({
        ...r,
        artifact: artifactRef.get(r.artifact_id),
      })),
      feedback_signals: ofArtifacts("feedback_signals").map((r) => ({
        ...r,
        artifact: artifactRef.get(r.artifact_id),
      })),
      artifact_dependencies: ofArtifacts("artifact_dependencies").map((r) => ({
        ...r,
        artifact: artifactRef.get(r.artifact_id),
        depends_on: artifactRef.get(r.depends_on_artifact_id),
      })),
      artifact_edges: ofArtifacts("artifact_edges", "from_artifact_id").map((r) => ({
        ...r,
        from: artifactRef.get(r.from_artifact_id),
        to: artifactRef.get(r.to_artifact_id),
      })),
    };
    await want(originalKey(project), json(extra), (held) =>
      sameJson(held, JSON.parse(JSON.stringify(extra))),
    );
    if (extra.sync_metadata.length) {
      plan.diagnostics.push(
        notice("ORIGINAL_SYNC_NOT_MAPPED", {
          project,
          records: extra.sync_metadata.length,
          file: `.idse/${originalKey(project)}`,
        }),
      );
    }
    plan.projects.push({
      project,
      sessions: sessions.length,
      artifacts: artifactCount,
      claims: snap.blueprint_claims!.filter((c) => c.project_id === p.id).length,
      agents: agentRows.length,
    });
  }
  plan.writes.unshift(...views);
  return plan;
}
