import { IdseError } from "../../errors.ts";
import type { TrustOutput } from "../../models/trust.ts";
import { recoverIfNeeded } from "../../plugins/journal.ts";
import { NPMRC, workspaceRunnables } from "../../plugins/runnables.ts";
import {
  approve,
  describeRunnable,
  isApproved,
  readTrust,
  repoKey,
  revoke,
  trustPath,
  trustsAll,
} from "../../plugins/trust.ts";
import { defineCommand } from "../command.ts";

// `idse trust`: what code this repository would make idse run (installed plugins that are not this
// binary's own copy, remotes' MCP stdio commands), and this user's approval of exactly that, recorded in
// the user's config directory (docs/security.md). Running it is the approval, as with `direnv allow`;
// `--show` only shows. Nothing here loads or runs any of that code.

export const trust = defineCommand<{ revoke?: boolean; show?: boolean }, TrustOutput>({
  options: [
    { flags: "--show", description: "Show what would run and whether it is approved; record nothing" },
    { flags: "--revoke", description: "Remove this user's approval of this repository" },
  ],
  examples: ["idse trust --show", "idse trust", "idse trust --revoke"],
  async run(ctx, _args, o) {
    if (o.show && o.revoke)
      throw new IdseError("USAGE", { reason: "--show and --revoke do not go together" });
    const ws = ctx.workspace();
    const te = { env: ctx.io.env, home: ctx.io.home };
    const base = {
      repository: repoKey(ws.root),
      all: trustsAll(ctx.io.env),
      file: trustPath(te),
    };
    if (o.revoke) {
      const had = await revoke(te, ws.root);
      const message = had
        ? `Revoked your approval of ${base.repository}; its plugins and commands will not run until \`idse trust\`.`
        : `You had not approved ${base.repository}; nothing to revoke.`;
      return { ...base, action: had ? "revoked" : "unchanged", trusted: base.all, runs: [], message };
    }
    await recoverIfNeeded(ws.idseDir, ws.config.values["lock.timeout_ms"]);
    const items = await workspaceRunnables(ws);
    const rec = readTrust(te).repositories[base.repository];
    const before = items.map((r) => ({ ...r, approved: isApproved(rec, r) }));
    const allApproved = before.every((r) => r.approved);
    if (o.show) {
      const message = !items.length
        ? "This repository brings no code of its own: nothing needs your approval."
        : allApproved
          ? "You have approved everything this repository runs."
          : "Not approved yet; `idse trust` approves exactly what is listed.";
      return { ...base, action: "shown", trusted: allApproved || base.all, runs: before, message };
    }
    if (allApproved && rec) {
      const message = "Already approved; nothing changed.";
      return { ...base, action: "unchanged", trusted: true, runs: before, message };
    }
    await approve(te, ws.root, items, ctx.now, true);
    const message = items.length
      ? `Approved ${items.length} item(s) for ${base.repository}: ${items.map(describeRunnable).join("; ")}.`
      : `Approved ${base.repository} (it brings no code of its own).`;
    return {
      ...base,
      action: "trusted",
      trusted: true,
      runs: items.map((r) => ({ ...r, approved: true })),
      message,
    };
  },
  text: (d) => {
    const lines = [d.message];
    for (const r of d.runs) {
      const mark = r.approved ? "approved" : "NOT APPROVED";
      if (r.kind === "plugin") {
        lines.push(
          `  ${mark.padEnd(12)} plugin ${r.name} ${r.version} (${r.plugin_kind})`,
          `               source:    ${r.source}`,
          `               integrity: ${r.integrity}`,
          `               host.env:  ${r.env?.join(", ") || "none"}; host.fetch: ${r.hosts?.join(", ") || "none"}`,
        );
      } else if (r.kind === "endpoint" && r.name === NPMRC) {
        lines.push(
          `  ${mark.padEnd(12)} the repository's .npmrc: ${r.hosts?.join(", ") || "no registry of its own"} (\`plugin add\` asks there, with the credentials and certificates it names)`,
          ...Object.entries(r.files ?? {}).map(([f, h]) => `               ${f}: ${h}`),
        );
      } else if (r.kind === "endpoint") {
        lines.push(
          `  ${mark.padEnd(12)} remote ${r.name} reaches: ${r.hosts?.join(", ")} (your credentials go there)`,
        );
      } else {
        lines.push(
          `  ${mark.padEnd(12)} remote ${r.name} runs: ${(r.command ?? []).join(" ")}${r.cwd ? ` (in ${r.cwd})` : ""}`,
          ...Object.entries(r.files ?? {}).map(([f, h]) => `               ${f}: ${h}`),
        );
      }
    }
    if (d.all) lines.push("IDSE_TRUST=all is set: every repository is trusted.");
    return lines.join("\n");
  },
});
