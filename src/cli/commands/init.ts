import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type FileOutcome, writeFileSchemas, writeGovernanceDocs } from "../../agent-files.ts";
import { defaultRegistry, writeRegistry } from "../../agent-registry.ts";
import { regenerateMeta } from "../../blueprint-meta.ts";
import { REPO_CONFIG_FILE, readRepoConfig, updateRepoConfig } from "../../config.ts";
import { IdseError, notice } from "../../errors.ts";
import { assertNewId, BLUEPRINT } from "../../ids.ts";
import { beginIntent, endIntent } from "../../intent-journal.ts";
import type { InitOutput } from "../../models/outputs.ts";
import { createSession, writeCurrentSession } from "../../session-graph.ts";
import { detectStack, STACK_MARKERS } from "../../stack-detect.ts";
import { pointStateAt } from "../../stage-state.ts";
import { closeStore } from "../../store/select.ts";
import {
  findRoot,
  openWorkspaceAt,
  projectExists,
  type Workspace,
  withProjectLock,
  writeCurrentProject,
} from "../../workspace.ts";
import { type Context, defineCommand } from "../command.ts";

export type InitData = InitOutput;

export const init = defineCommand<
  {
    stack?: string;
    owner?: string;
    createAgentFiles: boolean;
    store?: string;
    storeOption: string[];
    backend?: string;
  },
  InitData
>({
  options: [
    {
      flags: "--stack <stack>",
      description:
        "Technology stack written into the templates (default: config `stack`, else detected from package.json, pyproject.toml, go.mod, …, else python)",
    },
    { flags: "--owner <owner>", description: "Owner of the blueprint session (default: config owner)" },
    { flags: "--no-create-agent-files", description: "Do not write CLAUDE.md, AGENTS.md and .cursorrules" },
    {
      flags: "--store <store>",
      description:
        "Where the documents live: filesystem (default) or a store plugin (a bundled one is installed)",
    },
    {
      flags: "--store-option <key=value>",
      description: "An option of the store, recorded in .idse/config.json (repeatable)",
      multiple: true,
    },
    {
      // The original's flag, kept for its users' scripts; it wrote the home config, this the repository's.
      flags: "--backend <backend>",
      description: "The Python original's name for --store: filesystem, or sqlite (sqlite-store)",
      choices: ["filesystem", "sqlite"],
    },
  ],
  examples: [
    "idse init customer-portal --stack typescript",
    "idse init customer-portal --store sqlite-store",
  ],
  async run(ctx, [projectArg], opts) {
    // Validate before anything touches the disk: a bad id creates nothing anywhere.
    const project = assertNewId("project", projectArg!);
    // The project init creates is its argument; a different --project was silently ignored.
    if (ctx.global.project !== undefined && ctx.global.project !== project)
      throw new IdseError("USAGE", {
        reason: `init creates the project its argument names (${project}); --project ${ctx.global.project} names another`,
      });
    const root = findRoot(ctx.global.cwd) ?? resolve(ctx.global.cwd);
    const wenv = {
      cwd: root,
      home: ctx.io.home,
      env: ctx.io.env,
      store: ctx.io.store,
      log: ctx.io.stderr,
      flags: { stack: opts.stack, owner: opts.owner },
    };
    if (opts.backend !== undefined) {
      const store = opts.backend === "sqlite" ? "sqlite-store" : "filesystem";
      if (opts.store !== undefined && opts.store !== store)
        throw new IdseError("USAGE", {
          reason: `--backend ${opts.backend} and --store ${opts.store} disagree`,
        });
      opts.store = store;
    }
    if (opts.store !== undefined) {
      // `--store`: install the bundled plugin if needed, open the store (a store that cannot be reached
      // fails here), and record it in .idse/config.json before the project is created in it.
      const { chooseStore } = await import("./init-store.ts");
      await chooseStore(ctx, root, opts.store, opts.storeOption ?? [], wenv);
    }
    const ws = openWorkspaceAt(root, wenv);
    try {
      return await initIn(ctx, ws, project, opts.createAgentFiles);
    } finally {
      await closeStore(ws.store);
    }
  },
  text(d) {
    const from = {
      flag: "",
      config: " (config `stack`)",
      detected: ` (detected from ${d.stack_file})`,
      default: ` (default: nothing in ${STACK_MARKERS.slice(0, 4).join(", ")}, … says otherwise; choose with --stack)`,
    }[d.stack_source];
    const lines = [
      `Initialised project ${d.project} in ${d.workspace}`,
      `  session: ${d.session} (current)`,
      `  stack:   ${d.stack}${from}${d.stack_recorded ? ", recorded in .idse/config.json for the sessions to come" : ""}`,
      `  owner:   ${d.owner} (the default owner of new sessions)`,
    ];
    // The file schemas are one line: eleven lines of .idse/schemas/*.json say nothing more.
    const schemas = d.files.filter((f) => f.path.includes(".idse/schemas/"));
    for (const f of d.files) if (!schemas.includes(f)) lines.push(`  ${f.action.padEnd(11)} ${f.path}`);
    if (schemas.length) {
      const action = schemas.every((f) => f.action === schemas[0]!.action) ? schemas[0]!.action : "written";
      lines.push(`  ${action.padEnd(11)} .idse/schemas/ (${schemas.length} JSON Schemas for editors)`);
    }
    lines.push(
      "",
      "Next: fill in the blueprint documents (`idse next` says which), then `idse spawn <name> --plan feature`.",
    );
    return lines.join("\n");
  },
});

