import type { AnyCommand } from "../command.ts";
import { artifactRead, artifactWrite } from "./artifact.ts";
import { configGet, configList, configSet, configUnset } from "./config.ts";
import { docsInstall, generateAgentFiles } from "./docs.ts";
import { doctor } from "./doctor.ts";
import { init } from "./init.ts";
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
import { version } from "./version.ts";

/** Every command, in the order `idse --help` lists them. */
export const COMMANDS: AnyCommand[] = [
  init,
  status,
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
  docsInstall,
  generateAgentFiles,
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
