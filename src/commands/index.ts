import type { AnyCommand } from "../command.ts";
import {
  agentsAdd,
  agentsList,
  agentsRemove,
  agentsSetMode,
  agentsSetRole,
  agentsSetStages,
  agentsSyncFiles,
  generateAgentFiles,
} from "./agents.ts";
import { artifactRead, artifactWrite } from "./artifact.ts";
import { compileAgentSpec } from "./compile.ts";
import { configGet, configList, configSet, configUnset } from "./config.ts";
import { docsInstall } from "./docs.ts";
import { doctor } from "./doctor.ts";
import { agentsInstallHooks, hookClaudePreToolUse } from "./hook.ts";
import { init } from "./init.ts";
import { route } from "./route.ts";
import { schemaEmit, schemaList, schemaShow } from "./schema.ts";
import {
  sessionAddCollaborator,
  sessionCreate,
  sessionRemoveCollaborator,
  sessionSetOwner,
  sessionSetStage,
  sessionSetStatus,
  sessionSwitch,
  spawn,
} from "./session.ts";
import { sessionInfo, sessions } from "./sessions.ts";
import { status } from "./status.ts";
import { validate } from "./validate.ts";
import { version } from "./version.ts";

/** Every command, in the order `idse --help` lists them. */
export const COMMANDS: AnyCommand[] = [
  init,
  status,
  validate,
  sessions,
  sessionInfo,
  sessionCreate,
  sessionSwitch,
  spawn,
  sessionSetOwner,
  sessionAddCollaborator,
  sessionRemoveCollaborator,
  sessionSetStatus,
  sessionSetStage,
  artifactRead,
  artifactWrite,
  compileAgentSpec,
  docsInstall,
  generateAgentFiles,
  agentsList,
  agentsAdd,
  agentsRemove,
  agentsSetMode,
  agentsSetRole,
  agentsSetStages,
  agentsSyncFiles,
  agentsInstallHooks,
  route,
  hookClaudePreToolUse,
  configGet,
  configSet,
  configList,
  configUnset,
  doctor,
  schemaList,
  schemaShow,
  schemaEmit,
  version,
];
