import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { IdseError } from "../../errors.ts";
import type { ReportOutput } from "../../models/report.ts";
import { writeFileAtomic } from "../../store/atomic-file.ts";
import { VERSION } from "../../version.ts";
import { defineCommand } from "../command.ts";

// `idse report`: one self-contained HTML page of the workspace (src/report/): the projects, the session
// lineage drawn, the stage matrix, validation findings per session linked to their lines, sync state,
// the queue, the Product Spine and the blueprint's claims. It reads only; the page is written atomically inside the repository.

export const report = defineCommand<{ out?: string }, ReportOutput>({
  options: [
    {
      flags: "--out <file>",
      description: "Where to write the page, inside the repository (default: .idse/report.html)",
    },
  ],
  examples: ["idse report", "idse report --out docs/status.html --project shop"],
  async run(ctx, _args, o) {
    const ws = ctx.workspace();
    const out = resolve(ctx.global.cwd, o.out ?? join(ws.root, ".idse", "report.html"));
    const rel = relative(ws.root, out);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new IdseError("OUTPUT_OUTSIDE_REPO", { option: "--out", file: o.out ?? out, root: ws.root });
    }
    const only = ctx.global.project !== undefined ? await ctx.project() : undefined;
    const { collectReport } = await import("../../report/data.ts");
    const { reportHtml } = await import("../../report/html.ts");
    const data = await collectReport(ws.store, {
      stack: ws.config.values.stack,
      now: ctx.now,
      version: VERSION,
      only,
    });
    const dir = dirname(out);
    const html = reportHtml(data, {
      // Relative links: they work from the file on disk and from the repository on a forge (#L12).
      link: (file, line) =>
        `${relative(dir, join(ws.root, file)).split("\\").join("/")}${line ? `#L${line}` : ""}`,
    });
    // Bounded by the repository, symlinks resolved: `--out docs/x.html` with docs/ a link out is refused.
    writeFileAtomic(out, html, ws.root);
    for (const p of data.projects) {
      // A ledger that fails verification is drawn on the page; say so here too, or only readers see it.
      if (p.claims.error)
        ctx.report({ severity: "warning", ...p.claims.error, file: p.claims.file, project: p.project });
    }
    const reports = data.projects.flatMap((p) => p.reports);
    return {
      file: rel.split("\\").join("/"),
      bytes: Buffer.byteLength(html),
      projects: data.projects.map((p) => p.project),
      sessions: data.projects.reduce((a, p) => a + p.graph.nodes.length, 0),
      errors: reports.reduce((a, r) => a + r.errors, 0),
      warnings: reports.reduce((a, r) => a + r.warnings, 0),
      claims: data.projects.reduce(
        (a, p) => a + p.claims.claims.filter((c) => c.status === "active").length,
        0,
      ),
    };
  },
  text: (d) =>
    `Wrote ${d.file} (${Math.ceil(d.bytes / 1024)} KB): ${d.projects.join(", ")}, ${d.sessions} session(s), ${d.errors} error(s), ${d.warnings} warning(s), ${d.claims} active claim(s). Open it in a browser.`,
});
