import { artifactPresence } from "../../artifacts.ts";
import { assertExistingId } from "../../ids.ts";
import { STAGES } from "../../models/common.ts";
import type { SessionInfoOutput, SessionsOutput } from "../../models/outputs.ts";
import { SESSION_STATUSES, SESSION_TYPES } from "../../models/session-metadata.ts";
import {
  type LineageNode,
  lineage,
  readAllSessions,
  readCurrentSession,
  readSession,
  requireSession,
} from "../../session-graph.ts";
import { readSessionStages } from "../../stage-state.ts";
import { defineCommand } from "../command.ts";
import { table } from "./shared.ts";

export type SessionsData = SessionsOutput;
type SessionSummary = SessionsOutput["sessions"][number];

export const sessions = defineCommand<
  { type?: string; status?: string; tag?: string; includeLegacy?: boolean },
  SessionsData
>({
  options: [
    { flags: "--type <type>", description: "Only sessions of this type", choices: SESSION_TYPES },
    { flags: "--status <status>", description: "Only sessions with this status", choices: SESSION_STATUSES },
    { flags: "--tag <tag>", description: "Only sessions with this tag" },
    { flags: "--include-legacy", description: "Also list session folders that have no session.json" },
  ],
  async run(ctx, _args, opts) {
    const ws = ctx.workspace();
    const project = await ctx.project();
    const current = await readCurrentSession(ws.store, project);
    const records = await readAllSessions(ws.store, project);
    const all: SessionSummary[] = records
      .filter((r) => !r.derived || opts.includeLegacy)
      .map(({ meta, derived }) => ({
        session_id: meta.session_id,
        name: meta.name,
        session_type: meta.session_type,
        status: meta.status,
        owner: meta.owner,
        parent_session: meta.parent_session,
        tags: meta.tags,
        created_at: meta.created_at,
        updated_at: meta.updated_at,
        current: meta.session_id === current,
        legacy: derived,
      }));
    const list = all.filter(
      (s) =>
        (!opts.type || s.session_type === opts.type) &&
        (!opts.status || s.status === opts.status) &&
        (!opts.tag || s.tags.includes(opts.tag)),
    );
    const count = (t: string) => list.filter((s) => s.session_type === t).length;
    return {
      project,
      sessions: list,
      counts: {
        total: list.length,
        blueprint: count("blueprint"),
        feature: count("feature"),
        exploratory: count("exploratory"),
        legacy: records.filter((r) => r.derived).length,
      },
    };
  },
  text(d) {
    const rows = d.sessions.map((s) => [
      `${s.current ? "* " : "  "}${s.session_id}`,
      s.session_type,
      s.status,
      s.owner,
      s.created_at.slice(0, 10),
      s.parent_session ?? "-",
    ]);
    const out = [table(["  SESSION", "TYPE", "STATUS", "OWNER", "CREATED", "PARENT"], rows), ""];
    out.push(
      `Total: ${d.counts.total} (blueprint ${d.counts.blueprint}, feature ${d.counts.feature}, exploratory ${d.counts.exploratory})`,
    );
    // Listed above when --include-legacy was given (their rows say so); else how to list them.
    if (d.counts.legacy > 0)
      out.push(
        `Legacy session folders without session.json: ${d.counts.legacy}${d.sessions.some((x) => x.legacy) ? "" : " (list them with --include-legacy)"}`,
      );
    return out.join("\n");
  },
});

export type SessionInfoData = SessionInfoOutput;

export const sessionInfo = defineCommand<{ lineage?: boolean }, SessionInfoData>({
  options: [{ flags: "--lineage", description: "Also show parent chain, children and related sessions" }],
  async run(ctx, [idArg], opts) {
    const ws = ctx.workspace();
    const project = await ctx.project();
    const id = await requireSession(ws.store, project, assertExistingId("session", idArg!));
    const { meta, derived } = await readSession(ws.store, project, id);
    const data: SessionInfoData = {
      project,
      session: meta,
      current: (await readCurrentSession(ws.store, project)) === id,
      legacy: derived,
      stages: (await readSessionStages(ws.store, project, id)).stages,
      artifacts: await artifactPresence(ws.store, project, id),
    };
    if (opts.lineage) {
      const metas = (await readAllSessions(ws.store, project)).map((r) => r.meta);
      const { ancestors, descendants } = lineage(metas, id);
      data.lineage = { ancestors, children: descendants, related: meta.related_sessions };
    }
    return data;
  },
  text(d) {
    const m = d.session;
    const lines = [
      `Session: ${m.session_id}${d.current ? " (current)" : ""}${d.legacy ? " (legacy: no session.json)" : ""}`,
      `Name: ${m.name}`,
      `Type: ${m.session_type}`,
      `Status: ${m.status}`,
      `Owner: ${m.owner}`,
      `Parent: ${m.parent_session ?? "-"}`,
      `Description: ${m.description ?? "-"}`,
      `Tags: ${m.tags.join(", ") || "-"}`,
      `Collaborators: ${m.collaborators.map((c) => `${c.name} (${c.role})`).join(", ") || "-"}`,
      `Created: ${m.created_at}`,
      `Updated: ${m.updated_at}`,
      "",
      "Stages:",
      ...STAGES.map((s) =>
        `  ${s.padEnd(15)} ${d.stages[s].padEnd(12)} ${d.artifacts[s] ? "" : "(artifact missing)"}`.trimEnd(),
      ),
    ];
    if (d.lineage) {
      const tree = (nodes: LineageNode[], depth: number): string[] =>
        nodes.flatMap((n) => [`${"  ".repeat(depth)}- ${n.session_id}`, ...tree(n.children, depth + 1)]);
      lines.push(
        "",
        "Lineage:",
        `  Ancestors: ${d.lineage.ancestors.join(" → ") || "-"}`,
        "  Children:",
        ...(d.lineage.children.length ? tree(d.lineage.children, 2) : ["    -"]),
        `  Related: ${d.lineage.related.join(", ") || "-"}`,
      );
    }
    return lines.join("\n");
  },
});