/** Creates the project in the workspace's store, then the files outside it. */
async function initIn(
  ctx: Context,
  ws: Workspace,
  project: string,
  createAgentFiles: boolean,
): Promise<InitData> {
  // The stack: --stack or the config key, else what the repository's build files say, else the default
  // (said in the output, never silently).
  let stack = ws.config.values.stack;
  let stackSource: InitData["stack_source"] =
    ws.config.sources.stack === "flag"
      ? "flag"
      : ws.config.sources.stack === "default"
        ? "default"
        : "config";
  let stackFile: string | null = null;
  if (stackSource === "default") {
    const found = detectStack(ws.root);
    if (found) {
      stack = found.stack;
      stackSource = "detected";
      stackFile = found.file;
    }
  }
  const owner = ws.config.values.owner;
  if (await projectExists(ws.store, project)) throw new IdseError("PROJECT_EXISTS", { project });
  const agentFiles = createAgentFiles !== false && ws.config.values["agent_files.create"];
  if (agentFiles) {
    // A CLAUDE.md (or another instruction file) that is a link out is refused before the project
    // exists, so removing the link and running `init` again works (not PROJECT_EXISTS).
    const { assertAgentFilesInside } = await import("../../routing/sync.ts");
    await assertAgentFilesInside(ws, defaultRegistry());
  }
  mkdirSync(ws.idseDir, { recursive: true });
  const files: FileOutcome[] = [];
  await withProjectLock(ws, project, async () => {
    // Checked again under the lock: two concurrent inits of one project must not both proceed.
    if (await projectExists(ws.store, project)) throw new IdseError("PROJECT_EXISTS", { project });
    // A run killed part-way is rolled back (or finished) by the next idse run: never PROJECT_EXISTS
    // for a project that was never made (recovery.ts).
    await beginIntent(ws.store, project, { op: "project-create" });
    await createSession(ws.store, project, {
      id: BLUEPRINT,
      type: "blueprint",
      parent: null,
      owner,
      description: null,
      stack,
      now: ctx.now,
    });
    await writeRegistry(ws.store, project, defaultRegistry());
    await writeCurrentSession(ws.store, project, BLUEPRINT);
    await pointStateAt(ws.store, project, BLUEPRINT, ctx.now);
    await regenerateMeta(ws.store, project, ctx.now);
    await writeCurrentProject(ws.store, project);
    await endIntent(ws.store, project);
  });
  // A stack given or detected becomes the repository's (config key `stack`), so sessions created later
  // get the same templates and validation compares against them; without this, `spawn` after
  // `init --stack typescript` wrote "Stack: python". A stack already in the repository config stays.
  let stackRecorded = false;
  if (stackSource === "flag" || stackSource === "detected") {
    const existed = existsSync(join(ws.idseDir, REPO_CONFIG_FILE));
    stackRecorded = await updateRepoConfig(
      ws.idseDir,
      (obj) => {
        if (obj.stack !== undefined) return false;
        obj.stack = stack;
        return true;
      },
      { timeoutMs: ws.config.values["lock.timeout_ms"] },
    );
    if (stackRecorded && !existed) files.push({ path: ".idse/config.json", action: "created" });
  }
  if (stackSource === "flag" && !stackRecorded) {
    // The repository config (or IDSE_STACK, which wins over it) already names another stack: later
    // sessions get that one.
    const configured = ctx.io.env.IDSE_STACK ?? readRepoConfig(ws.idseDir)?.stack;
    if (typeof configured === "string" && configured !== stack) {
      ctx.report(notice("STACK_DIFFERS", { project, stack, configured }));
    }
  }
  files.push(...writeGovernanceDocs(ws.idseDir, false), ...(await writeFileSchemas(ws.idseDir)));
  if (agentFiles) {
    // The routing adapters' files (CLAUDE.md, AGENTS.md, .cursorrules by default), between idse's
    // markers; an existing file without markers is kept as it is.
    const { syncAgentFiles } = await import("../../routing/sync.ts");
    const synced = await syncAgentFiles(ws, project, { force: false, check: false });
    for (const d of synced.diagnostics) ctx.report(d);
    const action = { created: "created", updated: "overwritten" } as const;
    for (const f of synced.data.files) {
      files.push({ path: f.path, action: action[f.action as keyof typeof action] ?? "kept" });
    }
  }
  return {
    project,
    session: BLUEPRINT,
    workspace: ws.idseDir,
    stack,
    stack_source: stackSource,
    stack_file: stackFile,
    stack_recorded: stackRecorded,
    owner,
    files,
  };
}
