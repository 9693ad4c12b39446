import { STAGES } from "../store/layout.ts";
import type { ProjectReport, ReportData } from "./data.ts";
import { esc } from "./escape.ts";
import { lineageSvg } from "./svg.ts";

// The report as one self-contained HTML file: inline CSS and SVG, no script, no font, no image, and a
// Content-Security-Policy that forbids loading anything, so opening it never touches the network. Light
// and dark follow the reader's system (prefers-color-scheme); print drops the navigation and keeps the
// tables on white.

/** How many queue items and findings per session are listed; the rest is counted, with the command. */
const QUEUE_SHOWN = 100;
const FINDINGS_SHOWN = 5;

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--card:#f6f8fa;
--done:#2da44e;--doing:#d4a72c;--todo:#d0d7de;--err:#cf222e;--warn:#9a6700;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;
--card:#161b22;--done:#3fb950;--doing:#d29922;--todo:#30363d;--err:#f85149;--warn:#d29922;--accent:#4493f8}}
*{box-sizing:border-box}body{margin:0 auto;max-width:1200px;padding:24px;background:var(--bg);color:var(--fg);
font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}h1{margin:0 0 4px}h2{border-bottom:1px solid var(--line);
padding-bottom:4px;margin-top:40px}h3{margin-top:28px}a{color:var(--accent)}.muted{color:var(--muted);fill:var(--muted)}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;
vertical-align:top}th{background:var(--card)}code{font:12px ui-monospace,monospace;background:var(--card);padding:1px 4px;border-radius:4px}
nav{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:12px 0}
.lineage{display:block;max-width:none;font:12px system-ui,sans-serif;fill:var(--fg)}.wide{overflow-x:auto}
.edge{fill:none;stroke:var(--muted);stroke-width:1}.s-completed{fill:var(--done)}.s-in_progress{fill:var(--doing)}
.s-pending{fill:var(--todo)}circle{fill:var(--todo);stroke:var(--muted)}circle.n-complete,circle.n-review{fill:var(--done)}
circle.n-in_progress{fill:var(--doing)}circle.current{stroke:var(--accent);stroke-width:3}
td.completed{background:color-mix(in srgb,var(--done) 35%,transparent)}td.in_progress{background:color-mix(in srgb,var(--doing) 35%,transparent)}
td.c{text-align:center;width:4em}.error{color:var(--err)}.warning{color:var(--warn)}.ready{color:var(--done)}.blocked{color:var(--err)}
details{margin:4px 0}summary{cursor:pointer}
@media print{nav{display:none}body{max-width:none;padding:0}.wide{overflow:visible}h2{break-before:page}
h2:first-of-type{break-before:auto}details{break-inside:avoid}}
`;

export interface HtmlOptions {
  /** The href of a finding's file (relative to the report), with its line. */
  link(file: string, line: number | null): string;
}

function overview(d: ReportData): string {
  const rows = d.projects.map((p) => {
    const n = p.graph.nodes.length;
    const avg = n ? Math.round(p.graph.nodes.reduce((a, x) => a + (x.progress ?? 0), 0) / n) : 0;
    const errors = p.reports.reduce((a, r) => a + r.errors, 0);
    const ready = p.queue.filter((q) => q.state === "ready").length;
    const blocked = p.queue.filter((q) => q.state === "blocked").length;
    return `<tr><td><a href="#p-${esc(p.project)}">${esc(p.project)}</a>${p.current ? " (current)" : ""}</td><td>${n}</td><td>${avg}%</td><td>${ready}</td><td>${blocked}</td><td>${errors}</td><td>${p.sync.length ? p.sync.map((s) => esc(s.remote)).join(", ") : "none"}</td></tr>`;
  });
  return `<table id="projects"><thead><tr><th>Project</th><th>Sessions</th><th>Progress</th><th>Ready</th><th>Blocked</th><th>Errors</th><th>Remotes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function queueTable(p: ProjectReport): string {
  if (!p.queue.length) return "<p>Nothing to do: every open session has completed its stages.</p>";
  const rows = p.queue.slice(0, QUEUE_SHOWN).map((q) => {
    const state =
      q.state === "blocked"
        ? `<span class="blocked">blocked</span>: ${q.blocked_by.map((b) => esc(b.message)).join("; ")}`
        : `<span class="${q.state}">${q.state.replace("_", " ")}</span>`;
    return `<tr><td>${esc(q.session)}</td><td>${q.stage}</td><td>${state}</td><td>${q.agent ? `${esc(q.agent)} (${q.mode})` : "-"}</td><td>${esc(q.owner)}</td><td><code>${esc(q.command)}</code></td></tr>`;
  });
  const more =
    p.queue.length > QUEUE_SHOWN
      ? `<p class="muted">${p.queue.length - QUEUE_SHOWN} more: <code>idse next --project ${esc(p.project)}</code></p>`
      : "";
  return `<table class="queue"><thead><tr><th>Session</th><th>Stage</th><th>State</th><th>Agent</th><th>Owner</th><th>Run</th></tr></thead><tbody>${rows.join("")}</tbody></table>${more}`;
}

