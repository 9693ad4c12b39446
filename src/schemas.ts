import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { AgentProfileFile, CompileOutput } from "./models/agent-profile.ts";
import { AgentRegistry } from "./models/agent-registry.ts";
import * as CL from "./models/claims.ts";
import * as CO from "./models/completion.ts";
import { ConfigFile } from "./models/config.ts";
import { Envelope, envelopeOf } from "./models/envelope.ts";
import * as G from "./models/graph.ts";
import { InstallMcpOutput, McpServeOutput } from "./models/mcp.ts";
import * as OR from "./models/original.ts";
import * as O from "./models/outputs.ts";
import * as PR from "./models/outputs-project.ts";
import * as P from "./models/plugins.ts";
import * as Q from "./models/queue.ts";
import * as RP from "./models/report.ts";
import * as R from "./models/routing.ts";
import { SessionMetadata } from "./models/session-metadata.ts";
import { SessionStageState, SessionState } from "./models/session-state.ts";
import * as SP from "./models/spine.ts";
import * as ST from "./models/store.ts";
import * as S from "./models/sync.ts";
import * as TR from "./models/trust.ts";
import { ValidationReport } from "./models/validation.ts";

// Every published JSON Schema, emitted from the valibot models (never written by hand). Used by
// `npm run gen:schemas` to write schemas/ and by `idse schema` to print them from the binary; loaded
// lazily, so commands that print no schema do not pay for the converter.

export const SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

export interface SchemaEntry {
  name: string;
  kind: "file" | "output";
  /** For files: where it lives. For outputs: the commands that print it. */
  about: string;
  model: v.GenericSchema;
}

const output = (name: string, commands: string[], data: v.GenericSchema): SchemaEntry => ({
  name,
  kind: "output",
  about: commands.map((c) => `idse ${c} --json`).join(", "),
  model: envelopeOf(commands.join(" | "), data),
});

export const SCHEMAS: SchemaEntry[] = [
  {
    name: "session-state",
    kind: "file",
    about: ".idse/projects/<project>/session_state.json",
    model: SessionState,
  },
  {
    name: "stage-state",
    kind: "file",
    about: ".idse/projects/<project>/sessions/<id>/metadata/stage_state.json",
    model: SessionStageState,
  },
  {
    name: "session-metadata",
    kind: "file",
    about: ".idse/projects/<project>/sessions/<id>/metadata/session.json",
    model: SessionMetadata,
  },
  {
    name: "agent-registry",
    kind: "file",
    about: ".idse/projects/<project>/agent_registry.json",
    model: AgentRegistry,
  },
  { name: "config", kind: "file", about: ".idse/config.json and ~/.idseconfig.json", model: ConfigFile },
  { name: "agent-files", kind: "file", about: ".idse/agent_files.json", model: R.AgentFilesManifest },
  {
    name: "agent-profile",
    kind: "file",
    about:
      ".idse/projects/<project>/build/agents/<session>.profile.json and .idse/projects/<project>/build/agents/<session>.profile.yaml",
    model: AgentProfileFile,
  },
  { name: "plugins", kind: "file", about: ".idse/plugins.json", model: P.PluginsFile },
  {
    name: "sync-state",
    kind: "file",
    about: ".idse/projects/<project>/sync/<remote>.json",
    model: S.SyncStateFile,
  },
  {
    name: "last-sync",
    kind: "file",
    about: ".idse/projects/<project>/sync/<remote>.last-sync.json",
    model: S.LastSyncFile,
  },
  {
    name: "credentials",
    kind: "file",
    about: "$XDG_CONFIG_HOME/idse/credentials.json (default ~/.config/idse/credentials.json)",
    model: S.CredentialsFile,
  },
  {
    name: "personal-remotes",
    kind: "file",
    about: "$XDG_CONFIG_HOME/idse/remotes.json (default ~/.config/idse/remotes.json)",
    model: S.PersonalRemotesFile,
  },
  {
    name: "spine-proposals",
    kind: "file",
    about: ".idse/projects/<project>/sessions/__blueprint__/metadata/spine_proposals.json",
    model: SP.SpineProposalsFile,
  },
  { name: "store-export", kind: "file", about: ".idse/store-export.json", model: ST.StoreExportFile },
  { name: "original-import", kind: "file", about: ".idse/original-import.json", model: OR.ImportRecordFile },
  {
    name: "original-import-hashes",
    kind: "file",
    about: ".idse/original-import.hashes.json",
    model: OR.ImportHashesFile,
  },
  {
    name: "claims-ledger-line",
    kind: "file",
    about: "each line of .idse/projects/<project>/sessions/__blueprint__/metadata/claims.jsonl",
    model: OR.LedgerLine,
  },
  {
    name: "original-rows",
    kind: "file",
    about: ".idse/projects/<project>/original.json",
    model: OR.OriginalRowsFile,
  },
  {
    name: "trust",
    kind: "file",
    about: "$XDG_CONFIG_HOME/idse/trust.json (default ~/.config/idse/trust.json)",
    model: TR.TrustFile,
  },
  {
    name: "validation-report",
    kind: "output",
    about: "the reports inside `idse validate --json`",
    model: ValidationReport,
  },
  { name: "envelope", kind: "output", about: "every command with --json", model: Envelope },
  output("output-init", ["init"], O.InitOutput),
  output("output-status", ["status"], O.StatusOutput),
  output("output-sessions", ["sessions"], O.SessionsOutput),
  output("output-session-info", ["session-info"], O.SessionInfoOutput),
  output(
    "output-session-change",
    [
      "session create",
      "session switch",
      "spawn",
      "session set-owner",
      "session add-collaborator",
      "session remove-collaborator",
      "session set-status",
      "session set-stage",
    ],
    O.SessionChangeOutput,
  ),
  output("output-artifact", ["artifact read", "artifact write"], O.ArtifactOutput),
  output("output-files", ["docs install"], O.FilesOutput),
  output("output-agents-list", ["agents list"], R.AgentsListOutput),
  output(
    "output-agent-change",
    ["agents add", "agents remove", "agents set-mode", "agents set-role", "agents set-stages"],
    R.AgentChangeOutput,
  ),
  output("output-agents-sync", ["agents sync-files", "generate-agent-files"], R.SyncOutput),
  output("output-install-hooks", ["agents install-hooks"], R.InstallHooksOutput),
  output("output-install-mcp", ["agents install-mcp"], InstallMcpOutput),
  output("output-mcp", ["mcp"], McpServeOutput),
  output("output-route", ["route"], R.RouteOutput),
  output("output-next", ["next"], Q.NextOutput),
  output("output-graph", ["graph"], G.GraphOutput),
  output("output-report", ["report"], RP.ReportOutput),
  output("output-completion", ["completion"], CO.CompletionOutput),
  output("output-project-list", ["project list"], PR.ProjectListOutput),
  output("output-project-use", ["project use"], PR.ProjectUseOutput),
  output("output-hook", ["hook claude-pre-tool-use"], R.HookOutput),
  output("output-config-get", ["config get"], O.ConfigGetOutput),
  output("output-config-set", ["config set"], O.ConfigSetOutput),
  output("output-config-list", ["config list"], O.ConfigListOutput),
  output("output-config-unset", ["config unset"], O.ConfigUnsetOutput),
  output("output-doctor", ["doctor"], O.DoctorOutput),
  output("output-version", ["version"], O.VersionOutput),
  // Not a command of its own: the envelope's `command` is "help" (src/cli/cli.ts, helpData).
  {
    name: "output-help",
    kind: "output",
    about: "idse --help --json, idse <command> --help --json",
    model: envelopeOf("help", O.HelpOutput),
  },
  output("output-validate", ["validate"], O.ValidateOutput),
  output("output-compile", ["compile agent-spec"], CompileOutput),
  output("output-schema", ["schema list", "schema show", "schema emit"], O.SchemaOutput),
  output("output-plugin-add", ["plugin add"], P.PluginAddOutput),
  output("output-plugin-change", ["plugin remove", "plugin enable", "plugin disable"], P.PluginChangeOutput),
  output("output-plugin-list", ["plugin list"], P.PluginListOutput),
  output("output-plugin-info", ["plugin info"], P.PluginInfoOutput),
  output("output-plugin-verify", ["plugin verify"], P.PluginVerifyOutput),
  output("output-trust", ["trust"], TR.TrustOutput),
  output("output-sync-status", ["sync status"], S.SyncStatusOutput),
  output("output-sync", ["sync push", "sync pull"], S.SyncOutput),
  output("output-remote-list", ["remote list"], S.RemoteListOutput),
  output("output-remote-change", ["remote add", "remote remove"], S.RemoteChangeOutput),
  output("output-store-info", ["store info"], ST.StoreInfoOutput),
  output("output-store-migrate", ["store migrate"], ST.StoreMigrateOutput),
  output("output-store-export", ["store export"], ST.StoreExportOutput),
  output("output-store-import", ["store import"], ST.StoreImportOutput),
  output("output-import-original", ["import-original"], OR.ImportOriginalOutput),
  output("output-spine", ["spine"], SP.SpineOutput),
  output("output-blueprint-claims", ["blueprint claims"], CL.ClaimsOutput),
  output(
    "output-blueprint-claim-change",
    ["blueprint declare", "blueprint reinforce", "blueprint demote"],
    CL.ClaimChangeOutput,
  ),
  output("output-blueprint-promote", ["blueprint promote"], CL.PromoteOutput),
  output("output-blueprint-verify", ["blueprint verify"], CL.VerifyOutput),
  output("output-blueprint-candidates", ["blueprint extract-candidates"], CL.CandidatesOutput),
  output("output-blueprint-explain", ["blueprint explain"], CL.ExplainOutput),
  output("output-spine-check", ["spine check"], SP.SpineCheckOutput),
  output("output-spine-proposal", ["spine propose", "spine accept", "spine reject"], SP.SpineProposalOutput),
  output("output-spine-proposals", ["spine proposals"], SP.SpineProposalsOutput),
];

/** The output schema that describes `idse <command> --json`. */
export function outputSchemaFor(command: string): SchemaEntry | undefined {
  return SCHEMAS.find(
    (s) =>
      s.kind === "output" &&
      s.name !== "envelope" &&
      (s.about.split(", ").includes(`idse ${command} --json`) ||
        (command === "help" && s.name === "output-help")),
  );
}

export function schemaId(name: string): string {
  return `urn:idse:schema:${name}`;
}

/** The JSON Schema document for one entry, as written to schemas/<name>.schema.json. */
export function emitSchema(entry: SchemaEntry): Record<string, unknown> {
  const body = toJsonSchema(entry.model, { target: "draft-2020-12", errorMode: "throw" }) as Record<
    string,
    unknown
  >;
  const { $schema: _dialect, ...rest } = body;
  return {
    $schema: SCHEMA_DIALECT,
    $id: schemaId(entry.name),
    title: entry.name,
    ...rest,
    description:
      `${String(rest.description ?? "")} (${entry.kind === "file" ? "file" : "output of"}: ${entry.about})`.trim(),
  };
}

export function schemaText(entry: SchemaEntry): string {
  return `${JSON.stringify(emitSchema(entry), null, 2)}\n`;
}