function stageMatrix(p: ProjectReport): string {
  const head = STAGES.map((s) => `<th class="c">${s}</th>`).join("");
  const mark = { completed: "●", in_progress: "◐", pending: "○" } as const;
  const rows = p.graph.nodes.map((n) => {
    const st = p.stages.get(n.id)!;
    const cells = STAGES.map((s) => `<td class="c ${st[s]}" title="${s}: ${st[s]}">${mark[st[s]]}</td>`).join(
      "",
    );
    return `<tr><td>${esc(n.id)}</td><td>${esc(n.status)}</td><td>${esc(n.owner ?? "")}</td><td>${n.progress}%</td>${cells}</tr>`;
  });
  return `<table class="matrix"><thead><tr><th>Session</th><th>Status</th><th>Owner</th><th>Progress</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function findings(p: ProjectReport, o: HtmlOptions): string {
  const errors = p.reports.reduce((a, r) => a + r.errors, 0);
  const warnings = p.reports.reduce((a, r) => a + r.warnings, 0);
  const failing = p.reports.filter((r) => r.findings.length);
  const head = `<p>${p.reports.length} session(s) checked: <span class="error">${errors} error(s)</span>, <span class="warning">${warnings} warning(s)</span>; ${p.reports.length - failing.length} without findings.</p>`;
  const blocks = failing.map((r) => {
    const items = r.findings.slice(0, FINDINGS_SHOWN).map((f) => {
      const where = `${f.file}${f.line ? `:${f.line}` : ""}`;
      return `<li><span class="${f.severity}">${f.severity}</span> <code>${esc(f.rule_id)}</code> ${esc(f.message)} — <a href="${esc(o.link(f.file, f.line))}">${esc(where)}</a></li>`;
    });
    const more =
      r.findings.length > FINDINGS_SHOWN
        ? `<li class="muted">${r.findings.length - FINDINGS_SHOWN} more: <code>idse validate --session ${esc(r.session)} --project ${esc(p.project)}</code></li>`
        : "";
    return `<details class="findings" data-session="${esc(r.session)}"><summary>${esc(r.session)}: <span class="error">${r.errors} error(s)</span>, <span class="warning">${r.warnings} warning(s)</span></summary><ul>${items.join("")}${more}</ul></details>`;
  });
  return head + blocks.join("");
}

function syncSection(p: ProjectReport): string {
  if (!p.sync.length)
    return "<p>No remote has been synced yet (<code>idse remote add &lt;name&gt; &lt;url-or-path&gt;</code>, then <code>idse sync push</code>).</p>";
  const rows = p.sync.map((s) => {
    const conflicts = s.conflicts.length
      ? `<span class="blocked">${s.conflicts.length} conflict(s)</span>: ${s.conflicts.map((c) => esc(c.key.replace(/^projects\/[^/]+\/sessions\//, ""))).join(", ")}`
      : "none";
    return `<tr><td>${esc(s.remote)}</td><td><code>${esc(s.location)}</code></td><td>${esc(s.last_sync ?? "never")}</td><td>${s.artifacts}</td><td>${conflicts}</td></tr>`;
  });
  return `<table class="sync"><thead><tr><th>Remote</th><th>Location</th><th>Last sync</th><th>Artifacts in base</th><th>Conflicts</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function spineSection(p: ProjectReport): string {
  if (!p.spine) return "";
  const [head, ...rows] = p.spine;
  const tr = (cells: string[], tag: string) =>
    `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join("")}</tr>`;
  return `<h3>Product Spine</h3><table class="spine"><thead>${tr(head!, "th")}</thead><tbody>${rows.map((r) => tr(r, "td")).join("")}</tbody></table>`;
}

const CLAIMS_SHOWN = 100;

function claimsSection(p: ProjectReport): string {
  const c = p.claims;
  if (c.error) {
    return `<p class="error">${esc(c.error.code)}: ${esc(c.error.message)}</p>${c.error.hint ? `<p class="muted">${esc(c.error.hint)}</p>` : ""}`;
  }
  if (!c.claims.length)
    return `<p>No claims yet: <code>idse blueprint declare --claim &lt;text&gt; --classification invariant --source __blueprint__:spec</code> records one (<code>${esc(c.file)}</code>).</p>`;
  const by = (status: string) => c.claims.filter((x) => x.status === status).length;
  const others = c.claims.length - by("active") - by("superseded") - by("invalidated");
  const head = `<p>${by("active")} active, ${by("superseded")} superseded, ${by("invalidated")} invalidated${others ? `, ${others} other` : ""} · ledger <code>${esc(c.file)}</code> (<code>idse blueprint verify</code> checks it).</p>`;
  // Active claims first: they are what the blueprint holds now; the others are its history.
  const ordered = [
    ...c.claims.filter((x) => x.status === "active"),
    ...c.claims.filter((x) => x.status !== "active"),
  ];
  const rows = ordered.slice(0, CLAIMS_SHOWN).map((x) => {
    const status =
      x.status === "active"
        ? `<span class="ready">active</span>`
        : `<span class="muted">${esc(x.status)}${x.superseded_by ? ` by #${x.superseded_by}` : ""}</span>`;
    return `<tr data-claim="${x.claim_id}"><td>${x.claim_id}</td><td>${status}</td><td>${esc(x.classification)}</td><td>${esc(x.origin)}</td><td>${esc(x.claim_text)}</td><td>${x.sources.map((s) => `<code>${esc(s)}</code>`).join(" ")}</td><td>${x.reinforcements}</td></tr>`;
  });
  const more =
    ordered.length > CLAIMS_SHOWN
      ? `<p class="muted">${ordered.length - CLAIMS_SHOWN} more: <code>idse blueprint claims --all --project ${esc(p.project)}</code></p>`
      : "";
  return `${head}<table class="claims"><thead><tr><th>ID</th><th>Status</th><th>Class</th><th>Origin</th><th>Claim</th><th>Sources</th><th>Reinforced</th></tr></thead><tbody>${rows.join("")}</tbody></table>${more}`;
}

export function reportHtml(d: ReportData, o: HtmlOptions): string {
  const sections = d.projects.map((p) => {
    const id = `p-${esc(p.project)}`;
    return `<section class="project" id="${id}"><h2>Project ${esc(p.project)}</h2>
<h3 id="${id}-queue">Next (the queue)</h3>${queueTable(p)}
<h3 id="${id}-lineage">Session lineage</h3><p class="muted">Each row: the session's seven stages (● done, ◐ in progress, ○ pending), then the session under its parent.</p><div class="wide">${lineageSvg(p.graph, p.stages)}</div>
<h3 id="${id}-stages">Stage matrix</h3>${stageMatrix(p)}
<h3 id="${id}-findings">Validation findings</h3>${findings(p, o)}
<h3 id="${id}-sync">Sync</h3>${syncSection(p)}
${spineSection(p)}
<h3 id="${id}-claims">Blueprint claims</h3>${claimsSection(p)}</section>`;
  });
  const nav = d.projects
    .map(
      (p) =>
        `<a href="#p-${esc(p.project)}">${esc(p.project)}</a> (<a href="#p-${esc(p.project)}-queue">queue</a>, <a href="#p-${esc(p.project)}-lineage">lineage</a>, <a href="#p-${esc(p.project)}-stages">stages</a>, <a href="#p-${esc(p.project)}-findings">findings</a>, <a href="#p-${esc(p.project)}-sync">sync</a>, <a href="#p-${esc(p.project)}-claims">claims</a>)`,
    )
    .join(" · ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>idse report</title><style>${CSS}</style></head>
<body><header><h1>idse report</h1><p class="muted">Generated ${esc(d.generated_at)} by idse ${esc(d.version)} · ${d.projects.length} project(s)</p></header>
<nav>${nav}</nav>
<h2 id="overview">Projects</h2>${overview(d)}
${sections.join("\n")}
</body></html>
`;
}
